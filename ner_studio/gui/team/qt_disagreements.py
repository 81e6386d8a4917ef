"""The disagreements behind the agreement figures, in the Agreement window: one row per place
two annotators differ (only one marked it, another label, other edges, another catalogue
entry; core/team/disagreements.py) with both sides and the sentence, filterable by label, kind
and pair of annotators. A click (or Enter) on a row emits ``chosen`` with the disagreement, and
the team controller opens the Curation dock there.

Why a model and not a table of items: three annotators on a million tokens disagree in tens of
thousands of places; a filter then refills one list, not a hundred thousand widgets' items.
The shape follows the Evaluate error list (gui/learning/qt_error_list.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTableView, QVBoxLayout, QWidget

from ner_studio.core.plural import plural
from ner_studio.core.store.annotators import display_name
from ner_studio.core.team.disagreements import KIND_HELP, Disagreement, DisagreementKind
from ner_studio.core.text.spans import Span
from ner_studio.gui.shell.qt_table_model import ColumnsTableModel
from ner_studio.gui.shell.qt_tables import FittedColumns, read_only

ALL = ""
KIND, DOCUMENT, FIRST, SECOND, SENTENCE = range(5)


def side_cell(span: Span | None, found: Disagreement, kb_names: Mapping[str, str] | None = None) -> str:
    """One annotator's side, the label first (a narrow column elides the middle, never the
    label): ``PER · "Ada Lovelace"``, with its catalogue entry for a link (by name from
    ``kb_names``: the entry's id is a string of hex digits nobody can read), or ``(nothing)``."""
    if span is None:
        return "(nothing)"
    text = f"{span.label} · \"{found.text[span.start - found.start:span.end - found.start]}\""
    if found.kind == DisagreementKind.LINK:
        entry = (kb_names or {}).get(span.kb_id, span.kb_id) if span.kb_id else None
        text += f" → {entry or '(not linked)'}"
    return text


class DisagreementModel(ColumnsTableModel):
    columns = ("Kind", "Document", "First", "Second", "Sentence")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[Disagreement] = []
        self.named_pairs = False  # more than two annotators: each side names its annotator
        self.kb_names: Mapping[str, str] = {}  # catalogue entry id -> name

    def set_rows(self, rows: list[Disagreement]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def row_count(self) -> int:
        return len(self.rows)

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        found = self.rows[index.row()]
        column = index.column()
        if column == KIND:
            text = str(found.kind)
            return text if role == Qt.ItemDataRole.DisplayRole else f"{text}: {KIND_HELP[found.kind]}"
        if column == DOCUMENT:
            return found.document
        if column in (FIRST, SECOND):
            name, span = (found.first, found.first_span) if column == FIRST else (found.second, found.second_span)
            text = side_cell(span, found, self.kb_names)
            named = role == Qt.ItemDataRole.ToolTipRole or self.named_pairs
            return f"{display_name(name)}: {text}" if named else text
        return found.context


class DisagreementList(QWidget):
    chosen = Signal(object)  # Disagreement

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._all: tuple[Disagreement, ...] = ()
        self.label, self.kind, self.pair = QComboBox(), QComboBox(), QComboBox()
        self.kind.addItem("All kinds", ALL)
        for kind in DisagreementKind:
            self.kind.addItem(str(kind).capitalize(), str(kind))
            self.kind.setItemData(self.kind.count() - 1, KIND_HELP[kind], Qt.ItemDataRole.ToolTipRole)
        self.summary = QLabel()
        self.model = DisagreementModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        read_only(self.table)
        self.columns = FittedColumns(self.table, stretch=(FIRST, SECOND, SENTENCE), drop=(DOCUMENT,))
        self.table.clicked.connect(lambda index: self._choose(index.row()))
        self.table.activated.connect(lambda index: self._choose(index.row()))
        for combo in (self.label, self.kind, self.pair):
            combo.currentIndexChanged.connect(self._refill)
        filters = QHBoxLayout()
        filters.addWidget(QLabel("Show:"))
        for combo in (self.label, self.kind, self.pair):
            filters.addWidget(combo)
        filters.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)

    def set_disagreements(self, found: Sequence[Disagreement], annotators: Sequence[str],
                          kb_names: Mapping[str, str] | None = None) -> None:
        """Show ``found`` between ``annotators``: with two, the side columns are named after
        them; with more, a pair filter is offered and each side names its annotator.
        ``kb_names``: the catalogue's entry names by id, for link disagreements."""
        self._all = tuple(found)
        self.model.kb_names = dict(kb_names or {})
        labels = sorted({label for d in self._all for label in d.labels})
        pairs = list(dict.fromkeys(d.pair for d in self._all))
        # Those who disagree, not everyone with a version: a version nobody worked on (the
        # model's suggestions for someone who opened the project once) made two annotators'
        # columns "First" and "Second", each cell prefixed with a name.
        present = list(dict.fromkeys(name for pair in pairs for name in pair)) or list(annotators)
        self.model.named_pairs = len(present) > 2
        self.model.columns = ("Kind", "Document", *(("First", "Second") if self.model.named_pairs
                                                    else (display_name(n) for n in present[:2])), "Sentence")
        for combo, everything, values in ((self.label, "All labels", [(label, label) for label in labels]),
                                          (self.pair, "All pairs", [(f"{display_name(a)} / {display_name(b)}", (a, b))
                                                                    for a, b in pairs])):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, ALL)
            for text, value in values:
                combo.addItem(text, value)
            combo.blockSignals(False)
        self.pair.setVisible(self.model.named_pairs)
        self._refill()

    def shown(self) -> list[Disagreement]:
        """The disagreements the filters let through, in table order."""
        return list(self.model.rows)

    def _refill(self) -> None:
        label, kind, pair = self.label.currentData(), self.kind.currentData(), self.pair.currentData()
        rows = [d for d in self._all if (not label or label in d.labels) and (not kind or d.kind == kind)
                and (not pair or d.pair == tuple(pair))]
        self.model.set_rows(rows)
        counts = Counter(str(d.kind) for d in rows)
        each = ", ".join(f"{counts[str(k)]} {k}" for k in DisagreementKind if counts[str(k)])
        self.summary.setText(plural(len(rows), "disagreement") + (f": {each}" if each else "")
                             + (f" (of {len(self._all)})" if len(rows) != len(self._all) else ""))

    def _choose(self, row: int) -> None:
        if 0 <= row < len(self.model.rows):
            self.chosen.emit(self.model.rows[row])
