"""Faults found by hand across sessions (issue 13): the project reopens on the document the
analyst was on; zoom keys, and the font size kept for the next start."""

from __future__ import annotations

from PySide6.QtCore import Qt


def test_a_restart_opens_the_document_the_analyst_was_on(start_window, idle):
    window = start_window()
    first = window.doc.doc_id
    [second] = window.workspace.add_text("Karin Olsson visited Lisbon .", "second")
    idle(window)
    window.show_document(first)
    window.show_document(second)
    window.close()
    again = start_window()
    assert again.doc.doc_id == second and again.doc.name == "second"
    again.edit.next_document()  # wraps around to the sample
    assert again.doc.doc_id == first
    again.close()
    assert start_window().doc.doc_id == first


def test_a_deleted_last_document_falls_back_to_the_first(start_window):
    from ner_studio.core.store.project import Project

    window = start_window()
    path = window.workspace.project.path
    window.close()
    project = Project.open(path)
    project.set_setting("shown_document", 9999)
    project.close()
    again = start_window()
    assert again.doc.doc_id == again.workspace.document_ids()[0]


def test_zoom_keys_change_the_text_size_and_the_size_is_kept(start_window, qtbot):
    window = start_window()
    view = window.view
    normal = view.font_size()
    qtbot.keyClick(view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert view.font_size() == normal + 2
    qtbot.keyClick(view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert view.font_size() == normal + 1
    window.close()
    again = start_window()
    assert again.view.font_size() == normal + 1
    again.activateWindow()  # window shortcuts reach the active window
    qtbot.waitUntil(again.isActiveWindow, timeout=5000)
    qtbot.keyClick(again.view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert again.view.font_size() == normal
    for _ in range(60):
        again.zoom_out()
    assert again.view.font_size() >= 7  # never unreadably small


def test_ctrl_wheel_zooms_and_the_size_is_kept(start_window):
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    window = start_window()
    view = window.view
    normal = view.font_size()

    def wheel(delta: int, modifiers) -> None:
        event = QWheelEvent(QPointF(20, 20), QPointF(view.mapToGlobal(QPoint(20, 20))), QPoint(0, 0),
                            QPoint(0, delta), Qt.MouseButton.NoButton, modifiers, Qt.ScrollPhase.NoScrollPhase, False)
        QApplication.sendEvent(view.viewport(), event)

    wheel(120, Qt.KeyboardModifier.ControlModifier)
    assert view.font_size() == normal + 1 == window.settings.get("font_size")
    wheel(-120, Qt.KeyboardModifier.NoModifier)  # a plain wheel scrolls, it does not zoom
    assert view.font_size() == normal + 1
