"""Reading a project's documents from a thread beside the UI's, on a connection of its own.

The first show of a 50k-token part read it on the UI thread: its text, tokens, sentences and
~12,000 spans, 20-30 ms of CPU and more on a busy machine (issue 29,
benchmarks/results/2026-12-07-stalls-switching.md). A :class:`DocumentReader` reads a
document ahead (the neighbours of the one shown, or one asked for) in another thread; the UI
thread then takes it with ``Project.adopt_read``, which checks nothing changed it since it was
read (``is_current``) and otherwise leaves the reading to ``Project.load_document``.

What was read is stamped with the project's revision read *before* it. A write committed in
between stamps the document (``documents.spans_revision``, project_schema ``_V3``) with a
later revision, so a read that may have missed a write, or seen half of a change, is never
taken: it is read again on the UI thread, as before. SQLite files and PostgreSQL servers alike;
the connection is opened in the reading thread at its first read and closed by :meth:`close`.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from typing import NamedTuple

from ner_studio.core.secrets import redact_secrets
from ner_studio.core.store import project_rows as rows
from ner_studio.core.store.project_dialect import Connection
from ner_studio.core.store.project_schema import revision
from ner_studio.core.text.document import Document

log = logging.getLogger(__name__)


class ReadDocument(NamedTuple):
    """A document as read by a :class:`DocumentReader`: whose version, and the project
    revision before it."""

    doc: Document
    revision: int
    annotator: str | None


class DocumentReader:
    """Reads one annotator's version of documents of one project, from one thread (not the UI's):
    make it on the UI thread (``Project.document_reader``), then call :meth:`read` and
    :meth:`close` only from that other thread."""

    def __init__(self, connect: Callable[[], Connection], annotator: str | None, errors: tuple[type[BaseException], ...]):
        self._connect = connect
        self._annotator = annotator
        self._errors = errors  # what the store's driver raises
        self._conn: Connection | None = None

    def read(self, doc_id: int) -> ReadDocument | None:
        """The document and the revision it was read at; None if it is not there or cannot be
        read (logged: the UI thread reads it again and reports what is wrong)."""
        try:
            if self._conn is None:
                self._conn = self._connect()
            at = revision(self._conn)
            doc = rows.read_document(self._conn, doc_id, self._annotator)
        except Exception as error:  # noqa: BLE001 - damage or a lost server: the UI thread's read says what
            log.info("reading document %s ahead failed (it is read when shown): %s", doc_id,
                     redact_secrets(f"{type(error).__name__}: {error}"))
            self.close()
            return None
        return None if doc is None else ReadDocument(doc, at, self._annotator)

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except (sqlite3.Error, *self._errors):  # closing a broken connection: nothing to keep
                pass
            self._conn = None


def is_current(conn: Connection, read: ReadDocument) -> bool:
    """True if nothing was written to ``read``'s document after it was read: its spans and
    status (``spans_revision``) and its name. A project file from before those stamps (read only,
    schema 2 or older) cannot tell: False."""
    try:
        row = conn.execute("SELECT spans_revision, name FROM documents WHERE id = ?", (read.doc.doc_id,)).fetchone()
    except sqlite3.OperationalError:
        return False
    return row is not None and row[0] <= read.revision and row[1] == read.doc.name
