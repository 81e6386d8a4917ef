"""Switching projects and closing the window: the learning tools follow the new workspace,
let go of the old one, and nothing raises or warns when Qt deletes them later."""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QDockWidget

from ner_studio.core.store.project import Project
from ner_studio.gui import app


def delete_later_now() -> None:
    """Run Qt's pending deleteLater() calls, as the event loop would after this test."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()


def test_switching_projects_then_closing_raises_nothing(start_window, qtbot, tmp_path, qtlog):
    window = start_window()
    first = window.workspace
    other = Project.create(tmp_path / "other.nerstudio")
    with qtbot.captureExceptions() as raised:
        window.files.switch_project(other)
        # The review queue follows the new project at once, not when Qt deletes the old one.
        assert window.workspace is not first and window.workspace.project is other
        assert window.learning.review._predicted_link is not None
        window.close()  # the old workspace is still waiting for deleteLater
        delete_later_now()
        gc.collect()
    assert [str(error[1]) for error in raised] == []
    assert [r.message for r in qtlog.records if "deleted" in r.message.lower()] == []


def test_closing_a_window_without_a_model_raises_nothing(qtbot, user_dirs, dialogs, monkeypatch, qtlog):
    monkeypatch.setattr(app, "bundled_model_path", lambda: None)
    window = app.create_main_window([])
    assert not window.model.available and window.doc is not None  # the sample, untagged
    with qtbot.captureExceptions() as raised:
        window.close()
        window.deleteLater()
        delete_later_now()
        gc.collect()
    assert [str(error[1]) for error in raised] == []
    assert [r.message for r in qtlog.records if "deleted" in r.message.lower()] == []
    assert dialogs == []


def test_tools_hear_of_a_close_only_once_the_window_agreed(start_window, monkeypatch):
    """A refused close (unsaved edits, the analyst says no) must not stop training."""
    window = start_window()
    heard = []
    window.closed.connect(lambda: heard.append(True))
    monkeypatch.setattr(window.files, "close_workspace", lambda: False)
    window.close()
    assert window.isVisible() and heard == []
    monkeypatch.undo()
    window.close()
    assert not window.isVisible() and heard == [True]


def test_first_start_gives_the_text_full_height_and_tabs_the_learning_docks(start_window, qtbot):
    window = start_window()
    qtbot.waitExposed(window)
    learning = window.learning.docks
    entities = window.docks["entities"]
    assert {window.dockWidgetArea(d) for d in window.findChildren(QDockWidget)} <= {
        Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea}
    assert set(window.tabifiedDockWidgets(entities)) >= {learning["training"], learning["models"]}
    assert not entities.visibleRegion().isEmpty() and learning["training"].visibleRegion().isEmpty()
    assert window.view.height() > 0.8 * window.centralWidget().parentWidget().height()
    window.learning.show_models()  # a tool called up comes to the front in the same place
    assert not learning["models"].visibleRegion().isEmpty() and entities.visibleRegion().isEmpty()
