"""The project's schema, its versions and migrations, for both stores: written in SQLite's
words and rewritten for PostgreSQL by core/store/project_dialect.py (``Dialect.ddl``).

``MIGRATIONS[v]`` holds the statements that take a project from schema version ``v`` to
``v + 1``; :func:`migrate` applies the missing ones, each in its own transaction, and records
it in ``schema_version``. To change the schema, append a migration; never edit an old one.

Layout (version 1; version 2 widened the spans' ``source``; version 3 added
``documents.spans_revision``, see ``_V3``; version 4 added annotators, see ``_V4``; version 5
assignments, see ``_V5``; then label guidelines, ``_GUIDELINES``, span history, ``_HISTORY``,
the entity catalogue, ``_CATALOGUE``, notes, ``_NOTES``, and steps written, ``_WRITTEN_STEPS``):

* ``documents`` — one small row per document (name, status, order, timestamps), and
  ``document_contents`` its text, meta JSON, tokens and sentences, written once. They are
  apart because SQLite rewrites a whole row on any update: a status change must not rewrite
  megabytes. Tokens and sentences are packed ``uint32`` offset pairs in one BLOB each
  (8 bytes a token: a 200k-token document is 1.6 MB, written and read in one go).
* ``spans`` — one row per entity, ``[start_char, end_char)`` on the document text; unique per
  (document, annotator, start) because spans never overlap; deleted with their document. Each
  records who made it and when (``annotator``, ``created``) and who last changed it and when
  (``modified_by``, ``modified``; see ``_HISTORY``).
* ``labels`` — the label set in order, each with its guideline: ``description`` and
  ``examples`` (a JSON list of texts), see ``_GUIDELINES``. ``model_versions`` — trained models and their lineage.
* ``catalogue_entries`` — the entity catalogue (core/catalogue, core/store/project_catalogue.py):
  one row per person, place or organisation, its aliases a JSON list; ``spans.kb_id`` is the
  entry a span is linked to (NULL: unlinked), so a link belongs to its annotator's version.
* ``settings`` — project key/values as JSON. ``project_info`` — ``revision``, bumped by every
  committed write (backups use it to skip copying an unchanged project), and
  ``notes_revision``, the revision that last changed a note.
* ``notes`` — analysts' notes on an entity's character range ``[start_char, end_char)`` or on
  the whole document (both NULL), with author, times, text and whether resolved; shared by
  every annotator's version; deleted with their document (core/store/project_notes.py).
* ``written_steps`` — the ids of project-wide steps committed by the writer thread in the last
  30 days, so that a step's side file left by a kill is never applied twice
  (core/store/step_files.py).
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
from array import array
from collections.abc import Sequence
from datetime import datetime, timezone

from ner_studio.core.errors import ProjectError
from ner_studio.core.store.project_dialect import Connection, Dialect, dialect_of

# Packed offsets are 4-byte unsigned ints ("I" is 4 bytes on every platform Python ships for).
_UINT32 = "I" if array("I").itemsize == 4 else "L"

# "NERS": marks the file as ours in the SQLite header (see PRAGMA application_id).
APPLICATION_ID = 0x4E455253

_V1 = (
    "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied TEXT NOT NULL)",
    "CREATE TABLE project_info (key TEXT PRIMARY KEY, value)",
    "INSERT INTO project_info (key, value) VALUES ('revision', 0)",
    """CREATE TABLE documents (
        id INTEGER PRIMARY KEY,
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('new', 'predicted', 'reviewed')),
        source_path TEXT,
        token_count INTEGER NOT NULL,
        created TEXT NOT NULL,
        modified TEXT NOT NULL
    )""",
    """CREATE TABLE document_contents (
        document_id INTEGER PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
        meta TEXT NOT NULL DEFAULT '{}',
        text TEXT NOT NULL,
        tokens BLOB NOT NULL,
        sentences BLOB NOT NULL
    )""",
    "CREATE INDEX documents_by_position ON documents (position)",
    """CREATE TABLE spans (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        start_char INTEGER NOT NULL,
        end_char INTEGER NOT NULL,
        label TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('human', 'model')),
        confidence REAL,
        CHECK (0 <= start_char AND start_char < end_char)
    )""",
    "CREATE UNIQUE INDEX spans_by_document ON spans (document_id, start_char)",
    "CREATE INDEX spans_by_label ON spans (label)",
    """CREATE TABLE labels (
        name TEXT PRIMARY KEY,
        position INTEGER NOT NULL,
        colour TEXT NOT NULL,
        key TEXT NOT NULL DEFAULT ''
    )""",
    """CREATE TABLE model_versions (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL,
        parent_id INTEGER REFERENCES model_versions (id) ON DELETE SET NULL,
        created TEXT NOT NULL,
        metrics TEXT NOT NULL DEFAULT '{}',
        notes TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    f"PRAGMA application_id = {APPLICATION_ID}",
)

