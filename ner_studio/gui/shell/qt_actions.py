"""Every command of the main window as a QAction: text, shortcut, tooltip, handler.

One table drives the menus, the toolbar and the tooltips; the keyboard-shortcuts sheet reads
the window's live actions (these, the label keys, the tools' own), so they cannot disagree.
Handlers are method names on the window.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QWidget


@dataclass(frozen=True)
class Command:
    name: str
    text: str
    shortcuts: tuple[str, ...]
    tip: str
    handler: str


COMMANDS = (
    # File
    Command("new_project", "&New Project…", ("Ctrl+N",), "Start an empty project file", "new_project"),
    Command("open_project", "Open &Project…", ("Ctrl+Shift+O",), "Open an NER Studio project file (.nerstudio)", "open_project"),
    Command("open_server_project", "Open Project on a Se&rver…", (), "Connect to a team's project on a PostgreSQL server (host, port, database, user)", "open_server_project"),
    Command("open_files", "&Open Files…", ("Ctrl+O",), "Add .txt, CoNLL or JSONL files to this project; untagged text is tagged by the model", "open_files"),
    Command("open_folder", "Open &Folder as Project…", ("Ctrl+Shift+F",), "Make a new project from every .txt, CoNLL and JSONL file in a folder", "open_folder"),
    Command("paste", "Paste as New &Document", ("Ctrl+Shift+V",), "Make a new document from the text on the clipboard", "paste_document"),
    Command("import", "&Import Annotations…", ("Ctrl+I",), "Read annotated CoNLL or JSONL files into this project", "import_annotations"),
    Command("save", "&Save", ("Ctrl+S",), "Save the current document's annotations to its CoNLL/JSONL file (edits are already in the project)", "save"),
    Command("save_project_as", "Save Project &As…", ("Ctrl+Shift+S",), "Continue in a copy of the project file (another folder or disk)", "save_project_as"),
    Command("save_copy", "Save a &Copy…", (), "Write a consistent copy of the project file (e.g. a backup on another disk) and keep working here", "save_project_copy"),
    Command("export", "&Export…", ("Ctrl+E",), "Write documents to a CoNLL (IOB1/IOB2/BIOES) or JSONL file", "export"),
    Command("quit", "&Quit", ("Ctrl+Q",), "Close NER Studio (every edit is already saved)", "close"),
    # Edit
    Command("accept", "&Accept Entity", ("Return", "Enter"), "Confirm the selected model entity as it is", "accept_selected"),
    Command("delete", "&Delete Entity", ("Delete", "Backspace"), "Delete the selected entity (or all entities in the selection)", "delete_selected"),
    Command("grow_end", "&Grow Entity at the End", ("Alt+Shift+Right",), "Add the next token to the selected entity (or drag its right edge)", "grow_end"),
    Command("shrink_end", "Shrin&k Entity at the End", ("Alt+Shift+Left",), "Take the last token off the selected entity", "shrink_end"),
    Command("grow_start", "Grow Entity at the &Start", ("Alt+Left",), "Add the previous token to the selected entity (or drag its left edge)", "grow_start"),
    Command("shrink_start", "Shrink Entity at the S&tart", ("Alt+Right",), "Take the first token off the selected entity", "shrink_start"),
    Command("accept_all", "Accept A&ll Model Entities", ("A",), "Confirm every model entity of this document", "accept_all"),
    Command("review_next", "Mark &Reviewed and Next", ("Ctrl+Return", "Ctrl+Enter"), "Mark this document reviewed and open the next one not reviewed yet", "review_and_next"),
    Command("edit_labels", "Edit &Labels…", ("Ctrl+L",), "Add, rename, recolour or remove labels; renaming relabels every entity", "edit_labels"),
    # Document
    Command("predict", "&Tag with Model", ("Ctrl+T",), "Tag this document with the current model again (your entities are kept)", "predict_current"),
    Command("next_doc", "&Next Document", ("Ctrl+PgDown",), "Open the next document in the list", "next_document"),
    Command("previous_doc", "&Previous Document", ("Ctrl+PgUp",), "Open the previous document in the list", "previous_document"),
    # View
    Command("zoom_in", "Zoom &In", ("Ctrl++", "Ctrl+="), "Make the text larger (kept for next time)", "zoom_in"),
    Command("zoom_out", "Zoom &Out", ("Ctrl+-",), "Make the text smaller (kept for next time)", "zoom_out"),
    Command("zoom_reset", "&Normal Size", ("Ctrl+0",), "Show the text at its normal size", "zoom_reset"),
    # Help
    Command("shortcuts", "&Keyboard Shortcuts", ("F1",), "Show every key the workspace understands", "show_shortcuts"),
    Command("log_folder", "Show &Log Folder", (), "Open the folder of NER Studio's log files (attach the newest to a bug report)", "show_log_folder"),
    Command("about", "&About NER Studio", (), "Version and credits", "show_about"),
)

# Keys handled by the text view itself (no QAction): listed on the shortcuts sheet after the
# actions' own shortcuts, which are read from the actions (see shortcut_rows).
VIEW_KEYS = (
    ("Click / drag", "Select a token / tokens (snaps to whole tokens)"),
    ("Double-click", "Select one token"),
    ("Right-click", "Label, accept or delete from a menu"),
    ("← / →", "Select the previous / next token"),
    ("Shift+← / Shift+→", "Grow the selection by one token"),
    ("Drag an entity's edge", "Grow or shrink the selected entity (snaps to whole tokens)"),
    ("Ctrl+wheel", "Make the text larger or smaller (kept for next time)"),
    ("Tab / Shift+Tab", "Select the next / previous entity"),
    ("Esc", "Clear the selection"),
)

MENUS = (
    ("&File", ("new_project", "open_project", "open_server_project", "open_folder", None, "open_files", "paste", "import", None,
               "save", "save_project_as", "save_copy", "export", None, "quit")),
    ("&Edit", ("undo", "redo", None, "accept", "delete", "accept_all", None,
               "grow_end", "shrink_end", "grow_start", "shrink_start", None, "review_next", None, "edit_labels")),
    ("&Document", ("predict", None, "next_doc", "previous_doc")),
    ("&View", ("zoom_in", "zoom_out", "zoom_reset")),
    ("&Help", ("shortcuts", "log_folder", None, "about")),
)

TOOLBAR = ("open_files", "paste", "export", None, "undo", "redo", None, "accept_all", "review_next", None, "predict")


def create_actions(window: QWidget, commands=COMMANDS, target: object | None = None) -> dict[str, QAction]:
    """An action on ``window`` per command, running ``target``'s handler (the window's own by
    default)."""
    actions = {}
    for command in commands:
        action = QAction(command.text, window)
        action.setObjectName(command.name)
        action.setShortcuts([QKeySequence(key) for key in command.shortcuts])
        action.setToolTip(with_shortcut(command.tip, command.shortcuts))
        action.setStatusTip(command.tip)
        action.triggered.connect(getattr(window if target is None else target, command.handler))
        window.addAction(action)
        actions[command.name] = action
    return actions


def with_shortcut(tip: str, shortcuts: tuple[str, ...]) -> str:
    if not shortcuts:
        return tip
    keys = QKeySequence(shortcuts[0]).toString(QKeySequence.SequenceFormat.NativeText)
    return f"{tip} ({keys})"


def shortcut_rows(window: QMainWindow) -> list[tuple[str, str, str]]:
    """``(keys, what they do, where)`` for the shortcuts sheet, read from the window's live
    actions (menus in menu-bar order, then any action only on the window, e.g. one a tool
    added), so every action with a shortcut is listed, whoever created it."""
    rows: list[tuple[str, str, str]] = []
    seen: dict[int, QAction] = {}  # holding the wrappers keeps their ids unique meanwhile

    def add(action: QAction, where: str) -> None:
        if id(action) in seen or action.isSeparator():
            return
        seen[id(action)] = action
        if action.menu() is not None:
            submenu = action.menu()
            for inner in submenu.actions():
                add(inner, f"{where} › {submenu.title().replace('&', '')}")
        elif action.shortcuts():
            keys = " / ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())
            rows.append((keys, describe_action(action), where))

    for top in window.menuBar().actions():
        if top.menu() is not None:
            title = top.menu().title().replace("&", "")
            for action in top.menu().actions():
                add(action, title)
    for action in window.actions():
        add(action, "Window")
    return rows + [(keys, what, "Text view") for keys, what in VIEW_KEYS]


def describe_action(action: QAction) -> str:
    """What an action does in words: its status tip, else its menu text."""
    return action.statusTip() or action.text().replace("&", "")
