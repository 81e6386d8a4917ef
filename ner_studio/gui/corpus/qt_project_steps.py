"""Project-wide edits on the documents' undo stacks (``project_steps`` says what a step is).

Applying a step pushes each open document's part onto that document's own stack, on top of
the analyst's earlier edits, so Ctrl+Z there takes back that part and then those edits: the
history is never cleared. Taking the whole step back (Edit > Undo Label All) leaves each
stack's history as it was too: a part on top becomes the step Redo brings back; a part under
later edits is marked obsolete, and Undo drops it when it gets there (``qt_undo.follow_steps``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoStack

from ner_studio.core.text.document import Document
from ner_studio.core.store.project_rows import SpansDelta
from ner_studio.gui.annotate.editing import SpanEdit
from ner_studio.gui.annotate.qt_undo import SpanEditCommand
from ner_studio.gui.corpus.project_steps import DocumentPart, ProjectStep

if TYPE_CHECKING:  # for the signatures only
    from ner_studio.gui.window.qt_workspace import Workspace

TAKEN_BACK = " (taken back already)"


class PartCommand(SpanEditCommand):
    """One open document's part of a project-wide step, applied before it is pushed."""

    def __init__(self, doc: Document, part: DocumentPart, text: str):
        super().__init__(doc, SpanEdit(part.delta.removed, part.delta.added), part.delta.added, text)
        self.part = part

    def redo(self) -> None:
        if not self.part.standing:  # pushing calls redo too: then it stands already
            self._stored = self.doc.edit(self.edit.removed, self.edit.added)
            self.part.delta = replace(self.part.delta, added=self._stored)
            self.part.standing = True

    def undo(self) -> None:
        if self.part.standing:
            self.doc.edit(self._stored, self.edit.removed)
            self.part.standing = False


def apply_step(workspace: Workspace, text: str, edits: list[SpansDelta]) -> ProjectStep:
    """Apply ``edits`` in one transaction (a NerStudioError: nothing changed) and put each
    open document's part on its undo stack. The transaction is committed by the project's
    writer thread (core/store/journal_writer.py): the window goes on at once, and a failure
    is reported when it lands (gui/shell/qt_landing.py), the edits kept in the journal."""
    step = ProjectStep.applied(text, workspace.project.edit_documents(edits, in_background=True, name=text))
    open_docs = _open_documents(workspace)
    for part in step.parts:
        doc = open_docs.get(part.doc_id)
        if doc is not None:
            workspace.undo_stack(part.doc_id).push(PartCommand(doc, part, text))
    _count_closed(workspace, [part.delta for part in step.parts], open_docs)
    return step


def take_back(workspace: Workspace, step: ProjectStep) -> list[DocumentPart]:
    """Take back every part of ``step`` still standing, in one transaction (a NerStudioError:
    nothing changed, e.g. an entity it added was edited since); returns those parts. Written
    by the writer thread, as :func:`apply_step` is."""
    parts = step.standing()
    # Named as the step it takes back, marked an undo (unless it takes back an undo: then it
    # applies that step again), so that a kill leaves a file whose undo goes the right way.
    undone = workspace.project.edit_documents(step.take_back_edits(), in_background=True, name=step.text,
                                              undo=not step.undone)
    for part in parts:
        part.standing = False
    open_docs = _open_documents(workspace)
    for part in parts:
        if part.doc_id in open_docs:
            _settle(workspace.undo_stack(part.doc_id), part)
    _count_closed(workspace, undone, open_docs)
    return parts


def _count_closed(workspace: Workspace, deltas: list[SpansDelta], open_docs: dict[int, Document]) -> None:
    """The list's counts of the documents not in memory, from the step's own edits (those in
    memory count their own changes): reading the project's counts again on the UI thread, a
    count over every span, froze the window after Label All (issue 29)."""
    listed = set(workspace.document_ids())
    for delta in deltas:
        if delta.doc_id not in open_docs and delta.doc_id in listed:
            workspace.count_change(delta.doc_id, delta)


def _settle(stack: QUndoStack, part: DocumentPart) -> None:
    for index in range(stack.index() - 1, -1, -1):
        command = stack.command(index)
        if getattr(command, "part", None) is part:
            if index == stack.index() - 1:
                stack.undo()  # nothing left to edit (not standing): Redo brings the part back
            else:
                command.setObsolete(True)
                command.setText(command.text() + TAKEN_BACK)
            return


def _open_documents(workspace: Workspace) -> dict[int, Document]:
    """The documents in memory: the project changes them there, and they have undo stacks."""
    return {doc.doc_id: doc for doc in workspace.project.tracked_documents()}
