"""Undo/redo of span edits: each command replays one :class:`SpanEdit` on one document.

``doc.edit`` is all-or-nothing and a tracked document commits it to the project as it happens,
so undoing is just the inverse edit, committed the same way. Undo and Redo then show the place
they changed (:func:`follow_steps`): an edit taken back far from the screen is otherwise
invisible, and the analyst cannot tell which of their edits went.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QUndoCommand, QUndoGroup, QUndoStack

from ner_studio.core.text.document import Document, Status
from ner_studio.core.plural import plural
from ner_studio.core.text.spans import Span
from ner_studio.gui.annotate.editing import SpanEdit, shown_place


def describe_edit(edit: SpanEdit, doc: Document) -> str:
    """A short menu text: "Label 'Lisbon' as LOC", "Delete 'Karin Olsson'", "Accept 12 entities"."""
    def quoted(span: Span) -> str:
        text = doc.text[span.start : span.end].replace("\n", " ")
        return f"'{text[:30]}…'" if len(text) > 30 else f"'{text}'"

    removed, added = edit.removed, edit.added
    if not added:
        return f"Delete {quoted(removed[0])}" if len(removed) == 1 else f"Delete {plural(len(removed), 'entity')}"
    if len(added) > 1:
        return f"Accept {plural(len(added), 'entity')}" if len(added) == len(removed) else f"Edit {plural(len(added), 'entity')}"
    new = added[0]
    if len(removed) == 1 and (removed[0].start, removed[0].end, removed[0].label) == (new.start, new.end, new.label):
        return f"Accept {quoted(new)}"
    return f"Label {quoted(new)} as {new.label}"


class SpanEditCommand(QUndoCommand):
    """One applied edit: undo applies its inverse, redo applies it again."""

    def __init__(self, doc: Document, edit: SpanEdit, stored: tuple[Span, ...], text: str | None = None):
        super().__init__(text or describe_edit(edit, doc))
        self.doc = doc
        self.edit = edit
        # The document snaps spans to tokens; undo must remove exactly what was stored.
        self._stored = stored
        self._pushed = False

    def redo(self) -> None:
        if not self._pushed:  # QUndoStack.push calls redo; the edit is already applied
            self._pushed = True
            return
        self._stored = self.doc.edit(self.edit.removed, self.edit.added)

    def undo(self) -> None:
        self.doc.edit(self._stored, self.edit.removed)

    def place(self, undone: bool) -> tuple[Document, int, int] | None:
        """Where the document shows the step just undone (or redone): the first entity it
        brought back, else where the first one it took away was."""
        place = shown_place(*((self.edit.removed, self._stored) if undone else (self._stored, self.edit.removed)))
        return None if place is None else (self.doc, *place)


def apply_edit(stack: QUndoStack, doc: Document, edit: SpanEdit) -> None:
    """Apply ``edit`` now (a SpanError reaches the caller, nothing changes) and make it undoable.

    Applying before pushing matters: an exception raised inside ``redo`` would be swallowed by
    Qt instead of reaching the code that can tell the user.
    """
    stored = doc.edit(edit.removed, edit.added)
    stack.push(SpanEditCommand(doc, edit, stored))


class StatusCommand(QUndoCommand):
    """Mark a document new / predicted / reviewed, undoably."""

    def __init__(self, doc: Document, status: Status):
        super().__init__(f"Mark {doc.name or 'document'} {status}")
        self.doc = doc
        self.before = doc.status
        self.after = status

    def redo(self) -> None:
        self.doc.status = self.after

    def undo(self) -> None:
        self.doc.status = self.before


class NoticeCommand(QUndoCommand):
    """No change of its own: tells others when the step it belongs to is undone and redone
    (``undone``, ``redone``); pushed after the step was done and told, so the push is silent."""

    def __init__(self, undone: Callable[[], None], redone: Callable[[], None]):
        super().__init__()
        self._undone, self._redone = undone, redone
        self._pushed = False

    def redo(self) -> None:
        if self._pushed:
            self._redone()
        self._pushed = True

    def undo(self) -> None:
        self._undone()


def changed_place(command: QUndoCommand, undone: bool) -> tuple[Document, int, int] | None:
    """The place a command (or the first of a macro's commands that has one) changed."""
    place = getattr(command, "place", None)
    if place is not None:
        return place(undone)
    children = (command.child(i) for i in range(command.childCount()))
    return next((found for child in children if (found := changed_place(child, undone))), None)


def drop_taken_back(stack: QUndoStack) -> None:
    """Drop the steps next to the stack's position that were taken back already by other
    means (a project-wide undo marks them obsolete): Qt would spend a key press on each."""
    while stack.canUndo() and stack.command(stack.index() - 1).isObsolete():
        stack.undo()  # an obsolete command is removed, not undone
    while stack.canRedo() and stack.command(stack.index()).isObsolete():
        stack.redo()


def follow_steps(group: QUndoGroup, undo: QAction, redo: QAction,
                 show: Callable[[Document, int, int], None]) -> None:
    """After Undo or Redo (menu, toolbar button or key) ``show(doc, start, end)`` the place it
    changed, and drop neighbouring steps taken back already."""
    def after(undone: bool) -> None:
        stack = group.activeStack()
        if stack is None:
            return
        index = stack.index() if undone else stack.index() - 1
        place = changed_place(stack.command(index), undone) if 0 <= index < stack.count() else None
        drop_taken_back(stack)
        if place is not None:
            show(*place)

    # Connected after the group's own handlers (createUndoAction's), so the step is done.
    undo.triggered.connect(lambda _checked=False: after(True))
    redo.triggered.connect(lambda _checked=False: after(False))
