"""Reading what another instance changed, in a worker thread (issue 29: the window never
freezes). When another annotator's edit arrives, the window reloads the document list (a
count over every span of the project) and the changed open documents (12,000 spans a part of
a 1 MB text): 0.1-0.2 s of reads on the UI thread of a busy machine
(benchmarks/results/2026-12-07-stalls-label-all-live.md). :func:`read_changed` does both reads
on a connection of its own, in one snapshot; the UI thread then only compares and shows
(``Project.catch_up(..., stored=...)``, gui/shell/qt_live.py).

Nothing here writes. A document edited here after the read is not given what was read (the
window reads it again itself: the later edit wins, as ever).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ner_studio.core.store import project_rows as rows
from ner_studio.core.store.project_dialect import Connection, dialect_of
from ner_studio.core.store.project_rows import DocumentSummary
from ner_studio.core.text.document import Status
from ner_studio.core.text.spans import Span


@dataclass(frozen=True)
class StoredState:
    """The document list and some documents' spans and status, as one snapshot stored them
    (a document deleted meanwhile: None)."""

    summaries: list[DocumentSummary]
    documents: dict[int, tuple[list[Span], Status] | None]


def read_changed(connect: Callable[[], Connection], annotator: str | None, doc_ids: Iterable[int]) -> StoredState:
    """The list and ``doc_ids``' state in ``annotator``'s version, read on a new connection
    (``connect()``, closed here) in one snapshot. For a worker thread."""
    conn = connect()
    try:
        dialect_of(conn).begin_snapshot(conn)
        try:
            return StoredState(rows.summaries(conn, annotator),
                               {doc_id: rows.read_state(conn, doc_id, annotator) for doc_id in doc_ids})
        finally:
            conn.execute("ROLLBACK")
    finally:
        conn.close()
