"""The annotation edits the workspace offers, as pure functions from a document and a
selection to a :class:`SpanEdit` (spans to remove, spans to add).

The Qt layer wraps each edit in an undo command; nothing here touches the document, so every
rule (what a label key does to an overlapping entity, what "accept" means) is testable alone.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace

from ner_studio.core.text.document import Document
from ner_studio.core.errors import SpanError
from ner_studio.core.text.spans import Source, Span

Suggest = Callable[[str, Span], "str | None"]  # (text, span) -> the entry id suggested, as CatalogueLinks.suggestion


@dataclass(frozen=True, slots=True)
class SpanEdit:
    """Remove ``removed`` then add ``added`` as one change of one document."""

    removed: tuple[Span, ...]
    added: tuple[Span, ...]

    def inverse(self) -> SpanEdit:
        return SpanEdit(self.added, self.removed)

    def __bool__(self) -> bool:
        return bool(self.removed or self.added) and set(self.removed) != set(self.added)


def shown_place(there: tuple[Span, ...], gone: tuple[Span, ...]) -> tuple[int, int] | None:
    """Where to show an edit just made or taken back: the first entity it leaves ``there``,
    else where the first one it took away (``gone``) was. None for no spans at all."""
    first = min(there or gone, key=lambda span: span.start, default=None)
    return None if first is None else (first.start, first.end)


def is_punctuation(word: str) -> bool:
    """True for a token made of punctuation only (``,`` ``."`` ``--``)."""
    return bool(word) and all(unicodedata.category(ch).startswith("P") for ch in word)


def entity_edges(doc: Document, start: int, end: int) -> tuple[int, int] | None:
    """The entity a selection ``[start, end)`` means: grown to the whole tokens it touches,
    without punctuation tokens at either edge (a drag that starts on the comma of ``Airbus,``
    means ``Airbus``), unless the selection is punctuation only. None when it touches no token.
    """
    start, end = max(min(start, end), 0), min(max(start, end), len(doc.text))
    i, j = doc.token_range(start, end)
    if i >= j:
        return None
    tokens, text = doc.tokens, doc.text
    punctuation = [is_punctuation(text[tokens[k].start : tokens[k].end]) for k in range(i, j)]
    if not all(punctuation):
        while punctuation[0]:
            punctuation.pop(0)
            i += 1
        while punctuation[-1]:
            punctuation.pop()
            j -= 1
    return tokens[i].start, tokens[j - 1].end


def snapped_selection(doc: Document, start: int, end: int) -> tuple[int, int] | None:
    """A click (``start == end``): its token; a range: :func:`entity_edges`. None when it
    touches no token."""
    if start == end:
        token = doc.token_at(start)
        return None if token is None else tuple(doc.tokens[token])
    return entity_edges(doc, start, end)


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


def resize(doc: Document, span: Span, start: int, end: int) -> SpanEdit | None:
    """``span`` moved to the whole tokens of ``[start, end)`` (at least one; punctuation is
    kept, since the analyst moved the edge there on purpose), label kept, now the analyst's.
    None if nothing changes or another entity is in the way."""
    try:
        edges = tuple(doc.snap(max(min(start, end), 0), min(max(start, end), len(doc.text))))
    except SpanError:
        return None
    if edges == (span.start, span.end):
        return None
    if any(other != span for other in doc.spans_between(*edges)):
        return None
    return SpanEdit((span,), (Span(edges[0], edges[1], span.label, Source.HUMAN, kb_id=span.kb_id),))


def step_edge(doc: Document, span: Span, edge: str, step: int) -> SpanEdit | None:
    """Move the ``"start"`` or ``"end"`` edge of ``span`` by one token: ``step`` 1 moves it
    right, -1 left (so the end grows with 1, the start with -1). An entity keeps one token."""
    i, j = doc.token_range(span.start, span.end)
    tokens = doc.tokens
    if edge == "end":
        if step > 0:
            following = next_token(doc, span.end)
            return None if following is None else resize(doc, span, span.start, tokens[following].end)
        return resize(doc, span, span.start, tokens[j - 2].end) if j - i > 1 else None
    if step < 0:
        before = previous_token(doc, span.start)
        return None if before is None else resize(doc, span, tokens[before].start, span.end)
    return resize(doc, span, tokens[i + 1].start, span.end) if j - i > 1 else None


def relabel(span: Span, label: str) -> SpanEdit | None:
    """Give ``span`` another label; the result is the analyst's, so it becomes human."""
    edit = SpanEdit((span,), (span.relabelled(label),))
    return edit if edit else None


def delete(spans: tuple[Span, ...] | list[Span]) -> SpanEdit | None:
    return SpanEdit(tuple(spans), ()) if spans else None


def accept(span: Span, kb_id: str | None = None) -> SpanEdit | None:
    """Confirm a suggested span as it is (it becomes ``accepted`` and keeps its confidence);
    ``kb_id``, the catalogue link suggested for it (gui/catalogue), is accepted with it, so
    one Enter takes both suggestions (and links an entity already confirmed)."""
    target = span.accepted()
    if kb_id is not None and span.kb_id is None:
        target = target.linked(kb_id)
    return None if target == span else SpanEdit((span,), (target,))


def link(span: Span, kb_id: str | None) -> SpanEdit | None:
    """Link ``span`` to catalogue entry ``kb_id`` (None: unlink). Linking is the analyst's
    decision about the entity, so a model entity is accepted too (a new prediction would
    otherwise replace it and drop the link)."""
    target = span.accepted().linked(kb_id) if kb_id is not None else span.linked(None)
    return None if target == span else SpanEdit((span,), (target,))


def accept_all(doc: Document, suggest: Suggest | None = None, spans=None) -> SpanEdit | None:
    """Confirm every suggested span of ``doc`` (or of ``spans``, a sentence's) in one edit,
    each with the catalogue link ``suggest`` offers for it (gui/catalogue's dashed line), as
    Enter does one at a time. Why links too: A and Ctrl+Enter mean "what I see is right", the
    way Prodigy's accept takes the example as shown and INCEpTION's accept-all takes a
    recommendation with its feature values; a dashed link left behind would read as confirmed
    when it is not. Each is still a person's key press, never a silent one (the callers say how
    many links it took: :func:`links_taken`)."""
    edits = [accept(s, suggest(doc.text, s) if suggest is not None else None)
             for s in (doc.spans if spans is None else spans)]
    edits = [e for e in edits if e is not None]
    if not edits:
        return None
    return SpanEdit(tuple(e.removed[0] for e in edits), tuple(e.added[0] for e in edits))


def links_taken(edit: SpanEdit | None) -> int:
    """How many spans ``edit`` links that were not linked (suggested links accepted)."""
    if edit is None:
        return 0
    return sum(1 for old, new in zip(edit.removed, edit.added) if old.kb_id is None and new.kb_id is not None)


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
