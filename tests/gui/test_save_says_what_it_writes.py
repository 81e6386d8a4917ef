"""Ctrl+S says what it writes and asks before rewriting an imported file (issue 23, the
tester's walk): the dialog names each choice by its documents, the status bar repeats it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from ner_studio.core.formats import read_documents
from ner_studio.gui.annotate.qt_edit_commands import ASK_UNSURE_SETTING
from ner_studio.gui.shell import qt_dialogs

THREE_DOCUMENTS = """-DOCSTART- O

Karin B-PER
Olsson I-PER
visited O
Lisbon B-LOC
. O

-DOCSTART- O

Daniel B-PER
Okafor I-PER
left O
. O

-DOCSTART- O

Madrid B-LOC
won O
. O
"""


def press_save(monkeypatch, qtbot, window, setup):
    """Ctrl+S on the text; ``setup(dialog)`` is what the analyst does in the Save dialog
    (it returns False to cancel). Returns the choices the dialog offered."""
    offered = []

    def exec_(dialog):
        offered.extend(dialog.which.itemText(i) for i in range(dialog.which.count()))
        return QDialog.DialogCode.Accepted if setup(dialog) is not False else QDialog.DialogCode.Rejected

    monkeypatch.setattr(qt_dialogs.ExportDialog, "exec", exec_)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    return offered


def test_save_names_the_documents_it_writes_and_asks_before_rewriting_the_source(
        start_window, qtbot, idle, tmp_path, monkeypatch, dialogs):
    source = tmp_path / "report.conll"
    source.write_text(THREE_DOCUMENTS, encoding="utf-8")
    window = start_window(source)
    idle(window)
    offered = press_save(monkeypatch, qtbot, window, lambda dialog: None)  # the suggested file: the source
    assert offered[:2] == ["All 3 documents of report.conll", "This document"]
    assert any("Rewrite the imported file?" in text and "report.conll is the file 3 documents" in text
               and "all 3 documents of report.conll" in text for text in dialogs), dialogs
    assert len(read_documents(source)) == 3  # the fixture answered Yes: all three written back
    assert window.statusBar().currentMessage().startswith("Saved all 3 documents of report.conll to")


def test_saying_no_leaves_the_imported_file_alone(start_window, qtbot, idle, tmp_path, monkeypatch, dialogs):
    source = tmp_path / "report.conll"
    source.write_text(THREE_DOCUMENTS, encoding="utf-8")
    window = start_window(source)
    idle(window)
    asked = []

    def say_no(parent, title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", say_no)

    def only_this_document(dialog):
        dialog.which.setCurrentIndex(dialog.which.findData("current"))

    press_save(monkeypatch, qtbot, window, only_this_document)
    [question] = asked
    assert "this document" in question and "2 of the documents read from it are not in what you save" in question
    assert source.read_text(encoding="utf-8") == THREE_DOCUMENTS  # untouched
    # Nothing was remembered: the next Ctrl+S asks again, and another file is written without a question.
    elsewhere = tmp_path / "out.conll"
    offered = press_save(monkeypatch, qtbot, window, lambda dialog: dialog.path.setText(str(elsewhere)))
    assert offered and len(asked) == 1
    assert len(read_documents(elsewhere)) == 3 and source.read_text(encoding="utf-8") == THREE_DOCUMENTS


def test_the_reviewed_documents_are_a_choice_with_their_count(start_window, qtbot, idle, tmp_path, monkeypatch):
    window = start_window()
    window.settings.set(ASK_UNSURE_SETTING, False)
    window.workspace.add_text("Karin Olsson visited Lisbon .", "second")
    idle(window)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # "second" reviewed
    idle(window)
    window.show_document(window.workspace.document_ids()[0])  # the sample, not reviewed
    target = tmp_path / "reviewed.jsonl"

    def reviewed_only(dialog):
        dialog.which.setCurrentIndex(dialog.which.findData("reviewed"))
        dialog.path.setText(str(target))

    offered = press_save(monkeypatch, qtbot, window, reviewed_only)
    assert "The reviewed document" in offered and "All 2 documents of the project" in offered, offered
    [written] = read_documents(target)  # the reviewed one, not the one on screen
    assert written.text == "Karin Olsson visited Lisbon ."
