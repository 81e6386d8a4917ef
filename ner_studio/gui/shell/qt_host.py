"""What a tool added to the main window may use of it: the host.

Tools (learning, review, and the corpus tools to come) get this, not the window: they add docks
and commands and report through it, and read the open workspace (the one owner of the
documents and of the current model). napari's ``Window`` around its Qt main window is the
pattern. ``MainWindow`` implements it; a test may pass any object that does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # for the signatures only: importing them here would be circular
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QDockWidget, QWidget

    from ner_studio.core.document import Document
    from ner_studio.core.settings import Settings
    from ner_studio.gui.annotate.qt_text_view import EntityTextView
    from ner_studio.gui.shell.prediction import ModelHandle
    from ner_studio.gui.shell.qt_actions import Command
    from ner_studio.gui.shell.qt_workspace import Workspace


class Host(Protocol):
    settings: Settings
    workspace_changed: object  # Signal(): another project was opened; read ``workspace`` again
    closed: object  # Signal(): the window closed; stop workers, let go of the workspace
    document_shown: object  # Signal(object): the id of the document now shown, or None

    @property
    def workspace(self) -> Workspace: ...

    @property
    def model(self) -> ModelHandle: ...

    doc: Document | None  # the document shown
    view: EntityTextView  # the text view (selection, highlights)

    def show_range(self, doc_id: int, start: int, end: int) -> None:
        """Show document ``doc_id`` with characters ``[start, end)`` selected and in view."""
        ...

    def add_dock(self, title: str, widget: QWidget, *, behind: str | None = "entities") -> QDockWidget:
        """A dock on the right, tabbed behind the dock named ``behind`` if there is one."""
        ...

    def raise_dock(self, key: str) -> None:
        """Bring one of the window's own docks (e.g. ``"entities"``) to the front."""
        ...

    def add_commands(self, menu: str, commands: Sequence[Command], target: object,
                     layout: Sequence[str | None], toolbar: Sequence[str] = ()) -> dict[str, QAction]:
        """An action per command (``target.<handler>`` runs it), in the menu ``menu`` (appended
        after a separator if the window has it, else a new menu before Help) laid out as
        ``layout`` (``None`` is a separator), and ``toolbar`` buttons."""
        ...

    def show_status(self, text: str, milliseconds: int = 5000) -> None: ...

    def reopen_as(self, annotator: str) -> None:
        """Open the project again as ``annotator`` (their versions of the documents)."""
        ...

    def show_error(self, title: str, error: BaseException) -> None: ...
