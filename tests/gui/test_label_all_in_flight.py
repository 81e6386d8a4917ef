"""Label All while its write is still in flight: the project's writer thread commits the step
(core/store/journal_writer.py) and the window goes on. Undo and redo stay whole meanwhile,
closing the window waits for the write, and a write that fails is shown and kept. Through
the window's actions and keys; another program holds the project's lock to keep the write
in flight (tests/core/store/test_journal_writer.LockHolder)."""

from __future__ import annotations

import sqlite3
import threading

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog

from ner_studio.core.store import project_rows
from ner_studio.core.store.project import Project
from ner_studio.core.text.document import Document
from ner_studio.core.text.spans import Source
from ner_studio.gui.corpus import qt_label_all
from ner_studio.gui.shell import qt_dialogs
from tests.core.store.test_journal_writer import LockHolder

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
OTHER = "Flights to Lisbon resumed . Lisbon airport reopened ."


def press(key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(QApplication.focusWidget(), key, modifiers)


def prepared(window, monkeypatch) -> int:
    """A document in the project but not open, with two "Lisbon"s; the shown sample's first
    "Lisbon" selected; the preview answered LOC, Apply. Returns the other document's id."""
    [other_id] = window.workspace.project.add_documents([Document.from_text(OTHER, name="other")])
    first = window.doc.text.index("Lisbon")
    window.view.setFocus()
    window.view.select_range(first, first + len("Lisbon"))

    def apply(dialog):
        dialog.label.setCurrentText("LOC")
        return True

    monkeypatch.setattr(qt_label_all.LabelAllDialog, "exec", apply)
    return other_id


def lisbons(doc) -> list[tuple[int, str, Source]]:
    return [(s.start, s.label, s.source) for s in doc.spans if doc.text[s.start:s.end] == "Lisbon"]


def as_stored(path, doc_id: int):
    """``doc_id``'s spans as another window reads them from the project file."""
    with Project.open(path, read_only=True, keep_backups=0) as other:
        return other.load_document(doc_id).spans


def test_undo_and_redo_while_the_step_is_written_stay_whole(start_window, qtbot, monkeypatch):
    window = start_window()
    project, doc = window.workspace.project, window.doc
    other_id = prepared(window, monkeypatch)
    before = doc.spans
    with LockHolder(project.path):
        window.actions_["label_all"].trigger()
        assert project.writing  # the window goes on while the step waits for the lock
        assert window.status_line.saved_label.text() == "Saving…"  # not "saved" before it is
        labelled = doc.spans
        assert lisbons(doc) and all(label == "LOC" and source == Source.HUMAN for _, label, source in lisbons(doc))
        stack = window.workspace.undo_stack(doc.doc_id)
        assert stack.count() == 1 and window.actions_["undo"].text().startswith("&Undo Label All 'Lisbon'")
        press(Qt.Key.Key_Z, CTRL)  # this document's part taken back: one step
        assert doc.spans == before
        press(Qt.Key.Key_Z, CTRL | SHIFT)
        assert doc.spans == labelled
        assert project.writing  # all of it waited behind the step, in order
    qtbot.waitUntil(lambda: not project.writing and project.pending_count == 0)
    assert as_stored(project.path, doc.doc_id) == doc.spans == labelled
    assert [(OTHER[s.start:s.end], s.label) for s in as_stored(project.path, other_id)] == [
        ("Lisbon", "LOC"), ("Lisbon", "LOC")]
    assert window.status_line.saved_label.text() == "All edits saved"


def test_undo_label_all_right_after_it_takes_back_the_whole_step(start_window, qtbot, monkeypatch):
    window = start_window()
    project, doc = window.workspace.project, window.doc
    other_id = prepared(window, monkeypatch)
    before, stored_before = doc.spans, as_stored(project.path, other_id)
    with LockHolder(project.path, seconds=0.5):  # lets go while the undo waits for the step
        window.actions_["label_all"].trigger()
        assert project.writing
        window.actions_["undo_label_all"].trigger()
    assert doc.spans == before and not window.actions_["undo_label_all"].isEnabled()
    qtbot.waitUntil(lambda: not project.writing)
    assert as_stored(project.path, doc.doc_id) == before
    assert as_stored(project.path, other_id) == stored_before


def test_closing_the_window_while_the_step_is_written_loses_nothing(start_window, monkeypatch):
    window = start_window()
    project, doc_id = window.workspace.project, window.doc.doc_id
    other_id = prepared(window, monkeypatch)
    with LockHolder(project.path, seconds=0.5):  # lets go while closing waits for the write
        window.actions_["label_all"].trigger()
        assert project.writing
        labelled = window.doc.spans
        window.close()
    assert project.closed
    again = start_window()  # the next start opens the same project
    assert again.workspace.document(doc_id).spans == labelled
    assert [s.label for s in again.workspace.document(other_id).spans] == ["LOC", "LOC"]


def test_a_step_the_writer_thread_cannot_save_is_shown_and_kept_until_saved(start_window, qtbot, dialogs,
                                                                            monkeypatch):
    window = start_window()
    project, doc = window.workspace.project, window.doc
    other_id = prepared(window, monkeypatch)
    real_apply = project_rows.SpansDelta.apply

    def disk_full(self, conn):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(project_rows.SpansDelta, "apply", disk_full)
    window.actions_["label_all"].trigger()
    qtbot.waitUntil(lambda: any("disk is full" in text for text in dialogs))  # shown once it landed
    assert not project.writing and project.pending_count == 2
    assert "NOT saved" in window.status_line.saved_label.text()
    labelled = doc.spans
    assert all(label == "LOC" for _, label, _ in lisbons(doc))  # kept on screen and in memory

    monkeypatch.setattr(project_rows.SpansDelta, "apply", real_apply)  # space was freed
    monkeypatch.setattr(qt_dialogs.ExportDialog, "exec", lambda dialog: QDialog.DialogCode.Rejected)
    window.view.setFocus()
    press(Qt.Key.Key_S, CTRL)  # Save writes the kept edits first
    assert window.status_line.saved_label.text() == "All edits saved"
    assert as_stored(project.path, doc.doc_id) == labelled
    assert [s.label for s in as_stored(project.path, other_id)] == ["LOC", "LOC"]


def journal_threads() -> set:
    return {t for t in threading.enumerate() if t.name.startswith("ner-studio-journal")}


def test_the_writer_thread_is_ready_before_the_first_label_all(start_window, qtbot, monkeypatch):
    """The window starts the project's writer thread, and its connection, when it takes the
    project: the first Label All neither starts a thread nor connects on the UI thread."""
    window = start_window()
    project = window.workspace.project
    qtbot.waitUntil(lambda: bool(journal_threads()) and project._journal_writer._conn is not None)
    ready, conn = journal_threads(), project._journal_writer._conn
    other_id = prepared(window, monkeypatch)
    window.actions_["label_all"].trigger()
    assert journal_threads() == ready  # no thread started by the step
    qtbot.waitUntil(lambda: not project.writing)
    assert project._journal_writer._conn is conn
    assert [s.label for s in as_stored(project.path, other_id)] == ["LOC", "LOC"]
