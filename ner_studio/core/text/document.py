"""A document: original text, tokens with character offsets, sentences, and entity spans.

Spans are the source of truth; BIO tags are derived from them (see ``core.text.tags``).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from enum import StrEnum
from operator import attrgetter, le, lt
from collections.abc import Sequence

from ner_studio.core.errors import SpanError
from ner_studio.core.events import Signal
from ner_studio.core.text.spans import Source, Span
from ner_studio.core.text.tokenizer import split_sentences, word_tokens
# Tokens and sentences live apart so the tokenizer need not import this module; they are
# part of a document's interface, so they are imported from here too.
from ner_studio.core.text.tokens import Sentence, Token, TokenList  # noqa: F401 - re-exported


class Status(StrEnum):
    NEW = "new"
    PREDICTED = "predicted"
    REVIEWED = "reviewed"


@dataclass(frozen=True, slots=True)
class SpansChanged:
    """What one edit did; views redraw only these spans. ``model_replaced``: the edit swapped
    every model span for new ones (re-tagging), so a store may delete the old ones by source."""

    removed: tuple[Span, ...]
    added: tuple[Span, ...]
    model_replaced: bool = False


@dataclass(frozen=True, slots=True)
class ModelMerge:
    """A document's spans with its model spans swapped for a tagger's, worked out from the
    spans at ``revision`` (:meth:`Document.merge_model_spans`, in the tagging worker) and
    applied only if no edit came since (:meth:`Document.apply_model_merge`): the UI thread
    then does no merging or checking of thousands of spans."""

    revision: int
    spans: tuple[Span, ...]  # all of them, sorted, token-aligned, without overlaps
    added: tuple[Span, ...]  # the predictions kept
    labels: frozenset[str]  # of ``added``: the caller checks they are all still labels


class Document:
    """Text, tokens, sentences and non-overlapping, token-aligned entity spans.

    ``tokens`` may be any sequence of ``(start, end)`` pairs; it is stored as a
    :class:`TokenList`. ``changed`` emits a :class:`SpansChanged` after every span edit and
    ``status_changed`` emits the new :class:`Status`.
    """

    def __init__(
        self,
        text: str,
        tokens: Sequence[Token],
        sentences: list[Sentence] | None = None,
        spans: tuple[Span, ...] | list[Span] = (),
        *,
        name: str = "",
        status: Status = Status.NEW,
        doc_id: int | None = None,
        meta: dict | None = None,
        stored: bool = False,
    ):
        """``stored``: ``spans`` are as a project stored them, snapped and checked when they
        were written; only their order, bounds and separation are checked again, at C speed
        (a 50k-token part's 12,000 spans took 10-50 ms of the UI thread to snap again on the
        first show of a part: issue 29). Anything amiss gets the full check and its error."""
        tokens = TokenList.of(tokens)
        self._starts = tokens.starts
        self._ends = tokens.ends
        _check_tokens(text, self._starts, self._ends)
        self.text = text
        self.tokens = tokens
        if sentences is None:
            sentences = [Sentence(0, len(tokens))] if tokens else []
        _check_sentences(sentences, len(tokens))
        self.sentences = sentences
        self._sentence_starts: list[int] | None = None
        self.name = name
        self.doc_id = doc_id
        # Format-specific extras that round trips keep (e.g. CoNLL's POS and chunk columns).
        self.meta = meta if meta is not None else {}
        self._status = Status(status)
        self._revision = 0  # counts span edits (see revision_and_spans)
        self._set_stored(())
        self.changed = Signal()
        self.status_changed = Signal()
        self._set_stored(self._sane(spans) if stored else self._checked(spans))

    @classmethod
    def from_text(cls, text: str, *, name: str = "", split=None) -> Document:
        """Tokenize and sentence-split ``text`` with the offline tokenizer; ``split(text,
        tokens)`` replaces its sentence rules (``core/text/sentences.py`` has Punkt's)."""
        tokens = word_tokens(text)
        return cls(text, tokens, (split or split_sentences)(text, tokens), name=name)

    # --- reading -------------------------------------------------------------------------
    @property
    def spans(self) -> tuple[Span, ...]:
        return self._spans

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
        return self.text[self._starts[index] : self._ends[index]]

    def words(self, start: int = 0, end: int | None = None) -> list[str]:
        """Texts of tokens ``[start, end)`` (all by default)."""
        text, starts, ends = self.text, self._starts[start:end], self._ends[start:end]
        return list(map(text.__getitem__, map(slice, starts, ends)))

    def sentence_words(self, index: int) -> list[str]:
        sentence = self.sentences[index]
        return self.words(sentence.start, sentence.end)

    def sentence_of_token(self, index: int) -> int:
        if self._sentence_starts is None:
            self._sentence_starts = [s.start for s in self.sentences]
        return bisect_right(self._sentence_starts, index) - 1

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
        i = bisect_right(self._span_starts, offset) - 1
        if i >= 0 and offset < self._span_ends[i]:
            return self._spans[i]
        return None

    def spans_between(self, start: int, end: int) -> list[Span]:
        """Spans that overlap characters ``[start, end)``."""
        i = bisect_right(self._span_ends, start)
        j = bisect_left(self._span_starts, end)
        return list(self._spans[i:j])

    # --- editing -------------------------------------------------------------------------
    def add_span(self, span: Span) -> Span:
        """Add ``span`` snapped to token boundaries; returns the span as stored."""
        return self.edit(removed=(), added=(span,))[0]

    def remove_span(self, span: Span) -> None:
        self.edit(removed=(span,), added=())

    def set_spans(self, spans: list[Span] | tuple[Span, ...]) -> None:
        self.edit(removed=self._spans, added=tuple(spans))

    def replace_model_spans(self, predicted: list[Span] | tuple[Span, ...]) -> tuple[Span, ...]:
        """Swap the model's unconfirmed spans for ``predicted``; every other span (confirmed
        ones, pattern suggestions) is never touched, and predictions that overlap one are
        dropped. Returns the spans added."""
        merge = self.merge_model_spans(predicted)
        self.apply_model_merge(merge)
        return merge.added

    def revision_and_spans(self) -> tuple[int, tuple[Span, ...]]:
        """The spans and the revision they belong to, consistent even while the UI thread edits
        (a worker's view): every edit stores its spans before it counts the revision, and this
        reads them after the revision, so spans newer than the revision only make
        :meth:`apply_model_merge` refuse, never accept stale ones. The revision counts edits,
        not model merges applied: those change only model spans, which a merge replaces all of
        (a long document's first screens come before its final spans)."""
        revision = self._revision
        return revision, self._spans

    def merge_model_spans(self, predicted, current: tuple[int, tuple[Span, ...]] | None = None) -> ModelMerge:
        """``predicted`` snapped to tokens and checked, minus those overlapping a span that is
        not the model's, merged with those: what :meth:`replace_model_spans` makes the spans.
        Reads only the text, the tokens (never changed) and ``current`` (default: this
        document's :meth:`revision_and_spans`), so a worker thread may call it. Raises
        SpanError for a prediction that fits no token."""
        revision, spans = current if current is not None else self.revision_and_spans()
        kept = [s for s in spans if s.source != Source.MODEL]
        starts = [s.start for s in kept]
        added = []
        for p in self._checked(predicted):
            # Kept spans do not overlap each other, so only the one starting just before
            # p.end can overlap p.
            k = bisect_left(starts, p.end) - 1
            if k < 0 or kept[k].end <= p.start:
                added.append(p)
        merged = sorted(kept + added, key=_span_key)
        return ModelMerge(revision, tuple(merged), tuple(added), frozenset(s.label for s in added))

    def apply_model_merge(self, merge: ModelMerge) -> bool:
        """Make ``merge`` the spans, as one change, if no edit came since it was worked out
        (other model merges may have: it replaces their spans); False (nothing changes) if one
        did: the caller merges again."""
        if merge.revision != self._revision:
            return False
        removed = tuple(s for s in self._spans if s.source == Source.MODEL)
        if removed or merge.added:
            self._set_stored(merge.spans, edit=False)
            self.changed.emit(SpansChanged(removed, merge.added, model_replaced=True))
        return True

    def edit(self, removed: tuple[Span, ...], added: tuple[Span, ...]) -> tuple[Span, ...]:
        """Remove then add spans as one change; all or nothing. Returns the added spans as
        stored (snapped)."""
        stored = self._checked(added)
        if len(removed) + len(stored) <= _SMALL_EDIT:
            self._edit_in_place(removed, stored)
        else:
            self._edit_by_merge(removed, stored)
        if stored or removed:
            self.changed.emit(SpansChanged(tuple(removed), tuple(stored)))
        return tuple(stored)

    def _edit_in_place(self, removed, stored: list[Span]) -> None:
        """A few spans: bisect into copies of the sorted arrays, so one edit costs a few
        memmoves instead of hashing and re-sorting every span of a big document."""
        spans, starts, ends = list(self._spans), list(self._span_starts), list(self._span_ends)
        for span in removed:
            i = bisect_left(starts, span.start)
            if i == len(spans) or spans[i] != span:
                raise SpanError(f"no such span in {self.name or 'the document'}: {span}")
            del spans[i], starts[i], ends[i]
        for span in stored:
            i = bisect_left(starts, span.start)
            for neighbour in spans[max(i - 1, 0) : i + 1]:
                if neighbour.overlaps(span):
                    _check_no_overlap(sorted((neighbour, span), key=_span_key), self.text)
            spans.insert(i, span)
            starts.insert(i, span.start)
            ends.insert(i, span.end)
        self._spans, self._span_starts, self._span_ends = tuple(spans), starts, ends
        self._revision += 1

    def _edit_by_merge(self, removed, stored: list[Span]) -> None:
        """Many spans (Label All: hundreds in a part of 12,000): each found by bisecting the
        sorted starts (stored spans never overlap, so a start names at most one), and the
        document's spans copied in slices around them, never hashed or re-sorted (issue 29: a
        set of every span and a sort took 10-30 ms a part on the UI thread)."""
        spans, starts = self._spans, self._span_starts
        gone = []
        for span in removed:
            i = bisect_left(starts, span.start)
            if i == len(spans) or spans[i] != span:
                raise SpanError(f"no such span in {self.name or 'the document'}: {span}")
            gone.append(i)
        gone.sort()
        kept: list[Span] = []
        previous = 0
        for i in gone:
            kept += spans[previous:i]
            previous = i + 1
        kept += spans[previous:]
        merged: list[Span] = []
        kept_starts = [s.start for s in kept] if gone else starts
        previous = 0
        for span in stored:  # sorted and free of overlaps among themselves (_checked)
            i = bisect_left(kept_starts, span.start, previous)
            for neighbour in kept[max(i - 1, 0) : i + 1]:
                if neighbour.overlaps(span):
                    _check_no_overlap(sorted((neighbour, span), key=_span_key), self.text)
            merged += kept[previous:i]
            merged.append(span)
            previous = i
        merged += kept[previous:]
        self._set_stored(merged)

    def _checked(self, spans) -> list[Span]:
        """``spans`` snapped to tokens and validated, sorted, without overlaps among them."""
        stored = []
        starts, ends, length = self._starts, self._ends, len(self.text)
        for span in spans:
            # snap() inlined: a model's 30,000 spans of a big document come through here.
            i, j = bisect_right(ends, span.start), bisect_left(starts, span.end)
            if not (0 <= span.start < span.end <= length and i < j):
                self.snap(span.start, span.end)  # raises the SpanError that says what is wrong
            start, end = starts[i], ends[j - 1]
            if start != span.start or end != span.end:
                span = Span(start, end, span.label, span.source, span.confidence, span.kb_id)
            if not span.label:
                raise SpanError(f"span [{start}, {end}) has an empty label")
            if span.confidence is not None and not 0.0 <= span.confidence <= 1.0:
                raise SpanError(f"confidence {span.confidence} is not a probability")
            stored.append(span)
        stored.sort(key=_span_key)
        _check_no_overlap(stored, self.text)
        return stored

    def _sane(self, spans) -> list[Span]:
        """``spans`` if they are sorted, apart and inside the text; else :meth:`_checked`'s."""
        spans = list(spans)
        starts, ends = [s.start for s in spans], [s.end for s in spans]
        if spans and starts[0] >= 0 and ends[-1] <= len(self.text) and all(map(lt, starts, ends)) \
                and all(map(le, ends, starts[1:])) and all(s.label for s in spans):
            return spans
        return self._checked(spans)

    def _set_stored(self, spans, *, edit: bool = True) -> None:
        self._spans: tuple[Span, ...] = tuple(spans)
        self._span_starts = [s.start for s in self._spans]
        self._span_ends = [s.end for s in self._spans]
        if edit:
            self._revision += 1  # after the spans: see revision_and_spans

    def __repr__(self) -> str:
        return (
            f"Document(name={self.name!r}, {len(self.tokens)} tokens, "
            f"{len(self.sentences)} sentences, {len(self._spans)} spans, {self._status})"
        )


def status_after_tagging(doc: Document) -> Status:
    """What the model tagging ``doc`` makes its status: a new document becomes "predicted",
    unless a person's labels are already in it (a CoNLL or JSONL file imported with its
    entities, or one labelled before its tagging came back): those are the analyst's, and
    "predicted" would say they were the model's guesses."""
    if doc.status == Status.NEW and not any(span.confirmed for span in doc.spans):
        return Status.PREDICTED
    return doc.status


_span_key = attrgetter("start", "end")
# Edits up to this many spans are applied by bisection, larger ones by one merge.
_SMALL_EDIT = 32


def _check_no_overlap(spans: list[Span], text: str) -> None:
    for before, after in zip(spans, spans[1:]):
        if after.start < before.end:
            raise SpanError(
                f"span [{after.start}, {after.end}) {text[after.start:after.end]!r} overlaps "
                f"[{before.start}, {before.end}) {before.label}"
            )


def _check_tokens(text: str, starts: list[int], ends: list[int]) -> None:
    # Pairwise comparisons through map() run at C speed: a million tokens in milliseconds.
    ok = (
        all(map(lt, starts, ends))
        and all(map(le, ends, starts[1:]))
        and (not starts or (starts[0] >= 0 and ends[-1] <= len(text)))
    )
    if not ok:
        for index, (start, end) in enumerate(zip(starts, ends)):
            previous_end = ends[index - 1] if index else 0
            if not previous_end <= start < end <= len(text):
                raise SpanError(f"token {index} [{start}, {end}) is empty, out of order or out of range")


def _check_sentences(sentences: list[Sentence], n_tokens: int) -> None:
    expected = 0
    for start, end in sentences:
        if start != expected or end <= start:
            raise SpanError(f"sentences must tile the tokens; got [{start}, {end}) at {expected}")
        expected = end
    if expected != n_tokens:
        raise SpanError(f"sentences cover {expected} of {n_tokens} tokens")
