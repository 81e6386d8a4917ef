"""How much work the model's proposal left the analyst: span edits from proposed to final.

An entity the model proposed exactly (same start, end and label) costs nothing. Every other
difference is one edit: a final entity the model missed (drawn by hand), a proposed entity
that is not in the final annotation (deleted), or a proposed entity overlapping a final one
with other bounds or another label (moved, resized or relabelled: one edit, not a delete plus
a draw). Counting edits rather than tokens matches what the analyst does in the editor.

Pure: the GUI counts an analyst's real corrections with it, the adaptation benchmark a
simulated analyst's (``benchmarks/adaptation.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol


class SpanLike(Protocol):
    start: int
    end: int
    label: str


def _key(span: SpanLike | tuple[int, int, str]) -> tuple[int, int, str]:
    if isinstance(span, tuple):
        return span
    return span.start, span.end, span.label


def count_corrections(proposed_spans: Iterable[SpanLike | tuple[int, int, str]],
                      final_spans: Iterable[SpanLike | tuple[int, int, str]]) -> int:
    """Span edits turning ``proposed_spans`` into ``final_spans`` (``Span`` objects or
    ``(start, end, label)`` tuples, character or token offsets alike, end-exclusive)."""
    proposed = sorted(set(map(_key, proposed_spans)))
    final = sorted(set(map(_key, final_spans)))
    exact = set(proposed) & set(final)
    left = [p for p in proposed if p not in exact]
    edits = 0
    for start, end, _ in (f for f in final if f not in exact):
        partner = next((p for p in left if p[0] < end and start < p[1]), None)
        if partner is not None:
            left.remove(partner)  # changed into this entity: one edit
        edits += 1  # changed, or drawn from nothing
    return edits + len(left)  # the rest were deleted


def corrections_per_100_tokens(edits: int, tokens: int) -> float:
    return 100.0 * edits / tokens if tokens else 0.0
