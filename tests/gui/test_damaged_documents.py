"""Whatever reads a document that cannot be read (export, review, training, showing it), the
app offers the newest good backup, as opening a damaged project does (issue 12)."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtWidgets import QMessageBox

from ner_studio.core.errors import CorruptProjectError

SECOND = "Karin Olsson visited Lisbon on Thursday ."


@pytest.fixture
def damaged(start_window, idle):
    """``(window, second_id, path)``: a project of two documents with a good backup, whose
    second document (not the one shown) has damaged bytes."""
    window = start_window()
    first = window.doc.doc_id
    [second] = window.workspace.add_text(SECOND, "second")
    idle(window)
    window.show_document(first)  # the project reopens on the first document
    window.close()
    again = start_window()  # reopening writes the first backup (closing waits for it)
    path = again.workspace.project.path
    again.close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("UPDATE document_contents SET tokens = x'010203' WHERE document_id = ?", (second,))
    conn.close()
    window = start_window()
    assert window.doc.doc_id == first
    return window, second, path


def backup_offers(dialogs):
    return [shown for shown in dialogs if "cannot be read" in shown and ".bak1" in shown]


def test_an_export_that_meets_a_damaged_document_offers_the_backup(damaged, dialogs, qtbot, tmp_path):
    window, second, path = damaged
    workspace = window.workspace
    assert not workspace.export(workspace.document_ids(), tmp_path / "all.conll", "conll", "iob2")
    qtbot.waitUntil(lambda: bool(backup_offers(dialogs)), timeout=10_000)
    # Yes (the dialogs fixture's answer): the backup replaced the project, and the document reads.
    assert window.workspace is not workspace and window.workspace.project.path == path
    assert window.workspace.document(second).text == SECOND
    assert len(backup_offers(dialogs)) == 1 and not any("Export failed" in shown for shown in dialogs)


def test_readers_meeting_the_damage_before_an_answer_get_one_offer(damaged, dialogs, qtbot, monkeypatch):
    window, second, path = damaged
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.StandardButton.No)
    offered = []
    monkeypatch.setattr(window.files, "offer_backup", offered.append)
    workspace = window.workspace
    for _ in range(3):  # e.g. the review queue and the train action, one after the other
        with pytest.raises(CorruptProjectError):
            workspace.document(second)
    qtbot.waitUntil(lambda: bool(offered), timeout=10_000)
    qtbot.wait(50)
    assert len(offered) == 1 and offered[0].backup == path.with_name(path.name + ".bak1")
    assert window.workspace is workspace  # nothing else changed


def test_showing_a_damaged_document_offers_the_backup_at_once(damaged, dialogs):
    window, second, path = damaged
    window.show_document(second)
    assert len(backup_offers(dialogs)) == 1
    assert window.workspace.document(second).text == SECOND


def test_backups_that_stop_rotating_say_so_in_the_status_bar(damaged, start_window, qtbot):
    """Issue 24: a damaged document stopped the rotating backups without a word."""
    window, second, path = damaged
    window.workspace.project.rename_document(window.doc.doc_id, "renamed")  # work goes on: a backup is due
    window.close()
    again = start_window()
    qtbot.waitUntil(lambda: "not backed up" in again.statusBar().currentMessage(), timeout=20_000)
    message = again.statusBar().currentMessage()
    assert f"document {second} cannot be read" in message and ".bak1, is from" in message
