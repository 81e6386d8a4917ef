"""The mistakes behind an evaluation's scores, in the Evaluate dialog: one row per error
(missed, spurious, wrong label, wrong boundary; core/learning/error_analysis.py) with its sentence,
filterable by label and kind. A click (or Enter) on a row emits ``chosen`` with the error, and
the dialog shows it in the text.

Why in the dialog and not only in a file: an F1 of 71 for ORG says how much is wrong, the
rows say what, and the analyst fixes the data or the labels from there."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout,
    QWidget,
)

from ner_studio.core.learning.error_analysis import ErrorInContext, ErrorKind
from ner_studio.core.plural import plural
from ner_studio.gui.shell.qt_tables import read_only

COLUMNS = ("Kind", "Gold", "Predicted", "Document", "Sentence")
ALL = ""


def entity_cell(text: str, span) -> str:
    """"Ada Lovelace (PER)", or "—" where there is no such entity."""
    return "—" if span is None else f"{text} ({span[2]})"


class ErrorList(QWidget):
    chosen = Signal(object)  # ErrorInContext

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._errors: tuple[ErrorInContext, ...] = ()
        self._shown: list[ErrorInContext] = []
        self.label = QComboBox()
        self.kind = QComboBox()
        self.kind.addItem("All kinds", ALL)
        for kind in ErrorKind:
            self.kind.addItem(str(kind).capitalize(), str(kind))
        self.summary = QLabel()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        read_only(self.table)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.cellClicked.connect(lambda row, _column: self._choose(row))
        self.table.itemActivated.connect(lambda item: self._choose(item.row()))
        self.label.currentIndexChanged.connect(self._refill)
        self.kind.currentIndexChanged.connect(self._refill)
        filters = QHBoxLayout()
        filters.addWidget(QLabel("Errors:"))
        filters.addWidget(self.label)
        filters.addWidget(self.kind)
        filters.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)

    def set_errors(self, errors) -> None:
        """Show ``errors`` (ErrorInContext), the label filter offering the labels they involve."""
        self._errors = tuple(errors)
        labels = sorted({label for found in self._errors for label in found.error.labels})
        self.label.blockSignals(True)
        self.label.clear()
        self.label.addItem("All labels", ALL)
        for label in labels:
            self.label.addItem(label, label)
        self.label.blockSignals(False)
        self._refill()

    def shown(self) -> list[ErrorInContext]:
        """The errors the filters let through, in table order."""
        return list(self._shown)

    def _refill(self) -> None:
        label, kind = self.label.currentData(), self.kind.currentData()
        self._shown = [e for e in self._errors
                       if (not label or label in e.error.labels) and (not kind or e.error.kind == kind)]
        self.table.setRowCount(len(self._shown))
        for r, found in enumerate(self._shown):
            cells = (str(found.error.kind), entity_cell(found.gold_text, found.error.gold),
                     entity_cell(found.predicted_text, found.error.predicted), found.document, found.context)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(r, c, item)
        counts = Counter(str(e.error.kind) for e in self._shown)
        each = ", ".join(f"{counts[str(k)]} {k}" for k in ErrorKind if counts[str(k)])
        self.summary.setText(f"{plural(len(self._shown), 'error')}" + (f": {each}" if each else ""))

    def _choose(self, row: int) -> None:
        if 0 <= row < len(self._shown):
            self.chosen.emit(self._shown[row])
