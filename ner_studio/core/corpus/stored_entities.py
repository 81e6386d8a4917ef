"""The project's entities as Find joins its matches with them, read in Find's worker thread.

Why: Find's first search read the stored entities of every document not open on the UI
thread (``CorpusText.span_rows``: a 273 ms gap once on a busy machine), and "Entities
labelled LOC" was one store query there (76 ms of CPU for 12,448 entities; issue 29,
benchmarks/results/2026-12-07-stalls-label-all.md). :class:`EntityRead` is what the UI thread
hands the worker (cheap to make): a connect function for a connection of the worker's own
(as core/store/changed_reads.py and document_reader.py open theirs, SQLite and PostgreSQL
alike), the rows CorpusText already keeps and their revision, the open documents' spans and
the edits still waiting in the journal. The worker reads, in one snapshot, only what changed
since those rows (or all, the first time) and hands the rows back for CorpusText to keep; and,
asked to, the document list and the texts the window has not read yet (``corpus.texts()`` on
the UI thread waited there for a write in flight, ``land_write``).

What wins: an open document's spans as the window holds them; for the others, the stored rows
with the journal's edits replayed on them (edits not written yet, or in flight to the writer
thread). Replaying is idempotent, so a write of this window landing while the worker reads
changes nothing: an edit keyed by its characters leaves a span in the state its last edit gave
it, whether the store already had that edit or not.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

from ner_studio.core.corpus.corpus_text import (
    FEW_DOCUMENTS,
    DocumentText,
    Listing,
    SpanRow,
    StoredRows,
    all_span_rows,
    read_listing,
    span_rows_of,
)
from ner_studio.core.store.project_dialect import Connection, dialect_of
from ner_studio.core.store.project_schema import changed_since, revision
from ner_studio.core.store.span_rows import ModelSpansSwap, SpansDelta
from ner_studio.core.text.spans import Source, Span


def read_stored_rows(conn: Connection, annotator: str | None, known: StoredRows) -> StoredRows:
    """``known`` brought up to date on ``conn`` (in a snapshot: the revision and the rows
    agree): only the documents changed since its revision, if few; else every row."""
    current = revision(conn)
    if current == known.revision:
        return known
    if known.revision is not None:
        changed = changed_since(conn, known.revision)
        if changed is not None and len(changed) <= FEW_DOCUMENTS:
            rows = dict(known.rows)
            fresh = _by_document(span_rows_of(conn, changed, annotator)) if changed else {}
            for doc_id in changed:
                rows[doc_id] = fresh.get(doc_id, [])
            return StoredRows(rows, current)
    return StoredRows(_by_document(all_span_rows(conn, annotator)), current)


@dataclass(frozen=True)
class EntityRead:
    """What a worker needs to know every document's entities (see the module doc): made on the
    UI thread, :meth:`read` in the worker."""

    connect: Callable[[], Connection]
    annotator: str | None
    known: StoredRows
    shown: dict[int, tuple[Span, ...]]  # open documents: their spans as the window holds them
    unsaved: tuple = ()  # the journal's edits (SpansDelta, ModelSpansSwap, ...), oldest first
    # A failure of the read as the error to raise (Project.as_read_error: a ProjectError)
    failure: Callable[[BaseException, str], BaseException] = lambda error, doing: error
    # The texts the window has: given, the document list and the texts not among them are read
    # too, in the same snapshot (:meth:`read_all`; a read on the UI thread waited for a write in flight)
    texts: Mapping[int, DocumentText] | None = None

    def read(self) -> tuple[dict[int, tuple[Span, ...]], dict[int, list[SpanRow]], StoredRows]:
        """``(shown, stored, read)``: the open documents' spans, every other document's rows
        with the journal replayed, and what was read (for CorpusText to keep)."""
        return self.read_all()[:3]

    def read_all(self) -> tuple[dict[int, tuple[Span, ...]], dict[int, list[SpanRow]], StoredRows, Listing | None]:
        """:meth:`read` and, given :attr:`texts`, the document list and every text (else None)."""
        listing = None
        try:
            conn = self.connect()
            try:
                dialect_of(conn).begin_snapshot(conn)
                try:
                    if self.texts is not None:
                        listing = read_listing(conn, self.annotator, self.texts)
                    read = read_stored_rows(conn, self.annotator, self.known)
                finally:
                    conn.execute("ROLLBACK")
            finally:
                conn.close()
        except Exception as error:  # noqa: BLE001 - a store's error becomes a ProjectError; a bug stays
            raise self.failure(error, "reading entities") from error
        stored = dict(read.rows)
        for doc_id, edits in groupby(sorted(self._span_edits(), key=_doc_of), _doc_of):
            if doc_id not in self.shown:
                stored[doc_id] = replayed(stored.get(doc_id, []), edits)
        return self.shown, stored, read, listing

    def _span_edits(self) -> list:
        # sorted() is stable: each document's edits keep the journal's order
        return [edit for edit in self.unsaved if isinstance(edit, (SpansDelta, ModelSpansSwap))]


def _doc_of(edit) -> int:
    return edit.doc_id


def replayed(rows: list[SpanRow], edits: Iterable) -> list[SpanRow]:
    """``rows`` (one document's) after ``edits`` in order, as the writer would store them: a
    span is keyed by its characters (a document's entities do not overlap)."""
    spans = {(row[1], row[2]): row for row in rows}
    for edit in edits:
        if isinstance(edit, ModelSpansSwap):
            spans = {key: row for key, row in spans.items() if row[4] != str(Source.MODEL)}
            kept = sorted(spans)  # what is not the model's stays; a prediction over it is not stored
            starts = [start for start, _ in kept]
            for span in edit.added:
                before = bisect_left(starts, span.end) - 1
                if before < 0 or kept[before][1] <= span.start:
                    spans[(span.start, span.end)] = _row(edit.doc_id, span)
            continue
        for span in edit.removed:
            spans.pop((span.start, span.end), None)
        for span in edit.added:
            spans[(span.start, span.end)] = _row(edit.doc_id, span)
    return [spans[key] for key in sorted(spans)]


def _row(doc_id: int, span: Span) -> SpanRow:
    return (doc_id, span.start, span.end, span.label, str(span.source), span.confidence, span.kb_id)


def _by_document(rows: list[SpanRow]) -> dict[int, list[SpanRow]]:
    return {doc_id: list(group) for doc_id, group in groupby(rows, itemgetter(0))}


__all__ = ["EntityRead", "StoredRows", "read_stored_rows", "replayed"]
