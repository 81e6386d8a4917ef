"""Following what other app instances change in the open project: the document list, and
the documents open here (core/store/project_changes.py says how changes are found).

A worker thread watches (LISTEN on a server, a revision poll for a file) and hands each
burst of changes to :class:`LiveUpdates` through a signal; another reads the document list
and the changed open documents on a connection of its own (core/store/changed_reads.py: 0.1-0.2 s
of reads a change on a busy machine, off the UI thread), and the UI thread catches the open
documents up with what was read. An open document with edits not saved yet is left as it
is, and the status bar says so; one edited while its state was being read is read again on
the UI thread: nothing here ever writes, so no edit can be lost by a refresh.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal, Slot

from ner_studio.core.errors import NerStudioError
from ner_studio.core.logs import log_failure
from ner_studio.core.plural import plural
from ner_studio.core.store.project_changes import Refresh, plan_refresh, watch
from ner_studio.gui.shell.qt_task_worker import TaskWorker
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
        self._reading: TaskWorker | None = None  # reading a change (core/store/changed_reads.py)
        self._queued = None  # the Refresh of changes not read yet
        self._after_write = None  # the Refresh of changes read while a step of ours was being saved
        # The Refresh being read; the documents' revisions and this window's last commit then.
        self._read_for = (None, {}, None)
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
        """Stop watching (waits for the workers: the watch ends within its poll interval)."""
        worker, self._worker = self._worker, None
        reading, self._reading = self._reading, None
        self._queued = self._after_write = None
        for thread in (worker, reading):
            if thread is not None:
                thread.cancel()
                thread.wait()

    @Slot(object)
    def take_changes(self, batch) -> None:
        project = self.workspace.project
        if project.closed:
            return
        plan = plan_refresh(batch, project.origin, project.version_annotator, project.own_revisions)
        if plan is None:
            return
        self._read_soon(plan)

    def _read_soon(self, plan) -> None:
        """Read what ``plan`` names in the worker: now, or after the read under way, joined
        with whatever else is queued."""
        self._queued = plan if self._queued is None else joined_refresh(self._queued, plan)
        if self._reading is None and not self.workspace.project.closed:
            self._read_next()

    def _read_next(self) -> None:
        """Read what the queued changes name in a worker; a burst that comes meanwhile waits
        for it and is read next, as one."""
        plan, self._queued = self._queued, None
        project = self.workspace.project
        reader = None if plan is None or project.closed else project.changed_reader()
        if reader is None:
            if plan is not None and not project.closed:
                self._take(plan, None, {})
            return
        # Each open document's revision and spans now: one edited before the result comes is
        # read again; with edits not saved yet, it waits for them (``_refresh_documents``).
        shown = {doc.doc_id: doc.revision_and_spans() for doc in project.tracked_documents()
                 if (plan.documents is None or doc.doc_id in plan.documents) and not project.has_pending(doc.doc_id)}
        revisions = {doc_id: revision for doc_id, (revision, _) in shown.items()}
        spans = {doc_id: shown_spans for doc_id, (_, shown_spans) in shown.items()}
        self._read_for = (plan, revisions, own_last(project))
        worker = self._reading = TaskWorker(lambda report, should_stop: reader(spans), "live reading")
        worker.succeeded.connect(self._on_read)
        worker.failed.connect(self._on_read_failed)
        worker.finished.connect(self._on_read_finished)
        worker.start()

    @Slot(object)
    def _on_read(self, state) -> None:
        if self._reading is not None:  # not stopped meanwhile
            plan, revisions, own = self._read_for
            # A write of this window committed since (a step's, from the writer thread) may be
            # newer than what was read: then it is all read again, in a worker too (on this
            # thread, the list and four 12,000-span parts froze the window 0.15-1 s after Label All).
            if own_last(self.workspace.project) != own:
                self._queued = plan if self._queued is None else joined_refresh(plan, self._queued)
            elif self.workspace.project.writing:
                # A step of this window is being saved: what showing the change reads next (the
                # list, notes, the catalogue, assignments) would wait for it here, the window
                # frozen; it is read again, in the worker, once the step has landed.
                self._after_write = plan if self._after_write is None else joined_refresh(plan, self._after_write)
            else:
                self._take(plan, state, revisions)

    @Slot(object)
    def _on_read_failed(self, error) -> None:
        log.warning("reading another instance's change: %s", error)  # the next change tries again

    @Slot()
    def _on_read_finished(self) -> None:
        self._reading = None
        if self._queued is not None:
            self._read_next()

    def _take(self, plan, state, revisions: dict[int, int]) -> None:
        workspace = self.workspace
        project = workspace.project
        if project.closed:
            return
        try:
            self._refresh_documents(plan.documents, state, revisions)
            added = workspace.take_summaries(state.summaries if state is not None else project.document_summaries())
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
        if self._after_write is not None and not self.workspace.project.writing:
            after, self._after_write = self._after_write, None
            self._read_soon(after)
        if pending == 0 and self._waiting and not self.workspace.project.closed:
            # Read in the worker as any change is: read here, a Label All's four 12,000-span
            # parts held the window 0.25 s once its write landed.
            waiting, self._waiting = Refresh(frozenset(self._waiting), False), set()
            self._read_soon(waiting)

    def _refresh_documents(self, documents, state=None, revisions=None) -> None:
        """Catch up the open documents among ``documents`` (None: all), from ``state`` (a
        worker's read) where a document is unchanged since ``revisions``, else read here."""
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
            read = state is not None and doc.doc_id in state.documents \
                and revisions.get(doc.doc_id) == doc.revision_and_spans()[0]
            if project.catch_up(doc.doc_id, state.documents[doc.doc_id]) if read else project.catch_up(doc.doc_id):
                # Undo steps recorded before the change no longer fit the document.
                self.workspace.undo_stack(doc.doc_id).clear()
                self.document_refreshed.emit(doc.doc_id)
                self.message.emit(f"{name} was changed elsewhere and now shows the saved version")


def own_last(project) -> int | None:
    """The revision of ``project``'s last commit (its writer thread's too)."""
    own = project.own_revisions
    return own[-1] if own else None


def joined_refresh(first: Refresh, second: Refresh) -> Refresh:
    """One refresh for two bursts of changes."""
    documents = None if first.documents is None or second.documents is None else first.documents | second.documents
    return Refresh(documents, first.notes or second.notes)
