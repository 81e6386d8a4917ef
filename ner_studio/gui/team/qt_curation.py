"""The curation panel: two annotators' versions of the shown document side by side, the
places where they differ marked and listed; the curator picks a side per difference and saves
the result as the document's gold version (core/team/curation.py does the comparing).

To edit rather than pick, the curator changes their own version in the editor and compares
it: their own version is one of the annotators offered.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QPushButton, QSplitter, QTableWidget, QVBoxLayout, QWidget,
)

from ner_studio.core.store.annotators import display_name
from ner_studio.core.team.curation import FIRST, NEITHER, SECOND, compare, curated_spans
from ner_studio.core.text.document import Document
from ner_studio.core.plural import plural
from ner_studio.core.text.spans import Span
from ner_studio.gui.annotate.qt_highlighter import SpanStyle
from ner_studio.gui.annotate.qt_text_view import EntityTextView
from ner_studio.gui.shell.qt_tables import FittedColumns, item_with_tip, read_only

# The choice combo of each difference: its items in order (None: not decided yet).
CHOICE_ITEMS = ((None, "Choose…"), (FIRST, "First"), (SECOND, "Second"), (NEITHER, "Neither"))
EXCERPT = 40  # characters of text shown per difference


def labels_first(spans: tuple[Span, ...], text: str, kb_names: Mapping[str, str] | None = None) -> str:
    """One side of a difference with its labels in front, ``PER · "Ada Lovelace"`` (``→ Ada
    Lovelace`` after a linked one, the catalogue entry's name from ``kb_names``, else its id):
    a narrow column elides the middle of the text, never a label (the tester saw "PRODU…")."""
    if not spans:
        return "(nothing)"
    names = kb_names or {}
    return "; ".join(f"{s.label} · \"{text[s.start:s.end]}\"" + (f" → {names.get(s.kb_id, s.kb_id)}" if s.kb_id else "")
                     for s in spans)


class CurationPanel(QWidget):
    """``gold_ready(doc_id, spans, started_from)``: the curator saved; the controller stores
    the spans unless the gold version is no longer ``started_from`` (what it was when the
    panel read the document: another curator saved since)."""

    gold_ready = Signal(int, object, object)

    def __init__(self, style: SpanStyle, load_version: Callable[[int, str], Document],
                 load_gold: Callable[[int], tuple[Span, ...] | None] = lambda doc_id: None,
                 kb_names: Callable[[], Mapping[str, str]] = dict):
        super().__init__()
        self._load = load_version
        self._kb_names = kb_names  # the catalogue's entry names by id, read when a link differs
        self._load_gold = load_gold  # the saved gold spans, None if never curated
        self._doc_id: int | None = None
        self.active = True  # False while the dock is hidden: nothing is loaded then
        self._text = ""
        self._agreed: list[Span] = []
        self._differences = []
        self._started_from: tuple[Span, ...] | None = None  # the gold spans when read (None: never curated)
        self._shown: tuple | None = None  # (doc_id, first, second) last read
        self.first_combo, self.second_combo = QComboBox(), QComboBox()
        self.first_view, self.second_view = EntityTextView(style), EntityTextView(style)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Where", "First", "Second", "Gold"])
        read_only(self.table, pick_rows=False)
        self.columns = FittedColumns(self.table, stretch=(1, 2), widths={3: self._choice_combo().sizeHint().width()})
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.all_first = QPushButton("Rest from first")
        self.all_second = QPushButton("Rest from second")
        self.save_button = QPushButton("Save as Gold")
        self.save_button.setToolTip("Store the agreed entities and your choices as this document's gold "
                                    "version, which export and fine-tuning use")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self._layout()
        self.first_combo.currentIndexChanged.connect(self.refresh)
        self.second_combo.currentIndexChanged.connect(self.refresh)
        self.table.currentCellChanged.connect(lambda row, *_: self._reveal(row))
        self.all_first.clicked.connect(lambda: self.choose_rest(FIRST))
        self.all_second.clicked.connect(lambda: self.choose_rest(SECOND))
        self.save_button.clicked.connect(self.save)

    def _layout(self) -> None:
        pickers = QHBoxLayout()
        for text, combo in (("First:", self.first_combo), ("Second:", self.second_combo)):
            pickers.addWidget(QLabel(text))
            pickers.addWidget(combo, 1)
        views = QSplitter(Qt.Orientation.Horizontal)
        views.addWidget(self.first_view)
        views.addWidget(self.second_view)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(views)
        split.addWidget(self.table)
        buttons = QHBoxLayout()
        for button in (self.all_first, self.all_second):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(pickers)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

    # --- what is shown ---------------------------------------------------------------------
    def set_annotators(self, names: list[str], preferred: tuple[str, ...] = (), *, keep: bool = True) -> None:
        """Offer ``names`` on both sides: the current picks if still there (and ``keep``),
        else ``preferred``, else the first names."""
        picks = (self.first_combo.currentData(), self.second_combo.currentData()) if keep else (None, None)
        wanted = [p if p in names else None for p in picks]
        defaults = [n for n in preferred if n in names] + [n for n in names if n not in preferred]
        for index, combo in enumerate((self.first_combo, self.second_combo)):
            combo.blockSignals(True)
            combo.clear()
            for name in names:
                combo.addItem(display_name(name), name)
            choice = wanted[index] or (defaults[index] if index < len(defaults) else None)
            combo.setCurrentIndex(max(0, combo.findData(choice)))
            combo.blockSignals(False)

    def show_document(self, doc_id: int | None) -> None:
        self._doc_id = doc_id
        self.refresh()

    def annotators(self) -> tuple[str | None, str | None]:
        return self.first_combo.currentData(), self.second_combo.currentData()

    def set_active(self, active: bool) -> None:
        self.active = active
        self.refresh()

    def refresh(self) -> None:
        """Load both versions of the document again and list their differences."""
        if not self.active:
            return
        first, second = self.annotators()
        if self._doc_id is None or first is None or second is None:
            self._shown = None
            self._show(None, None)
            self.status.setText("Curation needs a document and two annotators who have versions of it.")
            return
        self._started_from = self._load_gold(self._doc_id)
        self._show(self._load(self._doc_id, first), self._load(self._doc_id, second))
        self._shown = (self._doc_id, first, second)

    def show_place(self, doc_id: int, start: int, end: int, pair: tuple[str, str] | None = None) -> None:
        """Compare ``pair`` (the two annotators; None: those chosen) on document ``doc_id``
        and select ``[start, end)`` in both versions, its difference chosen in the table: a
        disagreement picked in the agreement report. Reads the versions only if they are not
        the ones shown."""
        if pair is not None:
            for combo, name in zip((self.first_combo, self.second_combo), pair):
                if combo.findData(name) >= 0:
                    combo.blockSignals(True)
                    combo.setCurrentIndex(combo.findData(name))
                    combo.blockSignals(False)
        self._doc_id = doc_id
        if self._shown != (doc_id, *self.annotators()):
            self.refresh()
        if not self.active:
            return
        row = next((r for r, d in enumerate(self._differences) if d.start < end and start < d.end), None)
        if row is not None:
            self.table.setCurrentCell(row, 0)
            self.table.scrollToItem(self.table.item(row, 0))
        for view in (self.first_view, self.second_view):
            if view.doc is not None:
                view.select_range(start, end)

    def _show(self, first: Document | None, second: Document | None) -> None:
        self.first_view.show_document(first)
        self.second_view.show_document(second)
        self._text = first.text if first is not None else ""
        if first is None or second is None:
            self._agreed, self._differences = [], []
        else:
            self._agreed, self._differences = compare(first.spans, second.spans)
        ranges = [(d.start, d.end) for d in self._differences]
        self.first_view.show_matches(ranges)
        self.second_view.show_matches(ranges)
        self.table.setRowCount(len(self._differences))
        linked = any(s.kb_id for d in self._differences for s in (*d.first, *d.second))
        names = self._kb_names() if linked else {}
        for row, difference in enumerate(self._differences):
            excerpt = self._text[difference.start:difference.end]
            excerpt = excerpt if len(excerpt) <= EXCERPT else excerpt[:EXCERPT - 1] + "…"
            self.table.setItem(row, 0, item_with_tip(excerpt, self._text[difference.start:difference.end]))
            for column, side in ((1, difference.first), (2, difference.second)):
                self.table.setItem(row, column, item_with_tip(labels_first(side, self._text, names),
                                                              difference.describe(side, self._text)))
            combo = self._choice_combo()
            combo.currentIndexChanged.connect(self._update_status)
            self.table.setCellWidget(row, 3, combo)
        self._preselect()
        self._update_status()

    @staticmethod
    def _choice_combo() -> QComboBox:
        combo = QComboBox()
        for choice, text in CHOICE_ITEMS:
            combo.addItem(text, choice)
        return combo

    def _preselect(self) -> None:
        """Curated before: choose what the saved gold version chose, where it took a side."""
        gold = self._started_from if self._differences else None
        if gold is None:
            return
        for row, difference in enumerate(self._differences):
            inside = tuple(s for s in gold if s.start < difference.end and difference.start < s.end)
            keys = [(s.start, s.end, s.label, s.kb_id) for s in inside]
            for choice in (FIRST, SECOND, NEITHER):
                if keys == [(s.start, s.end, s.label, s.kb_id) for s in difference.side(choice)]:
                    self.choose(row, choice)
                    break

    def _reveal(self, row: int) -> None:
        if 0 <= row < len(self._differences):
            difference = self._differences[row]
            for view in (self.first_view, self.second_view):
                if view.doc is not None:
                    view.select_range(difference.start, difference.end)

    # --- choosing and saving ---------------------------------------------------------------
    def choices(self) -> dict[int, str]:
        """The decided differences: row -> FIRST, SECOND or NEITHER."""
        decided = {}
        for row in range(self.table.rowCount()):
            choice = self.table.cellWidget(row, 3).currentData()
            if choice is not None:
                decided[row] = choice
        return decided

    def choose(self, row: int, choice: str) -> None:
        combo = self.table.cellWidget(row, 3)
        combo.setCurrentIndex(combo.findData(choice))

    def choose_rest(self, choice: str) -> None:
        decided = self.choices()
        for row in range(self.table.rowCount()):
            if row not in decided:
                self.choose(row, choice)

    def _update_status(self) -> None:
        total, decided = len(self._differences), len(self.choices())
        ready = self._doc_id is not None and self.first_view.doc is not None and decided == total
        self.save_button.setEnabled(ready)
        if self.first_view.doc is None:
            return
        if not total:
            self.status.setText(f"The two versions agree ({plural(len(self._agreed), 'entity')}); save them as gold.")
        else:
            self.status.setText(f"{plural(len(self._agreed), 'entity')} agreed; {decided} of {plural(total, 'difference')} decided.")

    def save(self) -> None:
        if self._doc_id is None or not self.save_button.isEnabled():
            return
        self.gold_ready.emit(self._doc_id, curated_spans(self._agreed, self._differences, self.choices()),
                             self._started_from or ())
