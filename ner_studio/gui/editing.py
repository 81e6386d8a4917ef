"""The annotation edits the workspace offers, as pure functions from a document and a
selection to a :class:`SpanEdit` (spans to remove, spans to add).

The Qt layer wraps each edit in an undo command; nothing here touches the document, so every
rule (what a label key does to an overlapping entity, what "accept" means) is testable alone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ner_studio.core.document import Document
from ner_studio.core.errors import SpanError
from ner_studio.core.spans import Source, Span


@dataclass(frozen=True, slots=True)
class SpanEdit:
    """Remove ``removed`` then add ``added`` as one change of one document."""

    removed: tuple[Span, ...]
    added: tuple[Span, ...]

    def inverse(self) -> SpanEdit:
        return SpanEdit(self.added, self.removed)

    def __bool__(self) -> bool:
        return bool(self.removed or self.added) and set(self.removed) != set(self.added)


def snapped_selection(doc: Document, start: int, end: int) -> tuple[int, int] | None:
    """``[start, end)`` grown to whole tokens, or None when it touches no token."""
    start, end = min(start, end), max(start, end)
    if start == end:
        token = doc.token_at(start)
        if token is None:
            return None
        return doc.tokens[token]
    try:
        return doc.snap(max(start, 0), min(end, len(doc.text)))
    except SpanError:
        return None


def label_range(doc: Document, start: int, end: int, label: str) -> SpanEdit | None:
    """Label the tokens under ``[start, end)``; entities it overlaps give way to the new one.

    Relabelling an existing entity keeps its extent: a range equal to an entity is that entity.
    """
    snapped = snapped_selection(doc, start, end)
    if snapped is None:
        return None
    start, end = snapped
    overlapped = tuple(doc.spans_between(start, end))
    new = Span(start, end, label, Source.HUMAN)
    edit = SpanEdit(overlapped, (new,))
    return edit if edit else None


def relabel(span: Span, label: str) -> SpanEdit | None:
    """Give ``span`` another label; the result is the analyst's, so it becomes human."""
    edit = SpanEdit((span,), (span.relabelled(label),))
    return edit if edit else None


def delete(spans: tuple[Span, ...] | list[Span]) -> SpanEdit | None:
    return SpanEdit(tuple(spans), ()) if spans else None


def accept(span: Span) -> SpanEdit | None:
    """Confirm a suggested span as it is (it becomes ``accepted`` and keeps its confidence)."""
    if span.confirmed:
        return None
    return SpanEdit((span,), (span.accepted(),))


def accept_all(doc: Document) -> SpanEdit | None:
    """Confirm every suggested span of ``doc`` in one edit."""
    model = tuple(s for s in doc.spans if not s.confirmed)
    if not model:
        return None
    return SpanEdit(model, tuple(s.accepted() for s in model))


def rename_label(doc: Document, old: str, new: str) -> SpanEdit | None:
    """Every ``old`` span becomes ``new``; source and confidence stay, since only the name
    of the category changed, not who decided the entity."""
    spans = tuple(s for s in doc.spans if s.label == old)
    if not spans or old == new:
        return None
    return SpanEdit(spans, tuple(replace(s, label=new) for s in spans))


def remove_label(doc: Document, label: str) -> SpanEdit | None:
    return delete(tuple(s for s in doc.spans if s.label == label))


def next_token(doc: Document, offset: int) -> int | None:
    """Index of the first token that starts at or after ``offset`` (walking right)."""
    index = doc.token_range(offset, offset)[1]
    return index if index < len(doc.tokens) else None


def previous_token(doc: Document, offset: int) -> int | None:
    """Index of the last token that ends at or before ``offset`` (walking left)."""
    index = doc.token_range(offset, offset)[0] - 1
    return index if index >= 0 else None
