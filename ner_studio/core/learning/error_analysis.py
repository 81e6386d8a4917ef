"""From a score to its mistakes: every gold and every predicted entity of a text that do not
match exactly, classified into the four kinds an analyst acts on differently.

Why four kinds: a *missed* entity (the model found nothing there) asks for more examples of
the label, a *spurious* one (nothing there in the gold) for examples of what is not an entity,
a *wrong label* for examples telling two labels apart, a *wrong boundary* for consistent span
edges. The F1 table says how much; this list says which sentence to look at.

The rules, on spans of one text (character or token offsets, end-exclusive):

- a predicted span equal to a gold span (same start, end and label) is right and not listed;
- a predicted span over the same characters as a gold span but with another label: *wrong
  label* (the pair is one error);
- a predicted span that overlaps a gold span of the same label, with other edges: *wrong
  boundary* (one error for the pair);
- overlapping with another label and other edges: still one error, *wrong label* (the label is
  the first thing to fix; the boundary is shown in the pair);
- a gold span nothing pairs with: *missed*; a predicted span nothing pairs with: *spurious*.

Pairs are made greedily, best first (same label before another label, then the largest
overlap), and each span joins at most one pair, so every gold and every predicted span is
accounted for exactly once: right, in one pair, or alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from ner_studio.core.learning.metrics import chunks


class ErrorKind(StrEnum):
    MISSED = "missed"
    SPURIOUS = "spurious"
    WRONG_LABEL = "wrong label"
    WRONG_BOUNDARY = "wrong boundary"


class Labelled(Protocol):
    start: int
    end: int
    label: str


@dataclass(frozen=True)
class EntityError:
    """One mistake: ``gold`` and/or ``predicted`` as ``(start, end, label)`` (None where there
    is no such span). ``start``/``end`` cover both, for showing it in the text."""

    kind: ErrorKind
    gold: tuple[int, int, str] | None
    predicted: tuple[int, int, str] | None

    @property
    def start(self) -> int:
        return min(s[0] for s in (self.gold, self.predicted) if s is not None)

    @property
    def end(self) -> int:
        return max(s[1] for s in (self.gold, self.predicted) if s is not None)

    @property
    def labels(self) -> tuple[str, ...]:
        """The labels involved (gold first), for filtering by label."""
        return tuple(dict.fromkeys(s[2] for s in (self.gold, self.predicted) if s is not None))


def _key(span) -> tuple[int, int, str]:
    if isinstance(span, tuple):
        return span[0], span[1], span[2]
    return span.start, span.end, span.label


def classify_errors(gold: Iterable[Labelled | tuple], predicted: Iterable[Labelled | tuple]) -> list[EntityError]:
    """The mistakes of ``predicted`` against ``gold`` (spans of one text: objects with
    ``start``, ``end``, ``label`` or ``(start, end, label)`` tuples), in text order."""
    gold_keys = sorted(set(map(_key, gold)))
    pred_keys = sorted(set(map(_key, predicted)))
    exact = set(gold_keys) & set(pred_keys)
    gold_left = [g for g in gold_keys if g not in exact]
    pred_left = [p for p in pred_keys if p not in exact]
    candidates = []
    for g in gold_left:
        for p in pred_left:
            overlap = min(g[1], p[1]) - max(g[0], p[0])
            if overlap > 0:
                candidates.append((g[2] != p[2], -overlap, g, p))
    candidates.sort()
    paired_gold: set = set()
    paired_pred: set = set()
    errors = []
    for other_label, _, g, p in candidates:
        if g in paired_gold or p in paired_pred:
            continue
        paired_gold.add(g)
        paired_pred.add(p)
        errors.append(EntityError(ErrorKind.WRONG_LABEL if other_label else ErrorKind.WRONG_BOUNDARY, g, p))
    errors += [EntityError(ErrorKind.MISSED, g, None) for g in gold_left if g not in paired_gold]
    errors += [EntityError(ErrorKind.SPURIOUS, None, p) for p in pred_left if p not in paired_pred]
    errors.sort(key=lambda e: (e.start, e.end, e.kind))
    return errors


@dataclass(frozen=True)
class ErrorInContext:
    """An :class:`EntityError` of a document, with what an analyst reads to judge it."""

    document: str
    doc_id: int | None
    sentence: int  # index of the sentence in the document
    context: str  # that sentence's text
    context_start: int  # where that sentence starts in the scored document's text
    error: EntityError
    gold_text: str
    predicted_text: str

    def to_dict(self) -> dict:
        def span(s, text):
            return None if s is None else {"start": s[0], "end": s[1], "label": s[2], "text": text}

        return {"kind": str(self.error.kind), "document": self.document, "sentence": self.sentence,
                "context": self.context, "gold": span(self.error.gold, self.gold_text),
                "predicted": span(self.error.predicted, self.predicted_text)}


def document_errors(doc, predicted: Sequence[Labelled]) -> list[ErrorInContext]:
    """The mistakes of ``predicted`` (character spans) against the spans of ``doc``, each
    with the sentence it starts in. Spans never cross sentences in either, so matching the
    whole document at once is matching sentence by sentence."""
    found = []
    for error in classify_errors(doc.spans, predicted):
        first = doc.token_range(error.start, error.end)[0]
        k = doc.sentence_of_token(min(first, len(doc.tokens) - 1)) if len(doc.tokens) else 0
        context = sentence_text(doc, k)
        context_start = doc.tokens.starts[doc.sentences[k].start] if context else 0
        found.append(ErrorInContext(
            doc.name, doc.doc_id, k, context, context_start, error,
            "" if error.gold is None else doc.text[error.gold[0]:error.gold[1]],
            "" if error.predicted is None else doc.text[error.predicted[0]:error.predicted[1]]))
    return found


def tagged_errors(docs: Sequence, tags: Sequence[list[str]]) -> list[ErrorInContext]:
    """The mistakes of predicted ``tags`` (IOB2, IOB1 or BIOES; one list per sentence of
    ``docs``, in order) against the spans of ``docs``. Entities are read from the tags as the
    scores read them (core/learning/metrics.py), so the list and the F1 table agree."""
    found = []
    sentences = iter(tags)
    for doc in docs:
        starts, ends = doc.tokens.starts, doc.tokens.ends
        predicted = []
        for sentence in doc.sentences:
            for label, first, last in chunks(next(sentences)):
                predicted.append((starts[sentence.start + first], ends[sentence.start + last], label))
        found += document_errors(doc, predicted)
    return found


def located(found: ErrorInContext, text: str) -> tuple[int, int] | None:
    """Where ``found`` is in ``text``, its document's full text: the scored document may be an
    excerpt (the check set's sentences, with other offsets), so the error is found again by its
    sentence; None if the sentence is no longer there (the document was edited since)."""
    at = found.context_start
    if text[at:at + len(found.context)] != found.context:
        at = text.find(found.context) if found.context else -1
        if at < 0:
            return None
    shift = at - found.context_start
    return found.error.start + shift, found.error.end + shift


def sentence_text(doc, index: int) -> str:
    """The text of sentence ``index`` of ``doc`` (its first token's start to its last's end)."""
    if not doc.sentences:
        return ""
    sentence = doc.sentences[index]
    if sentence.end <= sentence.start:
        return ""
    starts, ends = doc.tokens.starts, doc.tokens.ends
    return doc.text[starts[sentence.start]:ends[sentence.end - 1]]
