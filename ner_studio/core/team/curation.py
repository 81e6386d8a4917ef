"""Curation: two annotators' versions of a document, where they differ, and the curated
(gold) spans that follow from the curator's choices.

Spans both versions have exactly (start, end, label and catalogue link) are agreed and kept: the
same mention linked to two entries is a difference to decide, as agreement counts it. The rest fall into
:class:`Difference` regions: each is a group of spans of either version linked by overlap, so
taking one side's spans in every region can never make two spans overlap. The curator picks a
side per difference (:data:`FIRST`, :data:`SECOND`, or :data:`NEITHER`), and
:func:`curated_spans` gives the gold version to save (``Project.save_gold``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ner_studio.core.text.spans import Source, Span

FIRST, SECOND, NEITHER = "first", "second", "neither"
CHOICES = (FIRST, SECOND, NEITHER)


@dataclass(frozen=True)
class Difference:
    """A region ``[start, end)`` where the two versions' spans differ."""

    start: int
    end: int
    first: tuple[Span, ...]
    second: tuple[Span, ...]

    def side(self, choice: str) -> tuple[Span, ...]:
        if choice not in CHOICES:
            raise ValueError(f"unknown choice {choice!r}; expected one of {', '.join(CHOICES)}")
        return {FIRST: self.first, SECOND: self.second, NEITHER: ()}[choice]

    def describe(self, spans: tuple[Span, ...], text: str) -> str:
        """One side in words: ``"Ada Lovelace" PER`` or ``(nothing)``."""
        if not spans:
            return "(nothing)"
        return "; ".join(f"{text[s.start:s.end]!r} {s.label}" + (f" -> {s.kb_id}" if s.kb_id else "")
                         for s in spans)


def _key(span: Span) -> tuple[int, int, str, str | None]:
    return span.start, span.end, span.label, span.kb_id


def compare(first: Iterable[Span], second: Iterable[Span]) -> tuple[list[Span], list[Difference]]:
    """``(agreed, differences)`` of two versions, each sorted by position. Agreed spans
    take the first version's source and confidence."""
    first, second = sorted(first), sorted(second)
    second_keys = {_key(s) for s in second}
    first_keys = {_key(s) for s in first}
    agreed = [s for s in first if _key(s) in second_keys]
    rest = sorted([(s, 0) for s in first if _key(s) not in second_keys]
                  + [(s, 1) for s in second if _key(s) not in first_keys],
                  key=lambda item: (item[0].start, item[0].end))
    differences: list[Difference] = []
    group: list[tuple[Span, int]] = []
    end = -1
    for span, side in rest:  # sweep: a span starting before the group's end joins it
        if group and span.start >= end:
            differences.append(_difference(group))
            group = []
        group.append((span, side))
        end = max(end, span.end) if len(group) > 1 else span.end
    if group:
        differences.append(_difference(group))
    return agreed, differences


def _difference(group: list[tuple[Span, int]]) -> Difference:
    return Difference(min(s.start for s, _ in group), max(s.end for s, _ in group),
                      tuple(s for s, side in group if side == 0), tuple(s for s, side in group if side == 1))


def curated_spans(agreed: Sequence[Span], differences: Sequence[Difference],
                  choices: Mapping[int, str]) -> list[Span]:
    """The gold spans: the agreed ones, and per difference (by index) the chosen side. Every
    difference needs a choice; gold spans are human (a curator confirmed them)."""
    missing = [i for i in range(len(differences)) if i not in choices]
    if missing:
        raise ValueError(f"{len(missing)} difference(s) have no choice yet (the first: number {missing[0] + 1})")
    chosen = [s for i, d in enumerate(differences) for s in d.side(choices[i])]
    return sorted(_as_gold(s) for s in [*agreed, *chosen])


def _as_gold(span: Span) -> Span:
    if span.confirmed:
        return span
    return Span(span.start, span.end, span.label, Source.HUMAN, kb_id=span.kb_id)
