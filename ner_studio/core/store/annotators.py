"""Annotators: who made each span, and each person's own version of a document.

As in INCEpTION, every annotator has their own version of each document (their spans, their
edit times), so one person's edits never overwrite another's. The curated result is one more
version, :data:`GOLD`, which export and fine-tuning prefer (see ``Project.training_version``).

A curator may open a project as :data:`GOLD` to edit the curated versions with every tool of
the editor; GOLD is never a person (not listed by :func:`annotators`, claims nothing).

A project from before annotators (schema version 4) holds spans of no one (''). The first
named annotator who opens it for writing claims them (:func:`claim_unowned`), so a single
user's project looks exactly as it did; later annotators start with empty versions.

Names are free text (a person's name or login), one line, at most :data:`MAX_NAME` characters;
names starting with ``@`` are reserved for versions that are not a person (:data:`GOLD`).
"""

from __future__ import annotations

import getpass
from ner_studio.core.store.project_dialect import Connection

from ner_studio.core.errors import AnnotatorError
from ner_studio.core.store.project_schema import now, text_hash
from ner_studio.core.learning.review_log import REVIEW_LOG_SETTING
from ner_studio.core.learning.training_set import ACCEPTED_SETTING

# Project settings that describe one person's work on their versions, not the project: kept
# per annotator (``key@annotator``; see ``ProjectMetadata.get_setting``). "shown_document" is
# the workspace's SHOWN_SETTING (gui/window/qt_workspace.py), which core cannot import.
PERSONAL_SETTINGS = frozenset({ACCEPTED_SETTING, REVIEW_LOG_SETTING, "shown_document"})

GOLD = "@gold"  # the curated version of a document
UNOWNED = ""  # spans made before annotators existed, not yet claimed
MAX_NAME = 64
FALLBACK_NAME = "annotator"  # when the OS cannot say who is logged in

SETTING = "annotator"  # the user's name in the user settings (core/settings.py)


def check_annotator_name(name: str, *, where: str = "") -> str:
    """``name`` stripped, or an AnnotatorError saying what is wrong with it."""
    cleaned = (name or "").strip()
    prefix = f"{where}: " if where else ""
    if not cleaned:
        raise AnnotatorError(f"{prefix}the annotator name is empty; give a name such as your login")
    if len(cleaned) > MAX_NAME:
        raise AnnotatorError(f"{prefix}the annotator name is longer than {MAX_NAME} characters")
    if any(not ch.isprintable() for ch in cleaned):
        raise AnnotatorError(f"{prefix}the annotator name {cleaned!r} has a line break or control character")
    if cleaned.startswith("@"):
        raise AnnotatorError(f"{prefix}annotator names starting with '@' are reserved ({GOLD} is the "
                             "curated version); pick another name")
    return cleaned


def os_user() -> str:
    """The login name, or :data:`FALLBACK_NAME` if the system cannot tell."""
    try:
        name = getpass.getuser().strip()
    except (KeyError, OSError):  # no such user in the password database, no environment variable
        return FALLBACK_NAME
    try:
        return check_annotator_name(name)
    except AnnotatorError:
        return FALLBACK_NAME


def default_annotator(configured: str | None = None) -> str:
    """``configured`` (the name kept in the user settings) if usable, else the login name."""
    if configured:
        try:
            return check_annotator_name(configured)
        except AnnotatorError:
            pass
    return os_user()


def configured_annotator(settings) -> str:
    """The user's annotator name from the user settings (core/settings.py), else the login."""
    return default_annotator(settings.get(SETTING))


def display_name(annotator: str) -> str:
    return {GOLD: "Gold (curated)", UNOWNED: "(before annotators)"}.get(annotator, annotator)


# --- on an open connection (the Project wraps these in its transactions) ------------------
def of_annotator(annotator: str | None, alias: str = "") -> tuple[str, tuple]:
    """The ``AND annotator = ?`` condition (and its parameter) that picks one version."""
    if annotator is None:
        return "", ()
    return f" AND {alias}annotator = ?", (annotator,)


def has_named_versions(conn: Connection) -> bool:
    row = conn.execute("SELECT 1 FROM document_versions WHERE annotator <> ? AND annotator <> ?"
                       " LIMIT 1", (UNOWNED, GOLD)).fetchone()
    return row is not None


def needs_claim(conn: Connection) -> bool:
    """True if spans of no one wait for the first named annotator."""
    unowned = conn.execute("SELECT 1 FROM document_versions WHERE annotator = ? LIMIT 1", (UNOWNED,)).fetchone()
    return unowned is not None and not has_named_versions(conn)


def claim_unowned(conn: Connection, annotator: str) -> None:
    """Make the spans of no one ``annotator``'s, and the single user's personal settings
    (call in a write transaction, after :func:`needs_claim`)."""
    conn.execute("UPDATE spans SET annotator = ? WHERE annotator = ?", (annotator, UNOWNED))
    conn.execute("UPDATE spans SET modified_by = ? WHERE modified_by = ?", (annotator, UNOWNED))  # _HISTORY
    conn.execute("UPDATE document_versions SET annotator = ? WHERE annotator = ?", (annotator, UNOWNED))
    for key in sorted(PERSONAL_SETTINGS):
        conn.execute("UPDATE settings SET key = ? WHERE key = ?", (personal_key(key, annotator), key))


