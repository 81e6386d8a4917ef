"""A match in its context, cut at the edges of the cell, never in the middle.

Result tables elide long text in the middle (``qt_tables.py``): a name is told apart by its
start and end. A context cell, ``…before[match]after…``, is the opposite: the middle is the
match, so a Find result or a Label All row in a narrow dock showed the context on both sides
and hid the very word found ("…Karin Olsson v…iel Okafor of…" for Lisbon). This delegate
draws the match whole and trims the context around it from the outside in (``…n visited
[Lisbon] on Thu…``); the cell's tooltip still holds the whole context.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

CONTEXT_ROLE = Qt.ItemDataRole.UserRole + 17  # (before, match, after) of a context cell
ELLIPSIS = "…"


def context_cell(before: str, match: str, after: str) -> str:
    """The cell's text (and what a copy or a test reads): the match in brackets, whole."""
    return f"{ELLIPSIS}{before}[{match}]{after}{ELLIPSIS}"


def fit_context(before: str, match: str, after: str, metrics: QFontMetrics, width: int) -> str:
    """``context_cell`` cut to ``width`` pixels: the match whole (cut at its end only when it
    alone is wider), the context either side shortened from the outside, the side with less
    text giving its unused room to the other."""
    whole = context_cell(before, match, after)
    if metrics.horizontalAdvance(whole) <= width:
        return whole
    core = f"[{match}]"
    room = width - metrics.horizontalAdvance(core)
    if room <= 2 * metrics.horizontalAdvance(ELLIPSIS):
        return metrics.elidedText(core, Qt.TextElideMode.ElideRight, width)
    left_wanted = metrics.horizontalAdvance(ELLIPSIS + before)
    right_wanted = metrics.horizontalAdvance(after + ELLIPSIS)
    left = min(left_wanted, max(room // 2, room - right_wanted))
    right = room - left
    left_text = metrics.elidedText(ELLIPSIS + before, Qt.TextElideMode.ElideLeft, left)
    right_text = metrics.elidedText(after + ELLIPSIS, Qt.TextElideMode.ElideRight, right)
    return f"{left_text}{core}{right_text}"


class MatchContextDelegate(QStyledItemDelegate):
    """For a column whose cells carry ``CONTEXT_ROLE``; other cells are drawn as usual."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex) -> None:  # noqa: N802 - Qt override
        super().initStyleOption(option, index)
        parts = index.data(CONTEXT_ROLE)
        if not parts:
            return
        style = option.widget.style() if option.widget is not None else None
        margin = (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, option.widget) + 1
                  if style is not None else 3)
        width = option.rect.width() - 2 * margin - 2
        option.text = fit_context(*parts, option.fontMetrics, width)
        option.textElideMode = Qt.TextElideMode.ElideRight

    def shown_text(self, index: QModelIndex, option: QStyleOptionViewItem) -> str:
        """What the cell shows at ``option.rect`` (for tests and accessibility)."""
        self.initStyleOption(option, index)
        return option.text
