"""The Catalogue dock: the entries with their mention and document counts, a filter, and for
the entry clicked every mention with its context (a click shows it in the text).

A view only: it reads what :class:`~ner_studio.gui.catalogue.links.CatalogueLinks` holds and the
counts the project gives, and asks its controller (``qt_catalogue.py``) to rename, merge,
delete or export through signals. The entries are a model (:class:`EntryTableModel`), not a
table of items: 10,000 entries as items took 0.35 s of the UI thread's CPU to fill, after every
new entry and every letter typed in the filter; a model resets in a few milliseconds and the
view asks only for the rows it shows.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton, QSplitter,
    QTableView, QVBoxLayout, QWidget,
)

from ner_studio.core.catalogue.entries import CatalogueEntry, EntryCounts, normalised
from ner_studio.core.plural import plural
from ner_studio.gui.shell.qt_table_model import ColumnsTableModel
from ner_studio.gui.shell.qt_tables import FittedColumns, read_only

COLUMNS = ("Name", "Label", "Mentions", "Documents", "External id")
MENTIONS, DOCUMENTS, EXTERNAL_ID = 2, 3, 4
CONTEXT = 40  # characters of context each side of a mention
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class EntryTableModel(ColumnsTableModel):
    """The entries shown (filtered, sorted by name) with their counts; ``UserRole``: the id."""

    columns = COLUMNS

    def __init__(self, parent=None):
        super().__init__(parent)
        self._shown: list[CatalogueEntry] = []
        self._rows: dict[str, int] = {}  # entry id -> its row
        self._counts: dict[str, EntryCounts] = {}

    def show(self, entries: list[CatalogueEntry], counts: dict[str, EntryCounts]) -> None:
        self.beginResetModel()
        self._shown = entries
        self._rows = {entry.entry_id: row for row, entry in enumerate(entries)}
        self._counts = counts
        self.endResetModel()

    def set_counts(self, counts: dict[str, EntryCounts]) -> None:
        """Only the rows whose counts moved are redrawn (a link moves one or two)."""
        moved = [k for k in counts.keys() | self._counts.keys() if counts.get(k) != self._counts.get(k)]
        self._counts = counts
        for entry_id in moved:
            row = self._rows.get(entry_id)
            if row is not None:
                self.dataChanged.emit(self.index(row, MENTIONS), self.index(row, DOCUMENTS))

    def entry_id(self, row: int) -> str:
        return self._shown[row].entry_id

    def row_of(self, entry_id: str) -> int | None:
        return self._rows.get(entry_id)

    def row_count(self) -> int:
        return len(self._shown)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        entry = self._shown[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            counts = self._counts.get(entry.entry_id, EntryCounts())
            return (entry.name, entry.label, str(counts.mentions), str(counts.documents), entry.external_id)[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            aliases = ", ".join(entry.aliases)
            return (f"{entry.name}{' — also ' + aliases if aliases else ''}"
                    f"{chr(10) + entry.external_id if entry.external_id else ''}"
                    f"{chr(10) + entry.description if entry.description else ''}")
        if role == Qt.ItemDataRole.UserRole:
            return entry.entry_id
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (MENTIONS, DOCUMENTS):
            return int(_RIGHT)
        return None


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
        self.model = EntryTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        read_only(self.table)
        # Fitted like the other docks' tables: in a 440-pixel dock the external id was cut at
        # the edge, behind a sideways scroll bar; now it goes first (the tooltip names it).
        self.columns = FittedColumns(self.table, stretch=(0,), drop=(EXTERNAL_ID,))
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
        self._searched: list[str] = []  # each entry's names, label and ids, normalised: what the filter finds
        self._counts: dict[str, EntryCounts] = {}
        self.filter.textChanged.connect(lambda _text: self._fill())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._on_selection())
        self.mentions.itemActivated.connect(self._on_mention)
        self.mentions.itemClicked.connect(self._on_mention)

    # --- entries ---------------------------------------------------------------------------
    def show_entries(self, entries, counts: dict[str, EntryCounts]) -> None:
        chosen = self.current_entry()
        self._entries = sorted(entries, key=lambda e: (normalised(e.name), e.entry_id))
        self._searched = [normalised(" ".join((*e.names(), e.label, e.external_id, e.entry_id))) for e in self._entries]
        self._counts = counts
        self._fill(keep=chosen)

    def _fill(self, keep: str | None = None) -> None:
        keep = keep or self.current_entry()
        words = normalised(self.filter.text())
        shown = [e for e, searched in zip(self._entries, self._searched) if not words or words in searched]
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        self.model.show(shown, self._counts)
        row = self.model.row_of(keep) if keep is not None else None
        if row is not None:
            self.table.selectRow(row)
        selection.blockSignals(False)
        self._enable()

    def show_counts(self, counts: dict[str, EntryCounts]) -> None:
        """New counts for the entries shown: only the rows whose counts moved are redrawn."""
        self._counts = counts
        self.model.set_counts(counts)

    def current_entry(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.entry_id(rows[0].row()) if rows else None

    def select_entry(self, entry_id: str) -> bool:
        row = self.model.row_of(entry_id)
        if row is None:
            return False
        self.table.selectRow(row)
        return True

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
