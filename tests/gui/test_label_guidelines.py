"""Label guidelines (issue 26): typed in Edit Labels, shown on hover in the palette, the Label As
menu and the pop-up menu, kept in the project, and handed on in a label set file."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QPushButton

from ner_studio.core.store.project import Project
from ner_studio.gui.annotate import qt_edit_commands


def answer_edit_labels(monkeypatch, qtbot, work):
    """Edit Labels shows its dialog; ``work(dialog)`` does what the analyst does in it, then OK."""
    def exec_(dialog):
        dialog.show()
        dialog.activateWindow()
        qtbot.waitExposed(dialog)
        work(dialog)
        dialog.accept()
        return QDialog.DialogCode.Accepted
    monkeypatch.setattr(qt_edit_commands.LabelEditor, "exec", exec_)


def click(dialog, text: str) -> None:
    button = next(b for b in dialog.findChildren(QPushButton) if b.text() == text)
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def type_into(qtbot, widget, text: str) -> None:
    """Click into ``widget`` and type ``text`` where the keyboard then is."""
    QTest.mouseClick(widget.viewport(), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)
    QTest.keyClicks(QApplication.focusWidget(), text)


def write_per_guideline(qtbot):
    def work(dialog):
        dialog.table.setCurrentCell(dialog.labels.names().index("PER"), 1)
        type_into(qtbot, dialog.description, "People by name, not titles alone")
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # to the examples
        assert QApplication.focusWidget() is dialog.examples
        QTest.keyClicks(QApplication.focusWidget(), "Karin Olsson")
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        QTest.keyClicks(QApplication.focusWidget(), "Dr. <b>Okafor</b>")
    return work


def test_a_guideline_typed_in_edit_labels_shows_on_hover_everywhere_a_label_is_chosen(start_window, qtbot,
                                                                                      monkeypatch):
    window = start_window()
    answer_edit_labels(monkeypatch, qtbot, write_per_guideline(qtbot))
    window.actions_["edit_labels"].trigger()

    person = window.workspace.labels["PER"]
    assert person.description == "People by name, not titles alone"
    assert person.examples == ("Karin Olsson", "Dr. <b>Okafor</b>")
    for tip in (window.palette_.buttons["PER"].toolTip(),
                next(a for a in window.edit.label_actions if a.text() == "PER").toolTip()):
        assert "People by name, not titles alone" in tip
        assert "<li>Karin Olsson</li>" in tip and "Dr. &lt;b&gt;Okafor&lt;/b&gt;" in tip  # text, not markup
    assert window.edit.label_menu.toolTipsVisible()
    entity = window.doc.spans[0]
    window.view.select_range(entity.start, entity.end)
    popup = window.view.context_menu(QPoint(0, 0))
    assert popup.toolTipsVisible()
    assert "Karin Olsson" in next(a for a in popup.actions() if a.text() == "PER").toolTip()
    assert "(key 2)" in window.palette_.buttons["LOC"].toolTip()  # a label with no guideline yet
    with Project.open(window.workspace.project.path, read_only=True) as stored:
        assert stored.labels()["PER"].examples == ("Karin Olsson", "Dr. <b>Okafor</b>")


def test_a_label_set_is_exported_with_its_guidelines_and_imported_in_another_project(start_window, qtbot,
                                                                                      monkeypatch, tmp_path):
    window = start_window()
    answer_edit_labels(monkeypatch, qtbot, write_per_guideline(qtbot))
    window.actions_["edit_labels"].trigger()
    file = tmp_path / "news labels.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(file), ""))
    answer_edit_labels(monkeypatch, qtbot, lambda dialog: click(dialog, "Export…"))
    window.actions_["edit_labels"].trigger()
    assert "People by name" in file.read_text(encoding="utf-8")

    other = tmp_path / "other.nerstudio"
    Project.create(other).close()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(other), ""))
    window.actions_["open_project"].trigger()
    qtbot.waitUntil(lambda: window.workspace.project.path == other)
    assert window.workspace.labels["PER"].description == ""
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(file), ""))
    answer_edit_labels(monkeypatch, qtbot, lambda dialog: click(dialog, "Import…"))
    window.actions_["edit_labels"].trigger()
    assert window.workspace.labels["PER"].examples == ("Karin Olsson", "Dr. <b>Okafor</b>")
    assert "Karin Olsson" in window.palette_.buttons["PER"].toolTip()


def test_a_broken_label_set_file_is_named_with_its_line_and_changes_nothing(start_window, qtbot, monkeypatch,
                                                                             tmp_path, dialogs):
    window = start_window()
    file = tmp_path / "labels.json"
    file.write_text('{"labels": [\n  {"name": "PER",\n   "desciption": "People"}]}', encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(file), ""))
    before = window.workspace.labels.copy()
    answer_edit_labels(monkeypatch, qtbot, lambda dialog: click(dialog, "Import…"))
    window.actions_["edit_labels"].trigger()
    assert any(f"{file}, line 3" in said and "'desciption'" in said for said in dialogs), dialogs
    assert window.workspace.labels == before
