"""The main window: documents on the left, the text in the middle, labels, details and the
entity table on the right, a status bar with progress, review count and the current model.

Side panels are dock widgets so later tools (training, active learning) add their own docks
and toolbar actions without reshaping this window. Commands live in the two mixins.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QUndoGroup
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QProgressBar, QTabWidget, QToolBar, QWidget

from ner_studio.core.document import Document, Status
from ner_studio.core.errors import CorruptProjectError, NerStudioError
from ner_studio.core.logs import log_failure
from ner_studio.core.project import Project
from ner_studio.core.project_connection import back_up
from ner_studio.core.settings import Settings
from ner_studio.gui.shell.prediction import ModelHandle
from ner_studio.gui.shell.qt_actions import MENUS, TOOLBAR, create_actions, with_shortcut
from ner_studio.gui.annotate.qt_details import DetailsPane
from ner_studio.gui.shell.qt_dialogs import show_error
from ner_studio.gui.documents.qt_document_list import DocumentList
from ner_studio.gui.documents.qt_document_tools import DocumentListTools, DocumentsPane
from ner_studio.gui.annotate.qt_edit_commands import EditCommands
from ner_studio.gui.annotate.qt_entity_table import EntityTable
from ner_studio.gui.documents.qt_file_commands import FileCommands
from ner_studio.gui.annotate.qt_highlighter import SpanStyle
from ner_studio.gui.annotate.qt_label_palette import LabelPalette
from ner_studio.gui.corpus.qt_consistency import install_consistency
from ner_studio.gui.corpus.qt_find import install_find
from ner_studio.gui.corpus.qt_label_all import install_label_all
from ner_studio.gui.learning.qt_learning import install_learning
from ner_studio.gui.team.qt_team import install_team
from ner_studio.gui.annotate.qt_text_view import FONT_SIZE, EntityTextView
from ner_studio.gui.shell.qt_task_worker import TaskWorker
from ner_studio.gui.shell.qt_workspace import Workspace

LOW_CONFIDENCE_SETTING = "low_confidence_threshold"
FONT_SIZE_SETTING = "font_size"

log = logging.getLogger(__name__)


class MainWindow(FileCommands, EditCommands, QMainWindow):
    # Emitted after another project was opened in this window (self.workspace is the new one).
    workspace_changed = Signal()
    # Emitted once the window has agreed to close (its project is closed by then); tools stop
    # their workers and let go of the workspace here, not on every close request, which the
    # analyst may still refuse.
    closed = Signal()
    document_shown = Signal(object)  # the id of the document now shown, or None

    def __init__(self, project: Project, model: ModelHandle, settings: Settings):
        super().__init__()
        self.settings = settings
        self._first_model = model  # until the first workspace owns it
        self._backup: TaskWorker | None = None  # rotating the open project's backups
        self.workspace: Workspace | None = None
        self.doc: Document | None = None
        # One undo group for the window's life: each workspace adds its documents' stacks.
        self.undo_group = QUndoGroup(self)
        self.setWindowTitle("NER Studio")
        self.setAcceptDrops(True)
        self.style_ = SpanStyle(project.labels(), float(settings.get(LOW_CONFIDENCE_SETTING, 0.5)))
        size = settings.get(FONT_SIZE_SETTING, FONT_SIZE)
        self.view = EntityTextView(self.style_, font_size=size if isinstance(size, int) else FONT_SIZE)
        self.setCentralWidget(self.view)
        self.documents = DocumentList()
        self.palette_ = LabelPalette()
        self.details = DetailsPane()
        self.entities = EntityTable(self.style_)
        self.docks = {
            "documents": self._dock("Documents", DocumentsPane(self.documents), Qt.DockWidgetArea.LeftDockWidgetArea),
            "labels": self._dock("Labels", self.palette_, Qt.DockWidgetArea.LeftDockWidgetArea),
            "details": self._dock("Selected entity", self.details, Qt.DockWidgetArea.RightDockWidgetArea),
            "entities": self._dock("Entities", self.entities, Qt.DockWidgetArea.RightDockWidgetArea),
        }
        # Tabbed docks (the learning tools share the entity table's place) show tabs on top.
        self.setTabPosition(Qt.DockWidgetArea.AllDockWidgetAreas, QTabWidget.TabPosition.North)
        self.actions_ = create_actions(self)
        self.label_actions = []
        self._build_status_bar()
        self.documents.document_chosen.connect(self.show_document)
        self.entities.span_activated.connect(self.view.jump_to)
        self.palette_.label_chosen.connect(self.label_selection)
        self.palette_.edit_requested.connect(self.edit_labels)
        self.view.selection_changed.connect(self._on_selection_changed)
        self.view.resize_requested.connect(self.resize_entity)
        self.view.zoom_requested.connect(lambda step: self.set_font_size(self.view.font_size() + step))
        self._build_menus()
        self.set_project(project)
        install_learning(self)
        self.team = install_team(self)
        self.find = install_find(self)
        self.label_all = install_label_all(self)
        self.consistency = install_consistency(self, self.label_all)
        self.document_tools = DocumentListTools(self, self.docks["documents"].widget())
        if settings.window_geometry:
            self.restoreGeometry(settings.window_geometry)
        else:
            self.resize(1360, 860)
        self._initial_dock_sizes()

    @property
    def model(self) -> ModelHandle:
        """The current model, owned by the workspace (a new project keeps it)."""
        return self.workspace.model if self.workspace is not None else self._first_model

    def _on_model_changed(self, model: ModelHandle) -> None:
        self.model_label.setText(f"Model: {model.name}")
        try:
            self.settings.last_model_path = str(model.path) if model.path else None
        except Exception as error:  # noqa: BLE001 - settings are a convenience; report, go on
            log_failure(log, "remembering the model", error)
            self.statusBar().showMessage(f"Settings not saved: {error}", 5000)

    # --- layout --------------------------------------------------------------------------
    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"{title.lower().replace(' ', '_')}_dock")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(area, dock)
        return dock

    # --- the host tools get (gui/qt_host.py) ------------------------------------------------
    def add_dock(self, title: str, widget: QWidget, *, behind: str | None = "entities") -> QDockWidget:
        dock = self._dock(title, widget, Qt.DockWidgetArea.RightDockWidgetArea)
        # Tabs behind the entity table: the text keeps the window's full height, and each
        # tool comes to the front when it is used.
        anchor = self.docks.get(behind) if behind else None
        if anchor is not None:
            self.tabifyDockWidget(anchor, dock)
            anchor.raise_()
        return dock

    def raise_dock(self, key: str) -> None:
        if key in self.docks:
            self.docks[key].raise_()

    def add_commands(self, menu: str, commands, target: object, layout, toolbar=()) -> dict:
        actions = create_actions(self, commands, target)
        bar_menu = self.menus.get(menu.replace("&", ""))
        if bar_menu is not None:  # a menu the window has already: the tool's part after a separator
            bar_menu.addSeparator()
        else:
            bar_menu = self.menuBar().addMenu(menu)
            bar_menu.setToolTipsVisible(True)
            help_menu = self.menus.get("Help")
            if help_menu is not None:  # keep Help last, where people look for it
                self.menuBar().insertMenu(help_menu.menuAction(), bar_menu)
        for name in layout:
            bar_menu.addSeparator() if name is None else bar_menu.addAction(actions[name])
        self.menus[menu.replace("&", "")] = bar_menu
        if toolbar:
            self.toolbar.addSeparator()
            for name in toolbar:
                self.toolbar.addAction(actions[name])
        self.actions_.update(actions)
        return actions

    def _back_up_later(self, project: Project) -> None:
        """Rotate the project's backups in a worker once it is open: the full check before a
        copy decodes every document (seconds on a big project), which must not hold up opening."""
        if not project.backup_due or self._backup is not None:
            return
        path, count = project.path, project.backup_due
        project.backup_due = 0
        self._backup = TaskWorker(lambda report, should_stop: back_up(path, count), "backup")
        self._backup.succeeded.connect(self._on_backed_up)
        self._backup.finished.connect(self._on_backup_finished)
        self._backup.start()

    def _on_backed_up(self, warning: str | None) -> None:
        if warning:
            log.warning("%s", warning)
            self.statusBar().showMessage(warning, 10000)

    def _on_backup_finished(self) -> None:
        self._backup = None
        if self.workspace is not None and not self.workspace.project.closed:
            self._back_up_later(self.workspace.project)  # one opened while this ran

    def wait_for_backup(self) -> None:
        if self._backup is not None:
            self._backup.wait()

    def show_range(self, doc_id: int, start: int, end: int) -> None:
        self.show_document(doc_id)
        if self.doc is not None and self.doc.doc_id == doc_id:
            self.view.select_range(start, end)
            self.view.centerCursor()

    def show_status(self, text: str, milliseconds: int = 5000) -> None:
        self.statusBar().showMessage(text, milliseconds)

    def show_error(self, title: str, error: BaseException) -> None:
        show_error(self, title, error)

    def _initial_dock_sizes(self) -> None:
        """Side panels wide enough to read, the text the largest part (tools tab their docks
        behind the entity table rather than taking the text's height)."""
        horizontal, vertical = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
        docks = self.docks
        self.resizeDocks([docks["documents"], docks["details"]], [280, 440], horizontal)
        self.resizeDocks([docks["documents"], docks["labels"]], [400, 320], vertical)
        self.resizeDocks([docks["details"], docks["entities"]], [215, 560], vertical)

    def _build_menus(self) -> None:
        self.actions_["undo"] = self.undo_group.createUndoAction(self, "&Undo")
        self.actions_["redo"] = self.undo_group.createRedoAction(self, "&Redo")
        self.actions_["undo"].setShortcuts(["Ctrl+Z"])
        self.actions_["redo"].setShortcuts(["Ctrl+Shift+Z", "Ctrl+Y"])
        # Toolbar buttons keep a short fixed name; the menu shows what would be undone.
        self.actions_["undo"].setIconText("Undo")
        self.actions_["redo"].setIconText("Redo")
        for name, tip in (("undo", "Undo the last edit of this document"), ("redo", "Redo the edit just undone")):
            self.actions_[name].setStatusTip(tip)
            self.actions_[name].setToolTip(with_shortcut(tip, tuple(k.toString() for k in self.actions_[name].shortcuts())))
        self.menus = {}
        for title, names in MENUS:
            menu = self.menuBar().addMenu(title)
            menu.setToolTipsVisible(True)
            self.menus[title.replace("&", "")] = menu
            for name in names:
                menu.addSeparator() if name is None else menu.addAction(self.actions_[name])
            if title == "&Edit":
                self.label_menu = menu.addMenu("Label &As")
        toolbar = QToolBar("Main", self)
        toolbar.setObjectName("main_toolbar")
        toolbar.setIconSize(QSize(16, 16))
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.setMovable(False)
        for name in TOOLBAR:
            toolbar.addSeparator() if name is None else toolbar.addAction(self.actions_[name])
        self.addToolBar(toolbar)
        self.toolbar = toolbar

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.setFormat("tagging %p%")
        self.progress.hide()
        self.review_label = QLabel()
        self.model_label = QLabel()
        self.saved_label = QLabel("All edits saved")
        for widget in (self.progress, self.review_label, self.saved_label, self.model_label):
            bar.addPermanentWidget(widget)
        self.review_label.setToolTip("Documents reviewed / all documents in the project")
        self.model_label.setToolTip("The model that tags new text")
        self.saved_label.setToolTip("Every edit is written to the project file as you make it")

    # --- the open project ----------------------------------------------------------------
    def set_project(self, project: Project) -> None:
        """Show ``project`` (the previous one must be closed already: see close_workspace)."""
        if self.workspace is not None:
            self.show_document(None)
            self.workspace.project.pending_changed.disconnect(self._on_pending_changed)
            self.workspace.release()
            self.workspace.deleteLater()
        workspace = Workspace(project, self.model, self.undo_group)
        self.workspace = workspace
        self._back_up_later(project)
        workspace.model_changed.connect(self._on_model_changed)
        workspace.document_removed.connect(self._on_document_removed)
        workspace.documents_opened.connect(self._on_documents_opened)
        workspace.import_finished.connect(self._on_import_finished)
        workspace.document_updated.connect(self._on_document_updated)
        workspace.labels_changed.connect(self._on_labels_changed)
        workspace.prediction_progress.connect(self._on_prediction_progress)
        workspace.prediction_running.connect(self._on_prediction_running)
        workspace.problem.connect(lambda title, error: show_error(self, title, error))
        workspace.project.pending_changed.connect(self._on_pending_changed)
        self.documents.list_model.set_workspace(workspace)
        self.model_label.setText(f"Model: {workspace.model.name}")
        self.setWindowTitle(f"{workspace.project.name} — NER Studio")
        self._on_labels_changed()
        self._on_pending_changed(project.pending_count)
        self._update_review_count()
        first = workspace.first_document()
        if first is not None:
            self.show_document(first)
        self.workspace_changed.emit()

    def show_document(self, doc_id: int | None) -> None:
        """Show a document (loading it from the project if needed)."""
        if doc_id is None:
            doc = None
        else:
            try:
                doc = self.workspace.document(doc_id)
            except CorruptProjectError as error:
                self.offer_backup(error)
                return
            except Exception as error:  # noqa: BLE001 - a document that cannot load must not close the app
                log_failure(log, f"opening document {doc_id}", error)
                show_error(self, "The document cannot be opened", error)
                return
        if doc is self.doc and doc is not None:
            return
        self.doc = doc
        self.view.show_document(doc)
        self.entities.table_model.show_document(doc)
        if doc is not None:
            self.workspace.activate(doc.doc_id)
            self.documents.show_document(doc.doc_id)
        self.view.setFocus()
        self._on_selection_changed()
        self.document_shown.emit(doc.doc_id if doc is not None else None)

    # --- keeping the panes current -------------------------------------------------------
    def _on_selection_changed(self) -> None:
        span = self.view.current_span()
        self.details.show_span(self.doc, span, self.style_)
        self.entities.select_span(span)

    def _on_documents_opened(self, ids: list[int]) -> None:
        self.documents.list_model.append(ids)
        self._update_review_count()
        if ids:
            self.show_document(ids[0])

    def _on_document_removed(self, doc_id: int) -> None:
        self.documents.list_model.remove(doc_id)
        self._update_review_count()

    def _on_document_updated(self, doc_id: int) -> None:
        self.documents.list_model.refresh_row(doc_id)
        self._update_review_count()

    def _on_labels_changed(self) -> None:
        self.style_ = SpanStyle(self.workspace.labels, self.style_.low_confidence)
        self.view.set_style(self.style_)
        self.entities.table_model.set_style(self.style_)
        self.palette_.show_labels(self.workspace.labels)
        if hasattr(self, "label_menu"):
            self.rebuild_label_actions()
        self._on_selection_changed()

    def _on_prediction_progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    def _on_prediction_running(self, running: bool) -> None:
        self.progress.setVisible(running)
        self.progress.setValue(0)
        self.statusBar().showMessage("Tagging with the model…" if running else "Tagging finished", 0 if running else 3000)

    def _on_pending_changed(self, pending: int) -> None:
        self.saved_label.setText(f"{pending} edits NOT saved — see File > Save" if pending else "All edits saved")
        self.saved_label.setStyleSheet("color: #b42318; font-weight: 600;" if pending else "")

    def _update_review_count(self) -> None:
        ids = self.workspace.document_ids()
        reviewed = sum(1 for i in ids if self.workspace.summary(i).status == Status.REVIEWED)
        self.review_label.setText(f"Reviewed {reviewed} / {len(ids)}")

    # --- zoom ---------------------------------------------------------------------------------
    def zoom_in(self) -> None:
        self.set_font_size(self.view.font_size() + 1)

    def zoom_out(self) -> None:
        self.set_font_size(self.view.font_size() - 1)

    def zoom_reset(self) -> None:
        self.set_font_size(FONT_SIZE)

    def set_font_size(self, points: int) -> None:
        """The text's size, kept in the user's settings for the next start."""
        points = self.view.set_font_size(points)
        self.statusBar().showMessage(f"Text size {points} pt", 2000)
        try:
            self.settings.set(FONT_SIZE_SETTING, points)
        except NerStudioError as error:
            log_failure(log, "remembering the text size", error)

    # --- drag and drop, closing ------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt override
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        self.open_paths(paths)
        event.acceptProposedAction()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if not self.close_workspace():
            event.ignore()
            return
        try:
            self.settings.window_geometry = bytes(self.saveGeometry())
        except Exception as error:  # noqa: BLE001 - an unwritable settings file must not block quitting
            log_failure(log, "saving the window geometry", error)
        event.accept()
        self.wait_for_backup()  # its thread must end before the window goes
        self.closed.emit()