# Version 2: span provenance. ``accepted`` (a model entity a person confirmed, keeping its
# confidence) and ``pattern`` (a dictionary or pattern suggestion) join human and model. SQLite
# cannot change a CHECK constraint in place, so the table is rebuilt; existing rows keep
# their source (spans confirmed before version 2 were stored as human and stay so).
_V2 = (
    """CREATE TABLE spans_v2 (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        start_char INTEGER NOT NULL,
        end_char INTEGER NOT NULL,
        label TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('human', 'model', 'accepted', 'pattern')),
        confidence REAL,
        CHECK (0 <= start_char AND start_char < end_char)
    )""",
    "INSERT INTO spans_v2 SELECT id, document_id, start_char, end_char, label, source, confidence FROM spans",
    "DROP TABLE spans",
    "ALTER TABLE spans_v2 RENAME TO spans",
    "CREATE UNIQUE INDEX spans_by_document ON spans (document_id, start_char)",
    "CREATE INDEX spans_by_label ON spans (label)",
)


# Version 3: ``documents.spans_revision``, the project revision whose commit last changed the
# document's spans, kept by triggers whatever writes the spans (edits, label renames, another
# process). Search caches (core/corpus/corpus_text.py) read again only the documents changed since
# the revision they hold. A trigger runs per span row and writes only the first time in a
# transaction: ~1 us a row (the value is the revision the transaction will commit, since
# bump_revision() runs last in it). Setting the status of an annotator's version stamps it
# too (project_rows.touch; no trigger, so an older app does not): what the revision
# poll (core/store/project_changes.py) needs to name every document whose shown state changed.
NEXT_REVISION = "(SELECT value + 1 FROM project_info WHERE key = 'revision')"


def _stamp(event: str, row: str) -> str:
    return (f"CREATE TRIGGER spans_{event.lower()}_{row.lower()}_stamp AFTER {event} ON spans BEGIN "
            f"UPDATE documents SET spans_revision = {NEXT_REVISION} "
            f"WHERE id = {row}.document_id AND spans_revision <> {NEXT_REVISION}; END")


_V3 = (
    "ALTER TABLE documents ADD COLUMN spans_revision INTEGER NOT NULL DEFAULT 0",
    _stamp("INSERT", "NEW"),
    _stamp("DELETE", "OLD"),
    _stamp("UPDATE", "NEW"),
)

# Version 4: annotators (core/store/annotators.py). Every span belongs to one annotator's version of
# its document (``spans.annotator``; the curated gold version is one more) and records when it
# was made; ``document_versions`` has one row per (document, annotator) who added or edited it,
# with the time of the last edit and the annotator's own status of the document (marking it
# reviewed says so of one's own version only; NULL: never set, the status is
# ``documents.status``, the one it was added with or, in an older project, the one its single
# user last set). Spans made before version 4 belong to no one ('') until the first
# named annotator opens the project and claims them (``claim_unowned``): so a single user's
# project looks exactly as before. Plain SQL that PostgreSQL accepts too.
_V4 = (
    "ALTER TABLE spans ADD COLUMN annotator TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE spans ADD COLUMN created TEXT NOT NULL DEFAULT ''",
    "UPDATE spans SET created = (SELECT modified FROM documents WHERE documents.id = spans.document_id)",
    "DROP INDEX spans_by_document",
    "CREATE UNIQUE INDEX spans_by_document ON spans (document_id, annotator, start_char)",
    """CREATE TABLE document_versions (
        document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        annotator TEXT NOT NULL,
        modified TEXT NOT NULL,
        status TEXT,
        PRIMARY KEY (document_id, annotator)
    )""",
    "INSERT INTO document_versions (document_id, annotator, modified)"
    " SELECT id, '', modified FROM documents WHERE id IN (SELECT document_id FROM spans)",
    # Finds the document a second annotator's file of the same text belongs to (an index, not
    # a comparison of every text); filled in for older documents when first needed.
    "ALTER TABLE documents ADD COLUMN text_hash TEXT",
    "CREATE INDEX documents_by_text_hash ON documents (text_hash)",
)

