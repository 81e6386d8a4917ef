"""Telling every app instance on a project what the others changed, so that the document
list and the open documents follow (gui/shell/qt_live.py shows it).

* PostgreSQL: every committed write of a :class:`~ner_studio.core.store.project.Project` sends a
  ``NOTIFY`` in its transaction (:func:`announce`; the server delivers it only if the write
  commits) naming the revision, the version (annotator) and the documents it changed. A
  listener on its own connection (:func:`listen`, in a worker thread) receives them.
* SQLite has no notifications: :func:`poll` reads the revision row a few times a second (a
  20 us query), which every committed write bumps; when it moved, it reports the documents
  stamped with a newer revision (``documents.spans_revision``: their spans or a version's
  status changed; project_schema ``_V3``), so only those of the open ones are read again,
  and whether ``notes_revision`` moved too (notes changed; project_schema ``_NOTES``).

Either way the receiver gets batches of :class:`ProjectChange` and asks :func:`plan_refresh`
what to reload (``Refresh.notes``: the notes too; they are everyone's, so another annotator's
notes count where their spans do not). Missing a change must never lose an edit: the worst a
late or lost notification does is leave a view out of date until the next one, and reloading a
document only ever brings in what is stored (edits not yet saved keep it from reloading at
all).
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ner_studio.core import json_text
from ner_studio.core.store.project_dialect import Connection
from ner_studio.core.store.project_notes import notes_revision
from ner_studio.core.store.project_schema import changed_since, revision

CHANNEL = "ner_studio_changes"
_MAX_PAYLOAD = 7000  # the server refuses payloads of 8000 bytes or more
_GATHER = 0.05  # after the first notification, wait this long for the rest of a burst
_MANY = 1000  # more revisions than this at once are reported as one "anything changed"


@dataclass(frozen=True)
class ProjectChange:
    """What one committed write changed: ``annotator``'s version (None: any, e.g. labels
    renamed) of ``documents`` (None: any, or documents added or deleted); ``origin`` is the
    writing Project's :func:`new_origin` token, so an instance can skip its own writes;
    ``notes``: notes changed (of any version: everyone sees them)."""

    revision: int | None
    annotator: str | None = None
    documents: frozenset[int] | None = None
    origin: str = ""
    notes: bool = False

    def payload(self) -> str:
        docs = None if self.documents is None else sorted(self.documents)
        text = json.dumps({"r": self.revision, "a": self.annotator, "d": docs, "o": self.origin, "n": self.notes})
        if len(text) > _MAX_PAYLOAD:  # too many to name: "any document"
            return ProjectChange(self.revision, self.annotator, None, self.origin, self.notes).payload()
        return text

    @classmethod
    def from_payload(cls, text: str) -> ProjectChange:
        """The change a payload names; anything unreadable counts as "anything changed"."""
        try:
            data = json_text.loads(text)
            docs = data.get("d")
            return cls(data.get("r"), data.get("a"), None if docs is None else frozenset(map(int, docs)),
                       str(data.get("o") or ""), bool(data.get("n")))
        except (ValueError, TypeError, AttributeError):
            return cls(None)


def new_origin() -> str:
    return uuid.uuid4().hex[:12]


def announce(conn: Connection, change: ProjectChange):
    """Count the current write (bump the revision) and send ``change``, with that revision, to
    every listener once the transaction commits (PostgreSQL). One statement, whose result is
    a cursor whose one row holds the revision: read it after the commit, so that the write
    waits for no reply while it holds the project's lock (``Dialect.write_transaction``)."""
    return conn.execute(
        "WITH bumped AS (UPDATE project_info SET value = value + 1 WHERE key = 'revision' RETURNING value)"
        " SELECT value, pg_notify(?, CAST(jsonb_set(CAST(? AS jsonb), '{r}', to_jsonb(value)) AS text))"
        " FROM bumped", (CHANNEL, change.payload()))


@dataclass(frozen=True)
class Refresh:
    """What an instance should reload: the document list, and its open documents among
    ``documents`` (None: every open one, to be compared with what is stored); with ``notes``,
    the notes."""

    documents: frozenset[int] | None
    notes: bool = False


