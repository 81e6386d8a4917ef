"""The full check a project file must pass before it is copied into a backup.

Why: SQLite's ``quick_check`` at open time sees a damaged page structure, but not random
bytes inside a document's text or token offsets; such a file opened fine, failed only when
that document loaded, and was rotated into every backup in turn. So before a project
becomes a backup (and before a backup is offered), SQLite's full ``integrity_check`` runs and
every document is decoded as :func:`read_document` decodes it when the analyst opens it.
"""

from __future__ import annotations

import sqlite3

from ner_studio.core.store.annotators import UNOWNED
from ner_studio.core.store.project_rows import read_document
from ner_studio.core.store.project_schema import schema_version

# integrity_check stops after this many problems: enough to summarise, quick on a wreck.
_MAX_PROBLEMS = 100


def full_check(conn: sqlite3.Connection) -> str | None:
    """``None`` if the database and every document in it are sound, else one readable line
    saying what is wrong."""
    try:
        rows = conn.execute(f"PRAGMA integrity_check({_MAX_PROBLEMS})").fetchall()
    except sqlite3.Error as error:
        return f"SQLite cannot check the file ({error})"
    problem = summarise_check([row[0] for row in rows])
    if problem:
        return problem
    try:
        ids = [row[0] for row in conn.execute("SELECT id FROM documents ORDER BY id")]
    except sqlite3.Error as error:
        return f"the list of documents cannot be read ({error})"
    unreadable = []
    for doc_id in ids:
        try:
            for annotator in _versions(conn, doc_id):
                read_document(conn, doc_id, annotator)
        # Damaged bytes can break decoding anywhere (offsets, JSON, UTF-8, spans).
        except Exception as error:  # noqa: BLE001
            unreadable.append((doc_id, error))
    if not unreadable:
        return None
    doc_id, error = unreadable[0]
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if len(unreadable) == 1:
        return f"document {doc_id} cannot be read ({first})"
    return f"{len(unreadable)} documents cannot be read (the first, document {doc_id}: {first})"


def _versions(conn: sqlite3.Connection, doc_id: int) -> list[str | None]:
    """Every version of the document (one per annotator: each must decode on its own)."""
    if schema_version(conn) < 4:
        return [None]
    rows = conn.execute("SELECT annotator FROM document_versions WHERE document_id = ?", (doc_id,))
    return [name for (name,) in rows] or [UNOWNED]


def summarise_check(lines: list[str]) -> str | None:
    """One line for SQLite's check output (``["ok"]`` means sound): how many problems, and
    the first one, instead of a screenful of page numbers."""
    problems = [line for line in lines if line and line != "ok"]
    if not problems:
        return None
    first = problems[0] if len(problems[0]) <= 120 else problems[0][:117] + "..."
    if len(problems) == 1:
        return f"SQLite's integrity check found a problem: {first}"
    more = f"{len(problems)}+" if len(problems) >= _MAX_PROBLEMS else str(len(problems))
    return f"SQLite's integrity check found {more} problems, the first: {first}"