# Version 5: assignments (core/store/assignment.py): which annotators a curator gave each document
# to; two rows for a document in the overlap share that agreement compares.
_V5 = (
    """CREATE TABLE assignments (
        document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        annotator TEXT NOT NULL,
        assigned TEXT NOT NULL,
        PRIMARY KEY (document_id, annotator)
    )""",
    "CREATE INDEX assignments_by_annotator ON assignments (annotator)",
)

# Label guidelines (issue 26): a description and example texts per label, kept with the label
# so that renaming it keeps them and a label set file carries them (core/formats/label_set_file.py).
_GUIDELINES = (
    "ALTER TABLE labels ADD COLUMN description TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE labels ADD COLUMN examples TEXT NOT NULL DEFAULT '[]'",
)

# Span history (issue 26): who last changed a span and when. A relabel, a resize or an
# acceptance changes the span's row in place (project_rows.SpansDelta), so ``created`` and
# ``annotator`` stay those of its making; older rows were last changed when they were made.
_HISTORY = (
    "ALTER TABLE spans ADD COLUMN modified TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE spans ADD COLUMN modified_by TEXT NOT NULL DEFAULT ''",
    "UPDATE spans SET modified = created, modified_by = annotator",
)

# The entity catalogue (core/store/project_catalogue.py): its entries, shared by the whole team,
# and on each span the entry it names (``kb_id``, spaCy's name; NULL: not linked), which
# travels with the span through every edit, undo and version. ``catalogue_revision`` is the
# project revision of the catalogue's last change: an instance that holds an older one reads
# the entries again. No foreign key on ``kb_id``: deleting an entry unlinks its mentions in
# the same transaction, and a span stays valid if an entry it names is not there.
_CATALOGUE = (
    """CREATE TABLE catalogue_entries (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        label TEXT NOT NULL,
        aliases TEXT NOT NULL DEFAULT '[]',
        external_id TEXT NOT NULL DEFAULT '',
        description TEXT NOT NULL DEFAULT '',
        modified TEXT NOT NULL
    )""",
    "ALTER TABLE spans ADD COLUMN kb_id TEXT",
    "CREATE INDEX spans_by_kb_id ON spans (kb_id)",
    "INSERT INTO project_info (key, value) VALUES ('catalogue_revision', 0)",
)

# Notes (core/store/project_notes.py): one row per note, anchored by character offsets (never by
# a span row, so relabelling or deleting the entity keeps it). ``notes_revision`` is stamped with
# the revision of every commit that changes a note, so the revision poll
# (core/store/project_changes.py) can tell other instances that notes changed.
_NOTES = (
    """CREATE TABLE notes (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        start_char INTEGER,
        end_char INTEGER,
        author TEXT NOT NULL,
        created TEXT NOT NULL,
        modified TEXT NOT NULL,
        text TEXT NOT NULL,
        resolved INTEGER NOT NULL DEFAULT 0,
        CHECK ((start_char IS NULL AND end_char IS NULL) OR (0 <= start_char AND start_char < end_char))
    )""",
    "CREATE INDEX notes_by_document ON notes (document_id)",
    "INSERT INTO project_info (key, value) VALUES ('notes_revision', 0)",
)

# Project-wide steps committed from their side file (core/store/step_files.py): the step's id is
# recorded in the commit, so that a file left by a kill after the commit is not applied again.
_WRITTEN_STEPS = (
    "CREATE TABLE written_steps (id TEXT PRIMARY KEY, written TEXT NOT NULL)",
)

MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1, _V2, _V3, _V4, _V5, _GUIDELINES, _HISTORY, _CATALOGUE, _NOTES,
                                           _WRITTEN_STEPS)
