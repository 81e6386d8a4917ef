"""Reading and writing project rows on an open connection (no transactions here: the
:class:`~ner_studio.core.store.project.Project` wraps every write in one).

The records (:class:`SpansDelta`, :class:`SpansSnapshot`, :class:`StatusEdit`, ...) are what
the project keeps in its in-memory journal of edits not yet committed; ``apply(conn)`` writes
one. Applying them again is harmless, so a journal can be
replayed after a failed commit.

Spans belong to one annotator's version of their document (core/store/annotators.py): functions
that read or write spans take ``annotator``; ``None`` means every span regardless of who made
it, only for reading a project too old to have annotators (opened read-only, not migrated).
"""

from __future__ import annotations

import json
import sqlite3
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from ner_studio.core import json_text
from ner_studio.core.text.document import Document, Sentence, Status, TokenList
from ner_studio.core.errors import ProjectError
from ner_studio.core.store.annotators import of_annotator, touch_version
# The label rows live in label_rows.py; callers know them as project_rows' (e.g. rows.read_labels).
from ner_studio.core.store.label_rows import (  # noqa: F401
    delete_span_labels, documents_with_label, label_counts, read_labels, relabel_spans, rename_span_labels,
    store_labels, write_labels,
)
from ner_studio.core.text.notes import NOTES_META
from ner_studio.core.store.project_schema import NEXT_REVISION, now, pack_offsets, text_hash, unpack_offsets
from ner_studio.core.text.spans import Source, Span
from ner_studio.core.store.project_dialect import Connection, dialect_of


# Deltas touching more spans than this find the rows to delete in one read (SpansDelta).
BULK_EDIT = 64


class DocumentSummary(NamedTuple):
    """One line of the document list; ``model_count`` are model spans not yet confirmed."""

    doc_id: int
    name: str
    status: Status
    entity_count: int
    model_count: int
    token_count: int
    source_path: str | None

    def after(self, removed, added) -> DocumentSummary:
        """The counts once an edit removed and added these spans: recounting 30,000 spans on
        every key press would cost more than the edit itself."""
        def model(spans) -> int:
            return sum(1 for s in spans if not s.confirmed)

        return self._replace(entity_count=self.entity_count + len(added) - len(removed),
                             model_count=self.model_count + model(added) - model(removed))


@dataclass(frozen=True)
class ModelVersion:
    version_id: int
    path: str
    parent_id: int | None
    created: str
    metrics: dict
    notes: str


# --- documents -----------------------------------------------------------------------------
def insert_document(conn: Connection, doc: Document, source_path: str | None, annotator: str) -> int:
    if dialect_of(conn).is_postgres:
        check_no_nul(doc, source_path)
    try:
        # A file's notes go to the notes table (project_notes), not to the document's meta.
        meta = json.dumps({k: v for k, v in doc.meta.items() if k != NOTES_META}, ensure_ascii=False)
    except (TypeError, ValueError) as error:
        raise ProjectError(f"document {doc.name!r}: its meta data cannot be stored as JSON ({error})")
    (position,) = conn.execute("SELECT COALESCE(MAX(position), -1) + 1 FROM documents").fetchone()
    stamp = now()
    [(doc_id,)] = conn.execute(
        "INSERT INTO documents (position, name, status, source_path, token_count, created,"
        " modified, text_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (position, doc.name, str(doc.status), source_path, len(doc.tokens), stamp, stamp, text_hash(doc.text)),
    ).fetchall()  # all rows: an sqlite3 statement is finished only once read to the end
    conn.execute(
        "INSERT INTO document_contents (document_id, meta, text, tokens, sentences)"
        " VALUES (?, ?, ?, ?, ?)",
        (doc_id, meta, doc.text, _pack_tokens(doc.tokens),
         pack_offsets([s.start for s in doc.sentences], [s.end for s in doc.sentences])),
    )
    insert_spans(conn, doc_id, doc.spans, annotator)
    touch_version(conn, doc_id, annotator, doc.status)  # whoever adds a document has a version of it
    return doc_id


def check_no_nul(doc: Document, source_path: str | None) -> None:
    """PostgreSQL's text type cannot hold NUL (U+0000), which a project file keeps: say where
    the first one is rather than fail on it in the middle of an import."""
    for what, value in (("text", doc.text), ("name", doc.name or "")):
        at = value.find("\x00")
        if at >= 0:
            line = value.count("\n", 0, at) + 1
            column = at - value.rfind("\n", 0, at)
            place = f"at line {line}, column {column} of its text" if what == "text" else "in its name"
            prefix = f"{source_path}: " if source_path else ""
            raise ProjectError(
                f"{prefix}document {doc.name!r} holds a NUL character (U+0000) {place}, which a project "
                "on a PostgreSQL server cannot store; remove it and import again (a project file keeps it)")


def add_unknown_labels(conn: Connection, docs: Iterable[Document]) -> None:
    """Add the labels of ``docs``' spans that the label set lacks (at its end)."""
    labels = read_labels(conn)
    unknown = dict.fromkeys(s.label for d in docs for s in d.spans if s.label not in labels)
    for name in unknown:
        labels.add(name)
    if unknown:
        write_labels(conn, labels)


