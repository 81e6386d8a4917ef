"""Find text or entities in one document or across a project (Ctrl+F, the results list).

Whole-token search matches only where both ends fall on token boundaries, so "on" does not
match in "Boston"; whitespace in the query matches any run of whitespace (a name broken over
two lines is still found). See :mod:`ner_studio.core.corpus.corpus_text` for why this scans the
immutable texts instead of keeping an FTS5 table.

A query may be a regular expression in Python's ``re`` syntax (``regex=True``): it is checked
with ``re`` (a bad one is a :class:`SearchError` saying where), then run by the ``regex``
module, which reads the same syntax and, unlike ``re``, can stop a match after a time budget:
a pattern such as ``(a+)+$`` that backtracks for minutes stops after
:data:`TIME_BUDGET` seconds with a :class:`SearchError`, never a frozen window. A ``where``
(:class:`Where`) keeps the matches inside entities (of one label) or outside every entity.
"""

from __future__ import annotations

import re
import time
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

from ner_studio.core.corpus.corpus_text import (
    CorpusText,
    DocumentText,
    SpanRow,
    read_label_rows,
    to_span,
)
from ner_studio.core.errors import SearchError
from ner_studio.core.text.document import Document
from ner_studio.core.text.spans import Source, Span

# Seconds one search may spend matching a regular expression, over all documents: a plain
# scan of 1M tokens takes ~0.15 s (benchmarks/corpus_tools.py), so only a pattern that
# backtracks without end gets near it. The engine looks at the clock every so many steps:
# measured, a 0.5 s budget stops after 0.5 s on a quiet machine and ~2 s on one whose two
# cores run eight test suites.
TIME_BUDGET = 1.0


class Hit:
    """One match of ``doc.text[start:end]``; ``entities`` are the spans overlapping it
    (usually none or one). Context is cut only when asked for: a results list shows a few
    dozen of 50,000 hits."""

    __slots__ = ("doc", "end", "entities", "start")

    def __init__(self, doc: DocumentText, start: int, end: int, entities: tuple[Span, ...] = ()):
        self.doc = doc
        self.start = start
        self.end = end
        self.entities = entities

    @property
    def doc_id(self) -> int:
        return self.doc.doc_id

    @property
    def text(self) -> str:
        return self.doc.text[self.start : self.end]

    @property
    def before(self) -> str:
        return self.doc.context(self.start, self.end)[0]

    @property
    def after(self) -> str:
        return self.doc.context(self.start, self.end)[1]

    @property
    def entity(self) -> Span | None:
        """The entity exactly covering the match, if there is one."""
        for span in self.entities:
            if span.start == self.start and span.end == self.end:
                return span
        return None

    @property
    def label(self) -> str | None:
        return self.entities[0].label if self.entities else None

    @property
    def source(self) -> Source | None:
        return self.entities[0].source if self.entities else None

    def __repr__(self) -> str:
        return f"Hit(doc {self.doc_id}, [{self.start}, {self.end}) {self.text!r}, {self.label})"


@dataclass(frozen=True, slots=True)
class Where:
    """Where a match may lie: anywhere (``inside`` None), wholly inside an entity (True; of
    ``label`` if given) or outside every entity (False: no entity overlaps it, "unlabelled
    text")."""

    inside: bool | None = None
    label: str | None = None

    def admits(self, start: int, end: int, entities: tuple[Span, ...]) -> bool:
        if self.inside is None:
            return True
        if self.inside is False:
            return not entities
        return any(s.start <= start and end <= s.end and (self.label is None or s.label == self.label)
                   for s in entities)


ANYWHERE = Where()
OUTSIDE_ENTITIES = Where(inside=False)


def inside_entities(label: str | None = None) -> Where:
    return Where(inside=True, label=label)


