"""Where two annotators disagree: the places behind the agreement figures, one by one.

The figures (core/team/agreement.py) say how much two annotators differ; this list says where,
so a curator goes through the places instead of reading whole documents. It reads the same
gathered versions (:func:`~ner_studio.core.team.agreement.gather`: only the entities people
confirmed) and compares each pair of annotators on every document both have a version of.

The kinds, on the spans of one document (end-exclusive character offsets):

- ``only one``: one annotator marked a range the other left unmarked (no span of theirs
  overlaps it, or the overlapping ones were paired with others);
- ``label``: both marked the same range, with different labels;
- ``boundary``: both marked overlapping ranges with other edges (the labels may differ too;
  the row shows both);
- ``link``: both marked the same range with the same label, and linked it to different
  catalogue entries (or one linked it and the other did not), as the link figure counts.

Pairs are made as the Evaluate error list makes them (core/learning/error_analysis.py): best
first, the same label before another label, then the larger overlap, each span in at most one
pair, so every span is accounted for once. The candidates come from one sweep along the text
(a version's spans never overlap, so both lists are in order), not from every pair of spans: a
document part of 40,000 tokens can hold thousands of disagreements.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import combinations

from ner_studio.core.team.agreement import DocumentVersions
from ner_studio.core.text.spans import Span


class DisagreementKind(StrEnum):
    ONLY_ONE = "only one"
    LABEL = "label"
    BOUNDARY = "boundary"
    LINK = "link"


# One line per kind, for a tooltip or a help text.
KIND_HELP = {
    DisagreementKind.ONLY_ONE: "one annotator marked it, the other did not",
    DisagreementKind.LABEL: "the same range, different labels",
    DisagreementKind.BOUNDARY: "overlapping ranges with other edges",
    DisagreementKind.LINK: "the same entity linked to different catalogue entries",
}

CSV_COLUMNS = ("document", "kind", "start", "end", "text", "first annotator", "first label", "first start",
               "first end", "first kb_id", "second annotator", "second label", "second start", "second end",
               "second kb_id", "sentence")


@dataclass(frozen=True)
class Disagreement:
    """One place where annotators ``first`` and ``second`` differ: ``first_span`` and/or
    ``second_span`` (None where that annotator has nothing there). ``start``/``end`` cover
    both; ``context`` is the sentence it starts in, which starts at ``context_start``."""

    doc_id: int
    document: str
    first: str
    second: str
    kind: DisagreementKind
    first_span: Span | None
    second_span: Span | None
    text: str  # the document's text over [start, end)
    context: str = ""
    context_start: int = 0

    @property
    def start(self) -> int:
        return min(s.start for s in (self.first_span, self.second_span) if s is not None)

    @property
    def end(self) -> int:
        return max(s.end for s in (self.first_span, self.second_span) if s is not None)

    @property
    def pair(self) -> tuple[str, str]:
        return self.first, self.second

    @property
    def labels(self) -> tuple[str, ...]:
        """The labels involved (the first annotator's first), for filtering by label."""
        return tuple(dict.fromkeys(s.label for s in (self.first_span, self.second_span) if s is not None))

    def to_dict(self) -> dict:
        def side(name: str, span: Span | None) -> dict:
            if span is None:
                return {"annotator": name, "span": None}
            return {"annotator": name, "span": {"start": span.start, "end": span.end, "label": span.label,
                                                "kb_id": span.kb_id}}

        return {"document": self.document, "doc_id": self.doc_id, "kind": str(self.kind), "start": self.start,
                "end": self.end, "text": self.text, "first": side(self.first, self.first_span),
                "second": side(self.second, self.second_span), "context": self.context}

    def csv_row(self) -> tuple:
        """The values of :data:`CSV_COLUMNS`; an annotator with nothing there has empty cells."""
        def side(name: str, span: Span | None) -> tuple:
            if span is None:
                return name, "", "", "", ""
            return name, span.label, span.start, span.end, span.kb_id or ""

        return (self.document, str(self.kind), self.start, self.end, self.text,
                *side(self.first, self.first_span), *side(self.second, self.second_span), self.context)


def pair_spans(first: Sequence[Span], second: Sequence[Span]) -> list[tuple[DisagreementKind, Span | None, Span | None]]:
    """The disagreements of two versions of one text, in text order: ``(kind, first's span,
    second's span)``. Spans equal in range, label and link agree and are left out."""
    second_keys = {(s.start, s.end, s.label): s for s in second}
    found: list[tuple[DisagreementKind, Span | None, Span | None]] = []
    same: set[tuple[int, int, str]] = set()
    for span in first:
        other = second_keys.get((span.start, span.end, span.label))
        if other is not None:
            same.add((span.start, span.end, span.label))
            if span.kb_id != other.kb_id:
                found.append((DisagreementKind.LINK, span, other))
    first_left = sorted(s for s in first if (s.start, s.end, s.label) not in same)
    second_left = sorted(s for s in second if (s.start, s.end, s.label) not in same)
    candidates = []
    index = 0
    for a in first_left:  # one sweep: neither list overlaps itself, so both are in text order
        while index < len(second_left) and second_left[index].end <= a.start:
            index += 1
        j = index
        while j < len(second_left) and second_left[j].start < a.end:
            b = second_left[j]
            candidates.append((a.label != b.label, -(min(a.end, b.end) - max(a.start, b.start)), a.start, b.start, a, b))
            j += 1
    candidates.sort(key=lambda c: c[:4])
    paired_first: set[int] = set()
    paired_second: set[int] = set()
    for _, _, _, _, a, b in candidates:
        if id(a) in paired_first or id(b) in paired_second:
            continue
        paired_first.add(id(a))
        paired_second.add(id(b))
        same_range = (a.start, a.end) == (b.start, b.end)
        found.append((DisagreementKind.LABEL if same_range else DisagreementKind.BOUNDARY, a, b))
    found += [(DisagreementKind.ONLY_ONE, a, None) for a in first_left if id(a) not in paired_first]
    found += [(DisagreementKind.ONLY_ONE, None, b) for b in second_left if id(b) not in paired_second]

    def place(item) -> tuple[int, int]:
        spans = [s for s in item[1:] if s is not None]
        return min(s.start for s in spans), max(s.end for s in spans)

    found.sort(key=place)
    return found


def disagreements(documents: Iterable[DocumentVersions], annotators: Sequence[str]) -> list[Disagreement]:
    """Every disagreement of every pair of ``annotators`` on ``documents``, document by
    document in the order given, in text order within one (the pairs in the order of
    ``annotators``, as the figures list them)."""
    found: list[Disagreement] = []
    pairs = list(combinations(annotators, 2))
    for doc in documents:
        rows = []
        for order, (first, second) in enumerate(pairs):
            if first not in doc.spans or second not in doc.spans:
                continue
            for kind, a, b in pair_spans(doc.spans[first], doc.spans[second]):
                rows.append((order, kind, a, b))
        starts = [start for start, _ in doc.sentences]
        for order, kind, a, b in sorted(rows, key=lambda r: (_start(r[2], r[3]), r[0])):
            first, second = pairs[order]
            start, end = _start(a, b), max(s.end for s in (a, b) if s is not None)
            context, context_start = _sentence(doc, starts, start)
            found.append(Disagreement(doc.doc_id, doc.name, first, second, kind, a, b, doc.text[start:end],
                                      context, context_start))
    return found


def _start(a: Span | None, b: Span | None) -> int:
    return min(s.start for s in (a, b) if s is not None)


def _sentence(doc: DocumentVersions, starts: list[int], at: int) -> tuple[str, int]:
    """The text of the sentence of ``doc`` that ``at`` falls in, and where it starts."""
    index = bisect_right(starts, at) - 1
    if index < 0:
        return "", 0
    start, end = doc.sentences[index]
    return doc.text[start:end], start
