"""Reading what another instance changed, in a worker thread (issue 29: the window never
freezes). When another annotator's edit arrives, the window reloads the document list (a
count over every span of the project) and the changed open documents (12,000 spans a part of
a 1 MB text): 0.1-0.2 s of reads on the UI thread of a busy machine
(benchmarks/results/2026-12-07-stalls-label-all-live.md). :func:`read_changed` does both reads
on a connection of its own, in one snapshot, and compares each document's stored spans with
those the window showed when the read began; the UI thread then only applies what differs
(``Project.catch_up(..., change)``, gui/shell/qt_live.py).

Nothing here writes. A document edited here after the read is not given what was read (the
window reads it again itself: the later edit wins, as ever).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ner_studio.core.store import project_rows as rows
from ner_studio.core.store.project_dialect import Connection, dialect_of
from ner_studio.core.store.project_rows import DocumentSummary
from ner_studio.core.text.document import Status
from ner_studio.core.text.spans import Span


@dataclass(frozen=True)
class StoredChange:
    """How a document shown in a window differs from what is stored."""

    removed: tuple[Span, ...]
    added: tuple[Span, ...]
    status: Status

    @classmethod
    def between(cls, shown: tuple[Span, ...], stored: list[Span], status: Status) -> StoredChange:
        """From ``shown`` spans to ``stored`` ones (hashing 24,000 spans: done in the worker)."""
        kept_shown, now_stored = set(shown), set(stored)
        return cls(tuple(s for s in shown if s not in now_stored), tuple(s for s in stored if s not in kept_shown),
                   status)


@dataclass(frozen=True)
class StoredState:
    """The document list, and how some documents differ from what is stored, as one snapshot
    stored them (a document deleted meanwhile: None)."""

    summaries: list[DocumentSummary]
    documents: dict[int, StoredChange | None]


def read_changed(connect: Callable[[], Connection], annotator: str | None,
                 shown: dict[int, tuple[Span, ...]]) -> StoredState:
    """The list, and each of ``shown``'s documents (id: the spans a window shows, an immutable
    snapshot) compared with its state in ``annotator``'s version, read on a new connection
    (``connect()``, closed here) in one snapshot. For a worker thread."""
    conn = connect()
    try:
        dialect_of(conn).begin_snapshot(conn)
        try:
            documents = {}
            for doc_id, spans in shown.items():
                stored = rows.read_state(conn, doc_id, annotator)
                documents[doc_id] = None if stored is None else StoredChange.between(spans, *stored)
            return StoredState(rows.summaries(conn, annotator), documents)
        finally:
            conn.execute("ROLLBACK")
    finally:
        conn.close()
