"""Entity spans: end-exclusive character offsets on a document's original text."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum


class Source(StrEnum):
    HUMAN = "human"
    MODEL = "model"


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """``text[start:end]`` is the entity. ``confidence`` is the model's probability in [0, 1],
    ``None`` for spans a person made."""

    start: int
    end: int
    label: str
    source: Source = Source.HUMAN
    confidence: float | None = None

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def accepted(self) -> Span:
        """The same entity confirmed by a person."""
        return replace(self, source=Source.HUMAN, confidence=None)

    def relabelled(self, label: str) -> Span:
        return replace(self, label=label, source=Source.HUMAN, confidence=None)
