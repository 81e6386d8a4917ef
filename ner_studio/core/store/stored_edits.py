"""Checking span edits of documents that are not open against the spans stored for them.

An edit of an open (tracked) document is checked by the Document itself. Edits computed for
documents that are not open (label all occurrences, pattern suggestions, and their undo) may
have gone stale since: another window changed the document, or the analyst opened it, changed
one of those entities and closed it again. Writing a stale edit would silently delete the
newer entity, so :func:`check_stored_edits` refuses it first.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise

from ner_studio.core.errors import SpanError
from ner_studio.core.store.project_dialect import Connection


def check_stored_edits(conn: Connection, edits: Iterable) -> None:
    """Raise :class:`SpanError` unless every edit's ``removed`` spans are stored as they are
    and its ``added`` spans overlap nothing that stays. Stored spans are compared as rows
    (``{(start, end): (label, source, confidence)}``), not made into Span objects: Label All
    over documents not open read and hashed every one of their spans on the UI thread
    (benchmarks/results/2026-12-07-stalls-label-all-training-switching.md)."""
    current: dict[int, dict[tuple[int, int], tuple]] = {}  # a document's spans after the edits checked so far
    for edit in edits:
        stored = current.get(edit.doc_id)
        if stored is None:
            stored = current[edit.doc_id] = _stored_rows(conn, edit.doc_id, edit.annotator)
        for span in edit.removed:
            if stored.get((span.start, span.end)) != (span.label, str(span.source), span.confidence, span.kb_id):
                raise SpanError(f"document {edit.doc_id} has changed since: its entity {span.label} at "
                                f"[{span.start}, {span.end}) is not there any more; look again")
        staying = dict(stored)
        for span in edit.removed:
            staying.pop((span.start, span.end), None)
        added = {(span.start, span.end): span for span in edit.added}
        # (start, end, new?) sorted: for the same place, the staying one first, as before.
        merged = sorted([*((start, end, 0) for start, end in staying), *((s.start, s.end, 1) for s in edit.added)])
        for before, after in pairwise(merged):
            if after[0] < before[1]:
                first = _label(before, staying, added)
                raise SpanError(f"document {edit.doc_id}: the {_label(after, staying, added) if after[2] else first} "
                                f"entity at [{after[0]}, {after[1]}) would overlap the {first} "
                                f"entity at [{before[0]}, {before[1]}); look again")
        staying.update({key: (span.label, str(span.source), span.confidence, span.kb_id) for key, span in added.items()})
        current[edit.doc_id] = staying


def _label(place: tuple[int, int, int], staying: dict, added: dict) -> str:
    start, end, new = place
    return added[start, end].label if new else staying[start, end][0]


def _stored_rows(conn: Connection, doc_id: int, annotator: str) -> dict[tuple[int, int], tuple]:
    rows = conn.execute(
        "SELECT start_char, end_char, label, source, confidence, kb_id FROM spans WHERE document_id = ? AND annotator = ?",
        (doc_id, annotator)).fetchall()
    if not rows and not conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone():
        raise SpanError(f"document {doc_id} has been deleted")
    return {(start, end): (label, source, confidence, kb_id) for start, end, label, source, confidence, kb_id in rows}
