"""Marking a document reviewed (Ctrl+Enter, Review Next, a bulk mark) as one undo step, and the
project's review log that each person's review feeds (core/learning/review_log.py).

Undoing the step takes back the entities it accepted, the status and the review log's entry,
and tells the listeners (the review queue, the learning loop) that the document is not reviewed
any more; redoing it tells them again. Moved out of gui/window/qt_workspace.py, whose signals
(``marked_reviewed``, ``review_undone``, ``review_logged``) it emits and whose undo stacks it uses.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import SignalInstance
from PySide6.QtGui import QUndoStack

from ner_studio.core.learning.review_log import REVIEW_LOG_SETTING, ReviewLogBook, ReviewRecord
from ner_studio.core.store.project import Project
from ner_studio.core.text.document import Document, Status
from ner_studio.gui.annotate.editing import SpanEdit, accept_all
from ner_studio.gui.annotate.qt_undo import NoticeCommand
from ner_studio.gui.shell.qt_deferred_settings import DeferredSettings


class MarkingHost(Protocol):
    """What marking needs of the workspace (gui/window/qt_workspace.Workspace)."""

    project: Project
    settings_later: DeferredSettings
    marked_reviewed: SignalInstance
    review_undone: SignalInstance
    review_logged: SignalInstance

    def undo_stack(self, doc_id: int) -> QUndoStack: ...

    def apply_edit(self, doc: Document, edit: SpanEdit | None) -> bool: ...

    def set_status(self, doc: Document, status: Status) -> None: ...


class ReviewMarks:
    """``effort``: what each review took (gui/learning/review_effort.ReviewEffort), for the log."""

    def __init__(self, workspace: MarkingHost, effort):
        self.workspace = workspace
        self.effort = effort
        project, later = workspace.project, workspace.settings_later
        self.book = ReviewLogBook(lambda: project.get_setting(REVIEW_LOG_SETTING, []),
                                  lambda entries: later.set(REVIEW_LOG_SETTING, entries), read_only=project.read_only)

    def mark(self, doc: Document, *, log: bool = True, suggest=None) -> None:
        """Accept the remaining model spans and mark the document reviewed, as one undo step;
        with ``log`` (a person's Ctrl+Enter), note in the review log what it took (if the model
        had tagged it) and, if it was not reviewed before, say so (``marked_reviewed``); undoing
        the step takes both back (``review_undone``), redoing it tells them again. ``suggest``:
        the catalogue links shown as suggestions are accepted too (editing.accept_all)."""
        workspace = self.workspace
        stack, newly, record = workspace.undo_stack(doc.doc_id), doc.status != Status.REVIEWED, None
        stack.beginMacro(f"Mark {doc.name or 'document'} reviewed")
        try:
            workspace.apply_edit(doc, accept_all(doc, suggest))
            workspace.set_status(doc, Status.REVIEWED)
            if log:
                record = self.effort.reviewed(doc)
                stack.push(NoticeCommand(lambda: self._tell(doc, record, newly, False),
                                         lambda: self._tell(doc, record, newly, True)))
        finally:
            stack.endMacro()
        if log:
            self._tell(doc, record, newly, True)

    def _tell(self, doc: Document, record: ReviewRecord | None, newly: bool, done: bool) -> None:
        self.log(record, undone=not done)
        if newly:
            (self.workspace.marked_reviewed if done else self.workspace.review_undone).emit(doc.doc_id)

    def log(self, record: ReviewRecord | None, *, undone: bool = False) -> None:
        """Append a review step to the project's review log, or take it back out (``undone``):
        a convenience, never an error."""
        if self.book.note(record, undone=undone):
            self.workspace.review_logged.emit()
