"""Span rows on an open connection: inserting a document's spans, and the records of edits
that the project's journal keeps (:class:`SpansDelta`, :class:`ModelSpansSwap`,
:class:`SpansSnapshot`, :class:`StatusEdit`); ``apply(conn)`` writes one, inside the
transaction the project (or its writer thread, core/store/journal_writer.py) opened. Applying
one again is harmless, so a journal can be replayed after a failed commit. Moved out of
project_rows.py, which re-exports them (its callers know them as ``project_rows.SpansDelta``).
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass

from ner_studio.core.store.annotators import touch_version
from ner_studio.core.store.project_dialect import Connection, dialect_of
from ner_studio.core.store.project_schema import NEXT_REVISION, now
from ner_studio.core.text.document import Status
from ner_studio.core.text.spans import Source, Span

# Deltas touching more spans than this find the rows to delete in one read (SpansDelta).
BULK_EDIT = 64


def touch(conn: Connection, doc_id: int, annotator: str, status: Status | None = None) -> None:
    """Record an edit of ``annotator``'s version now (a deleted document: nothing). A new
    ``status`` stamps the document with the revision, as a span change does (project_schema
    ``_V3``), so that other instances' revision poll finds it."""
    stamp = f", spans_revision = {NEXT_REVISION}" if status is not None else ""
    conn.execute(f"UPDATE documents SET modified = ?{stamp} WHERE id = ?", (now(), doc_id))
    touch_version(conn, doc_id, annotator, status, unless_deleted=True)


# --- spans ---------------------------------------------------------------------------------
_INSERT_SPAN = ("INSERT INTO spans (document_id, start_char, end_char, label, source, confidence,"
                " annotator, created, modified, modified_by, kb_id)")


