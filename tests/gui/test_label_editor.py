"""The label-set editor: renaming relabels every entity (on screen and on disk), new labels
get a key, removing a used label deletes its entities only after confirmation."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from ner_studio.core.store.project import Project
from ner_studio.gui.annotate import qt_edit_commands
from tests.gui.test_label_all_window import accept_with


def edit_labels_with(window, monkeypatch, change):
    def exec_(dialog):
        change(dialog)
        return QDialog.DialogCode.Accepted
    monkeypatch.setattr(qt_edit_commands.LabelEditor, "exec", exec_)
    window.edit.edit_labels()


def test_rename_add_and_remove_labels(start_window, qtbot, monkeypatch, dialogs):
    window = start_window()
    doc = window.doc
    locations = [s for s in doc.spans if s.label == "LOC"]
    assert locations

    def rename_and_add(dialog):
        row = dialog.labels.names().index("LOC")
        dialog.table.item(row, 0).setText("PLACE")
        dialog._add()

    edit_labels_with(window, monkeypatch, rename_and_add)
    assert [s.start for s in doc.spans if s.label == "PLACE"] == [s.start for s in locations]
    assert not any(s.label == "LOC" for s in doc.spans)
    assert window.workspace.labels.names() == ["PER", "PLACE", "ORG", "MISC", "LABEL5"]
    assert window.workspace.labels["LABEL5"].key == "5"
    assert set(window.palette_.buttons) == {"PER", "PLACE", "ORG", "MISC", "LABEL5"}
    with Project.open(window.workspace.project.path, read_only=True) as stored:
        assert stored.labels().names() == window.workspace.labels.names()
        assert stored.label_counts().get("PLACE") == len(locations)

    start = doc.text.index("Thursday")
    window.view.setFocus()
    window.view.select_range(start, start + 8)
    qtbot.keyClick(window.view, Qt.Key.Key_5)
    assert doc.span_at(start).label == "LABEL5"

    def remove_place(dialog):
        dialog.table.setCurrentCell(dialog.labels.names().index("PLACE"), 0)
        dialog._remove()  # the confirmation is answered Yes by the dialogs fixture

    edit_labels_with(window, monkeypatch, remove_place)
    assert any("labelled PLACE" in text for text in dialogs)
    assert not any(s.label == "PLACE" for s in doc.spans)
    assert "PLACE" not in window.palette_.buttons


def test_a_conll_file_with_66_entity_types_imports_and_the_palette_shows_every_one(start_window, idle, monkeypatch,
                                                                                  tmp_path, dialogs):
    """Issue 24: a 61st label raised "max() arg is an empty sequence" (Few-NERD has 66 types)."""
    from PySide6.QtWidgets import QFileDialog, QScrollArea

    types = [f"type-{k:02d}" for k in range(66)]
    source = tmp_path / "fewnerd.conll"
    source.write_text("".join(f"Word{k} B-{name}\nsaid O\n\n" for k, name in enumerate(types)), encoding="utf-8")
    window = start_window()
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(source)], ""))
    window.actions_["import"].trigger()
    idle(window)
    assert not dialogs
    labels = window.workspace.labels
    assert set(types) <= set(labels.names()) and len(labels) == 70
    assert len({label.colour for label in labels}) == 70  # each its own colour, past the palette
    assert set(window.palette_.buttons) == set(labels.names())
    assert isinstance(window.docks["labels"].widget(), QScrollArea)  # 70 buttons scroll
    assert window.docks["labels"].widget().minimumSizeHint().height() < 400


def test_ok_without_a_rename_keeps_the_undo_history_and_a_rename_says_it_ends_it(start_window, qtbot, monkeypatch):
    """Undo commands name the labels of their entities: a rename or a removal ends the history
    (said in the status bar); OK on a recolour, a key or nothing at all keeps it."""
    window = start_window()
    doc, undo = window.doc, window.actions_["undo"]
    start = doc.text.index("Thursday")
    window.view.setFocus()
    window.view.select_range(start, start + 8)
    qtbot.keyClick(window.view, Qt.Key.Key_1)
    assert doc.span_at(start).label == "PER" and undo.isEnabled()
    monkeypatch.setattr(qt_edit_commands.LabelEditor, "exec", lambda dialog: QDialog.DialogCode.Accepted)
    window.actions_["edit_labels"].trigger()  # OK, nothing changed
    assert undo.isEnabled() and undo.text() == "&Undo Label 'Thursday' as PER"
    lisbon = doc.text.index("Lisbon")
    window.view.select_range(lisbon, lisbon + 6)
    accept_with(monkeypatch, "LOC")
    window.actions_["label_all"].trigger()
    undo_all = window.actions_["undo_label_all"]
    assert undo_all.isEnabled()

    def rename(dialog):
        dialog.table.item(dialog.labels.names().index("LOC"), 0).setText("PLACE")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(qt_edit_commands.LabelEditor, "exec", rename)
    window.actions_["edit_labels"].trigger()
    assert not undo.isEnabled()
    assert not undo_all.isEnabled() and undo_all.text() == "Undo La&bel All"  # its entities named LOC too
    assert "LOC is now PLACE. Edits made before cannot be undone: they named the old labels" in \
        window.statusBar().currentMessage()


def test_escape_in_edit_labels_after_typing_a_guideline_asks_before_discarding_it(start_window, qtbot, monkeypatch):
    """A guideline typed in Edit Labels and an Esc (or Cancel, or the window's close button):
    the dialog asks first, as the note dialog does; Cancel there keeps the dialog and the text."""
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QMessageBox

    answers, asked, seen = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard], [], {}
    monkeypatch.setattr(QMessageBox, "question", lambda parent, title, text, *args: asked.append(text) or answers.pop(0))

    def exec_(dialog):
        dialog.show()
        qtbot.waitExposed(dialog)
        QTest.mouseClick(dialog.description.viewport(), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.description)
        QTest.keyClicks(QApplication.focusWidget(), "Cities, countries, rivers")
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
        seen["kept"] = dialog.isVisible() and dialog.description.toPlainText()
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
        seen["closed"] = not dialog.isVisible()
        return dialog.result()

    monkeypatch.setattr(qt_edit_commands.LabelEditor, "exec", exec_)
    window = start_window()
    first = window.workspace.labels.names()[0]
    window.actions_["edit_labels"].trigger()
    assert seen == {"kept": "Cities, countries, rivers", "closed": True}
    assert asked == ["Discard your changes to the labels?"] * 2
    assert window.workspace.labels[first].description == ""  # discarded, as answered
    monkeypatch.setattr(qt_edit_commands.LabelEditor, "exec", lambda dialog: dialog.reject() or dialog.result())
    window.actions_["edit_labels"].trigger()  # nothing changed: nothing to ask
    assert len(asked) == 2
