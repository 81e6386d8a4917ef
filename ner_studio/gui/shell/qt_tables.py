"""Tables that fit a narrow dock: long text elided in the middle, the whole text on hover.

At 1024 pixels the tester's document names, entity texts, find results and label names were
cut at the right edge or pushed behind a sideways scroll bar (issue 23, item 7). A name is told
apart by its start and its end ("report 2024 … part 3 of 48"), so the middle goes; the item's
tooltip (the model's ``ToolTipRole``) keeps the whole text. :class:`FittedColumns` keeps every
column it shows on screen: the text columns take what is left, the short ones keep their
natural width while that leaves the text enough room; else the columns a table names as
expendable (whose values its tooltip repeats) are hidden, in order, and only then the rest
shrink in proportion. A label is never cut to "MI…" while a column of positions is shown.

What a fit measures (issue 29): a column's natural width is measured once per change of the
rows (a reset, rows added, a new order), on a bounded sample: the first rows Qt sizes
(:data:`SIZED_ROWS`, or a screenful, :data:`SCREEN_ROWS`, where the model names its widest
rows itself: ``longest_rows(column, count)``, which it can tell from its strings' lengths
without measuring them). A resize only shares the widths out again. Find's first search of
12,119 matches measured its columns three times (the reset, then two resizes of the
viewport), ~16 ms each of the UI thread, in a 117 ms gap.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QTableWidgetItem

TEXT_SHARE = 0.30  # the least part of the table's width the stretching columns keep (a 440-pixel entity dock shows every column)
LEAST_COLUMN = 36  # pixels: a shrunk column still shows a few characters and its elision mark
# Rows a column's natural width is measured on (the visible ones first; Qt's default is 1,000):
# each row is a call into the Python model per column, and Label All's preview of 990 rows
# took 100-230 ms of the UI thread to fit (issue 29). A hundred rows tell a column's width.
SIZED_ROWS = 100
SCREEN_ROWS = 40  # rows sized where the model names its longest rows too (a screenful of a tall dock)
LONGEST_ROWS = 5  # of those, per column


def read_only(view: QTableView, *, pick_rows: bool = True) -> None:
    """A table to read, not to edit, without row numbers; ``pick_rows``: a click selects one
    whole row (what the result and list tables of every room show)."""
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    if pick_rows:
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)


def elide_in_the_middle(view: QAbstractItemView) -> None:
    view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    view.setWordWrap(False)


def item_with_tip(text: str, tip: str | None = None) -> QTableWidgetItem:
    """A table cell whose tooltip is its whole text (or ``tip``), however narrow the column."""
    item = QTableWidgetItem(text)
    item.setToolTip(tip if tip is not None else text)
    return item


class FittedColumns(QObject):
    """``stretch`` columns share what the others leave; each other column is as wide as its
    contents (or ``widths[column]``). When the stretching ones would get less than
    :data:`TEXT_SHARE` of the table, the ``drop`` columns are hidden in that order, then the
    rest shrink in proportion. Refits when the table or its rows change."""

    def __init__(self, view: QTableView, stretch: Iterable[int], widths: dict[int, int] | None = None,
                 drop: Iterable[int] = ()):
        super().__init__(view)
        self.view = view
        self.stretch = tuple(stretch)
        self.widths = dict(widths or {})
        self.drop = tuple(drop)
        elide_in_the_middle(view)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(LEAST_COLUMN)
        model = view.model()
        self._longest = getattr(model, "longest_rows", None)  # the model's own widest rows, if it knows them
        # the rows sizeHintForColumn reads
        header.setResizeContentsPrecision(SCREEN_ROWS if self._longest is not None else SIZED_ROWS)
        self._measured: dict[int, int] = {}  # natural widths of the rows as they are; emptied when they change
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.fit)
        view.viewport().installEventFilter(self)
        for signal in (model.modelReset, model.rowsInserted, model.layoutChanged):
            signal.connect(self._rows_changed)
        for signal in (model.dataChanged, model.headerDataChanged, model.columnsInserted, model.columnsRemoved):
            signal.connect(self._forget)  # measured again at the next fit, as before
        self.fit()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Resize:
            self._timer.start()  # the widths measured still hold: only shared out again
        return False

    def _rows_changed(self, *_args) -> None:
        self._measured.clear()
        self._timer.start()

    def _forget(self, *_args) -> None:
        self._measured.clear()

    def _natural(self, column: int) -> int:
        if column in self.widths:
            return self.widths[column]
        if column not in self._measured:
            view = self.view
            width = max(view.sizeHintForColumn(column), view.horizontalHeader().sectionSizeHint(column))
            if self._longest is not None:
                model = view.model()
                for row in self._longest(column, LONGEST_ROWS):
                    width = max(width, view.sizeHintForIndex(model.index(row, column)).width() + view.showGrid())
            self._measured[column] = width
        return self._measured[column]

    def fit(self) -> None:
        header = self.view.horizontalHeader()
        columns = list(range(header.count()))
        others = [c for c in columns if c not in self.stretch]
        for column in columns:
            mode = QHeaderView.ResizeMode.Stretch if column in self.stretch else QHeaderView.ResizeMode.Interactive
            header.setSectionResizeMode(column, mode)
        available = self.view.viewport().width()
        if available <= 0 or not others:
            return
        natural = {c: self._natural(c) for c in others}
        room = int(available * (1 - TEXT_SHARE)) if self.stretch else available
        hidden = set()
        for column in self.drop:
            if sum(w for c, w in natural.items() if c not in hidden) <= room:
                break
            hidden.add(column)
        for column in self.drop:
            self.view.setColumnHidden(column, column in hidden)
        natural = {c: w for c, w in natural.items() if c not in hidden}
        total = sum(natural.values())
        scale = min(1.0, room / total) if total else 1.0
        for column, width in natural.items():
            self.view.setColumnWidth(column, max(LEAST_COLUMN, int(width * scale)))
