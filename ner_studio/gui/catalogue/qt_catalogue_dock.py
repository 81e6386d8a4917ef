"""The Catalogue dock: the entries with their mention and document counts, a filter, and for
the entry clicked every mention with its context (a click shows it in the text).

A view only: it reads what :class:`~ner_studio.gui.catalogue.links.CatalogueLinks` holds and the
counts the project gives, and asks its controller (``qt_catalogue.py``) to rename, merge,
delete or export through signals.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton, QSplitter,
    QTableWidget, QVBoxLayout, QWidget,
)

from ner_studio.core.catalogue.entries import CatalogueEntry, EntryCounts, normalised
from ner_studio.core.plural import plural
from ner_studio.gui.shell.qt_tables import item_with_tip

COLUMNS = ("Name", "Label", "Mentions", "Documents", "External id")
CONTEXT = 40  # characters of context each side of a mention


class CatalogueDock(QWidget):
    entry_chosen = Signal(str)  # an entry was clicked: list its mentions
    mention_chosen = Signal(int, int, int)  # document, start, end
    action_requested = Signal(str, str)  # ("rename" | "merge" | "delete" | "export", entry id)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("catalogueDock")
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter: a name, alias, label or id")
        self.filter.setClearButtonEnabled(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.heading = QLabel("Click an entry to list its mentions.")
        self.heading.setWordWrap(True)
        self.mentions = QListWidget()
        self.buttons = {}
        row = QHBoxLayout()
        for key, text, tip in (("rename", "Rename…", "Give the entry another name (the old one stays an alias)"),
                               ("merge", "Merge…", "Merge another entry into this one: its mentions follow"),
                               ("delete", "Delete…", "Delete the entry; its mentions lose their link"),
                               ("export", "Export Mentions…", "Write this entry's mentions to a spreadsheet")):
            button = self.buttons[key] = QPushButton(text)
            button.setToolTip(tip)
            button.setEnabled(False)
            button.clicked.connect(lambda _checked=False, key=key: self._request(key))
            row.addWidget(button)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.filter)
        top_layout.addWidget(self.table, 1)
        top_layout.addLayout(row)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.heading)
        bottom_layout.addWidget(self.mentions, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(bottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(split)
        self._entries: list[CatalogueEntry] = []
        self._counts: dict[str, EntryCounts] = {}
        self._rows: dict[str, int] = {}  # entry id -> its row, as filled
        self.filter.textChanged.connect(lambda _text: self._fill())
        self.table.itemSelectionChanged.connect(self._on_selection)
        self.mentions.itemActivated.connect(self._on_mention)
        self.mentions.itemClicked.connect(self._on_mention)

    # --- entries ---------------------------------------------------------------------------
    def show_entries(self, entries, counts: dict[str, EntryCounts]) -> None:
        chosen = self.current_entry()
        self._entries = sorted(entries, key=lambda e: (normalised(e.name), e.entry_id))
        self._counts = counts
        self._fill(keep=chosen)

    def _fill(self, keep: str | None = None) -> None:
        keep = keep or self.current_entry()
        words = normalised(self.filter.text())
        shown = [e for e in self._entries if not words or words in normalised(
            " ".join((*e.names(), e.label, e.external_id, e.entry_id)))]
        self.table.blockSignals(True)
        self.table.setRowCount(len(shown))
        self._rows = {entry.entry_id: row for row, entry in enumerate(shown)}
        for row, entry in enumerate(shown):
            counts = self._counts.get(entry.entry_id, EntryCounts())
            aliases = ", ".join(entry.aliases)
            cells = (entry.name, entry.label, str(counts.mentions), str(counts.documents), entry.external_id)
            for column, text in enumerate(cells):
                item = item_with_tip(text, f"{entry.name}{' — also ' + aliases if aliases else ''}"
                                           f"{chr(10) + entry.description if entry.description else ''}")
                item.setData(Qt.ItemDataRole.UserRole, entry.entry_id)
                if column in (2, 3):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
            if entry.entry_id == keep:
                self.table.selectRow(row)
        self.table.blockSignals(False)
        self._enable()

    def show_counts(self, counts: dict[str, EntryCounts]) -> None:
        """New counts for the entries shown: only the cells that changed are written. Why: a
        link moves one or two entries' counts, and refilling 10,000 rows took 0.35 s of the UI
        thread's CPU (benchmarks/results/2026-12-07-catalogue.md)."""
        moved = [k for k in counts.keys() | self._counts.keys() if counts.get(k) != self._counts.get(k)]
        self._counts = counts
        for entry_id in moved:
            row = self._rows.get(entry_id)
            if row is not None:
                figures = counts.get(entry_id, EntryCounts())
                self.table.item(row, 2).setText(str(figures.mentions))
                self.table.item(row, 3).setText(str(figures.documents))

    def current_entry(self) -> str | None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 and self.table.selectedItems() else None
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def select_entry(self, entry_id: str) -> bool:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == entry_id:
                self.table.selectRow(row)
                return True
        return False

    def _enable(self) -> None:
        for button in self.buttons.values():
            button.setEnabled(self.current_entry() is not None)

    def _on_selection(self) -> None:
        self._enable()
        entry_id = self.current_entry()
        if entry_id is not None:
            self.entry_chosen.emit(entry_id)

    def _request(self, key: str) -> None:
        entry_id = self.current_entry()
        if entry_id is not None:
            self.action_requested.emit(key, entry_id)

    # --- mentions --------------------------------------------------------------------------
    def show_mentions(self, entry: CatalogueEntry | None, mentions: list[tuple]) -> None:
        """``mentions``: ``(doc_id, start, end, document name, text)`` in document order."""
        self.mentions.clear()
        if entry is None:
            self.heading.setText("Click an entry to list its mentions.")
            return
        documents = len({m[0] for m in mentions})
        self.heading.setText(f"{entry.name}: {plural(len(mentions), 'mention')} in {plural(documents, 'document')}")
        for doc_id, start, end, name, text in mentions:
            before = " ".join(text[max(0, start - CONTEXT):start].split())
            after = " ".join(text[end:end + CONTEXT].split())
            item = QListWidgetItem(f"{name}: …{before} [{text[start:end]}] {after}…")
            item.setData(Qt.ItemDataRole.UserRole, (doc_id, start, end))
            self.mentions.addItem(item)

    def _on_mention(self, item: QListWidgetItem) -> None:
        doc_id, start, end = item.data(Qt.ItemDataRole.UserRole)
        self.mention_chosen.emit(doc_id, start, end)
