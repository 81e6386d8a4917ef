"""Document > History…: everyone's edits of the shown document by annotator and time, newest
first, from what the project keeps (core/store/history.py): entities made and last changed, each
version's last edit, when the document was added. A click on an entity's line selects it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout,
    QWidget,
)

from ner_studio.core.store.annotators import display_name
from ner_studio.core.store.history import MOST_CHANGES, HistoryEntry, short_time


class HistoryDialog(QDialog):
    def __init__(self, parent: QWidget | None, name: str, entries: list[HistoryEntry],
                 select: Callable[[int, int], None]):
        super().__init__(parent)
        self.setWindowTitle(f"History of {name}")
        self.entries = entries
        layout = QVBoxLayout(self)
        note = QLabel("What the project keeps: when each entity was made and last changed, and each "
                      "annotator's last edit (times in UTC). A deleted entity leaves no trace."
                      + (f" The {MOST_CHANGES} newest entity changes are listed." if len(entries) > MOST_CHANGES else ""))
        note.setWordWrap(True)
        layout.addWidget(note)
        self.table = QTableWidget(len(entries), 3, self)
        self.table.setHorizontalHeaderLabels(["When", "Who", "What"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for row, entry in enumerate(entries):
            for column, text in enumerate((short_time(entry.time), display_name(entry.annotator) if entry.annotator
                                           else "—", entry.what)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.cellClicked.connect(lambda row, _column: self._select(row, select))
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 420)

    def rows(self) -> list[tuple[str, str, str]]:
        """The table as shown: (when, who, what) per line."""
        return [tuple(self.table.item(row, column).text() for column in range(3)) for row in range(self.table.rowCount())]

    def _select(self, row: int, select: Callable[[int, int], None]) -> None:
        span = self.entries[row].span
        if span is not None:
            select(span.start, span.end)
