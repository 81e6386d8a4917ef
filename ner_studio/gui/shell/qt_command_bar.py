"""The main window's menu bar and toolbar as the controllers fill them.

Menus are made empty, in their order, by the window; each controller then adds its part
(``Host.add_commands``), after a separator when the menu has items already, so the menus read
in the order the controllers were made. A menu nobody made goes before Help, where people look
last. Toolbar buttons follow the same rule, except that buttons of one menu stay together.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar


class CommandBar:
    def __init__(self, window: QMainWindow, titles: Sequence[str]):
        self._window = window
        self.menus: dict[str, QMenu] = {}  # by title without the "&"
        toolbar = QToolBar("Main", window)
        toolbar.setObjectName("main_toolbar")
        toolbar.setIconSize(QSize(16, 16))
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.setMovable(False)
        window.addToolBar(toolbar)
        self.toolbar = toolbar
        self._toolbar_group = ""  # the menu whose buttons are last on the toolbar
        for title in titles:
            self.menu(title)

    def menu(self, title: str) -> QMenu:
        """The menu-bar menu ``title`` (made if there is none yet)."""
        menu = self.menus.get(title.replace("&", ""))
        if menu is None:
            bar = self._window.menuBar()
            menu = bar.addMenu(title)
            menu.setToolTipsVisible(True)
            help_menu = self.menus.get("Help")
            if help_menu is not None:
                bar.insertMenu(help_menu.menuAction(), menu)
            self.menus[title.replace("&", "")] = menu
        return menu

    def add(self, menu: str, actions: Sequence[QAction | None], toolbar: Sequence[QAction] = ()) -> None:
        """``actions`` at the end of ``menu`` (``None``: a separator), ``toolbar`` buttons."""
        self.lay_out(self.menu(menu), actions)
        self.add_to_toolbar(toolbar, menu)

    @staticmethod
    def lay_out(menu: QMenu, actions: Sequence[QAction | None]) -> None:
        if actions and menu.actions():
            menu.addSeparator()
        for action in actions:
            menu.addSeparator() if action is None else menu.addAction(action)

    def add_to_toolbar(self, actions: Sequence[QAction], group: str) -> None:
        """Buttons after a separator, unless the buttons before are of the same ``group``."""
        if not actions:
            return
        if self.toolbar.actions() and group != self._toolbar_group:
            self.toolbar.addSeparator()
        self._toolbar_group = group
        for action in actions:
            self.toolbar.addAction(action)
