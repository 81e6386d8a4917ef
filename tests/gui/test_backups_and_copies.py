"""The app offers the newest good backup when a document cannot be read, and saves
consistent copies of the project (issue 12)."""

from __future__ import annotations

import sqlite3

from ner_studio.core.project import Project


def test_an_unreadable_document_offers_the_newest_good_backup(start_window, dialogs):
    window = start_window()
    doc_id, text = window.doc.doc_id, window.doc.text
    window.close()
    again = start_window()  # opening an existing project writes its backup
    path = again.workspace.project.path
    again.close()
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
    assert window.save_project_copy_to(out)
    assert window.workspace.project is project and not project.closed
    with Project.open(out, read_only=True) as copy:
        assert [s.name for s in copy.document_summaries()] == [s.name for s in project.document_summaries()]
