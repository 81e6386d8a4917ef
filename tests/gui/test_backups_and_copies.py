"""The app offers the newest good backup when a document cannot be read, and saves
consistent copies of the project (issue 12)."""

from __future__ import annotations

import sqlite3

from ner_studio.core.store.project import Project
from tests.gui.conftest import backed_up_project


def test_an_unreadable_document_offers_the_newest_good_backup(start_window, dialogs):
    doc_id, text, path = backed_up_project(start_window)
    conn = sqlite3.connect(path, isolation_level=None)  # bytes inside the document, not the pages
    conn.execute("UPDATE document_contents SET tokens = x'010203' WHERE document_id = ?", (doc_id,))
    conn.close()
    restored = start_window()
    assert any("cannot be read" in shown and ".bak1" in shown for shown in dialogs), dialogs
    assert restored.workspace.project.path == path
    assert restored.workspace.document(doc_id).text == text


def test_save_a_copy_keeps_working_in_the_project(start_window, tmp_path):
    window = start_window()
    project = window.workspace.project
    assert window.actions_["save_copy"].text() == "Save a &Copy…"
    out = tmp_path / "copy.nerstudio"
    assert window.files.save_project_copy_to(out)
    assert window.workspace.project is project and not project.closed
    with Project.open(out, read_only=True) as copy:
        assert [s.name for s in copy.document_summaries()] == [s.name for s in project.document_summaries()]


def test_opening_a_project_backs_it_up_in_a_worker_not_before_the_window(start_window, qtbot, monkeypatch):
    import ner_studio.core.store.project_files as project_files

    window = start_window()
    path = window.workspace.project.path
    window.close()
    threads = []
    real_check = project_files.full_check

    def check(conn):
        import threading

        threads.append(threading.current_thread().name)
        return real_check(conn)

    monkeypatch.setattr(project_files, "full_check", check)
    again = start_window()  # reopening: the full check and the copy run after the window is up
    qtbot.waitUntil(lambda: not again.backups.running(), timeout=20_000)
    assert threads and "MainThread" not in threads
    backup = path.with_name(path.name + ".bak1")
    assert backup.is_file()
    with Project.open(backup, read_only=True) as copy:
        assert [s.name for s in copy.document_summaries()] == [
            s.name for s in again.workspace.project.document_summaries()]