def plan_refresh(batch: Iterable[ProjectChange], origin: str, version: str | None,
                 own_revisions: Iterable[int] = ()) -> Refresh | None:
    """What ``batch`` means for an instance that writes as ``origin`` and shows ``version``:
    None if nothing it shows changed (its own writes; other annotators' versions)."""
    own = set(own_revisions)
    documents: set[int] | None = set()
    relevant = notes = False
    for change in batch:
        if change.origin and change.origin == origin:
            continue
        if not change.origin and change.revision is not None and change.revision in own:
            continue  # a poll that saw only this instance's own commit
        notes = notes or change.notes or change.documents is None  # notes are everyone's
        if change.annotator is not None and change.annotator != version:
            if change.documents is not None:
                continue  # another person's version of documents: nothing shown here changed
        relevant = True
        if change.documents is None:
            documents = None
        elif documents is not None:  # (annotator None: some version of these documents)
            documents.update(change.documents)
    if not relevant and not notes:
        return None
    return Refresh(None if documents is None else frozenset(documents), notes)


WatchJob = Callable[[Callable[[int, int], None], Callable[[], bool]], Iterator[list[ProjectChange]]]


def listen(url: str, *, interval: float = 0.25) -> WatchJob:
    """A worker job (gui/shell/qt_worker.Worker) that yields each burst of changes announced
    on the server project at ``url``, until stopped. Once listening (and again after
    reconnecting to a server it lost) it reports "anything may have changed": what was
    committed before the listener listened reaches no one otherwise."""

    def job(report, should_stop) -> Iterator[list[ProjectChange]]:
        import psycopg

        conn = None
        try:
            while not should_stop():
                try:
                    if conn is None or conn.closed:
                        conn = psycopg.connect(url, autocommit=True, connect_timeout=5,
                                               application_name="NER Studio listener")
                        conn.execute(f"LISTEN {CHANNEL}")
                        yield [ProjectChange(None)]  # what happened before listening (or while lost)
                    first = list(conn.notifies(timeout=interval, stop_after=1))
                    if first:
                        rest = list(conn.notifies(timeout=_GATHER))
                        yield [ProjectChange.from_payload(n.payload) for n in first + rest]
                except psycopg.OperationalError:
                    conn = None
                    _sleep(1.0, should_stop)
        finally:
            if conn is not None:
                conn.close()

    return job


def poll(path: str | Path, *, interval: float = 0.25) -> WatchJob:
    """A worker job that yields the revisions committed to the project file at ``path``
    (read on a connection of the worker's own) whenever it moves on, each naming the
    documents changed since the revision seen before (any version of them): the SQLite
    signal. It starts with "anything may have changed", as :func:`listen` does."""

    def job(report, should_stop) -> Iterator[list[ProjectChange]]:
        conn = sqlite3.connect(str(path), timeout=1.0, isolation_level=None)
        try:
            seen = revision(conn)
            yield [ProjectChange(None)]  # what happened before watching
            while not should_stop():
                _sleep(interval, should_stop)
                try:
                    batch, seen = _changes_after(conn, seen)
                except sqlite3.Error:  # busy or gone for a moment: look again next time
                    continue
                if batch:
                    yield batch
        finally:
            conn.close()

    return job


def _changes_after(conn: sqlite3.Connection, seen: int) -> tuple[list[ProjectChange], int]:
    """The changes committed after revision ``seen`` and the revision now, read in one
    snapshot (a commit between the two reads would otherwise be half seen)."""
    conn.execute("BEGIN")
    try:
        current = revision(conn)
        if current == seen:
            return [], seen
        changed = changed_since(conn, seen)
        noted = notes_revision(conn) > seen
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")  # it only read
    if current - seen > _MANY or changed is None:
        return [ProjectChange(None)], current
    documents = frozenset(changed)  # which revision changed which is not recorded: any of these
    return [ProjectChange(number, None, documents, notes=noted) for number in range(seen + 1, current + 1)], current


def watch(project) -> WatchJob:
    """The job that follows ``project``'s changes: :func:`listen` on a server, else :func:`poll`."""
    return listen(project.reopen_location) if project.on_server else poll(project.path)


def _sleep(seconds: float, should_stop: Callable[[], bool]) -> None:
    deadline = time.monotonic() + seconds
    while not should_stop() and time.monotonic() < deadline:
        time.sleep(min(0.05, seconds))
