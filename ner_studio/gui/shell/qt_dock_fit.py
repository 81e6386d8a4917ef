"""Narrow windows keep the text readable: the side docks give way, not the text.

On a 1024x700 laptop screen the docks kept the widths they were given for 1360 pixels and the
text pane was left a third of the window; at 800x600 a column a word wide (issue 23, item 7).
Whenever the text falls below :data:`MIN_TEXT_SHARE` of the window, the docks on each side
shrink in proportion, never below what their contents need; if even that is too wide, the
docks in :data:`HIDE_ORDER` are hidden, one at a time, and shown again once the window is wide
enough for them. Widened again, the window gives the docks back the widths they had before
they gave way, as far as the text keeps its share. Docks the analyst sized in a wide window
are otherwise left alone.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow

MIN_TEXT_SHARE = 0.40  # below this the docks give way ...
TARGET_TEXT_SHARE = 0.45  # ... until the text has this much (a margin, so one pixel does not flap)
HIDE_ORDER = ("details", "labels")  # what a very narrow window does without (label keys 1-9 remain)
SIDES = (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea)


class DockFitter(QObject):
    """Watches ``window``'s size; ``docks`` are the window's named docks (``window.docks``)."""

    def __init__(self, window: QMainWindow, docks: dict[str, QDockWidget]):
        super().__init__(window)
        self.window = window
        self.docks = docks
        self.hidden: list[str] = []  # hidden by the fitter, shown again when there is room
        self.wanted: dict[Qt.DockWidgetArea, int] = {}  # each side's width before it gave way
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)  # after the layout has placed the docks at the new size
        self._timer.timeout.connect(self.fit)
        window.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if watched is self.window and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self._timer.start()
        return False

    def _columns(self) -> dict[Qt.DockWidgetArea, list[QDockWidget]]:
        """The docked, visible docks on each side (a side's docks share one column's width)."""
        columns: dict[Qt.DockWidgetArea, list[QDockWidget]] = {}
        for dock in self.window.findChildren(QDockWidget):
            area = self.window.dockWidgetArea(dock)
            if area in SIDES and not dock.isFloating() and not dock.isHidden():
                columns.setdefault(area, []).append(dock)
        return columns

    @staticmethod
    def _least(docks: list[QDockWidget]) -> int:
        return max(max(d.minimumSizeHint().width(), d.minimumWidth()) for d in docks)

    def fit(self) -> None:
        width = self.window.width()
        if width <= 0:
            return
        self._show_again(width)
        text = self.window.centralWidget().width()
        if text >= MIN_TEXT_SHARE * width:
            self._grow_back(width, text)
            return
        columns = self._columns()
        for area, docks in columns.items():
            self.wanted.setdefault(area, docks[0].width())
        if not columns:
            return
        budget = width - int(TARGET_TEXT_SHARE * width) - text_margin(self.window)
        least = {area: self._least(docks) for area, docks in columns.items()}
        if sum(least.values()) > budget and self._hide_next(columns):
            self._timer.start()  # fit again once the layout has let the hidden dock go
            return
        # Each side keeps what its docks need, and the rest of the budget goes to the sides in
        # proportion to what they had above that.
        extra = max(budget - sum(least.values()), 0)
        above = {area: max(docks[0].width() - least[area], 0) for area, docks in columns.items()}
        total = sum(above.values())
        sizes = {area: least[area] + (int(extra * above[area] / total) if total else extra // len(columns))
                 for area in columns}
        self.window.resizeDocks([docks[0] for docks in columns.values()], list(sizes.values()),
                                Qt.Orientation.Horizontal)

    def _grow_back(self, width: int, text: int) -> None:
        """Give the sides back what they gave way, out of the text's width above its target."""
        columns = {area: docks for area, docks in self._columns().items() if area in self.wanted}
        spare = text - int(TARGET_TEXT_SHARE * width)
        short = {area: self.wanted[area] - docks[0].width() for area, docks in columns.items()}
        short = {area: missing for area, missing in short.items() if missing > 0}
        if not short:
            self.wanted.clear()
            return
        if spare <= 0:
            return
        total = sum(short.values())
        given = {area: min(missing, int(spare * missing / total)) for area, missing in short.items()}
        self.window.resizeDocks([columns[area][0] for area in given],
                                [columns[area][0].width() + more for area, more in given.items()],
                                Qt.Orientation.Horizontal)

    def _hide_next(self, columns: dict[Qt.DockWidgetArea, list[QDockWidget]]) -> bool:
        """Hide the next dock of HIDE_ORDER whose absence narrows its side; False if none does."""
        for key in HIDE_ORDER:
            dock = self.docks.get(key)
            area = self.window.dockWidgetArea(dock) if dock is not None else None
            if dock is None or dock.isHidden() or dock.isFloating() or area not in columns:
                continue
            rest = [d for d in columns[area] if d is not dock]
            if rest and self._least(rest) >= self._least(columns[area]):
                continue  # another dock on that side needs the width anyway
            dock.hide()
            self.hidden.append(key)
            show_status = getattr(self.window, "show_status", None)
            if show_status is not None:
                show_status(f"The window is narrow: the {dock.windowTitle()} panel is hidden until it is wider", 8000)
            return True
        return False

    def _show_again(self, width: int) -> None:
        """Show the docks hidden for want of room once the window could hold them at their
        least width beside the others (the last hidden first)."""
        while self.hidden:
            key = self.hidden[-1]
            columns = self._columns()
            dock = self.docks[key]
            area = self.window.dockWidgetArea(dock)
            least = {a: self._least(docks) for a, docks in columns.items()}
            least[area] = max(least.get(area, 0), self._least([dock]))
            if sum(least.values()) > width - int(TARGET_TEXT_SHARE * width) - text_margin(self.window):
                return
            self.hidden.pop()
            dock.show()


def text_margin(window: QMainWindow) -> int:
    """The splitters beside the text (a few pixels each, as the style draws them)."""
    return 2 * max(window.style().pixelMetric(window.style().PixelMetric.PM_DockWidgetSeparatorExtent), 1) + 4
