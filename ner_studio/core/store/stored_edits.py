"""Checking span edits of documents that are not open against the spans stored for them.

An edit of an open (tracked) document is checked by the Document itself. Edits computed for
documents that are not open (label all occurrences, pattern suggestions, and their undo) may
have gone stale since: another window changed the document, or the analyst opened it, changed
one of those entities and closed it again. Writing a stale edit would silently delete the
newer entity, so :func:`check_stored_edits` refuses it first.
"""

from __future__ import annotations

from collections.abc import Iterable

from ner_studio.core.errors import SpanError
from ner_studio.core.text.spans import Source, Span
from ner_studio.core.store.project_dialect import Connection

_SOURCES = {str(s): s for s in Source}


def check_stored_edits(conn: Connection, edits: Iterable) -> None:
    """Raise :class:`SpanError` unless every edit's ``removed`` spans are stored as they are
    and its ``added`` spans overlap nothing that stays."""
    current: dict[int, set[Span]] = {}  # a document's spans after the edits checked so far
    for edit in edits:
        stored = current.get(edit.doc_id)
        if stored is None:
            stored = current[edit.doc_id] = _stored_spans(conn, edit.doc_id, edit.annotator)
        for span in edit.removed:
            if span not in stored:
                raise SpanError(f"document {edit.doc_id} has changed since: its entity {span.label} at "
                                f"[{span.start}, {span.end}) is not there any more; look again")
        staying = stored.difference(edit.removed)
        current[edit.doc_id] = staying.union(edit.added)
        merged = sorted([*((s, False) for s in staying), *((s, True) for s in edit.added)],
                        key=lambda item: (item[0].start, item[0].end))
        for (before, _), (after, is_new) in zip(merged, merged[1:]):
            if after.start < before.end:
                raise SpanError(f"document {edit.doc_id}: the {after.label if is_new else before.label} "
                                f"entity at [{after.start}, {after.end}) would overlap the "
                                f"{before.label} entity at [{before.start}, {before.end}); look again")


def _stored_spans(conn: Connection, doc_id: int, annotator: str) -> set[Span]:
    rows = conn.execute(
        "SELECT start_char, end_char, label, source, confidence, kb_id FROM spans WHERE document_id = ? AND annotator = ?",
        (doc_id, annotator)).fetchall()
    if not rows and not conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone():
        raise SpanError(f"document {doc_id} has been deleted")
    return {Span(s, e, label, _SOURCES[source], confidence, kb_id) for s, e, label, source, confidence, kb_id in rows}
