"""Committing the project's journal from a thread of its own (issue 29: the window never
freezes), so that a project-wide step (Label All, Link All, patterns, and their undo) does not
hold the UI thread while its rows are written: 190-345 ms for ~1,000 occurrences in four
12,000-span parts (benchmarks/results/2026-12-07-stalls-label-all-training-switching.md).

:func:`commit` is the one transaction every write of a project makes, whichever thread
runs it: the journal replayed, an action, the revision counted (and on a server announced),
``COMMIT``; all or nothing. :class:`JournalWriter` runs it for a copy of the journal on a
connection of its own (SQLite's file lock, or the server's revision row, orders it with the
window's writes, as ``Dialect.write_transaction`` says), one write at a time.

The project keeps what is sent in its journal until the write has landed
(``Project.land_write``): a failed write leaves it there, as any edit not saved yet, and it is
reported like one (``write_failed``); edits made meanwhile wait behind it in the journal and
are written after it, so the later edit wins; a read (but of notes, which it never writes),
another write or closing the project waits for the write in flight first, so nothing reads around it and nothing is lost. A kill
before it lands loses nothing either: what is sent was written to a side file first, which
the commit marks written and the next opening replays if it was not
(core/store/step_files.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

from ner_studio.core.store.project_changes import ProjectChange, announce
from ner_studio.core.store.project_dialect import Connection, Dialect
from ner_studio.core.store.project_schema import bump_revision, now
from ner_studio.core.store.step_files import KEEP_WRITTEN_DAYS, UnsavedStep, record_written, remove_step

log = logging.getLogger(__name__)


def commit(conn: Connection, dialect: Dialect, edits: Sequence, action=None,
           change: Callable[[], ProjectChange] | None = None, errors: tuple = (),
           step: str | None = None) -> tuple[object, int]:
    """Replay ``edits``, run ``action(conn)``, count the revision, commit: ``(action's result,
    revision)``. On a server the commit announces ``change()`` to other instances. Any error
    rolls the transaction back (``errors``: the store's, from a rollback the failed COMMIT
    already ended) and is raised as it is. ``step``: the id of the side file the edits were
    kept in (core/store/step_files.py), recorded as written in the same transaction."""
    on_server = dialect.is_postgres
    try:
        with dialect.write_transaction(conn):
            for edit in edits:
                edit.apply(conn)
            result = action(conn) if action is not None else None
            if step is not None:
                expired = (datetime.now(timezone.utc) - timedelta(days=KEEP_WRITTEN_DAYS)).isoformat(timespec="seconds")
                record_written(conn, step, now(), expired)
            if on_server:  # the revision is read once the commit is through
                bumped = announce(conn, change())
            else:
                revision = bump_revision(conn)
            conn.execute("COMMIT")
        if on_server:
            revision = int(bumped.fetchone()[0])
    except BaseException:
        if conn.in_transaction:
            try:
                conn.execute("ROLLBACK")
            except errors:
                pass
        raise
    return result, revision


class JournalWriter:
    """Commits edits of one project, one write at a time, in a thread of its own. Made and
    used by the project on the UI thread (``Project.edit_documents(..., in_background=True)``);
    the connection is opened at the first write, in the writer's thread, and closed there."""

    def __init__(self, connect: Callable[[], Connection], store, lock_timeout: float, own_revisions):
        """``connect``: a new connection to the project; ``store``: the project's store, for
        its dialect and errors; ``own_revisions``: the project's deque of its own revisions
        (the writer adds each at once, so the live poll never takes it for another's)."""
        self._connect = connect
        self._store = store
        self._timeout = lock_timeout
        self._own = own_revisions
        self._conn: Connection | None = None
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ner-studio-journal")

    def start(self) -> None:
        """Start the thread and open its connection now, in that thread: the first step then
        does not pay for either on the UI thread (starting the thread took 103 ms once under
        load). The window calls it when it takes the project (gui/shell/qt_landing.py)."""
        self._thread.submit(self._open)

    def _open(self) -> None:
        if self._conn is None:
            try:
                self._conn = self._connect()
            except self._store.errors as error:  # the first write tries again, and reports it
                log.info("the writer thread's connection is not open yet: %s", error)

    def send(self, edits: list, change: ProjectChange, doing: str, step: UnsavedStep | None = None) -> Future:
        """Commit ``edits`` (a copy of the journal) in one transaction: a Future of the revision,
        or of the ProjectError that kept them from being committed. ``step``: the side file
        ``edits`` were kept in; marked written by the commit and deleted once it is through."""
        return self._thread.submit(self._commit, list(edits), change, doing, step)

    def _commit(self, edits: list, change: ProjectChange, doing: str, step: UnsavedStep | None = None) -> int:
        store = self._store
        try:
            if self._conn is None:
                self._conn = self._connect()
            _, revision = commit(self._conn, store.dialect, edits, change=lambda: change, errors=store.errors,
                                 step=step and step.step_id)
        except store.errors as error:
            log.warning("%s from the writer thread failed (kept in the journal): %s", doing, error)
            raise store.as_project_error(error, doing, self._timeout) from error
        self._own.append(revision)  # deque.append: atomic
        remove_step(step)
        return revision

    def _drop_connection(self) -> None:
        conn, self._conn = self._conn, None
        try:
            conn.close()
        except self._store.errors:
            pass

    def close(self) -> None:
        """Wait for the write in flight, then close the connection in its own thread."""
        self._thread.submit(lambda: self._conn is not None and self._drop_connection()).result()
        self._thread.shutdown(wait=True)