SCHEMA_VERSION = len(MIGRATIONS)
# The schema versions that brought them (computed: the lead orders migrations when merging).
GUIDELINES_SCHEMA = MIGRATIONS.index(_GUIDELINES) + 1
HISTORY_SCHEMA = MIGRATIONS.index(_HISTORY) + 1


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def is_project_database(conn: Connection, dialect: Dialect | None = None) -> bool:
    """True for a database NER Studio created (any schema version). ``dialect``: by default
    the connection's own (``dialect_of``)."""
    dialect = dialect or dialect_of(conn)
    tables = dialect.tables(conn)
    if dialect.is_postgres:  # no application id: our two bookkeeping tables mark it
        return {"schema_version", "project_info"} <= tables
    (app_id,) = conn.execute("PRAGMA application_id").fetchone()
    return app_id == APPLICATION_ID and "schema_version" in tables


def schema_version(conn: Connection, dialect: Dialect | None = None) -> int:
    """The project's schema version; 0 for a database without our tables."""
    if not is_project_database(conn, dialect):
        return 0
    (version,) = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()
    return version


def has_schema(conn: Connection, version: int) -> bool:
    """True if the project is at schema ``version`` or later: a project opened read-only is
    not migrated, so a reader of newer columns asks first."""
    return schema_version(conn) >= version


def check_not_newer(version: int, where) -> None:
    """Refuse a project a newer NER Studio saved (``where`` is named in the error)."""
    if version > SCHEMA_VERSION:
        raise ProjectError(
            f"this project was saved by a newer NER Studio (project format {version}; this "
            f"version reads up to {SCHEMA_VERSION}). Update NER Studio to open it.", where)


def migrate(conn: Connection, dialect: Dialect | None = None) -> int:
    """Bring the schema up to :data:`SCHEMA_VERSION`; returns how many migrations ran.

    ``conn`` must be in autocommit mode (``isolation_level=None``). Each migration is one
    transaction (PostgreSQL's DDL is transactional too); a failed one rolls back and leaves
    the project at the last completed version. Two clients migrating at once take turns,
    and the second finds the work done."""
    dialect = dialect or dialect_of(conn)
    ran = 0
    for version in range(schema_version(conn, dialect), SCHEMA_VERSION):
        dialect.begin_schema_change(conn)
        try:
            if schema_version(conn, dialect) == version:
                for statement in MIGRATIONS[version]:
                    for translated in dialect.ddl(statement):
                        conn.execute(translated)
                conn.execute(
                    "INSERT INTO schema_version (version, applied) VALUES (?, ?)", (version + 1, now())
                )
                ran += 1
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    return ran


def revision(conn: Connection) -> int:
    row = conn.execute("SELECT value FROM project_info WHERE key = 'revision'").fetchone()
    return int(row[0]) if row else 0


def changed_since(conn: Connection, since: int) -> list[int] | None:
    """Documents whose spans (or a version's status) changed after revision ``since``;
    ``None`` in a file project opened read-only at schema version 2 or older (no stamps:
    anything may have changed)."""
    try:
        rows = conn.execute("SELECT id FROM documents WHERE spans_revision > ?", (since,)).fetchall()
    except sqlite3.OperationalError:
        return None
    return [doc_id for (doc_id,) in rows]


def bump_revision(conn: Connection) -> int:
    """Count one more committed write; returns the revision this transaction commits."""
    [(value,)] = conn.execute(
        "UPDATE project_info SET value = value + 1 WHERE key = 'revision' RETURNING value").fetchall()
    return int(value)


def text_hash(text: str) -> str:
    """What ``documents.text_hash`` holds: SHA-256 of the text's UTF-8, in hex."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def pack_offsets(starts: Sequence[int], ends: Sequence[int]) -> bytes:
    """Offset pairs as little-endian uint32 ``start end start end ...``."""
    flat = array(_UINT32, bytes(8 * len(starts)))
    flat[0::2] = array(_UINT32, starts)
    flat[1::2] = array(_UINT32, ends)
    if sys.byteorder == "big":
        flat.byteswap()
    return flat.tobytes()


def unpack_offsets(blob: bytes) -> tuple[list[int], list[int]]:
    """Inverse of :func:`pack_offsets`: ``(starts, ends)``."""
    flat = array(_UINT32)
    flat.frombytes(blob)
    if sys.byteorder == "big":
        flat.byteswap()
    return flat[0::2].tolist(), flat[1::2].tolist()