class Query:
    """What to look for: literal text, any whitespace between its words, or a regular
    expression (``regex``).

    Case-insensitive search runs a plain pattern over each document's lower-cased copy:
    ``re.IGNORECASE`` turns off the regex engine's fast literal scan and is 3-5x slower on
    a 6 MB project. Where lower-casing would change a text's length (rare letters such as
    "İ"), the original text is searched with ``re.IGNORECASE`` instead. A regular expression
    always runs on the original text (``[A-Z]`` must not meet a lower-cased copy)."""

    def __init__(self, text: str, *, whole_tokens: bool = True, case_sensitive: bool = False,
                 regex: bool = False, budget: float = TIME_BUDGET):
        words = text.split()
        self.empty = not words
        self.whole_tokens = whole_tokens
        self._deadline = time.monotonic() + budget
        self._budget = budget
        flags = 0 if case_sensitive else re.IGNORECASE
        self._lower = None
        self._regex = regex
        if regex:
            self._exact = None if self.empty else compile_pattern(text, flags)
            return
        self._exact = re.compile(r"\s+".join(map(re.escape, words)), flags)
        lowered = [word.lower() for word in words]
        same_length = all(len(w) == len(l) for w, l in zip(words, lowered))
        self._lower = None if case_sensitive or not same_length else re.compile(r"\s+".join(map(re.escape, lowered)))

    def ranges(self, doc: DocumentText) -> Iterator[tuple[int, int]]:
        """``(start, end)`` of each non-overlapping, non-empty match in ``doc`` (an empty
        match, e.g. of ``\\b``, marks no text to show or label)."""
        if self.empty:
            return
        if self._regex:
            matches = self._timed(doc)
        elif self._lower is not None and doc.lower is not None:
            matches = self._lower.finditer(doc.lower)
        else:
            matches = self._exact.finditer(doc.text)
        for match in matches:
            start, end = match.span()
            if start < end and (not self.whole_tokens or (doc.is_token_start(start) and doc.is_token_end(end))):
                yield start, end

    def _timed(self, doc: DocumentText) -> Iterator:
        """The regular expression's matches in ``doc``, within what is left of the budget.
        ``concurrent``: the engine lets go of the GIL while it matches, so a search in a
        worker thread (gui/corpus/qt_find.py) never stalls the window for its budget."""
        try:
            yield from self._exact.finditer(doc.text, timeout=max(self._deadline - time.monotonic(), 0.001),
                                            concurrent=True)
        except TimeoutError:
            raise SearchError(f"the regular expression took more than {self._budget:g} s and was stopped: "
                              "it probably backtracks without end (nested repeats such as (a+)+ or (\\w+\\s?)+); "
                              "make it simpler or more specific") from None


def compile_pattern(text: str, flags: int = 0):
    """``text`` as a regular expression in Python's ``re`` syntax, for the ``regex`` engine
    (see the module doc); a SearchError says what is wrong and where."""
    try:
        re.compile(text, flags)
    except re.error as error:
        where = f" at position {error.pos + 1}" if error.pos is not None else ""
        raise SearchError(f"not a valid regular expression: {error.msg}{where}") from None
    except (OverflowError, RecursionError) as error:
        raise SearchError(f"not a usable regular expression: {error}") from None
    import regex  # the engine with a time budget; reads the same syntax (its VERSION0 is re's)

    try:
        return regex.compile(text, flags | regex.VERSION0)
    except (regex.error, OverflowError, RecursionError) as error:  # a corner where the two differ
        raise SearchError(f"not a usable regular expression: {error}") from None


def overlapping(rows: list[SpanRow], starts: list[int], start: int, end: int) -> list[SpanRow]:
    """The rows of sorted, non-overlapping spans (``starts`` their starts) that overlap
    ``[start, end)``."""
    j = bisect_left(starts, end)
    i = j
    while i > 0 and rows[i - 1][2] > start:
        i -= 1
    return rows[i:j]


Found = list[tuple[DocumentText, list[tuple[int, int]]]]  # each document with matches, and their ranges


def match_texts(texts: Iterable[DocumentText], query: Query, should_stop: Callable[[], bool] = lambda: False,
                ) -> Found | None:
    """The matches of ``query`` in ``texts``: the slow half of a search, which reads only the
    immutable texts, so a worker thread may run it (gui/corpus/qt_find.py). None once
    ``should_stop()`` (asked between documents and between matches: a newer query came)."""
    found = []
    for doc in texts:
        if should_stop():
            return None
        ranges = []
        for match in query.ranges(doc):
            if should_stop():
                return None
            ranges.append(match)
        if ranges:
            found.append((doc, ranges))
    return found


def find(corpus: CorpusText, query: str, *, whole_tokens: bool = True, case_sensitive: bool = False,
         regex: bool = False, where: Where = ANYWHERE, doc_ids: Iterable[int] | None = None) -> list[Hit]:
    """Every match of ``query`` in the project (or in ``doc_ids``), in document order; a
    SearchError for a regular expression that is bad or runs past the time budget."""
    wanted = Query(query, whole_tokens=whole_tokens, case_sensitive=case_sensitive, regex=regex)
    if wanted.empty:
        return []
    return corpus_hits(corpus, match_texts(corpus.texts(doc_ids), wanted), where)


@dataclass(frozen=True)
class Entities:
    """Documents' entities at one moment, for joining matches with them in a worker thread:
    an open document's spans as the window holds them (an immutable tuple), the others' rows
    as stored (CorpusText's, read on the store's thread)."""

    shown: dict[int, tuple[Span, ...]]
    stored: dict[int, list[SpanRow]]

    def rows(self, doc_id: int) -> list[SpanRow]:
        spans = self.shown.get(doc_id)
        if spans is None:
            return self.stored.get(doc_id, [])
        return [(doc_id, s.start, s.end, s.label, str(s.source), s.confidence, s.kb_id) for s in spans]


