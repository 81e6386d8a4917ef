"""What a controller added to the main window may use of it: the host.

Controllers (files, editing, learning, review, the corpus tools) get this, not the window: they
add docks, commands and menus and report through it, and read the open workspace (the one
owner of the documents and of the current model). The workspace is read through the host each
time, not kept: opening another project replaces it (``workspace_changed`` says so). The host is
also the parent widget of a controller's dialogs. napari's ``Window`` around its Qt main window
is the pattern. ``MainWindow`` (``gui/window/``) implements it; a test may pass any object that does.
``tests/test_layers.py`` checks that controllers use nothing of the host but what is here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # for the signatures only: importing them here would be circular
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QDockWidget, QMenu, QWidget

    from ner_studio.core.text.document import Document
    from ner_studio.core.store.project import Project
    from ner_studio.core.settings import Settings
    from ner_studio.gui.annotate.qt_highlighter import SpanStyle
    from ner_studio.gui.annotate.qt_text_view import EntityTextView
    from ner_studio.gui.shell.tagging_jobs import ModelHandle
    from ner_studio.gui.shell.qt_actions import Command
    from ner_studio.gui.window.qt_workspace import Workspace


class Host(Protocol):
    settings: Settings
    workspace_changed: object  # Signal(): another project was opened; read ``workspace`` again
    closed: object  # Signal(): the window closed; stop workers, let go of the workspace
    document_shown: object  # Signal(object): the id of the document now shown, or None

    @property
    def workspace(self) -> Workspace: ...

    @property
    def model(self) -> ModelHandle: ...

    @property
    def span_style(self) -> SpanStyle:
        """The labels' colours and the unsure threshold the text is drawn with."""
        ...

    doc: Document | None  # the document shown
    view: EntityTextView  # the text view (selection, highlights)

    def set_project(self, project: Project) -> None:
        """Show ``project`` in a new workspace (the previous project is closed already)."""
        ...

    def show_document(self, doc_id: int | None, then=None) -> None:
        """Show document ``doc_id`` (None: none), loading it from the project if needed; the
        keyboard stays where the analyst has it (a field, a table), never moved to the text.
        A big document not in memory may arrive later (read in a worker): ``doc`` stays the
        one shown until then, and ``then()`` runs once ``doc_id`` is shown."""
        ...

    def show_range(self, doc_id: int, start: int, end: int) -> None:
        """Show document ``doc_id`` with characters ``[start, end)`` selected and in view."""
        ...

    def add_dock(self, title: str, widget: QWidget, *, behind: str | None = "entities") -> QDockWidget:
        """A dock on the right, tabbed behind the dock named ``behind`` if there is one."""
        ...

    def add_details_section(self, widget: QWidget) -> None:
        """A part of the details pane, below the selected entity's details (e.g. its notes)."""
        ...

    def raise_dock(self, key: str) -> None:
        """Bring one of the window's own docks (e.g. ``"entities"``) to the front."""
        ...

    def add_commands(self, menu: str, commands: Sequence[Command], target: object,
                     layout: Sequence[str | None], toolbar: Sequence[str] = ()) -> dict[str, QAction]:
        """An action per command (``target.<handler>()`` runs it, with no arguments), in the menu ``menu`` (appended
        after a separator if it has items already; a new menu goes before Help) laid out as
        ``layout`` (``None`` is a separator), and ``toolbar`` buttons (after a separator, unless
        the buttons before them are of the same menu)."""
        ...

    def add_submenu(self, menu: str, title: str) -> QMenu:
        """An empty submenu at the end of the menu ``menu``, for actions that come and go."""
        ...

    def show_status(self, text: str, milliseconds: int = 5000) -> None:
        """A status-bar message (``milliseconds`` 0: until replaced)."""
        ...

    def current_status(self) -> str:
        """The status-bar message shown now ("" if none)."""
        ...

    def add_status_widget(self, widget: QWidget) -> None:
        """A lasting part of the status bar (e.g. what the learning loop is doing), before the
        window's own (tagging progress, review count, saved, model); hidden while a passing
        message (``show_status``) is shown, and narrowed, not widening the window, when room is
        short (its tooltip should then hold the whole text)."""
        ...

    def reopen_as(self, annotator: str) -> None:
        """Open the project again as ``annotator`` (their versions of the documents)."""
        ...

    def show_error(self, title: str, error: BaseException) -> None: ...
