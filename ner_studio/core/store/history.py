"""Who made and changed what, read from what the project keeps (issue 26): each span's
``annotator``/``created`` and ``modified_by``/``modified`` (project_schema ``_HISTORY``), each
version's last edit and status (``document_versions``), the document's own ``created``.

There is no journal of edits: a deleted entity leaves no trace, and an entity changed twice
shows its last change only. What is listed is what the rows say, nothing inferred. Renaming a
label (Edit Labels) is not a change of its entities: nobody judged them again.

:class:`ProjectHistory` is the part of :class:`~ner_studio.core.store.project.Project` that reads it
(a mixin, using the project's ``_read``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ner_studio.core.store.annotators import display_name
from ner_studio.core.store.project_dialect import Connection
from ner_studio.core.store.project_schema import HISTORY_SCHEMA, has_schema
from ner_studio.core.text.spans import Source, Span

# A document's history lists at most this many entity changes (the newest): a 30,000-entity
# document in a table would take longer to show than anyone would read.
MOST_CHANGES = 2000


@dataclass(frozen=True)
class SpanHistory:
    """When and by whom one span was made and last changed (ISO times, annotator names)."""

    created: str
    created_by: str
    modified: str
    modified_by: str

    @property
    def changed(self) -> bool:
        """Changed after it was made (the same second counts as its making)."""
        return self.modified != self.created

    def describe(self, source: Source | None = None) -> str:
        """"created by ann at 2026-12-07 14:02 · changed by bob at 2026-12-07 15:10". Unchanged,
        its maker is who wrote it (a curator, on the gold version); changed, the version's owner.
        ``source`` (the span's now) words a suggestion as one: "suggested by the model at …"."""
        made, when = display_name(self.created_by), short_time(self.created)
        if not self.changed:
            if source in _SUGGESTED:
                return f"{_SUGGESTED[source]} at {when}"
            return f"created by {display_name(self.modified_by)} at {when}"
        change = "accepted" if source == Source.ACCEPTED else "changed"
        first = f"suggested for {made}" if source == Source.ACCEPTED else f"created by {made}"
        return f"{first} at {when} · {change} by {display_name(self.modified_by)} at {short_time(self.modified)}"


_SUGGESTED = {Source.MODEL: "suggested by the model", Source.PATTERN: "suggested by a pattern"}


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a document's history; ``span`` the entity it concerns, if any."""

    time: str
    annotator: str
    what: str
    span: Span | None = None


def short_time(stamp: str) -> str:
    """``2026-12-07T14:02:31+00:00`` -> ``2026-12-07 14:02`` (UTC, as stored); '' stays ''."""
    return stamp[:16].replace("T", " ")


# --- on an open connection ----------------------------------------------------------------
def span_history(conn: Connection, doc_id: int, annotator: str, span: Span, *,
                 checked: bool = False) -> SpanHistory | None:
    """The history of ``span`` in ``annotator``'s version (None: not stored, or a project
    opened read-only from before ``_HISTORY``; ``checked``: the caller knows it is not)."""
    if not checked and not has_schema(conn, HISTORY_SCHEMA):
        return None
    row = conn.execute(
        "SELECT created, annotator, modified, modified_by FROM spans WHERE document_id = ? AND annotator = ?"
        " AND start_char = ? AND end_char = ?", (doc_id, annotator, span.start, span.end)).fetchone()
    return None if row is None else SpanHistory(*row)


def document_history(conn: Connection, doc_id: int, text: str) -> list[HistoryEntry]:
    """Every version's entities made and changed, each version's last edit and the
    document's adding, newest first; ``text`` is the document's, for the entities' words."""
    entries: list[HistoryEntry] = []
    row = conn.execute("SELECT created FROM documents WHERE id = ?", (doc_id,)).fetchone()
    if row is None:
        return entries
    entries.append(HistoryEntry(row[0], "", "document added to the project"))
    if has_schema(conn, HISTORY_SCHEMA):
        entries += _span_entries(conn, doc_id, text)
    for annotator, modified, status in conn.execute(
            "SELECT annotator, modified, status FROM document_versions WHERE document_id = ?", (doc_id,)).fetchall():
        state = f" (status: {status})" if status else ""
        entries.append(HistoryEntry(modified, annotator, f"last edit of their version{state}"))
    return _newest_first(entries)


def _span_entries(conn: Connection, doc_id: int, text: str) -> list[HistoryEntry]:
    entries = []
    rows = conn.execute(
        "SELECT start_char, end_char, label, source, annotator, created, modified, modified_by FROM spans"
        " WHERE document_id = ? ORDER BY modified DESC, start_char LIMIT ?", (doc_id, MOST_CHANGES)).fetchall()
    for start, end, label, source, annotator, created, modified, modified_by in rows:
        span = Span(start, end, label, Source(source))
        words = f"{label} “{text[start:end]}”"
        if modified == created:  # as it was made, by who wrote it (a curator, on the gold version)
            made = "the model suggested" if source == Source.MODEL else "added"
            entries.append(HistoryEntry(created, modified_by, f"{made} {words}", span))
            continue
        entries.append(HistoryEntry(created, annotator, f"added the entity that is now {words}", span))
        entries.append(HistoryEntry(modified, modified_by, f"changed it to {words} ({source})", span))
    return entries


def _newest_first(entries: list[HistoryEntry]) -> list[HistoryEntry]:
    """``entries`` (made in the order things happen: the document, its entities, the
    versions' last edits) newest first; within one second, the later kind first."""
    return sorted(reversed(entries), key=lambda entry: entry.time, reverse=True)


class ProjectHistory:
    """History reading on a :class:`~ner_studio.core.store.project.Project` (mixed in)."""

    def span_history(self, doc_id: int, span: Span) -> SpanHistory | None:
        """Who made ``span`` of this annotator's version of ``doc_id`` and who changed it last.
        Asked on every selection of an entity: the schema is checked once (one query, not four).
        It does not wait for a step the writer thread is saving (core/store/journal_writer.py):
        the details pane would freeze the window for it, and shows it at the next selection."""
        if self._version is None:
            return None
        if getattr(self, "_keeps_history", None) is None:
            self._keeps_history = self._read("reading the schema", lambda conn: has_schema(conn, HISTORY_SCHEMA))
        if not self._keeps_history:
            return None
        return self._read("reading an entity's history",
                          lambda conn: span_history(conn, doc_id, self._version, span, checked=True), settled=False)

    def document_history(self, doc_id: int, text: str) -> list[HistoryEntry]:
        """Everyone's edits of document ``doc_id`` (see :func:`document_history`)."""
        return self._read("reading a document's history", lambda conn: document_history(conn, doc_id, text))
