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
from ner_studio.core.store.project_schema import now, pack_offsets, text_hash, unpack_offsets
from ner_studio.core.text.spans import Source, Span
from ner_studio.core.store.project_dialect import Connection, dialect_of
# The span rows and the edit records live in span_rows.py; callers know them as project_rows'.
from ner_studio.core.store.span_rows import (  # noqa: F401
    BULK_EDIT, ModelSpansSwap, SpansDelta, SpansSnapshot, StatusEdit, clear_overlaps, insert_spans, touch,
)




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
