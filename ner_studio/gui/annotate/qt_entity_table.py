"""The entity table: every span of the shown document, sortable, click to jump.

The model sorts itself (one C sort on a key, not a proxy that would call back into Python for
every comparison) and applies each :class:`SpansChanged` as row removals and insertions found by
bisection on that key, so a relabel touches two rows, not thirty thousand. By position, the
order the table opens in, the document's spans are already sorted: showing a document copies
its span tuple and computes no key, since switching between 50k-token documents spent most of
the table's time sorting 10,000 keys (benchmarks/results/2026-12-07-stalls-label-all-training-switching.md).
"""

from __future__ import annotations

from bisect import bisect_left

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QTableView, QWidget

from ner_studio.core.text.document import Document, SpansChanged
from ner_studio.core.text.spans import Span
from ner_studio.gui.annotate.qt_highlighter import SpanStyle
from ner_studio.gui.shell.qt_table_model import ColumnsTableModel
from ner_studio.gui.shell.qt_tables import FittedColumns, read_only

COLUMNS = ("Entity", "Label", "Source", "Confidence", "Position", "Linked to")
POSITION = 4
LINKED = 5  # the catalogue entry's name (gui/catalogue); empty when unlinked or without a catalogue
# Past this many changed spans one re-sort is faster than row-by-row updates.
RESET_AT = 200


class EntityTableModel(ColumnsTableModel):

    columns = COLUMNS
    # After the rows follow a change of the document (the text view may have asked for a
    # span's row before this model heard of that change).
    rows_updated = Signal()

    def __init__(self, style: SpanStyle, parent=None):
        super().__init__(parent)
        self.style = style
        self._doc: Document | None = None
        self._column = POSITION
        self._descending = False
        self._spans: list[Span] = []  # ascending by _key; shown reversed when descending

    def show_document(self, doc: Document | None) -> None:
        if self._doc is not None:
            self._doc.changed.disconnect(self._on_changed)
        self._doc = doc
        self._reset()
        if doc is not None:
            doc.changed.connect(self._on_changed)

    def set_style(self, style: SpanStyle) -> None:
        self.style = style
        if self._spans:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._spans) - 1, len(COLUMNS) - 1))

    def links_changed(self) -> None:
        """The catalogue changed (a rename, merge, delete): the names shown and, sorted by
        them, the order."""
        if self._column == LINKED:
            self._reset()
        elif self._spans:
            self.dataChanged.emit(self.index(0, LINKED), self.index(len(self._spans) - 1, LINKED))

    def span(self, row: int) -> Span:
        return self._spans[self._position(row)]

    def row_of(self, span: Span) -> int | None:
        i = bisect_left(self._spans, self._key(span), key=self._key)
        if i < len(self._spans) and self._spans[i] == span:
            return self._position(i)
        return None

    def _position(self, i: int) -> int:
        """Row ↔ list position (the list is ascending; descending shows it reversed)."""
        return len(self._spans) - 1 - i if self._descending else i

    def _key(self, span: Span) -> tuple:
        # The start offset breaks ties, so every key is unique and bisection finds one span.
        column = self._column
        if column == 0:
            return self._doc.text[span.start : span.end].lower(), span.start
        if column == 1:
            return span.label, span.start
        if column == 2:
            return str(span.source), span.start
        if column == 3:
            return (-1.0 if span.confidence is None else span.confidence), span.start
        if column == LINKED:  # linked ones first, by name; the unlinked after them
            name = self._link_name(span)
            return name is None, (name or "").lower(), span.start
        return span.start, span.end

    def _link_name(self, span: Span) -> str | None:
        links = self.style.links
        if span.kb_id is None or links is None:
            return None
        return links.name_of(span.kb_id) or span.kb_id  # an entry deleted elsewhere: its id

    def _reset(self) -> None:
        self.beginResetModel()
        spans = self._doc.spans if self._doc else ()
        # A document keeps its spans sorted by (start, end): the position order as it is.
        self._spans = list(spans) if self._column == POSITION else sorted(spans, key=self._key)
        self.endResetModel()
        self.rows_updated.emit()

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self._column = column
        self._descending = order == Qt.SortOrder.DescendingOrder
        self._reset()

    def _on_changed(self, change: SpansChanged) -> None:
        if len(change.removed) + len(change.added) > RESET_AT:
            self._reset()
            return
        for span in change.removed:
            row = self.row_of(span)
            if row is not None:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._spans[self._position(row)]
                self.endRemoveRows()
        for span in change.added:
            i = bisect_left(self._spans, self._key(span), key=self._key)
            row = len(self._spans) - i if self._descending else i
            self.beginInsertRows(QModelIndex(), row, row)
            self._spans.insert(i, span)
            self.endInsertRows()
        self.rows_updated.emit()

    # --- QAbstractTableModel ---------------------------------------------------------------
    def row_count(self) -> int:
        return len(self._spans)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        span = self.span(index.row())
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(span, column)
        if role == Qt.ItemDataRole.BackgroundRole and column == 1:
            return QBrush(self.style.colour(span.label))
        if role == Qt.ItemDataRole.ForegroundRole and column == 3 and self.style.is_low_confidence(span):
            return QBrush(QColor("#b42318"))
        if role == Qt.ItemDataRole.ToolTipRole:  # the whole text, however narrow the column
            confidence = "" if span.confidence is None else f", confidence {span.confidence:.2f}"
            name = self._link_name(span)
            linked = f", linked to {name}" if name else ""
            return (f"{self._display(span, 0)}\n{span.label} ({span.source}{confidence}{linked}) at characters "
                    f"{span.start}-{span.end}: click to show it in the text")
        return None

    def _display(self, span: Span, column: int):
        if column == 0:
            return self._doc.text[span.start : span.end].replace("\n", " ")
        if column == 1:
            return span.label
        if column == 2:
            return str(span.source)
        if column == 3:
            return "" if span.confidence is None else f"{span.confidence:.2f}"
        if column == LINKED:
            return self._link_name(span) or ""
        return span.start


