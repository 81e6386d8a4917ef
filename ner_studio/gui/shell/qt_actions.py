"""Commands as QActions: text, shortcut, tooltip, handler.

Each controller has a table of :class:`Command` that drives its menus, toolbar buttons and
tooltips (handlers are method names on the controller); the keyboard-shortcuts sheet reads the
window's live actions (the window's, the controllers', the label keys), so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QWidget


@dataclass(frozen=True)
class Command:
    name: str
    text: str
    shortcuts: tuple[str, ...]
    tip: str
    handler: str


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


def create_actions(window: QWidget, commands, target: object | None = None) -> dict[str, QAction]:
    """An action on ``window`` per command, running ``target``'s handler (the window's own by
    default) with no arguments; a checkable action's handler reads ``isChecked()``."""
    actions = {}
    for command in commands:
        action = QAction(command.text, window)
        action.setObjectName(command.name)
        action.setShortcuts([QKeySequence(key) for key in command.shortcuts])
        action.setToolTip(with_shortcut(command.tip, command.shortcuts))
        action.setStatusTip(command.tip)
        handler = getattr(window if target is None else target, command.handler)
        # ``triggered`` carries ``checked``; PySide passes it to any handler that takes an
        # argument, where it lands as e.g. a path. Handlers take none from a menu: drop it.
        action.triggered.connect(lambda _checked=False, run=handler: run())
        window.addAction(action)
        actions[command.name] = action
    return actions


def keys_act_only_in(actions: Iterable[QAction], *widgets: QWidget) -> None:
    """Make ``actions``' keys work only while the keyboard is in one of ``widgets`` (the text
    view). A key that edits with one stroke (a label key, A, Del, Enter, Space, S) would
    otherwise edit the shown document while the analyst types in a filter, the Find field or a
    table, unseen (issue 23). Their menu items and toolbar buttons still run them from anywhere.
    """
    for action in actions:
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        owner = action.parent()
        # An action on the window itself would make "the window and its children" everywhere.
        if isinstance(owner, QWidget) and owner not in widgets:
            owner.removeAction(action)
        for widget in widgets:
            widget.addAction(action)


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
            what = describe_action(action)
            if action.shortcutContext() == Qt.ShortcutContext.WidgetWithChildrenShortcut:
                what = f"{what} (the key acts in the text; the menu anywhere)"
            rows.append((keys, what, where))

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
