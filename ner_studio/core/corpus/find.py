"""Find text or entities in one document or across a project (Ctrl+F, the results list).

Whole-token search matches only where both ends fall on token boundaries, so "on" does not
match in "Boston"; whitespace in the query matches any run of whitespace (a name broken over
two lines is still found). See :mod:`ner_studio.core.corpus.corpus_text` for why this scans the
immutable texts instead of keeping an FTS5 table.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from itertools import groupby
from operator import itemgetter

from ner_studio.core.corpus.corpus_text import (
    CorpusText,
    DocumentText,
    SpanRow,
    read_label_rows,
    to_span,
)
from ner_studio.core.text.document import Document
from ner_studio.core.text.spans import Source, Span


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


class Query:
    """What to look for: literal text, any whitespace between its words.

    Case-insensitive search runs a plain pattern over each document's lower-cased copy:
    ``re.IGNORECASE`` turns off the regex engine's fast literal scan and is 3-5x slower on
    a 6 MB project. Where lower-casing would change a text's length (rare letters such as
    "İ"), the original text is searched with ``re.IGNORECASE`` instead."""

    def __init__(self, text: str, *, whole_tokens: bool = True, case_sensitive: bool = False):
        words = text.split()
        self.empty = not words
        self.whole_tokens = whole_tokens
        flags = 0 if case_sensitive else re.IGNORECASE
        self._exact = re.compile(r"\s+".join(map(re.escape, words)), flags)
        lowered = [word.lower() for word in words]
        same_length = all(len(w) == len(l) for w, l in zip(words, lowered))
        self._lower = None if case_sensitive or not same_length else re.compile(r"\s+".join(map(re.escape, lowered)))

    def ranges(self, doc: DocumentText) -> Iterator[tuple[int, int]]:
        """``(start, end)`` of each non-overlapping match in ``doc``."""
        if self.empty:
            return
        if self._lower is not None and doc.lower is not None:
            matches = self._lower.finditer(doc.lower)
        else:
            matches = self._exact.finditer(doc.text)
        if not self.whole_tokens:
            for match in matches:
                yield match.span()
            return
        for match in matches:
            start, end = match.span()
            if doc.is_token_start(start) and doc.is_token_end(end):
                yield start, end


def overlapping(rows: list[SpanRow], starts: list[int], start: int, end: int) -> list[SpanRow]:
    """The rows of sorted, non-overlapping spans (``starts`` their starts) that overlap
    ``[start, end)``."""
    j = bisect_left(starts, end)
    i = j
    while i > 0 and rows[i - 1][2] > start:
        i -= 1
    return rows[i:j]


def find(corpus: CorpusText, query: str, *, whole_tokens: bool = True, case_sensitive: bool = False,
         doc_ids: Iterable[int] | None = None) -> list[Hit]:
    """Every match of ``query`` in the project (or in ``doc_ids``), in document order."""
    wanted = Query(query, whole_tokens=whole_tokens, case_sensitive=case_sensitive)
    if wanted.empty:
        return []
    found = [(doc, ranges) for doc in corpus.texts(doc_ids) if (ranges := list(wanted.ranges(doc)))]
    opened = {doc.doc_id: shown for doc, _ in found if (shown := corpus.open_document(doc.doc_id)) is not None}
    closed = [doc.doc_id for doc, _ in found if doc.doc_id not in opened]
    rows = corpus.span_rows(closed) if closed else {}
    hits = []
    for doc, ranges in found:
        shown = opened.get(doc.doc_id)
        if shown is not None:  # its entities as the window holds them (CorpusText)
            hits.extend(Hit(doc, start, end, tuple(shown.spans_between(start, end))) for start, end in ranges)
        else:
            hits.extend(_hits(doc, ranges, rows.get(doc.doc_id, [])))
    return hits


def find_in_document(doc: Document, query: str, *, whole_tokens: bool = True,
                     case_sensitive: bool = False) -> list[Hit]:
    """Matches in an open document (Ctrl+F: next, previous, highlight all)."""
    text = DocumentText.of(doc)
    rows = [(text.doc_id, s.start, s.end, s.label, str(s.source), s.confidence) for s in doc.spans]
    return list(_hits(text, Query(query, whole_tokens=whole_tokens, case_sensitive=case_sensitive).ranges(text), rows))


def find_label(corpus: CorpusText, label: str, *, doc_ids: Iterable[int] | None = None) -> list[Hit]:
    """Every entity labelled ``label`` ("all ORG entities"), in document order."""
    wanted = None if doc_ids is None else set(doc_ids)
    own = corpus.project.version_annotator
    rows = corpus.project.query("finding entities", lambda conn: read_label_rows(conn, label, own))
    by_doc = {doc_id: list(group) for doc_id, group in groupby(rows, itemgetter(0))}
    if wanted is not None:
        by_doc = {doc_id: rows for doc_id, rows in by_doc.items() if doc_id in wanted}
    return [Hit(doc, row[1], row[2], (to_span(row),)) for doc in corpus.texts(by_doc) for row in by_doc[doc.doc_id]]


def _hits(doc: DocumentText, ranges: Iterable[tuple[int, int]], rows: list[SpanRow]) -> Iterator[Hit]:
    """Hits of ``ranges`` with the entities they overlap."""
    if not rows:
        for start, end in ranges:
            yield Hit(doc, start, end)
        return
    starts = [row[1] for row in rows]
    for start, end in ranges:
        yield Hit(doc, start, end, tuple(map(to_span, overlapping(rows, starts, start, end))))


__all__ = ["Hit", "Query", "find", "find_in_document", "find_label", "overlapping"]
