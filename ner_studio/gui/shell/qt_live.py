"""Following what other app instances change in the open project: the document list, and
the documents open here (core/store/project_changes.py says how changes are found).

A worker thread watches (LISTEN on a server, a revision poll for a file) and hands each
burst of changes to :class:`LiveUpdates` through a signal; on the UI thread it reloads the
document list and catches the open documents up with what is stored. An open document
with edits not saved yet is left as it is, and the status bar says so: nothing here ever
writes, so no edit can be lost by a refresh.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal, Slot

from ner_studio.core.errors import NerStudioError
from ner_studio.core.logs import log_failure
from ner_studio.core.plural import plural
from ner_studio.core.store.project_changes import plan_refresh, watch
from ner_studio.gui.shell.qt_worker import Worker

log = logging.getLogger(__name__)


class LiveUpdates(QObject):
    """Keeps ``workspace`` current with others' changes once :meth:`start` is called;
    ``Workspace.release`` stops it."""

    documents_added = Signal(list)  # ids of documents another instance added
    document_refreshed = Signal(int)  # an open document now shows what another instance saved
    message = Signal(str)  # for the status bar
    refreshed = Signal()  # one burst of changes has been taken in (for tests and views)

    def __init__(self, workspace, *, job=None):
        super().__init__()
        self.workspace = workspace
        self._job = job
        self._worker: Worker | None = None
        self._waiting: set[int] = set()  # changed elsewhere while edits of them were unsaved
        workspace.live = self
        workspace.project.pending_changed.connect(self._on_pending_changed)

    def start(self) -> None:
        if self._worker is not None:
            return
        self._worker = Worker(self._job or watch(self.workspace.project), "live updates")
        self._worker.yielded.connect(self.take_changes)
        self._worker.failed.connect(self._on_failed)
        self._worker.start()

    @Slot(object)
    def _on_failed(self, error: Exception) -> None:
        log_failure(log, "watching the project for changes", error)

    def stop(self) -> None:
        """Stop watching (waits for the worker: it ends within its poll interval)."""
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.cancel()
            worker.wait()

    @Slot(object)
    def take_changes(self, batch) -> None:
        workspace = self.workspace
        project = workspace.project
        if project.closed:
            return
        plan = plan_refresh(batch, project.origin, project.version_annotator, project.own_revisions)
        if plan is None:
            return
        try:
            self._refresh_documents(plan.documents)
            added = workspace.take_summaries(project.document_summaries())
        except NerStudioError as error:  # the next change tries again; the edits are safe
            log.warning("refreshing after another instance's change: %s", error)
            return
        if added:
            self.documents_added.emit(added)
            self.message.emit(f"{plural(len(added), 'document')} added by someone else")
        if plan.notes:  # notes are everyone's: another annotator's count too
            project.notes_changed.emit()
        self.refreshed.emit()

    def _on_pending_changed(self, pending: int) -> None:
        if pending == 0 and self._waiting and not self.workspace.project.closed:
            waiting, self._waiting = frozenset(self._waiting), set()
            try:
                self._refresh_documents(waiting)
            except NerStudioError as error:
                log.warning("reloading a document changed elsewhere: %s", error)

    def _refresh_documents(self, documents) -> None:
        project = self.workspace.project
        for doc in project.tracked_documents():
            if documents is not None and doc.doc_id not in documents:
                continue
            name = doc.name or f"document {doc.doc_id}"
            if project.has_pending(doc.doc_id):
                self._waiting.add(doc.doc_id)
                self.message.emit(f"{name} was changed elsewhere; it shows your edits not saved "
                                  "yet and reloads once they are saved")
                continue
            self._waiting.discard(doc.doc_id)
            if project.catch_up(doc.doc_id):
                # Undo steps recorded before the change no longer fit the document.
                self.workspace.undo_stack(doc.doc_id).clear()
                self.document_refreshed.emit(doc.doc_id)
                self.message.emit(f"{name} was changed elsewhere and now shows the saved version")
