"""Adding, deleting, editing, resolving or reopening a note as one step of its document's undo
history (Ctrl+Z), beside the document's span edits. Undo of an added note deletes it; undo of a
deletion writes the note again as it was (author, times, text, resolved or not; it gets a new
id); undo of an edit, a resolve or a reopen puts back the text, state and time before. The write happens
before the step is pushed, as span edits do (qt_undo.apply_edit), so a failure reaches the
caller; a later undo or redo that cannot be written is reported, never raised into Qt."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from ner_studio.core.errors import NerStudioError
from ner_studio.core.text.document import Document
from ner_studio.core.text.notes import Note


class NoteRef:
    """One note through its steps: written again by an undo, it gets a new id, and the other
    steps of the same note (its adding, say) must act on that one."""

    def __init__(self, note: Note):
        self.note = note


class NoteCommand(QUndoCommand):
    """``added``: the step added ``ref.note`` (else it deleted it). ``report(error)`` shows a
    failed undo or redo."""

    def __init__(self, project, doc: Document, ref: NoteRef, added: bool, report: Callable[[BaseException], None]):
        super().__init__("Add Note" if added else "Delete Note")
        self.project, self.doc, self.ref, self.added, self.report = project, doc, ref, added, report
        self._pushed = False

    def redo(self) -> None:
        if not self._pushed:  # QUndoStack.push calls redo; the note is written already
            self._pushed = True
            return
        self._write(present=self.added)

    def undo(self) -> None:
        self._write(present=not self.added)

    def _write(self, present: bool) -> None:
        try:
            if present:
                self.ref.note = self.project.restore_note(self.ref.note)
            else:
                self.project.delete_note(self.ref.note.id)
        except NerStudioError as error:
            self.report(error)

    def place(self, undone: bool) -> tuple[Document, int, int] | None:
        """Where Undo and Redo show the step: the note's range (a document note: none)."""
        note = self.ref.note
        return None if note.on_document else (self.doc, note.start, note.end)


class NoteChangeCommand(QUndoCommand):
    """An edit, resolve or reopen of ``ref.note``: undo puts ``before`` back (its text,
    whether resolved, its modified time), redo ``after``. The note's id is ``ref``'s at the
    time: a deletion undone in between wrote it again under a new one."""

    def __init__(self, project, doc: Document, ref: NoteRef, before: Note, after: Note, title: str,
                 report: Callable[[BaseException], None]):
        super().__init__(title)
        self.project, self.doc, self.ref, self.before, self.after, self.report = project, doc, ref, before, after, report
        self._pushed = False

    def redo(self) -> None:
        if not self._pushed:  # QUndoStack.push calls redo; the change is written already
            self._pushed = True
            return
        self._write(self.after)

    def undo(self) -> None:
        self._write(self.before)

    def _write(self, state: Note) -> None:
        try:
            self.ref.note = self.project.put_note_state(self.ref.note.id, state)
        except NerStudioError as error:
            self.report(error)

    def place(self, undone: bool) -> tuple[Document, int, int] | None:
        note = self.ref.note
        return None if note.on_document else (self.doc, note.start, note.end)
