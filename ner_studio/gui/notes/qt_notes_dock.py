"""The Notes dock: the project's open notes in a table (document, text, author, time), a filter
box, "Show resolved"; a click or Enter on a row shows the document with the note's range
selected.

The model keeps the notes as they were read (one query for the whole project) and makes each
cell's text only when the view asks for it, so 10k notes fill in well under the 0.5 s target
(``benchmarks/notes_dock.py``); the filter is a proxy over it.
"""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QCheckBox, QHBoxLayout, QLabel, QLineEdit, QTableView, QVBoxLayout, QWidget

from ner_studio.core.plural import plural
from ner_studio.core.store.annotators import display_name
from ner_studio.core.text.notes import Note
from ner_studio.gui.shell.qt_table_model import ColumnsTableModel

COLUMNS = ("Document", "Note", "Author", "Time")


class NotesModel(ColumnsTableModel):
    columns = COLUMNS

    def __init__(self, parent=None):
        super().__init__(parent)
        self.notes: list[Note] = []
        self._names: dict[int, str] = {}
        self._haystacks: list[str | None] = []  # what the filter searches, made when first asked

    def set_notes(self, notes: list[Note], names: dict[int, str]) -> None:
        """``names``: each document's name by id (a missing one shows as "Document N")."""
        self.beginResetModel()
        self.notes, self._names = notes, names
        self._haystacks = [None] * len(notes)
        self.endResetModel()

    def haystack(self, row: int) -> str:
        """The note's document name, text and author, lower-cased: what the filter's words match."""
        found = self._haystacks[row]
        if found is None:
            note = self.notes[row]
            found = self._haystacks[row] = f"{self._names.get(note.document_id, '')}\n{note.text}\n{note.author}".lower()
        return found

    def row_count(self) -> int:
        return len(self.notes)

    def note_at(self, row: int) -> Note:
        return self.notes[row]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        note = self.notes[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return self._names.get(note.document_id) or f"Document {note.document_id}"
            if column == 1:
                mark = "✓ " if note.resolved else ""
                return mark + ("(document) " if note.on_document else "") + note.excerpt()
            if column == 2:
                return display_name(note.author)
            return note.created.replace("T", " ")[:16]
        if role == Qt.ItemDataRole.ToolTipRole and column == 1:
            return note.text + ("\n(resolved)" if note.resolved else "")
        return None


class NotesFilter(QSortFilterProxyModel):
    """Rows whose document, text or author contains the filter's words, resolved ones only if asked."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.words: list[str] = []
        self.show_resolved = False

    def set_filter(self, text: str, show_resolved: bool) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.10 on; invalidateRowsFilter is deprecated there
            self.beginFilterChange()
            self.words, self.show_resolved = text.lower().split(), show_resolved
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.words, self.show_resolved = text.lower().split(), show_resolved
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, row: int, parent) -> bool:  # noqa: N802 - Qt override
        model = self.sourceModel()
        note = model.note_at(row)
        if note.resolved and not self.show_resolved:
            return False
        if not self.words:
            return True
        haystack = model.haystack(row)
        return all(word in haystack for word in self.words)


class NotesPanel(QWidget):
    """``note_chosen`` fires with the note a click or Enter picks."""

    note_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("notesPanel")
        self.model = NotesModel(self)
        self.filter = NotesFilter(self)
        self.filter.setSourceModel(self.model)
        self.query = QLineEdit()
        self.query.setObjectName("notesFilter")
        self.query.setPlaceholderText("Filter notes: document, words, author")
        self.query.setClearButtonEnabled(True)
        self.resolved = QCheckBox("Show resolved")
        self.resolved.setToolTip("List resolved notes too (marked ✓)")
        self.table = QTableView()
        self.table.setObjectName("notesTable")
        self.table.setModel(self.filter)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.horizontalHeader().setSectionResizeMode(1, self.table.horizontalHeader().ResizeMode.Stretch)
        self.summary = QLabel()
        row = QHBoxLayout()
        row.addWidget(self.query, 1)
        row.addWidget(self.resolved)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        self.query.textChanged.connect(lambda _text: self.apply_filter())
        self.query.returnPressed.connect(self._to_table)
        self.resolved.toggled.connect(lambda _checked: self.apply_filter())
        self.table.clicked.connect(self._choose)
        self.table.activated.connect(self._choose)  # Enter or a double-click

    def show_notes(self, notes: list[Note], names: dict[int, str]) -> None:
        self.model.set_notes(notes, names)
        self._count()

    def apply_filter(self) -> None:
        self.filter.set_filter(self.query.text(), self.resolved.isChecked())
        self._count()

    def _count(self) -> None:
        shown = self.filter.rowCount()
        open_notes = sum(1 for note in self.model.notes if not note.resolved)
        self.summary.setText(f"{plural(shown, 'note')} shown; {plural(open_notes, 'open note')} in the project")

    def _to_table(self) -> None:
        if self.filter.rowCount():
            self.table.setCurrentIndex(self.filter.index(0, 0))
        self.table.setFocus()

    def _choose(self, index) -> None:
        if index.isValid():
            self.note_chosen.emit(self.model.note_at(self.filter.mapToSource(index).row()))