def insert_spans(conn: Connection, doc_id: int, spans: Iterable[Span], annotator: str, *,
                 unless_deleted: bool = False, editor: str = "") -> None:
    """``unless_deleted``: insert nothing if the document is gone (deleted in another window),
    checked by the statement itself, so that an edit needs no answer from the database before
    it is sent (a server's pipeline, see ``Dialect.write_transaction``). ``editor``: who makes
    them (``annotator`` if empty; a curator on the gold version)."""
    stamp = now()
    editor = editor or annotator
    if not dialect_of(conn).is_postgres:
        _insert_as_json(conn, doc_id, spans, annotator, stamp, editor, unless_deleted)
        return
    rows = ((doc_id, s.start, s.end, s.label, str(s.source), s.confidence, annotator, stamp, stamp,
             editor, s.kb_id) for s in spans)
    if not unless_deleted:
        conn.executemany(f"{_INSERT_SPAN} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        return
    # A parameter in a SELECT list has no type on PostgreSQL: text, unless cast (confidence
    # may be NULL; SQLite reads the type name as REAL).
    conn.executemany(
        f"{_INSERT_SPAN} SELECT ?, ?, ?, ?, ?, CAST(? AS DOUBLE PRECISION), ?, ?, ?, ?, CAST(? AS TEXT)"
        " WHERE EXISTS (SELECT 1 FROM documents WHERE id = ?)",
        ((*row, doc_id) for row in rows))


def _insert_as_json(conn: Connection, doc_id: int, spans: Iterable[Span], annotator: str, stamp: str,
                    editor: str, unless_deleted: bool) -> None:
    """SQLite: all rows in one statement over a JSON array (json_each), not one statement a row:
    a part's ~7,000 model spans go in ~40% faster, on the UI thread (benchmarks/results/
    2026-12-07-retag-and-1mb.md). A server's pipeline sends executemany's rows without waiting."""
    payload = json.dumps([(s.start, s.end, s.label, str(s.source), s.confidence, s.kb_id) for s in spans],
                         ensure_ascii=False)
    if payload == "[]":
        return
    exists = " WHERE EXISTS (SELECT 1 FROM documents WHERE id = ?)" if unless_deleted else ""
    conn.execute(
        f"{_INSERT_SPAN} SELECT ?, json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'),"
        f" json_extract(value, '$[3]'), json_extract(value, '$[4]'), ?, ?, ?, ?, json_extract(value, '$[5]')"
        f" FROM json_each(?){exists}",
        (doc_id, annotator, stamp, stamp, editor, payload, *((doc_id,) if unless_deleted else ())))


def clear_overlaps(conn: Connection, doc_id: int, spans: Iterable[Span], annotator: str,
                   keep: Span | None = None) -> None:
    """Delete stored spans overlapping ``spans`` (but ``keep``, the row an edit changes in
    place). Normally there are none; if another window edited the same document, the latest
    edit wins and the document still loads."""
    spare, kept = ("", ()) if keep is None else (" AND NOT (start_char = ? AND end_char = ?)", (keep.start, keep.end))
    for span in spans:
        conn.execute(
            "DELETE FROM spans WHERE document_id = ? AND annotator = ? AND start_char >= ? AND start_char < ?"
            f"{spare}", (doc_id, annotator, span.start, span.end, *kept),
        )
        # Spans never overlap, so at most the last one starting before ``span`` reaches into it.
        conn.execute(
            "DELETE FROM spans WHERE id = (SELECT id FROM spans WHERE document_id = ? AND annotator = ?"
            f" AND start_char < ? ORDER BY start_char DESC LIMIT 1) AND end_char > ?{spare}",
            (doc_id, annotator, span.start, span.start, *kept),
        )


@dataclass(frozen=True)
class SpansDelta:
    """The spans one edit of a document removed and added, in ``annotator``'s version (the
    project sets it: edits made elsewhere, as by label_all, leave it empty).

    Applied row by row, never as a rewrite of the document from the editor's copy: another
    instance's edits of other spans of the same version (the same person in two windows, two
    curators on the gold version) stay; where both changed the same span, the later commit
    wins, and no span is ever stored twice."""

    doc_id: int
    removed: tuple[Span, ...]
    added: tuple[Span, ...]
    annotator: str = ""
    editor: str = ""  # who made the edit, if not ``annotator`` (a curator of the gold version)

    def apply(self, conn: Connection) -> None:
        # A document deleted (perhaps in another window) has nothing left to save to: the
        # deletes find no rows, the inserts check (no question asked first: see insert_spans).
        if len(self.removed) == 1 and len(self.added) == 1 and self.removed[0].overlaps(self.added[0]):
            self._change_in_place(conn)
            return
        added = self.added
        if len(self.removed) + len(self.added) > BULK_EDIT:
            added = self._apply_in_bulk(conn)
        else:
            conn.executemany(
                "DELETE FROM spans WHERE document_id = ? AND annotator = ? AND start_char = ? AND end_char = ?",
                ((self.doc_id, self.annotator, s.start, s.end) for s in self.removed),
            )
            clear_overlaps(conn, self.doc_id, self.added, self.annotator)
        insert_spans(conn, self.doc_id, added, self.annotator, unless_deleted=True, editor=self.editor)
        touch(conn, self.doc_id, self.annotator)

    def _change_in_place(self, conn: Connection) -> None:
        """One entity relabelled, resized or accepted (or such an edit undone): its row
        changes, so it keeps when and by whom it was made (``_HISTORY``). If the row is gone
        (another window deleted it) the span is inserted afresh; still no read first."""
        (old,), (new,) = self.removed, self.added
        stamp, editor = now(), self.editor or self.annotator
        clear_overlaps(conn, self.doc_id, [new], self.annotator, keep=old)
        conn.execute(
            "UPDATE spans SET start_char = ?, end_char = ?, label = ?, source = ?, confidence = ?, modified = ?,"
            " modified_by = ?, kb_id = ? WHERE document_id = ? AND annotator = ? AND start_char = ? AND end_char = ?",
            (new.start, new.end, new.label, str(new.source), new.confidence, stamp, editor, new.kb_id,
             self.doc_id, self.annotator, old.start, old.end))
        conn.executemany(
            f"{_INSERT_SPAN} SELECT ?, ?, ?, ?, ?, CAST(? AS DOUBLE PRECISION), ?, ?, ?, ?, CAST(? AS TEXT)"
            " WHERE EXISTS (SELECT 1 FROM documents WHERE id = ?) AND NOT EXISTS (SELECT 1 FROM spans"
            " WHERE document_id = ? AND annotator = ? AND start_char = ?)",
            [(self.doc_id, new.start, new.end, new.label, str(new.source), new.confidence, self.annotator,
              stamp, stamp, editor, new.kb_id, self.doc_id, self.doc_id, self.annotator, new.start)])
        touch(conn, self.doc_id, self.annotator)

    def _apply_in_bulk(self, conn: Connection) -> tuple[Span, ...]:
        """The same rows deleted as the single-span path, found in one read of the version's
        stored spans (two queries a span would take seconds on a server for 10,000), in order
        of position so each edited span is bisected to, not every row tested against the
        edit (issue 29: Label All's 250 spans in a part of 12,000 rows).

        A span removed and added at the same place (an acceptance, relabel or link, as Mark
        Reviewed or A make them by the hundred) changes its stored row, as ``_change_in_place``
        does, so it keeps who made it and when (issue 26); by row id, from the same one read.
        Returns the added spans still to insert."""
        stored = conn.execute("SELECT id, start_char, end_char FROM spans WHERE document_id = ? AND annotator = ?"
                              " ORDER BY start_char", (self.doc_id, self.annotator)).fetchall()
        starts = [start for _, start, _ in stored]

        def row_at(span: Span) -> int | None:
            i = bisect_left(starts, span.start)
            found = i < len(stored) and starts[i] == span.start and stored[i][2] == span.end
            return stored[i][0] if found else None

        replaced = {(s.start, s.end) for s in self.removed}
        changed: dict[int, Span] = {}
        for span in self.added:
            row = row_at(span) if (span.start, span.end) in replaced else None
            if row is not None:
                changed[row] = span
        doomed: set[int] = set()
        for span in self.removed:
            row = row_at(span)
            if row is not None and row not in changed:
                doomed.add(row)
        kept = {(s.start, s.end) for s in changed.values()}
        added = tuple(span for span in self.added if (span.start, span.end) not in kept)
        for span in added:
            # Stored spans never overlap one another: of those starting before this one, only
            # the last can reach into it; then every one starting inside it.
            i = bisect_left(starts, span.start)
            if i > 0 and stored[i - 1][2] > span.start:
                doomed.add(stored[i - 1][0])
            while i < len(stored) and starts[i] < span.end:
                doomed.add(stored[i][0])
                i += 1
        doomed -= changed.keys()  # none is: added spans never overlap one another; but never delete a kept row
        conn.executemany("DELETE FROM spans WHERE id = ?", [(span_id,) for span_id in sorted(doomed)])
        if not changed:
            return added
        stamp, editor = now(), self.editor or self.annotator
        conn.executemany(  # one statement prepared, its rows sent without a wait (a server's pipeline)
            "UPDATE spans SET label = ?, source = ?, confidence = ?, modified = ?, modified_by = ?, kb_id = ?"
            " WHERE id = ?", [(s.label, str(s.source), s.confidence, stamp, editor, s.kb_id, row)
                              for row, s in sorted(changed.items())])
        return added


@dataclass(frozen=True)
class ModelSpansSwap:
    """A re-tagging of a document in ``annotator``'s version: every stored model span goes and
    ``added`` (the new predictions) come, set-based (one DELETE by source, one read of what
    stays, one insert), not span by span: a 50k-token part has ~7,000 model spans.

    What is not the model's stays, here and in other instances: a prediction overlapping a
    span stored meanwhile (a person's, from another window) is not stored; that window's
    live update brings the person's span into this one."""

    doc_id: int
    added: tuple[Span, ...]
    annotator: str = ""

    def apply(self, conn: Connection) -> None:
        conn.execute("DELETE FROM spans WHERE document_id = ? AND annotator = ? AND source = ?",
                     (self.doc_id, self.annotator, str(Source.MODEL)))
        staying = sorted(conn.execute("SELECT start_char, end_char FROM spans WHERE document_id = ? AND annotator = ?",
                                      (self.doc_id, self.annotator)).fetchall())
        added = self.added
        if staying:
            starts = [start for start, _ in staying]

            def free(span: Span) -> bool:  # stored spans never overlap: only the last one before its end can
                i = bisect_left(starts, span.end) - 1
                return i < 0 or staying[i][1] <= span.start

            added = [span for span in added if free(span)]
        insert_spans(conn, self.doc_id, added, self.annotator, unless_deleted=True)
        touch(conn, self.doc_id, self.annotator)


@dataclass(frozen=True)
class SpansSnapshot:
    """All spans of a version at one moment, replacing what is stored: only for a version
    written as a whole by one decision (the curated gold version, ``Project.save_gold``),
    never for editing, which goes row by row (:class:`SpansDelta`)."""

    doc_id: int
    spans: tuple[Span, ...]
    annotator: str = ""
    editor: str = ""

    def apply(self, conn: Connection) -> None:
        conn.execute("DELETE FROM spans WHERE document_id = ? AND annotator = ?", (self.doc_id, self.annotator))
        insert_spans(conn, self.doc_id, self.spans, self.annotator, unless_deleted=True, editor=self.editor)
        touch(conn, self.doc_id, self.annotator)


@dataclass(frozen=True)
class StatusEdit:
    """A document's new status in ``annotator``'s version (set by the project)."""

    doc_id: int
    status: Status
    annotator: str = ""

    def apply(self, conn: Connection) -> None:
        touch(conn, self.doc_id, self.annotator, self.status)  # a deleted document: nothing
