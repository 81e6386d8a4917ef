"""The details pane's notes: those on the selected entity (a note on a range it overlaps), or
the document's own when no entity is selected, each with its author and time, and Resolve /
Reopen, Edit and Delete for the one picked in the list."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QToolButton, QVBoxLayout, QWidget

from ner_studio.core.store.annotators import display_name
from ner_studio.core.text.notes import Note


def describe(note: Note) -> str:
    """A note as the list shows it: who, when, whether resolved, then the text."""
    state = " — resolved" if note.resolved else ""
    return f"{display_name(note.author)}, {note.created.replace('T', ' ')[:16]}{state}\n{note.text}"


class NoteSection(QWidget):
    """``resolve_requested``, ``edit_requested`` and ``delete_requested`` fire with the note
    picked in the list. Small tool buttons and a short list: the details dock must still fit a
    narrow window (tests/gui/test_narrow_windows.py)."""

    resolve_requested = Signal(object)
    edit_requested = Signal(object)
    delete_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("noteSection")
        self.title = QLabel("Notes")
        self.title.setStyleSheet("font-weight: 600;")
        self.title.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("noteList")
        self.list.setWordWrap(True)
        self.list.setMinimumHeight(40)
        self.list.setMaximumHeight(150)
        self.resolve = QToolButton(text="Resolve")
        self.edit = QToolButton(text="Edit…")
        self.delete = QToolButton(text="Delete…")
        self.buttons = QWidget()
        buttons = QHBoxLayout(self.buttons)
        buttons.setContentsMargins(0, 0, 0, 0)
        for button in (self.resolve, self.edit, self.delete):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.list)
        layout.addWidget(self.buttons)
        self.notes: list[Note] = []
        self.resolve.clicked.connect(lambda: self._emit(self.resolve_requested))
        self.edit.clicked.connect(lambda: self._emit(self.edit_requested))
        self.delete.clicked.connect(lambda: self._emit(self.delete_requested))
        self.list.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.show_notes([], "")

    def show_notes(self, notes: list[Note], what: str) -> None:
        """``notes`` of ``what`` ("this entity", "this document"); the picked note stays picked."""
        picked = self.current()
        self.notes = list(notes)
        none = "" if notes else ": none (Edit > Add Note… writes one)"
        self.title.setText(f"Notes on {what}{none}" if what else "Notes")
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
        self.buttons.setVisible(bool(self.notes))
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
