"""Committing every edit of a tracked document as it happens, and the in-memory journal
of edits that could not be committed yet (see core/store/project.py's module doc)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import replace
from functools import partial

from ner_studio.core.errors import ProjectError
from ner_studio.core.store import project_rows as rows
from ner_studio.core.store.changed_reads import StoredChange, StoredState, read_changed
from ner_studio.core.store.journal_writer import JournalWriter
from ner_studio.core.store.project_connection import configure, connect_read_only
from ner_studio.core.store.project_files import connect as connect_file
from ner_studio.core.store.project_postgres import connect_server
from ner_studio.core.store.project_versions import with_annotator
from ner_studio.core.store.step_files import (
    UnsavedStep, elsewhere_message, other_hosts, recovered_message, remove_step, step_folder, stopped_steps,
    waiting_message, was_written, write_step,
)
from ner_studio.core.store.stored_edits import check_stored_edits
from ner_studio.core.text.document import Document, SpansChanged, Status
from ner_studio.core.text.spans import Source

# Tracked edits touching more spans than this are big: they are still saved row by row, never
# as a rewrite from the editor's copy (another instance may have changed other spans), with
# the rows to delete found in one read (``SpansDelta``).
BIG_EDIT = rows.BULK_EDIT
log = logging.getLogger(__name__)
_UNREAD = object()  # catch_up: the stored state is to be read


class EditJournal:
    """The tracking half of :class:`~ner_studio.core.store.project.Project` (a mixin: it uses the
    project's ``_read``, ``_write`` and ``where``)."""

    _tracked: dict[int, tuple[Document, object, object]]
    _pending: list
    _muted: bool
    _batching: bool

    def track(self, doc: Document) -> None:
        """Commit every span and status change of ``doc`` as it happens (see module doc)."""
        if doc.doc_id is None:
            raise ProjectError("add the document to the project before tracking it", self.where)
        entry = self._tracked.get(doc.doc_id)
        if entry is not None:
            if entry[0] is doc:
                return
            raise ProjectError(f"document {doc.doc_id} is already open as another object; "
                               f"use load_document({doc.doc_id}) to get it", self.where)
        if not self._read("opening a document", lambda c: rows.document_exists(c, doc.doc_id)):
            raise ProjectError(f"there is no document {doc.doc_id} in this project", self.where)

        def on_spans(change: SpansChanged) -> None:
            if change.model_replaced:  # re-tagged: set-based, not row by row
                self._record(rows.ModelSpansSwap(doc.doc_id, change.added, self._version))
            else:
                self._record(rows.SpansDelta(doc.doc_id, change.removed, change.added, self._version, self.editor))

        def on_status(status: Status) -> None:
            self._record(rows.StatusEdit(doc.doc_id, status, self._version))

        doc.changed.connect(on_spans)
        doc.status_changed.connect(on_status)
        self._tracked[doc.doc_id] = (doc, on_spans, on_status)

    def untrack(self, doc: Document) -> None:
        """Stop saving ``doc``'s edits (unsaved ones already made stay in the journal)."""
        entry = self._tracked.pop(doc.doc_id, None)
        if entry is not None:
            doc.changed.disconnect(entry[1])
            doc.status_changed.disconnect(entry[2])

    def tracked_documents(self) -> list[Document]:
        return [entry[0] for entry in self._tracked.values()]

    @property
    def pending_count(self) -> int:
        """Edits of tracked documents kept in memory because they could not be committed."""
        return len(self._pending)

    def has_pending(self, doc_id: int) -> bool:
        """True if edits of document ``doc_id`` wait in the journal (not committed yet)."""
        return any(getattr(edit, "doc_id", None) == doc_id for edit in self._pending)

    def catch_up(self, doc_id: int, change=_UNREAD) -> bool:
        """Make the open (tracked) document ``doc_id`` what is stored, after another instance
        changed it: its spans and status change in memory (its signals fire), nothing is
        written. Returns whether it changed. Never with edits of it still unsaved (they would
        be overwritten on screen): then it returns False and leaves it as it is. ``change``:
        what a worker found between the document's spans and the stored ones
        (:meth:`changed_reader`, a :class:`~ner_studio.core.store.changed_reads.StoredChange`),
        if the document has not been edited since; else it is read and compared here."""
        entry = self._tracked.get(doc_id)
        if entry is None or self.has_pending(doc_id):
            return False
        doc = entry[0]
        if change is _UNREAD:
            stored = self._read("reading a document changed elsewhere",
                                lambda conn: rows.read_state(conn, doc_id, self._version))
            change = None if stored is None else StoredChange.between(doc.spans, *stored)
        if change is None:
            return False  # deleted: the document list says so
        removed, added, status = change.removed, change.added, change.status
        changed = bool(removed or added) or doc.status != status
        self._muted = True  # already stored: the document only catches up
        try:
            if removed or added:
                doc.edit(removed, added)
            doc.status = status
        finally:
            self._muted = False
        return changed

    def model_spans_writer(self):
        """A :class:`~ner_studio.core.store.model_spans_writer.ModelSpansWriter` for the tagging
        worker to save model spans off the UI thread; None where it cannot (a server, read only)."""
        if self.on_server or self.read_only or self.closed or self._version is None:
            return None
        from ner_studio.core.store.model_spans_writer import ModelSpansWriter

        return ModelSpansWriter(self, self.path, self._version, self.lock_timeout)

    @contextmanager
    def saved_elsewhere(self) -> Iterator[None]:
        """Span edits of tracked documents in this block are committed already (by a
        ModelSpansWriter): they change the document in memory only."""
        self._muted = True
        try:
            yield
        finally:
            self._muted = False

    def save_model_spans(self, doc: Document) -> None:
        """Store ``doc``'s model spans as they are in memory, replacing the stored ones (after a
        ModelSpansWriter saved a tagging the window did not show as it was)."""
        model = tuple(s for s in doc.spans if s.source == Source.MODEL)
        self._record(rows.ModelSpansSwap(doc.doc_id, model, self._version))

    # --- the writer thread -------------------------------------------------------------------
    _flight: Future | None = None  # the write in flight (sent by :meth:`_send`)
    _flight_size = 0  # how many of the journal's first edits it commits
    _journal_writer: JournalWriter | None = None

    def _writer(self) -> JournalWriter | None:
        """The project's writer thread; None where the journal is written here (read only)."""
        if self.read_only or self.closed or self._version is None:
            return None
        if self._journal_writer is None:
            self._journal_writer = JournalWriter(partial(self._connect_again, read_only=False), self._store,
                                                 self.lock_timeout, self.own_revisions)
        return self._journal_writer

    def start_writer(self) -> None:
        """Start the writer thread and its connection now (off the UI thread), where the
        project has one: for a window, so that its first project-wide step finds them ready."""
        writer = self._writer()
        if writer is not None:
            writer.start()

    def _connect_again(self, *, read_only: bool):
        """A new connection to this project, for a thread of its own (the project's is the UI's)."""
        if self._store.dialect.is_postgres:
            return connect_server(self._store.reopen_location, timeout=self.lock_timeout, read_only=read_only)
        if read_only:  # the file is in WAL mode already (a setting kept in it)
            return connect_file(self.path, timeout=self.lock_timeout, mode="ro")
        conn = connect_file(self.path, timeout=self.lock_timeout, mode="rw")
        configure(conn)
        return conn

    def changed_reader(self) -> Callable[[dict], StoredState] | None:
        """For a worker thread: ``reader(shown)`` reads the document list and compares the
        stored spans of each document in ``shown`` (id: the spans it shows) with those, on a
        connection of its own (core/store/changed_reads.py), for :meth:`catch_up`; None where
        it cannot (closed, or a project too old to have versions)."""
        if self.closed or self._version is None:
            return None
        return partial(read_changed, partial(self._connect_again, read_only=True), self._version)

    def read_connector(self) -> Callable[[], object] | None:
        """``connect()`` for a worker thread's reads on a connection of its own (Find's:
        core/corpus/stored_entities.py); None where none reads: closed, or a project too old to
        have versions. A file opened read only is read as its opening read it (immutable where
        its folder lets no ``-shm`` be made)."""
        if self.closed or self._version is None:
            return None
        if self.read_only and not self._store.dialect.is_postgres:
            return partial(connect_read_only, self.path, self.lock_timeout)
        return partial(self._connect_again, read_only=True)

    def as_read_error(self, error: BaseException, doing: str) -> BaseException:
        """A worker's failed read (on :meth:`read_connector`'s connection) as the ProjectError a
        read here would raise, if the store's driver raised it; anything else as it is (a bug)."""
        if isinstance(error, self._store.errors):
            return self._store.as_project_error(error, doing, self.lock_timeout)
        return error

    def unsaved_edits(self) -> tuple:
        """The journal's edits, oldest first (not committed yet, or in flight to the writer
        thread): a worker's read replays them on what it read, so they win."""
        return tuple(self._pending)

    def _send(self, doing: str, name: str = "", first: int = 0, undo: bool = False) -> None:
        """Send the whole journal to the writer thread (it stays in the journal until landed),
        once it is kept in a side file (core/store/step_files.py) that a kill leaves for the
        next opening. ``name``, ``first``, ``undo``: the step's name, where its edits start,
        and whether it takes that step back."""
        self.land_write()
        if not self._pending:
            return
        try:
            step = write_step(*self._step_place(), self._pending, name, first, undo=undo)
        except ProjectError as error:  # no side file: committed here, as any edit is
            log.warning("%s: committed on the UI thread instead: %s", doing, error)
            self._record(None)
            return
        remove_step(self._unsaved)  # a failed write's: this one holds its edits too
        self._unsaved = step
        change = self._change(None, None)  # the journal's documents in this version
        self._flight_size = len(self._pending)
        self._flight = self._writer().send(self._pending, change, doing, step)
        self.write_sent.emit(self._flight)

    # --- side files of steps sent (core/store/step_files.py) ------------------------------
    _unsaved: UnsavedStep | None = None  # the side file holding the journal's edits sent last
    recovered_steps: list[UnsavedStep] = []  # steps a kill left unsaved, committed at opening

    steps_left: list[str] = []  # steps the opening left where they are, said ("a step from HOST ...")

    def take_recovered_steps(self) -> list[UnsavedStep]:
        """The steps the opening recovered (once: for the window to say so and offer their undo)."""
        steps, self.recovered_steps = self.recovered_steps, []
        return steps

    def take_steps_left(self) -> list[str]:
        """What the opening says of the step files it left alone (once: for the status bar)."""
        notes, self.steps_left = self.steps_left, []
        return notes

    def _step_place(self) -> tuple:
        return step_folder(self.path, str(self.location))

    def _written_step(self) -> str | None:
        """The id a commit of the journal marks written: the side file's, if it holds edits
        still in the journal (its write failed)."""
        return self._unsaved.step_id if self._unsaved is not None and self._pending else None

    def _forget_step(self) -> None:
        step, self._unsaved = self._unsaved, None
        remove_step(step)

    def _recover_steps(self, *, read_only: bool = False) -> None:
        """Commit the steps left unsaved by a process of this machine that stopped (see
        step_files); a step already written only loses its file. A step that cannot be committed
        now stays (the next opening tries again) and is said in ``warnings``. Read-only, or
        another machine's: left where it is, and said in ``steps_left``."""
        place, recovered, self.steps_left = self._step_place(), [], []
        elsewhere = other_hosts(*place)
        if elsewhere:
            self.steps_left.append(elsewhere_message(elsewhere))
        stopped = stopped_steps(*place)
        if read_only and stopped:
            self.steps_left.append(waiting_message(stopped))
        for note in self.steps_left:  # info: read-only openings in workers (counts, team) say it again
            log.info("%s (%s)", note, place[0])
        for step in [] if read_only else stopped:
            try:
                if not self._read("checking an unsaved step", lambda conn: was_written(conn, step.step_id)):
                    self._write(f"saving {step.title or 'a step'} left unsaved", lambda conn: [
                        edit.apply(conn) for edit in step.edits], step=step.step_id)
                    recovered.append(step)
            except ProjectError as error:
                log.error("an unsaved step (%s) could not be recovered: %s", step.path, error)
                self.warnings.append(f"{step.title or 'A step'} was being saved when the app stopped and cannot "
                                     f"be saved now ({error}); it is tried again at the next opening")
                continue
            remove_step(step)
        if recovered:
            self.recovered_steps = recovered
            log.warning("%s", recovered_message(recovered))

    @property
    def writing(self) -> bool:
        """True while a write sent to the writer thread has not landed."""
        return self._flight is not None

    def land_write(self, *, wait: bool = True) -> None:
        """Wait for the write in flight, if any, and take its outcome: its edits leave the
        journal, and edits made meanwhile are written after them; or, if it failed, they all
        stay in the journal and ``write_failed`` says why. Called by every read and write,
        so nothing goes around the write in flight, and by the window once it is done
        (``wait=False``: only a write that is done, never one sent since)."""
        flight = self._flight
        if flight is None or not (wait or flight.done()):
            return
        try:
            flight.result()
        except ProjectError as error:
            self._flight = None
            self.pending_changed.emit(len(self._pending))
            self.write_failed.emit(error)
            return
        except BaseException:
            self._flight = None  # a bug, not the store's: raised; the edits stay in the journal
            raise
        self._flight = None
        self._unsaved = None  # its file went with the commit
        del self._pending[:self._flight_size]
        if self._pending:
            self._record(None)  # edits made meanwhile, after the batch: the later edit wins
        else:
            self.pending_changed.emit(0)

    def _stop_writer(self) -> None:
        writer, self._journal_writer = self._journal_writer, None
        if writer is not None:
            writer.close()

    def save_pending(self) -> None:
        """Commit the journal of unsaved edits now; raises the ProjectError if it still fails."""
        self.land_write()
        if self._pending:
            self._write("saving earlier edits")

    def edit_documents(self, edits: Iterable[rows.SpansDelta], *, in_background: bool = False,
                       name: str = "", undo: bool = False) -> list[rows.SpansDelta]:
        """Apply span edits of many documents as one committed transaction ("label all
        occurrences"; its undo is the same call with removed and added swapped). Tracked
        documents change in memory too (their ``changed`` signal fires); the others change
        on disk only. All or nothing: a SpanError (an edit gone stale: core/store/stored_edits.py)
        changes no document; a failed write keeps the edits in the journal like any tracked
        edit. Returns the edits as stored (a tracked document snaps what it adds to its
        tokens), which is what an undo must remove.

        ``in_background``: the transaction is committed by the writer thread
        (core/store/journal_writer.py) where the project can have one; the edits wait in the
        journal until it lands (:meth:`land_write`), and a failure is reported as a tracked
        edit's is (``write_failed``), the edits kept. Until then they are kept in a side file
        too, which the next opening commits after a kill (``recovered_steps``, named ``name``;
        ``undo``: these edits take the step ``name`` back, so the recovered step's undo is a redo)."""
        edits = [replace(with_annotator(edit, self._version), editor=self.editor) for edit in edits]
        if not edits:
            return []
        untracked = [edit for edit in edits if edit.doc_id not in self._tracked]
        self._read("checking the edits", lambda conn: check_stored_edits(conn, untracked))
        mark = len(self._pending)
        done: list[tuple[Document, tuple, tuple]] = []
        applied: list[rows.SpansDelta] = []
        self._batching = True  # _record journals without writing; one write at the end
        try:
            for edit in edits:
                entry = self._tracked.get(edit.doc_id)
                if entry is None:
                    self._pending.append(edit)
                else:
                    stored = entry[0].edit(edit.removed, edit.added)
                    done.append((entry[0], tuple(edit.removed), stored))
                    edit = replace(edit, added=stored)
                applied.append(rows.SpansDelta(edit.doc_id, tuple(edit.removed), tuple(edit.added)))
        except BaseException:
            self._muted = True
            try:
                for doc, removed, stored in reversed(done):
                    doc.edit(stored, removed)
            finally:
                self._muted = False
            del self._pending[mark:]
            raise
        finally:
            self._batching = False
        if in_background and self._writer() is not None:
            self._send(f"saving {len(edits)} documents' edits", name, mark, undo)
        else:
            self._record(None)
        return applied

    def _record(self, edit) -> None:
        if self._muted:
            return
        if edit is not None:
            self._pending.append(edit)
        if self._batching or self._flight is not None:
            return  # written after the batch, or once the write in flight has landed
        try:
            self._write("saving an edit")
        except ProjectError as error:
            self.pending_changed.emit(len(self._pending))
            self.write_failed.emit(error)
