"""Entity spans: end-exclusive character offsets on a document's original text."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum


class Source(StrEnum):
    """Where a span came from (its provenance).

    ``model`` and ``pattern`` spans are suggestions nobody has confirmed; ``accepted`` is a
    model entity the analyst confirmed unchanged (it keeps the model's confidence, so a
    confirmed guess stays distinguishable from a drawn label); ``human`` was drawn or changed
    by the analyst."""

    HUMAN = "human"
    MODEL = "model"
    ACCEPTED = "accepted"
    PATTERN = "pattern"

    @property
    def confirmed(self) -> bool:
        """True for spans a person stands behind (they count as truth for training)."""
        return self in _CONFIRMED

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self]


_CONFIRMED = frozenset({Source.HUMAN, Source.ACCEPTED})
_DESCRIPTIONS = {
    Source.HUMAN: "yours (drawn or changed by you)",
    Source.MODEL: "model suggestion",
    Source.ACCEPTED: "model entity you accepted",
    Source.PATTERN: "pattern suggestion",
}


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """``text[start:end]`` is the entity. ``confidence`` is the model's probability in [0, 1]
    for spans the model proposed (also once accepted), ``None`` for spans a person made.
    ``kb_id`` is the catalogue entry the mention names (core/catalogue; spaCy's field), None
    while unlinked: part of the span, so a link is saved, undone and compared with it."""

    start: int
    end: int
    label: str
    source: Source = Source.HUMAN
    confidence: float | None = None
    kb_id: str | None = None

    @property
    def confirmed(self) -> bool:
        # Not ``self.source.confirmed``: counted over a part's 30,000 spans several times when
        # its tagging lands on the UI thread, the second property call was half the cost.
        return self.source in _CONFIRMED

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def accepted(self) -> Span:
        """The same entity confirmed by a person; a suggestion keeps its confidence."""
        if self.source.confirmed:
            return self
        return replace(self, source=Source.ACCEPTED)

    def relabelled(self, label: str) -> Span:
        """The entity under another label, now the analyst's; it keeps its link."""
        return replace(self, label=label, source=Source.HUMAN, confidence=None)

    def linked(self, kb_id: str | None) -> Span:
        """The same entity linked to catalogue entry ``kb_id`` (None: unlinked)."""
        return replace(self, kb_id=kb_id)
