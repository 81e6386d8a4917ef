"""The main window: documents on the left, the text in the middle, labels, details and the
entity table on the right, a status bar with progress, review count and the current model.

The window is wiring and the host (``shell/qt_host.py``): it makes the panes, the workspace of the
open project and the controllers, which add their own docks, menus and toolbar actions through
the host and never see the window itself. It keeps for itself what is the shell's: the undo
group, the View and Help menus, the status bar, backups and closing.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QUndoGroup
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QSizePolicy, QTabWidget, QWidget

from ner_studio.core.text.document import Document, Status
from ner_studio.core.errors import CorruptProjectError, NerStudioError
from ner_studio.core.locations import user_log_dir
from ner_studio.core.logs import log_failure
from ner_studio.core.store.project import Project
from ner_studio.core.secrets import redact_secrets
from ner_studio.core.settings import Settings
from ner_studio.gui.shell.tagging_jobs import ModelHandle
from ner_studio.gui.shell.qt_actions import create_actions, shortcut_rows, with_shortcut
from ner_studio.gui.window.qt_window_commands import MENUS, VIEW_MENU, HELP_MENU, WINDOW_COMMANDS
from ner_studio.gui.annotate.qt_details import DetailsPane
from ner_studio.gui.shell.qt_dialogs import SAVED_AS_YOU_GO, ShortcutsDialog, show_about, show_error
from ner_studio.gui.documents.qt_document_list import DocumentList
from ner_studio.gui.documents.qt_document_tools import DocumentListTools, DocumentsPane
from ner_studio.gui.annotate.qt_edit_commands import EditController
from ner_studio.gui.annotate.qt_entity_table import EntityTable
from ner_studio.gui.documents.qt_file_commands import FileController
from ner_studio.gui.annotate.qt_highlighter import SpanStyle
from ner_studio.gui.annotate.qt_label_palette import LabelPalette, scrolling
from ner_studio.gui.catalogue.qt_catalogue import install_catalogue
from ner_studio.gui.corpus.qt_consistency import install_consistency
from ner_studio.gui.corpus.qt_find import install_find
from ner_studio.gui.corpus.qt_label_all import install_label_all
from ner_studio.gui.learning.qt_learning import install_learning
from ner_studio.gui.notes.qt_notes import install_notes
from ner_studio.gui.team.qt_team import install_team
from ner_studio.gui.annotate.qt_text_view import FONT_SIZE, EntityTextView
from ner_studio.gui.annotate.qt_undo import follow_steps
from ner_studio.gui.shell.qt_backups import Backups
from ner_studio.gui.shell.qt_command_bar import CommandBar
from ner_studio.gui.shell.qt_dock_fit import DockFitter
from ner_studio.gui.shell.qt_status_line import StatusLine
from ner_studio.gui.shell.qt_landing import WriteLanding
from ner_studio.gui.shell.qt_live import LiveUpdates
from ner_studio.gui.window.qt_workspace import Workspace
from ner_studio.gui.window.qt_read_ahead import DocumentSwitch

LOW_CONFIDENCE_SETTING = "low_confidence_threshold"
FONT_SIZE_SETTING = "font_size"
DOCK_WIDTHS = (280, 440)  # the left and right docks' widths in a window of 1360 pixels

log = logging.getLogger(__name__)


def first_size(screen: QSize) -> QSize:
    """The window's size at its first start: 1360x860, or what fits on a smaller screen (a
    window wider than the screen hid the entity table's right edge on a 1280x800 laptop)."""
    return QSize(min(1360, screen.width() * 95 // 100), min(860, screen.height() * 90 // 100))


class MainWindow(QMainWindow):
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
        self._damage: CorruptProjectError | None = None  # a damaged document met, its backup not offered yet
        self.workspace: Workspace | None = None
        self.doc: Document | None = None
        self.switch = DocumentSwitch(self.show_document)  # a big document not read yet: shown when it arrives
        # One undo group for the window's life: each workspace adds its documents' stacks.
        self.undo_group = QUndoGroup(self)
        self.setWindowTitle("NER Studio")
        self.setAcceptDrops(True)
        self.span_style = SpanStyle(project.labels(), float(settings.get(LOW_CONFIDENCE_SETTING, 0.5)))
        size = settings.get(FONT_SIZE_SETTING, FONT_SIZE)
        self.view = EntityTextView(self.span_style, font_size=size if isinstance(size, int) else FONT_SIZE)
        self.setCentralWidget(self.view)
        self.documents = DocumentList()
        self.palette_ = LabelPalette()
        self.details = DetailsPane()
        self.entities = EntityTable(self.span_style)
        self.docks = {
            "documents": self._dock("Documents", DocumentsPane(self.documents), Qt.DockWidgetArea.LeftDockWidgetArea),
            "labels": self._dock("Labels", scrolling(self.palette_), Qt.DockWidgetArea.LeftDockWidgetArea),
            "details": self._dock("Selected entity", scrolling(self.details), Qt.DockWidgetArea.RightDockWidgetArea),
            "entities": self._dock("Entities", self.entities, Qt.DockWidgetArea.RightDockWidgetArea),
        }
        # Tabbed docks (the learning tools share the entity table's place) show tabs on top.
        self.setTabPosition(Qt.DockWidgetArea.AllDockWidgetAreas, QTabWidget.TabPosition.North)
        self.actions_: dict[str, QAction] = {}  # every command's action, whoever added it
        self.status_line = StatusLine(self.statusBar())
        self.documents.document_chosen.connect(self.show_document)
        self.documents.document_opened.connect(self.open_document)
        self.entities.span_activated.connect(self.view.jump_to)
        self.view.selection_changed.connect(self._on_selection_changed)
        self.view.zoom_requested.connect(lambda step: self.set_font_size(self.view.font_size() + step))
        # The menus, empty, in their order; the controllers and the window's own fill them.
        self.bar = CommandBar(self, MENUS)
        self.menus, self.toolbar = self.bar.menus, self.bar.toolbar
        self.backups = Backups(lambda: self.workspace.project if self.workspace is not None else None, self)
        self.backups.warning.connect(lambda warning: self.show_status(warning, 10000))
        self.files = FileController(self)  # first: it follows the workspace set_project makes
        self.set_project(project)
        self._add_own_commands()
        self.edit = EditController(self)
        self.palette_.label_chosen.connect(self.edit.label_selection)
        self.palette_.edit_requested.connect(self.edit.edit_labels)
        self.view.resize_requested.connect(self.edit.resize_entity)
        self.learning = install_learning(self)
        self.team = install_team(self)
        self.find = install_find(self)
        self.label_all = install_label_all(self, self.find)
        self.consistency = install_consistency(self, self.label_all)
        self.catalogue = install_catalogue(self, self.label_all)
        self.notes = install_notes(self)
        self.catalogue.links_changed.connect(self.entities.table_model.links_changed)  # "Linked to"
        self.document_tools = DocumentListTools(self, self.docks["documents"].widget())
        if settings.window_geometry:
            self.restoreGeometry(settings.window_geometry)
        else:
            self.resize(first_size(self.screen().availableGeometry().size()))
        self._initial_dock_sizes()
        self.dock_fitter = DockFitter(self, self.docks)  # a narrow window: the docks give way, not the text
        # Widths the sides get back once the window is wide enough (it may start small).
        self.dock_fitter.wanted.update({Qt.DockWidgetArea.LeftDockWidgetArea: DOCK_WIDTHS[0],
                                        Qt.DockWidgetArea.RightDockWidgetArea: DOCK_WIDTHS[1]})

    @property
    def model(self) -> ModelHandle:
        """The current model, owned by the workspace (a new project keeps it)."""
        return self.workspace.model if self.workspace is not None else self._first_model

    def _on_model_changed(self, model: ModelHandle) -> None:
        self.status_line.show_model(model.name)
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

    def add_details_section(self, widget: QWidget) -> None:
        self.details.add_section(widget)

    def raise_dock(self, key: str) -> None:
        if key in self.docks:
            self.docks[key].raise_()

    def add_commands(self, menu: str, commands, target: object, layout, toolbar=()) -> dict[str, QAction]:
        actions = create_actions(self, commands, target)
        self.bar.add(menu, [None if name is None else actions[name] for name in layout],
                     [actions[name] for name in toolbar])
        self.actions_.update(actions)
        return actions

    def add_submenu(self, menu: str, title: str) -> QMenu:
        return self.bar.menu(menu).addMenu(title)

    def show_range(self, doc_id: int, start: int, end: int) -> None:
        def select() -> None:
            self.view.select_range(start, end)
            self.view.centerCursor()

        self.show_document(doc_id, then=select)

    def show_status(self, text: str, milliseconds: int = 5000) -> None:
        self.statusBar().showMessage(redact_secrets(text), milliseconds)

    def current_status(self) -> str:
        return self.statusBar().currentMessage()

    def add_status_widget(self, widget: QWidget) -> None:
        # Not a permanent widget: it gives way to a passing message, which it cut short before.
        widget.setSizePolicy(QSizePolicy.Policy.Ignored, widget.sizePolicy().verticalPolicy())
        self.statusBar().addWidget(widget, 1)

    def reopen_as(self, annotator: str) -> None:
        self.files.reopen_as(annotator)

    def show_error(self, title: str, error: BaseException) -> None:
        show_error(self, title, error, saved=self.saved_note())

    def saved_note(self) -> str:
        """What is safe after a failure, for the error dialog: edits are saved as they are
        made, unless the project could not take the latest ones (they wait in the journal)."""
        try:
            project = self.workspace.project
            pending = 0 if project.closed else project.pending_count
        except Exception as error:  # noqa: BLE001 - the note must not fail the dialog it goes in
            log_failure(log, "reading what is saved", error)
            return SAVED_AS_YOU_GO
        if not pending:
            return f"{SAVED_AS_YOU_GO} The project is {project.name}."
        return (f"{pending} of your latest edits could not be written to the project {project.name} yet; they "
                "are kept and written as soon as it can take them (File > Save Project As… puts them in a new file).")

    def _initial_dock_sizes(self) -> None:
        """Side panels wide enough to read, the text the largest part (tools tab their docks
        behind the entity table rather than taking the text's height)."""
        horizontal, vertical = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
        docks = self.docks
        self.resizeDocks([docks["documents"], docks["details"]], list(DOCK_WIDTHS), horizontal)
        self.resizeDocks([docks["documents"], docks["labels"]], [400, 320], vertical)
        self.resizeDocks([docks["details"], docks["entities"]], [215, 560], vertical)

    def _add_own_commands(self) -> None:
        """Quit, undo and redo, zoom and help: the shell's commands, between the file
        controller's and the edit commands' (menus and toolbar read in that order)."""
        actions = create_actions(self, WINDOW_COMMANDS)
        self.actions_.update(actions)
        self.bar.add("&File", [actions["quit"]])
        undo = self.undo_group.createUndoAction(self, "&Undo")
        redo = self.undo_group.createRedoAction(self, "&Redo")
        undo.setShortcuts(["Ctrl+Z"])
        redo.setShortcuts(["Ctrl+Shift+Z", "Ctrl+Y"])
        # Toolbar buttons keep a short fixed name; the menu shows what would be undone.
        undo.setIconText("Undo")
        redo.setIconText("Redo")
        for action, tip in ((undo, "Undo the last edit of this document"), (redo, "Redo the edit just undone")):
            action.setStatusTip(tip)
            action.setToolTip(with_shortcut(tip, tuple(k.toString() for k in action.shortcuts())))
        self.actions_.update(undo=undo, redo=redo)
        follow_steps(self.undo_group, undo, redo, self._show_changed)
        self.bar.lay_out(self.menus["Edit"], [undo, redo])
        self.bar.add_to_toolbar([undo, redo], "undo")  # a group of their own
        self.bar.add("&View", [actions[name] for name in VIEW_MENU])
        self.bar.add("&Help", [None if name is None else actions[name] for name in HELP_MENU])

    def _show_changed(self, doc: Document, start: int, end: int) -> None:
        """Undo and Redo select what they changed, in view from its start (then to the caret)."""
        if doc is self.doc:
            self.view.select_range(start, start)
            self.view.select_range(start, end)

    # --- the open project ----------------------------------------------------------------
    def set_project(self, project: Project) -> None:
        """Show ``project`` (the previous one must be closed already: see close_workspace)."""
        if self.workspace is not None:
            self.show_document(None)
            self.workspace.project.pending_changed.disconnect(self.status_line.show_pending)
            self.workspace.project.write_sent.disconnect(self.status_line.show_saving)
            self.workspace.release()
            self.workspace.deleteLater()
        workspace = Workspace(project, self.model, self.undo_group)
        self.workspace = workspace
        self.switch.follow(workspace.read_ahead)
        self.backups.later(project)
        workspace.model_changed.connect(self._on_model_changed)
        workspace.document_removed.connect(self._on_document_removed)
        workspace.documents_opened.connect(self._on_documents_opened)
        workspace.documents_added.connect(self._on_documents_added)
        workspace.notice.connect(lambda text: self.show_status(text, 10_000))
        workspace.document_updated.connect(self._on_document_updated)
        workspace.labels_changed.connect(self._on_labels_changed)
        workspace.prediction_progress.connect(self.status_line.show_tagged)
        workspace.prediction_running.connect(self.status_line.show_tagging)
        workspace.problem.connect(self._on_problem)
        workspace.project.pending_changed.connect(self.status_line.show_pending)
        workspace.project.write_sent.connect(self.status_line.show_saving)
        self.documents.list_model.set_workspace(workspace)
        WriteLanding(workspace.project, workspace)  # Label All's writes, taken in as each is done
        live = LiveUpdates(workspace)  # others' changes to the project; release() stops it
        live.documents_added.connect(self.documents.list_model.append)
        live.documents_added.connect(lambda _ids: self._update_review_count())
        live.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        live.start()
        self.status_line.show_model(workspace.model.name)
        self.setWindowTitle(redact_secrets(f"{workspace.project.name} — NER Studio"))
        self._on_labels_changed()
        self.status_line.show_pending(project.pending_count)
        self._update_review_count()
        first = workspace.first_document()
        if first is not None:
            self.show_document(first)
        self.workspace_changed.emit()

    def _on_problem(self, title: str, error: BaseException) -> None:
        """The workspace's errors as dialogs; a document that cannot be read (whatever was
        reading it: showing, export, review, training) offers the newest good backup, as
        opening a damaged project does, once the call that met it has returned."""
        if not isinstance(error, CorruptProjectError):
            self.show_error(title, error)
        elif self._damage is None:
            self._damage = error
            QTimer.singleShot(0, self._offer_backup)

    def _offer_backup(self) -> None:
        """Once, however many readers met the damage before the analyst answered."""
        if self._damage is not None:
            try:
                self.files.offer_backup(self._damage)
            finally:
                self._damage = None

    def show_document(self, doc_id: int | None, then=None) -> None:
        """Show a document (loading it from the project if needed; a big one not read yet when it
        arrives from the reading worker, gui/window/qt_read_ahead.py); ``then()`` runs once it is
        shown. The keyboard stays where the analyst has it: the filter, Find or the review queue
        may show a document while they type there, and their next keys must not become edits of
        it (see ``open_document``)."""
        if not self.switch.later(doc_id, then):
            self._show_now(doc_id)
            if then is not None and self.doc is not None and self.doc.doc_id == doc_id:
                then()

    def _show_now(self, doc_id: int | None) -> None:
        if doc_id is None:
            doc = None
        else:
            try:
                doc = self.workspace.document(doc_id)
            except CorruptProjectError:
                self._offer_backup()  # the workspace reported it (``_on_problem``): offer it now
                return
            except Exception as error:  # noqa: BLE001 - a document that cannot load must not close the app
                log_failure(log, f"opening document {doc_id}", error)
                self.show_error("The document cannot be opened", error)
                return
        if doc is self.doc and doc is not None:
            return
        self.doc = doc
        self.view.show_document(doc)
        self.entities.table_model.show_document(doc)
        if doc is not None:
            self.workspace.activate(doc.doc_id)
            self.documents.show_document(doc.doc_id)
        if self.focusWidget() is None:  # the window just opened: the keyboard starts in the text
            self.view.setFocus()
        self._on_selection_changed()
        self.document_shown.emit(doc.doc_id if doc is not None else None)

    def open_document(self, doc_id: int) -> None:
        """The analyst chose a document to work on (Enter or a double-click in the list): show
        it with the keyboard in its text."""
        self.show_document(doc_id, then=self.view.setFocus)

    # --- keeping the panes current -------------------------------------------------------
    def _on_selection_changed(self) -> None:
        span = self.view.current_span()
        self.details.show_span(self.doc, span, self.span_style, self.workspace.project)
        self.entities.select_span(span)

    def _on_documents_opened(self, ids: list[int]) -> None:
        self.documents.list_model.append(ids)
        self._update_review_count()
        if ids:
            self.show_document(ids[0])

    def _on_documents_added(self, ids: list[int]) -> None:
        """Later parts of a big file: listed; the analyst stays where they are."""
        self.documents.list_model.append(ids)
        self._update_review_count()

    def _on_document_removed(self, doc_id: int) -> None:
        self.switch.forget(doc_id)
        if self.doc is not None and self.doc.doc_id == doc_id:  # deleted, perhaps elsewhere
            self.show_document(None)
        self.documents.list_model.remove(doc_id)
        self._update_review_count()

    def _on_document_updated(self, doc_id: int) -> None:
        self.documents.list_model.refresh_row(doc_id)
        self._update_review_count()

    def _on_labels_changed(self) -> None:
        self.span_style = SpanStyle(self.workspace.labels, self.span_style.low_confidence, self.span_style.links)
        self.view.set_style(self.span_style)
        self.entities.table_model.set_style(self.span_style)
        self.palette_.show_labels(self.workspace.labels)
        self._on_selection_changed()

    def _update_review_count(self) -> None:
        ids = self.workspace.document_ids()
        reviewed = sum(1 for i in ids if self.workspace.summary(i).status == Status.REVIEWED)
        self.status_line.show_reviewed(reviewed, len(ids))

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

    # --- help -------------------------------------------------------------------------------
    def show_shortcuts(self) -> None:
        ShortcutsDialog(self, shortcut_rows(self)).exec()

    def show_log_folder(self) -> None:
        """Open the log folder in the desktop's file manager (created if there is none yet)."""
        folder = user_log_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            log_failure(log, "creating the log folder", error)
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            self.statusBar().showMessage(f"The logs are in {folder}", 10000)

    def show_about(self) -> None:
        show_about(self, self.workspace.model.name)

    # --- drag and drop, closing ------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt override
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        self.files.open_paths(paths)
        event.acceptProposedAction()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if not self.files.close_workspace():
            event.ignore()
            return
        try:
            self.settings.window_geometry = bytes(self.saveGeometry())
        except Exception as error:  # noqa: BLE001 - an unwritable settings file must not block quitting
            log_failure(log, "saving the window geometry", error)
        event.accept()
        self.backups.wait()  # its thread must end before the window goes
        self.closed.emit()