def personal_key(key: str, annotator: str | None) -> str:
    """Where a setting is kept for ``annotator``: its own key for a personal setting of a
    named version, else ``key``."""
    if key in PERSONAL_SETTINGS and annotator not in (None, UNOWNED):
        return f"{key}@{annotator}"
    return key


def rename(conn: Connection, old: str, new: str) -> None:
    conn.execute("UPDATE spans SET annotator = ? WHERE annotator = ?", (new, old))
    conn.execute("UPDATE spans SET modified_by = ? WHERE modified_by = ?", (new, old))
    conn.execute("UPDATE assignments SET annotator = ? WHERE annotator = ?", (new, old))
    conn.execute("UPDATE document_versions SET annotator = ? WHERE annotator = ?", (new, old))
    conn.execute("UPDATE notes SET author = ? WHERE author = ?", (new, old))  # their notes stay theirs
    for key in sorted(PERSONAL_SETTINGS):
        conn.execute("DELETE FROM settings WHERE key = ?", (personal_key(key, new),))
        conn.execute("UPDATE settings SET key = ? WHERE key = ?", (personal_key(key, new), personal_key(key, old)))


def annotators(conn: Connection) -> list[str]:
    """Everyone with a version of some document, by name (not the gold version, nor the
    spans of no one waiting to be claimed)."""
    rows = conn.execute("SELECT DISTINCT annotator FROM document_versions WHERE annotator <> ?"
                        " AND annotator <> ? ORDER BY annotator", (GOLD, UNOWNED))
    return [name for (name,) in rows]


def versions_of(conn: Connection, doc_id: int) -> list[str]:
    """Annotators (and :data:`GOLD`) with a version of document ``doc_id``."""
    rows = conn.execute("SELECT annotator FROM document_versions WHERE document_id = ? ORDER BY annotator",
                        (doc_id,))
    return [name for (name,) in rows]


def documents_with_version(conn: Connection, annotator: str) -> set[int]:
    rows = conn.execute("SELECT document_id FROM document_versions WHERE annotator = ?", (annotator,))
    return {doc_id for (doc_id,) in rows}


def fill_text_hashes(conn: Connection) -> None:
    """Give documents stored before ``documents.text_hash`` existed their hash."""
    missing = [doc_id for (doc_id,) in conn.execute("SELECT id FROM documents WHERE text_hash IS NULL").fetchall()]
    for doc_id in missing:
        (text,) = conn.execute("SELECT text FROM document_contents WHERE document_id = ?", (doc_id,)).fetchone()
        conn.execute("UPDATE documents SET text_hash = ? WHERE id = ?", (text_hash(text), doc_id))


def matching_document(conn: Connection, doc, annotator: str, exclude=()) -> int | None:
    """A stored document with ``doc``'s text (the one of the same name first) that
    ``annotator`` has no version of, or ``None``. Call :func:`fill_text_hashes` first."""
    rows = conn.execute(
        "SELECT d.id, d.name FROM documents d WHERE d.text_hash = ? AND NOT EXISTS (SELECT 1 FROM"
        " document_versions v WHERE v.document_id = d.id AND v.annotator = ?) ORDER BY d.position, d.id",
        (text_hash(doc.text), annotator)).fetchall()
    rows = sorted((row for row in rows if row[0] not in exclude), key=lambda row: row[1] != doc.name)
    for doc_id, _ in rows:  # the same hash is the same text, barring a collision: make sure
        (text,) = conn.execute("SELECT text FROM document_contents WHERE document_id = ?", (doc_id,)).fetchone()
        if text == doc.text:
            return doc_id
    return None


def touch_version(conn: Connection, doc_id: int, annotator: str, status=None, *,
                  unless_deleted: bool = False) -> None:
    """Record that ``annotator`` edited document ``doc_id`` now (and set the status of their
    version, if ``status`` is given). ``unless_deleted``: nothing if the document is gone,
    checked by the statement itself (see project_rows.insert_spans)."""
    values = (doc_id, annotator, now(), None if status is None else str(status))
    if unless_deleted:  # (SQLite needs the WHERE before ON CONFLICT after a SELECT anyway)
        source, values = "SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM documents WHERE id = ?)", (*values, doc_id)
    else:
        source = "VALUES (?, ?, ?, ?)"
    conn.execute(
        f"INSERT INTO document_versions (document_id, annotator, modified, status) {source}"
        " ON CONFLICT (document_id, annotator) DO UPDATE SET modified = excluded.modified,"
        " status = COALESCE(excluded.status, document_versions.status)", values)


def worked_versions(conn: Connection, doc_id: int) -> list[str]:
    """The annotators whose version of ``doc_id`` holds their judgement: they marked it
    reviewed or confirmed an entity in it (a version of unconfirmed model or pattern
    suggestions says nothing about its annotator). What agreement compares."""
    rows = conn.execute(
        "SELECT v.annotator FROM document_versions v WHERE v.document_id = ? AND v.annotator <> ?"
        " AND (v.status = 'reviewed' OR EXISTS (SELECT 1 FROM spans s WHERE s.document_id = v.document_id"
        " AND s.annotator = v.annotator AND s.source IN ('human', 'accepted'))) ORDER BY v.annotator",
        (doc_id, GOLD))
    return [name for (name,) in rows]


def version_times(conn: Connection) -> dict[tuple[int, str], str]:
    """When each version last changed: ``{(document id, annotator): ISO time}``."""
    rows = conn.execute("SELECT document_id, annotator, modified FROM document_versions")
    return {(doc_id, annotator): modified for doc_id, annotator, modified in rows}
