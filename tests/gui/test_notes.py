"""Notes through the real window: Add Note on an entity (typed into the dialog), shown in the
details pane and marked in the text, listed in the Notes dock (a click goes there), resolved
from the details pane (the dock and the "Open notes" document filter drop it); nothing typed is
lost (a failed save keeps the dialog, Cancel asks); another annotator's note arrives live."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from ner_studio.core.errors import ProjectError
from ner_studio.core.store.project import Project
from ner_studio.gui.notes.qt_note_dialog import NoteDialog
from ner_studio.gui.team import qt_team

from tests.gui.test_live_updates import WAIT, make_project


def select_entity(window):
    span = window.doc.spans[0]
    window.view.select_range(span.start, span.end)
    window.view.setFocus()
    return span


def type_note(qtbot, text: str, *, then=lambda dialog: dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()):
    """Once the note dialog is up: type ``text`` where the keyboard is, then ``then(dialog)``."""
    seen = []

    def fill():
        dialog = QApplication.activeModalWidget()
        focus = QApplication.focusWidget()
        if not isinstance(dialog, NoteDialog) or focus is None or focus.window() is not dialog:
            QTimer.singleShot(20, fill)  # until it is up, with the keyboard in it
            return
        seen.append(dialog)
        QTest.keyClicks(QApplication.focusWidget(), text)
        then(dialog)

    QTimer.singleShot(0, fill)
    return seen


def add_note_by_keyboard(window, qtbot, text: str) -> None:
    type_note(qtbot, text)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_N,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)


def test_a_note_goes_from_the_dialog_to_the_details_the_text_the_dock_and_the_filter(start_window, qtbot):
    window = start_window()
    first = window.doc.doc_id
    span = select_entity(window)
    add_note_by_keyboard(window, qtbot, "Is this the mayor or her aunt?")
    [note] = window.workspace.project.notes()
    assert (note.text, note.start, note.end, note.author) == (
        "Is this the mayor or her aunt?", span.start, span.end, window.workspace.project.annotator)
    section = window.notes.section
    assert section.title.text() == "Notes on this entity" and section.list.count() == 1
    assert "Is this the mayor or her aunt?" in section.list.item(0).text()
    assert window.view.marks() == [(span.start, span.end)]

    window.workspace.add_text("A second story about Madrid .", "second")
    qtbot.waitUntil(lambda: not window.workspace.is_predicting() and not window.workspace.is_importing())
    window.show_document(window.workspace.document_ids()[-1])
    assert window.doc.doc_id != first and window.view.marks() == []
    window.actions_["show_notes"].trigger()
    table = window.notes.panel.table
    assert window.notes.dock.isVisible() and table.model().rowCount() == 1
    assert table.model().index(0, 0).data() == window.workspace.summary(first).name
    window.activateWindow()  # (the note dialog has gone) View > Notes left the keyboard in its filter
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.notes.panel.query)
    QTest.keyClicks(window.notes.panel.query, "zebra")
    assert table.model().rowCount() == 0
    window.notes.panel.query.clear()
    QTest.keyClicks(window.notes.panel.query, "MAYOR")
    assert table.model().rowCount() == 1
    QTest.keyClick(window.notes.panel.query, Qt.Key.Key_Return)  # into the table, then Enter goes there
    qtbot.waitUntil(lambda: QApplication.focusWidget() is table)
    QTest.keyClick(table, Qt.Key.Key_Return)
    assert window.doc.doc_id == first and window.view.selection() == (span.start, span.end)
    window.show_document(window.workspace.document_ids()[-1])
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(table.model().index(0, 1)).center())
    assert window.doc.doc_id == first and window.view.selection() == (span.start, span.end)

    pane = window.document_tools.pane
    qtbot.mouseClick(pane.noted, Qt.MouseButton.LeftButton)
    listed = window.documents.model()
    assert pane.noted.isChecked() and listed.rowCount() == 1 and window.documents.doc_id_at(listed.index(0, 0)) == first

    qtbot.mouseClick(section.resolve, Qt.MouseButton.LeftButton)
    assert window.workspace.project.notes()[0].resolved
    assert table.model().rowCount() == 0 and listed.rowCount() == 0 and window.view.marks() == []
    assert section.resolve.text() == "Reopen" and "resolved" in section.list.item(0).text()
    qtbot.mouseClick(window.notes.panel.resolved, Qt.MouseButton.LeftButton)  # Show resolved
    assert table.model().rowCount() == 1 and table.model().index(0, 1).data().startswith("✓")


def test_a_document_note_edited_deleted_and_brought_back_by_undo(start_window, qtbot, dialogs):
    window = start_window()
    outside = next(i for i, c in enumerate(window.doc.text) if c == " " and window.doc.span_at(i) is None)
    window.view.select_range(outside, outside)  # the caret on no entity: a note on the document
    window.view.setFocus()
    add_note_by_keyboard(window, qtbot, "The whole story is from a press release.")
    [note] = window.workspace.project.notes()
    assert note.on_document and window.notes.section.title.text() == "Notes on this document"

    type_note(qtbot, " Checked.")
    qtbot.mouseClick(window.notes.section.edit, Qt.MouseButton.LeftButton)
    assert window.workspace.project.notes()[0].text == "The whole story is from a press release. Checked."

    qtbot.mouseClick(window.notes.section.delete, Qt.MouseButton.LeftButton)
    assert window.workspace.project.notes() == [] and window.notes.section.list.count() == 0
    assert window.notes.section.title.text().startswith("Notes on this document: none")
    window.activateWindow()  # the dialogs have gone; the keyboard back in the text
    window.view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.view)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # back
    [again] = window.workspace.project.notes()
    assert (again.text, again.author, again.created) == (
        "The whole story is from a press release. Checked.", note.author, note.created)
    assert window.notes.section.list.count() == 1
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the edit
    assert [n.text for n in window.workspace.project.notes()] == ["The whole story is from a press release."]
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the adding
    assert window.workspace.project.notes() == []
    assert dialogs == []  # nothing asked, nothing went wrong


def test_nothing_typed_is_lost_a_failed_save_keeps_the_dialog_and_cancel_asks(start_window, qtbot, dialogs, monkeypatch):
    window = start_window()
    select_entity(window)
    project = window.workspace.project
    real_add = project.add_note
    failures = [ProjectError("the disk is full", project.where)]

    def add_note(*args, **kwargs):
        if failures:
            raise failures.pop()
        return real_add(*args, **kwargs)

    monkeypatch.setattr(project, "add_note", add_note)
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard]
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: answers.pop(0))
    steps = []

    def save_fails_then_cancel_is_asked_twice(dialog):
        ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
        ok.click()  # the save fails: said, and the dialog stays with the text
        steps.append((dialog.isVisible(), dialog.text()))
        QTest.keyClick(dialog.editor, Qt.Key.Key_Escape)  # Cancel: "discard?" -> no
        steps.append((dialog.isVisible(), dialog.text()))
        QTest.keyClick(dialog.editor, Qt.Key.Key_Escape)  # again -> discard

    type_note(qtbot, "Spelling?", then=save_fails_then_cancel_is_asked_twice)
    window.actions_["add_note"].trigger()
    assert steps == [(True, "Spelling?"), (True, "Spelling?")]
    assert any("could not be saved" in shown and "the disk is full" in shown for shown in dialogs)
    assert answers == [] and project.notes() == []


@pytest.fixture
def as_ann(monkeypatch):
    monkeypatch.setattr("getpass.getuser", lambda: "ann")
    monkeypatch.setattr(qt_team, "prompt_for_name", lambda parent, suggestion: suggestion)


def test_another_annotators_note_arrives_live(start_window, project_location, qtbot, as_ann):
    make_project(project_location)
    window = start_window(str(project_location))
    window.actions_["show_notes"].trigger()
    doc_id = window.doc.doc_id
    with Project.open(project_location, annotator="bob", keep_backups=0) as bob:
        note = bob.add_note(doc_id, "Bob: is Meridian Capital a bank?", 33, 49)
        table = window.notes.panel.table
        qtbot.waitUntil(lambda: table.model().rowCount() == 1, timeout=WAIT)
        assert table.model().index(0, 2).data() == "bob" and window.view.marks() == [(33, 49)]
        bob.set_note_resolved(note.id)
        qtbot.waitUntil(lambda: table.model().rowCount() == 0 and window.view.marks() == [], timeout=WAIT)


def test_editing_resolving_and_reopening_a_note_are_undo_steps_saved_at_once(start_window, project_location, qtbot,
                                                                            as_ann, dialogs):
    make_project(project_location)
    window = start_window(str(project_location))
    window.view.select_range(33, 49)
    window.activateWindow()
    window.view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.view)
    add_note_by_keyboard(window, qtbot, "A bank?")
    section = window.notes.section
    type_note(qtbot, " Or a fund?")
    qtbot.mouseClick(section.edit, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(section.resolve, Qt.MouseButton.LeftButton)
    [note] = window.workspace.project.notes()
    assert (note.text, note.resolved) == ("A bank? Or a fund?", True) and window.view.marks() == []

    def saved() -> tuple[str, bool]:
        """The note as another instance reads it from the store."""
        with Project.open(project_location, annotator="bob", keep_backups=0) as bob:
            [seen] = bob.notes()
            return seen.text, seen.resolved

    window.activateWindow()  # the dialogs have gone; the keyboard back in the text
    window.view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.view)
    undo = lambda: QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    redo = lambda: QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    undo()  # the resolve: open again, marked in the text, "Resolve" offered
    assert saved() == ("A bank? Or a fund?", False)
    assert window.view.marks() == [(33, 49)] and section.resolve.text() == "Resolve"
    undo()  # the edit: the text before
    assert saved() == ("A bank?", False) and "A bank?" in section.list.item(0).text()
    assert window.workspace.project.notes()[0].modified == note.created  # its time as it was too
    redo()
    assert saved() == ("A bank? Or a fund?", False) and "Or a fund?" in section.list.item(0).text()
    redo()
    assert saved() == ("A bank? Or a fund?", True) and window.view.marks() == []
    assert section.resolve.text() == "Reopen"

    qtbot.mouseClick(section.resolve, Qt.MouseButton.LeftButton)  # reopened: a step too
    assert saved()[1] is False
    window.activateWindow()
    window.view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.view)
    undo()
    assert saved()[1] is True
    stack = window.undo_group.activeStack()
    assert (stack.undoText(), stack.redoText()) == ("Resolve Note", "Reopen Note")
    assert dialogs == []