NO_ENTITIES = Entities({}, {})


def entities_of(corpus: CorpusText, doc_ids: Iterable[int]) -> Entities:
    """The entities of ``doc_ids`` now; it reads the store, so on the store's (the UI) thread.
    Cheap once read: CorpusText keeps the rows and reads again only documents changed since."""
    doc_ids = list(doc_ids)
    shown = {doc_id: doc.spans for doc_id in doc_ids if (doc := corpus.open_document(doc_id)) is not None}
    closed = [doc_id for doc_id in doc_ids if doc_id not in shown]
    return Entities(shown, dict(corpus.span_rows(closed)) if closed else {})


def label_hits(texts: Iterable[DocumentText], entities: Entities, label: str,
               should_stop: Callable[[], bool] = lambda: False) -> list[Hit] | None:
    """Every entity labelled ``label`` in ``texts`` (in their order), from ``entities``: what
    :func:`find_label` gives, for a worker thread (an open document's entities as it holds
    them). None once ``should_stop()`` (asked between documents)."""
    hits = []
    for doc in texts:
        if should_stop():
            return None
        hits.extend(Hit(doc, row[1], row[2], (to_span(row),)) for row in entities.rows(doc.doc_id) if row[3] == label)
    return hits


def joined_hits(found: Found, entities: Entities, where: Where = ANYWHERE,
                should_stop: Callable[[], bool] = lambda: False) -> list[Hit] | None:
    """``found`` (:func:`match_texts`) as hits with the entities they overlap, ``where`` kept.
    Reads nothing, so a worker thread may run it: for 39,000 matches of entities it took
    ~120 ms of the UI thread (issue 29). None once ``should_stop()`` (asked between documents)."""
    hits = []
    for doc, ranges in found:
        if should_stop():
            return None
        hits.extend(_hits(doc, ranges, entities.rows(doc.doc_id), where))
    return hits


def corpus_hits(corpus: CorpusText, found: Found, where: Where = ANYWHERE) -> list[Hit]:
    """:func:`joined_hits` with the entities there now (read on the store's thread)."""
    return joined_hits(found, entities_of(corpus, [doc.doc_id for doc, _ in found]), where)


def find_in_document(doc: Document, query: str, *, whole_tokens: bool = True, case_sensitive: bool = False,
                     regex: bool = False, where: Where = ANYWHERE) -> list[Hit]:
    """Matches in an open document (Ctrl+F: next, previous, highlight all)."""
    text = DocumentText.of(doc)
    wanted = Query(query, whole_tokens=whole_tokens, case_sensitive=case_sensitive, regex=regex)
    return document_hits(doc, text, wanted.ranges(text), where)


def document_hits(doc: Document, text: DocumentText, ranges: Iterable[tuple[int, int]],
                  where: Where = ANYWHERE) -> list[Hit]:
    """``ranges`` in the open ``doc`` (whose text is ``text``) as hits with its entities now."""
    rows = [(text.doc_id, s.start, s.end, s.label, str(s.source), s.confidence, s.kb_id) for s in doc.spans]
    return list(_hits(text, ranges, rows, where))


def find_label(corpus: CorpusText, label: str, *, doc_ids: Iterable[int] | None = None) -> list[Hit]:
    """Every entity labelled ``label`` ("all ORG entities"), in document order."""
    wanted = None if doc_ids is None else set(doc_ids)
    own = corpus.project.version_annotator
    rows = corpus.project.query("finding entities", lambda conn: read_label_rows(conn, label, own))
    by_doc = {doc_id: list(group) for doc_id, group in groupby(rows, itemgetter(0))}
    if wanted is not None:
        by_doc = {doc_id: rows for doc_id, rows in by_doc.items() if doc_id in wanted}
    return [Hit(doc, row[1], row[2], (to_span(row),)) for doc in corpus.texts(by_doc) for row in by_doc[doc.doc_id]]


def _hits(doc: DocumentText, ranges: Iterable[tuple[int, int]], rows: list[SpanRow],
          where: Where = ANYWHERE) -> Iterator[Hit]:
    """Hits of ``ranges`` with the entities they overlap, those ``where`` admits."""
    if not rows:
        if where.inside is not True:
            for start, end in ranges:
                yield Hit(doc, start, end)
        return
    starts = [row[1] for row in rows]
    for start, end in ranges:
        entities = tuple(map(to_span, overlapping(rows, starts, start, end)))
        if where.admits(start, end, entities):
            yield Hit(doc, start, end, entities)


__all__ = ["ANYWHERE", "NO_ENTITIES", "OUTSIDE_ENTITIES", "Entities", "Found", "Hit", "Query", "Where", "compile_pattern",
           "corpus_hits", "document_hits", "entities_of", "find", "find_in_document", "find_label", "inside_entities",
           "joined_hits", "label_hits", "match_texts", "overlapping"]
