"""Never lose work: an edit survives SIGKILL, a refused write is kept and saved later, a
damaged project offers its last good backup."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from ner_studio.core.store import project_rows
from ner_studio.core.store.project import Project
from ner_studio.core.text.spans import Span
from ner_studio.gui.shell import qt_dialogs
from tests.gui.conftest import backed_up_project

# Runs the real app in a child process, labels "Thursday" by a key press in the text view,
# says so, and keeps running until it is killed.
CHILD = textwrap.dedent("""
    import sys
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from ner_studio.gui import app

    app.bundled_model_path = lambda: None  # no tagging: the edit is the only change
    qt_app = app.application()
    window = app.create_main_window([])
    window.activateWindow()
    QTest.qWaitForWindowActive(window)  # shortcuts reach only the active window
    view = window.view
    start = window.doc.text.index("Thursday")
    view.setFocus()
    view.select_range(start, start + 2)
    QTest.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton)  # snaps to the token
    QTest.keyClick(view, Qt.Key.Key_2)
    span = window.doc.span_at(start)
    print("EDITED", span.start, span.end, span.label, flush=True)
    sys.exit(qt_app.exec())
""")


def test_an_edit_survives_sigkill(start_window, user_dirs, tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    with subprocess.Popen([sys.executable, "-c", CHILD], env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) as child:  # closes the pipes
        try:
            line = child.stdout.readline()
            child.send_signal(signal.SIGKILL)  # right after the edit, no clean shutdown
            child.wait(timeout=20)
        finally:
            if child.poll() is None:
                child.kill()
        errors = child.stderr.read()
    assert line.startswith("EDITED"), errors
    _, start, end, label = line.split()
    window = start_window()  # the next start opens the same project
    assert window.doc.span_at(int(start)) == Span(int(start), int(end), label)


def test_a_refused_write_is_kept_and_saved_later(start_window, qtbot, dialogs, monkeypatch):
    window = start_window()
    real_apply = project_rows.SpansDelta.apply

    def disk_full(self, conn):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(project_rows.SpansDelta, "apply", disk_full)
    start = window.doc.text.index("Thursday")
    window.view.setFocus()
    window.view.select_range(start, start + len("Thursday"))
    qtbot.keyClick(window.view, Qt.Key.Key_2)
    assert any("disk is full" in text for text in dialogs)
    assert window.doc.span_at(start).label == "LOC"  # the edit stays on screen and in memory
    assert "NOT saved" in window.status_line.saved_label.text()

    monkeypatch.setattr(project_rows.SpansDelta, "apply", real_apply)  # space was freed
    # Save flushes the kept edits first; the file dialog that follows is cancelled.
    monkeypatch.setattr(qt_dialogs.ExportDialog, "exec", lambda dialog: QDialog.DialogCode.Rejected)
    qtbot.keyClick(window.view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert window.status_line.saved_label.text() == "All edits saved"
    window.close()
    again = start_window()
    assert again.workspace.document(window.doc.doc_id).span_at(start).label == "LOC"


def test_a_damaged_project_offers_its_last_good_backup(start_window, dialogs):
    doc_id, text, path = backed_up_project(start_window)
    with open(path, "r+b") as stream:  # wreck the header and the first pages
        stream.write(b"\x00garbage" * 512)
    restored = start_window()
    assert any("damaged" in text for text in dialogs), dialogs
    assert restored.workspace.project.path == path
    assert restored.workspace.document(doc_id).text == text


def test_a_read_only_project_keeps_edits_until_save_as(start_window, qtbot, dialogs, monkeypatch, tmp_path):
    window = start_window()
    real_apply = project_rows.SpansDelta.apply

    def read_only(self, conn):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(project_rows.SpansDelta, "apply", read_only)
    window.view.setFocus()
    edited = []
    for word, key in (("Thursday", Qt.Key.Key_2), ("Wednesday", Qt.Key.Key_3)):
        start = window.doc.text.index(word)
        window.view.select_range(start, start + len(word))
        qtbot.keyClick(window.view, key)
        edited.append(window.doc.span_at(start))
    assert sum("read-only" in text for text in dialogs) == 1  # one dialog, not one per edit
    assert window.status_line.saved_label.text().startswith("2 edits NOT saved")

    copy = tmp_path / "elsewhere" / "copy.nerstudio"
    monkeypatch.setattr(project_rows.SpansDelta, "apply", real_apply)  # the new place is writable
    assert window.files.save_project_to(copy)
    assert window.workspace.project.path == copy and window.status_line.saved_label.text() == "All edits saved"
    with Project.open(copy, read_only=True) as stored:
        spans = stored.load_document(window.doc.doc_id).spans
    assert all(span in spans for span in edited)


def test_closing_with_unsaved_edits_then_cancel_leaves_the_window_working(start_window, qtbot, dialogs, monkeypatch):
    """Close (the window, or the project) when edits cannot be written asks; Cancel keeps the
    project open as it was: the document list still counts each edit, and a later close saves."""
    from PySide6.QtWidgets import QMessageBox

    window = start_window()
    doc = window.doc
    real_apply = project_rows.SpansDelta.apply
    monkeypatch.setattr(project_rows.SpansDelta, "apply", lambda self, conn: (_ for _ in ()).throw(
        sqlite3.OperationalError("database or disk is full")))
    start = doc.text.index("Thursday")
    window.view.setFocus()
    window.view.select_range(start, start + len("Thursday"))
    qtbot.keyClick(window.view, Qt.Key.Key_2)
    asked = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *args: asked.append(text) or
                        QMessageBox.StandardButton.Cancel)
    assert not window.close() and window.isVisible()
    assert "Close anyway and lose 1 edit?" in asked[0]
    free = next(i for i, word in enumerate(doc.tokens) if doc.text[word.start:word.end] == "on"
                and not doc.spans_between(word.start, word.end))
    window.view.setFocus()
    window.view.select_range(doc.tokens[free].start, doc.tokens[free].end)
    qtbot.keyClick(window.view, Qt.Key.Key_1)  # the analyst goes on
    assert window.workspace.summary(doc.doc_id).entity_count == len(doc.spans)

    monkeypatch.setattr(project_rows.SpansDelta, "apply", real_apply)  # space was freed
    path = window.workspace.project.path
    window.close()
    assert not window.isVisible()
    with Project.open(path, read_only=True) as stored:
        spans = stored.load_document(doc.doc_id).spans
    assert Span(start, start + len("Thursday"), "LOC") in spans
    assert any(s.start == doc.tokens[free].start and s.label == "PER" for s in spans)
