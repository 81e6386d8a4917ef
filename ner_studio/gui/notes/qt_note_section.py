"""The details pane's notes: those on the selected entity (a note on a range it overlaps), or
the document's own when no entity is selected, each with its author and time, and Resolve /
Reopen, Edit and Delete for the one picked in the list."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from ner_studio.core.store.annotators import display_name
from ner_studio.core.text.notes import Note


def describe(note: Note) -> str:
    """A note as the list shows it: who, when, whether resolved, then the text."""
    state = " — resolved" if note.resolved else ""
    return f"{display_name(note.author)}, {note.created.replace('T', ' ')[:16]}{state}\n{note.text}"


class NoteSection(QWidget):
    """``resolve_requested``, ``edit_requested``, ``delete_requested`` and ``add_requested``
    fire with the note picked in the list (``add``: none)."""

    resolve_requested = Signal(object)
    edit_requested = Signal(object)
    delete_requested = Signal(object)
    add_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("noteSection")
        self.title = QLabel("Notes")
        self.title.setStyleSheet("font-weight: 600;")
        self.list = QListWidget()
        self.list.setObjectName("noteList")
        self.list.setWordWrap(True)
        self.list.setMaximumHeight(150)
        self.resolve = QPushButton("Resolve")
        self.edit = QPushButton("Edit…")
        self.delete = QPushButton("Delete…")
        self.add = QPushButton("Add Note…")
        buttons = QHBoxLayout()
        for button in (self.resolve, self.edit, self.delete):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.add)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        self.notes: list[Note] = []
        self.resolve.clicked.connect(lambda: self._emit(self.resolve_requested))
        self.edit.clicked.connect(lambda: self._emit(self.edit_requested))
        self.delete.clicked.connect(lambda: self._emit(self.delete_requested))
        self.add.clicked.connect(self.add_requested)
        self.list.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.show_notes([], "")

    def show_notes(self, notes: list[Note], what: str) -> None:
        """``notes`` of ``what`` ("this entity", "this document"); the picked note stays picked."""
        picked = self.current()
        self.notes = list(notes)
        self.title.setText(f"Notes on {what}" if what else "Notes")
        self.list.clear()
        for note in self.notes:
            item = QListWidgetItem(describe(note))
            if note.resolved:
                item.setForeground(Qt.GlobalColor.gray)
            self.list.addItem(item)
        ids = [note.id for note in self.notes]
        if picked is not None and picked.id in ids:
            self.list.setCurrentRow(ids.index(picked.id))
        elif self.notes:
            self.list.setCurrentRow(0)
        self.list.setVisible(bool(self.notes))
        self.add.setEnabled(bool(what))
        self._update_buttons()

    def current(self) -> Note | None:
        row = self.list.currentRow()
        return self.notes[row] if 0 <= row < len(self.notes) else None

    def _update_buttons(self) -> None:
        note = self.current()
        for button in (self.resolve, self.edit, self.delete):
            button.setEnabled(note is not None)
        self.resolve.setText("Reopen" if note is not None and note.resolved else "Resolve")

    def _emit(self, signal) -> None:
        note = self.current()
        if note is not None:
            signal.emit(note)
