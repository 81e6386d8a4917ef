"""A document: original text, tokens with character offsets, sentences, and entity spans.

Spans are the source of truth; BIO tags are derived from them (see ``core.tags``).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from ner_studio.core.errors import SpanError
from ner_studio.core.events import Signal
from ner_studio.core.spans import Source, Span


class Status(StrEnum):
    NEW = "new"
    PREDICTED = "predicted"
    REVIEWED = "reviewed"


class Token(NamedTuple):
    """``text[start:end]`` is the token."""

    start: int
    end: int


class Sentence(NamedTuple):
    """Token indices ``[start, end)`` of one sentence."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class SpansChanged:
    """What one edit did; views redraw only these spans."""

    removed: tuple[Span, ...]
    added: tuple[Span, ...]


class Document:
    """Text, tokens, sentences and non-overlapping, token-aligned entity spans.

    ``changed`` emits a :class:`SpansChanged` after every span edit and ``status_changed``
    emits the new :class:`Status`.
    """

    def __init__(
        self,
        text: str,
        tokens: list[Token],
        sentences: list[Sentence] | None = None,
        spans: tuple[Span, ...] | list[Span] = (),
        *,
        name: str = "",
        status: Status = Status.NEW,
        doc_id: int | None = None,
        meta: dict | None = None,
    ):
        _check_tokens(text, tokens)
        self.text = text
        self.tokens = tokens
        if sentences is None:
            sentences = [Sentence(0, len(tokens))] if tokens else []
        _check_sentences(sentences, len(tokens))
        self.sentences = sentences
        self.name = name
        self.doc_id = doc_id
        # Format-specific extras that round trips keep (e.g. CoNLL's POS and chunk columns).
        self.meta = meta if meta is not None else {}
        self._status = Status(status)
        self._starts = [t.start for t in tokens]
        self._ends = [t.end for t in tokens]
        self._spans: list[Span] = []
        self.changed = Signal()
        self.status_changed = Signal()
        self._place(sorted(spans), removed=())

    @classmethod
    def from_text(cls, text: str, *, name: str = "") -> Document:
        """Tokenize and sentence-split ``text`` with the offline tokenizer."""
        from ner_studio.core.tokenizer import tokenize

        tokens, sentences = tokenize(text)
        return cls(text, tokens, sentences, name=name)

    # --- reading -------------------------------------------------------------------------
    @property
    def spans(self) -> tuple[Span, ...]:
        return tuple(self._spans)

    @property
    def status(self) -> Status:
        return self._status

    @status.setter
    def status(self, value: Status) -> None:
        value = Status(value)
        if value != self._status:
            self._status = value
            self.status_changed.emit(value)

    def token_text(self, index: int) -> str:
        token = self.tokens[index]
        return self.text[token.start : token.end]

    def sentence_words(self, index: int) -> list[str]:
        sentence = self.sentences[index]
        return [self.token_text(i) for i in range(sentence.start, sentence.end)]

    def sentence_of_token(self, index: int) -> int:
        return bisect_right([s.start for s in self.sentences], index) - 1

    def token_at(self, offset: int) -> int | None:
        """Index of the token that contains character ``offset``, if any."""
        i = bisect_right(self._starts, offset) - 1
        if i >= 0 and offset < self._ends[i]:
            return i
        return None

    def token_range(self, start: int, end: int) -> tuple[int, int]:
        """Token indices ``[i, j)`` of the tokens that overlap characters ``[start, end)``."""
        return bisect_right(self._ends, start), bisect_left(self._starts, end)

    def snap(self, start: int, end: int) -> tuple[int, int]:
        """Expand ``[start, end)`` to the boundaries of the tokens it touches."""
        if not 0 <= start < end <= len(self.text):
            raise SpanError(f"span [{start}, {end}) is outside the text (length {len(self.text)})")
        i, j = self.token_range(start, end)
        if i >= j:
            raise SpanError(f"span [{start}, {end}) covers no token: {self.text[start:end]!r}")
        return self._starts[i], self._ends[j - 1]

    def span_at(self, offset: int) -> Span | None:
        i = bisect_right(self._spans, offset, key=lambda s: s.start) - 1
        if i >= 0 and offset < self._spans[i].end:
            return self._spans[i]
        return None

    def spans_between(self, start: int, end: int) -> list[Span]:
        """Spans that overlap characters ``[start, end)``."""
        i = bisect_right(self._spans, start, key=lambda s: s.end)
        j = bisect_left(self._spans, end, key=lambda s: s.start)
        return self._spans[i:j]

    # --- editing -------------------------------------------------------------------------
    def add_span(self, span: Span) -> Span:
        """Add ``span`` snapped to token boundaries; returns the span as stored."""
        return self.edit(removed=(), added=(span,))[0]

    def remove_span(self, span: Span) -> None:
        self.edit(removed=(span,), added=())

    def set_spans(self, spans: list[Span] | tuple[Span, ...]) -> None:
        self.edit(removed=tuple(self._spans), added=tuple(spans))

    def replace_model_spans(self, predicted: list[Span] | tuple[Span, ...]) -> tuple[Span, ...]:
        """Swap the model's spans for ``predicted``; spans a person made are never touched,
        and predictions that overlap them are dropped. Returns the spans added."""
        human = [s for s in self._spans if s.source == Source.HUMAN]
        keep = [p for p in predicted if not any(p.overlaps(h) for h in human)]
        model = tuple(s for s in self._spans if s.source != Source.HUMAN)
        return self.edit(removed=model, added=tuple(keep))

    def edit(self, removed: tuple[Span, ...], added: tuple[Span, ...]) -> tuple[Span, ...]:
        """Remove then add spans as one change; all or nothing. Returns the added spans as
        stored (snapped)."""
        for span in removed:
            if span not in self._spans:
                raise SpanError(f"no such span in {self.name or 'the document'}: {span}")
        before = list(self._spans)
        gone = set(removed)
        self._spans = [s for s in self._spans if s not in gone]
        try:
            stored = self._place(sorted(added), removed=removed)
        except SpanError:
            self._spans = before
            raise
        return stored

    def _place(self, spans: list[Span], removed: tuple[Span, ...]) -> tuple[Span, ...]:
        stored = []
        for span in spans:
            start, end = self.snap(span.start, span.end)
            if (start, end) != (span.start, span.end):
                span = Span(start, end, span.label, span.source, span.confidence)
            if not span.label:
                raise SpanError(f"span [{start}, {end}) has an empty label")
            if span.confidence is not None and not 0.0 <= span.confidence <= 1.0:
                raise SpanError(f"confidence {span.confidence} is not a probability")
            clash = self.spans_between(start, end)
            if clash:
                raise SpanError(
                    f"span [{start}, {end}) {self.text[start:end]!r} overlaps "
                    f"[{clash[0].start}, {clash[0].end}) {clash[0].label}"
                )
            index = bisect_left(self._spans, start, key=lambda s: s.start)
            self._spans.insert(index, span)
            stored.append(span)
        if stored or removed:
            self.changed.emit(SpansChanged(tuple(removed), tuple(stored)))
        return tuple(stored)

    def __repr__(self) -> str:
        return (
            f"Document(name={self.name!r}, {len(self.tokens)} tokens, "
            f"{len(self.sentences)} sentences, {len(self._spans)} spans, {self._status})"
        )


def _check_tokens(text: str, tokens: list[Token]) -> None:
    previous_end = 0
    for index, (start, end) in enumerate(tokens):
        if not previous_end <= start < end <= len(text):
            raise SpanError(f"token {index} [{start}, {end}) is empty, out of order or out of range")
        previous_end = end


def _check_sentences(sentences: list[Sentence], n_tokens: int) -> None:
    expected = 0
    for start, end in sentences:
        if start != expected or end <= start:
            raise SpanError(f"sentences must tile the tokens; got [{start}, {end}) at {expected}")
        expected = end
    if expected != n_tokens:
        raise SpanError(f"sentences cover {expected} of {n_tokens} tokens")