class EntityTable(QTableView):
    """``span_activated`` fires with the span of a clicked row."""

    span_activated = Signal(object)

    def __init__(self, style: SpanStyle, parent: QWidget | None = None):
        super().__init__(parent)
        self.table_model = EntityTableModel(style, self)
        self.setModel(self.table_model)
        self.setSortingEnabled(True)
        self.horizontalHeader().setSortIndicator(POSITION, Qt.SortOrder.AscendingOrder)
        read_only(self)
        self.setAlternatingRowColors(True)
        self.verticalHeader().setDefaultSectionSize(22)
        # Fixed widths: sizing columns to their contents would read every row of a big document.
        # In a narrow dock they shrink, and a long entity is elided in the middle (tooltip: whole).
        # Linked to, position, then source, then confidence go first (the row's tooltip has them all).
        self.columns = FittedColumns(self, stretch=(0,), widths={1: 58, 2: 72, 3: 92, 4: 70, LINKED: 110},
                                     drop=(LINKED, 4, 2, 3))
        self.setToolTip("Entities of this document: click a column title to sort, a row to jump to it")
        self.clicked.connect(self._on_clicked)
        self.activated.connect(self._on_clicked)
        self._shown: Span | None = None
        self.table_model.rows_updated.connect(lambda: self.select_span(self._shown))

    def _on_clicked(self, index) -> None:
        if index.isValid():
            self.span_activated.emit(self.table_model.span(index.row()))

    def select_span(self, span: Span | None) -> None:
        """Highlight the row of ``span`` (the entity selected in the text), now and after the
        rows follow an edit of it (a relabelled span is a new span, in a new row)."""
        self._shown = span
        row = self.table_model.row_of(span) if span is not None else None
        if row is None:
            self.clearSelection()
            return
        self.selectRow(row)
        self.scrollTo(self.table_model.index(row, 0))