def with_status(annotator: str | None) -> tuple[str, str, tuple]:
    """``(join, status, parameters)``: the SQL that gives each document ``d`` its status in
    ``annotator``'s version (``documents.status`` where they never set one)."""
    if annotator is None:
        return "", "d.status", ()
    return (" LEFT JOIN document_versions v ON v.document_id = d.id AND v.annotator = ?",
            "COALESCE(v.status, d.status)", (annotator,))


def read_document(conn: Connection, doc_id: int, annotator: str | None) -> Document | None:
    join, status, parameters = with_status(annotator)
    row = conn.execute(
        f"SELECT d.name, {status}, c.meta, c.text, c.tokens, c.sentences FROM documents d"
        f" JOIN document_contents c ON c.document_id = d.id{join} WHERE d.id = ?", (*parameters, doc_id)
    ).fetchone()
    if row is None:
        return None
    name, status, meta, text, tokens, sentences = row
    meta = json_text.loads(meta)
    if not isinstance(meta, dict):  # only damage stores anything else (insert_document writes an object)
        raise ValueError(f"its meta data is {type(meta).__name__}, not a JSON object")
    spans = read_spans(conn, doc_id, annotator)
    return Document(
        text, TokenList(*unpack_offsets(tokens)), list(map(Sentence, *unpack_offsets(sentences))),
        spans, name=name, status=Status(status), doc_id=doc_id, meta=meta, stored=True,
    )


def read_state(conn: Connection, doc_id: int, annotator: str | None) -> tuple[list[Span], Status] | None:
    """The spans and status of ``annotator``'s version of ``doc_id`` (None: no such document)."""
    join, status, parameters = with_status(annotator)
    row = conn.execute(f"SELECT {status} FROM documents d{join} WHERE d.id = ?", (*parameters, doc_id)).fetchone()
    return None if row is None else (read_spans(conn, doc_id, annotator), Status(row[0]))


def read_spans(conn: Connection, doc_id: int, annotator: str | None) -> list[Span]:
    """A version's spans by start. A source is looked up, not parsed: ``Source(text)`` was a
    third of the Python time of reading a 50k-token document's 12,000 spans on a switch."""
    condition, parameters = of_annotator(annotator)
    sources = _SOURCES
    return [
        Span(start, end, label, sources.get(source) or Source(source), confidence, kb_id)  # Source(): its error
        for start, end, label, source, confidence, kb_id in with_links(
            conn, "SELECT start_char, end_char, label, source, confidence, {links} FROM spans"
            f" WHERE document_id = ?{condition} ORDER BY start_char", (doc_id, *parameters))
    ]


_SOURCES = {str(source): source for source in Source}


def with_links(conn: Connection, sql: str, parameters: tuple | list = ()) -> list[tuple]:
    """The rows of ``sql``, whose ``{links}`` is each span's catalogue link: ``kb_id``, or NULL
    in a project file opened read-only before the catalogue's migration (project_schema
    ``_CATALOGUE``), which has no such column and must still read."""
    try:
        return conn.execute(sql.replace("{links}", "kb_id"), parameters).fetchall()
    except sqlite3.OperationalError as error:
        if "kb_id" not in str(error):
            raise
        return conn.execute(sql.replace("{links}", "NULL"), parameters).fetchall()


def _pack_tokens(tokens) -> bytes:
    tokens = TokenList.of(tokens)
    return pack_offsets(tokens.starts, tokens.ends)


def summaries(conn: Connection, annotator: str | None) -> list[DocumentSummary]:
    join, status, status_parameters = with_status(annotator)
    condition, parameters = of_annotator(annotator, "s.")
    rows = conn.execute(
        f"SELECT d.id, d.name, {status}, COUNT(s.id),"
        " COALESCE(SUM(CASE WHEN s.source IN ('model', 'pattern') THEN 1 ELSE 0 END), 0),"
        f" d.token_count, d.source_path FROM documents d{join}"
        f" LEFT JOIN spans s ON s.document_id = d.id{condition}"
        f" GROUP BY d.id, d.name, {status}, d.token_count, d.source_path ORDER BY d.position, d.id",
        (*status_parameters, *parameters),
    )
    return [DocumentSummary(r[0], r[1], Status(r[2]), *r[3:]) for r in rows]


def document_exists(conn: Connection, doc_id: int) -> bool:
    return conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is not None


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


# --- model versions and settings -----------------------------------------------------------
def insert_model_version(conn, path: str, parent_id, metrics: dict, notes: str) -> int:
    [(version_id,)] = conn.execute(
        "INSERT INTO model_versions (path, parent_id, created, metrics, notes) VALUES (?, ?, ?, ?, ?)"
        " RETURNING id", (path, parent_id, now(), json.dumps(metrics), notes),
    ).fetchall()
    return version_id


def read_model_versions(conn: Connection) -> list[ModelVersion]:
    rows = conn.execute(
        "SELECT id, path, parent_id, created, metrics, notes FROM model_versions ORDER BY id"
    )
    return [ModelVersion(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5]) for r in rows]


def read_setting(conn: Connection, key: str, default=None):
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return default if row is None else json.loads(row[0])


def write_setting(conn: Connection, key: str, value) -> None:
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, json.dumps(value)),
    )
