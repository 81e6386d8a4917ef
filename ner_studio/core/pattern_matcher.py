"""Finding patterns in documents and turning the matches into ``pattern`` suggestions.

Overlapping matches are resolved as spaCy's ``filter_spans`` does: the longest wins, then the
earliest, then the pattern that comes first in the file.

Where suggestions meet other entities (:func:`pattern_edit`): confirmed entities (human or
accepted) always win, and a match touching one is dropped. A match beats the model's
suggestions it overlaps, which are removed: a dictionary entry or a pattern is a decision the
analyst wrote down, a model entity a guess. Earlier pattern suggestions it overlaps are
replaced by it; the others stay.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence

from ner_studio.core.corpus_text import CorpusText, DocumentText, to_span
from ner_studio.core.document import Document, Status
from ner_studio.core.patterns import Pattern, TokenSpec
from ner_studio.core.project_rows import SpansDelta
from ner_studio.core.spans import Source, Span
from ner_studio.core.tokenizer import visible_word


# What separates two tokens that no entity may join: a blank line or a tab.
_WALL = re.compile(r"\t|\n[^\S\n]*\n")


class Matcher:
    """All the patterns of one or more files; :meth:`matches` finds them in a token list.

    Phrases are looked up by their first word. Token patterns whose first token is required
    and names its text (``lower`` or ``orth``/``text``) are tried only where that text is,
    the others at every token (a few microseconds a token each)."""

    def __init__(self, patterns: Iterable[Pattern]):
        self.patterns = list(patterns)
        self._phrases: dict[str, list[tuple[int, Pattern]]] = {}  # by first word
        self._by_lower: dict[str, list[tuple[int, Pattern]]] = {}  # token patterns by first token
        self._by_orth: dict[str, list[tuple[int, Pattern]]] = {}
        self._anywhere: list[tuple[int, Pattern]] = []
        for order, pattern in enumerate(self.patterns):
            if pattern.phrase:
                self._phrases.setdefault(pattern.phrase[0], []).append((order, pattern))
                continue
            first = pattern.tokens[0]
            anchors = dict(first.tests) if first.op in ("", "+") else {}
            text = anchors.get("orth", anchors.get("text"))
            if isinstance(text, str):
                self._by_orth.setdefault(text, []).append((order, pattern))
            elif isinstance(anchors.get("lower"), str):
                self._by_lower.setdefault(anchors["lower"], []).append((order, pattern))
            else:
                self._anywhere.append((order, pattern))

    def matches(self, words: Sequence[str], walls: Sequence[int] = ()) -> list[tuple[int, int, str]]:
        """``(first token, end token, label)`` of the non-overlapping matches, in order; none
        runs across a wall (sorted token indices ``k``: tokens ``k - 1`` and ``k`` never join)."""
        found = []  # (start, end, order, label)
        phrases = self._phrases
        for i in [i for i, word in enumerate(words) if word in phrases]:
            for order, pattern in phrases[words[i]]:
                n = len(pattern.phrase)
                if n == 1 or tuple(words[i : i + n]) == pattern.phrase:
                    found.append((i, i + n, order, pattern.label))
        tries = []  # (token, patterns to try there)
        if self._by_orth:
            tries += [(i, self._by_orth[w]) for i, w in enumerate(words) if w in self._by_orth]
        if self._by_lower:
            lower = self._by_lower
            tries += [(i, lower[w]) for i, w in enumerate(map(str.lower, words)) if w in lower]
        for order, pattern in self._anywhere:
            # Only where a token that can come first matches: the whole search is ~10x slower.
            first = [pattern.tokens[s] for s in _closure({0}, pattern.tokens) if s < len(pattern.tokens)]
            test = first[0].matches if len(first) == 1 else lambda w, first=first: any(t.matches(w) for t in first)
            tries += [(i, [(order, pattern)]) for i, w in enumerate(words) if test(w)]
        for i, candidates in tries:
            for order, pattern in candidates:
                end = _longest_match(pattern.tokens, words, i)
                if end is not None:
                    found.append((i, end, order, pattern.label))
        if walls:
            found = [f for f in found if (k := bisect_right(walls, f[0])) == len(walls) or walls[k] >= f[1]]
        return _without_overlaps(found)


def _longest_match(specs: tuple[TokenSpec, ...], words: Sequence[str], start: int) -> int | None:
    """End of the longest match of ``specs`` at ``start`` (a non-empty one), if any: the set of
    pattern positions reachable after each token is followed, as a regular expression engine
    without backtracking would."""
    n = len(specs)
    states = _closure({0}, specs)
    best = None
    i = start
    while states and i < len(words):
        word = words[i]
        following = set()
        for s in states:
            if s < n and specs[s].matches(word):
                following.add(s + 1)
                if specs[s].op in ("+", "*"):
                    following.add(s)
        states = _closure(following, specs)
        i += 1
        if n in states:
            best = i
    return best


def _closure(states: set[int], specs: tuple[TokenSpec, ...]) -> set[int]:
    """``states`` plus the positions reached by skipping optional tokens (``?``, ``*``)."""
    result = set(states)
    todo = list(states)
    while todo:
        s = todo.pop()
        if s < len(specs) and specs[s].op in ("?", "*") and s + 1 not in result:
            result.add(s + 1)
            todo.append(s + 1)
    return result


def _without_overlaps(found: list[tuple[int, int, int, str]]) -> list[tuple[int, int, str]]:
    taken: list[tuple[int, int, str]] = []
    starts: list[int] = []
    for start, end, _, label in sorted(found, key=lambda m: (m[0] - m[1], m[0], m[2])):
        k = bisect_left(starts, start)
        if (k > 0 and taken[k - 1][1] > start) or (k < len(taken) and taken[k][0] < end):
            continue
        taken.insert(k, (start, end, label))
        starts.insert(k, start)
    return taken


def pattern_spans(text: DocumentText, matcher: Matcher) -> list[Span]:
    """The matches in one document as ``pattern`` spans on its characters; words are matched
    as they read, without invisible format characters ("Micro\u00adsoft" is "Microsoft"). A
    match never runs across a paragraph break or a tab (a table cell's wall): no sentence
    does, so no entity may."""
    starts, ends = text.starts, text.ends
    words = list(map(visible_word, text.words()))
    walls = sorted({bisect_left(starts, wall.end()) for wall in _WALL.finditer(text.text)})
    return [Span(starts[i], ends[j - 1], label, Source.PATTERN) for i, j, label in matcher.matches(words, walls)]


def pattern_edit(spans: Sequence[Span], suggestions: Iterable[Span]) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
    """``(removed, added)`` that put ``suggestions`` among a document's sorted ``spans`` by
    the rules of the module doc; suggestions already there are left alone."""
    starts = [s.start for s in spans]
    removed: dict[Span, None] = {}
    added = []
    for suggestion in suggestions:
        j = bisect_left(starts, suggestion.end)
        i = j
        while i > 0 and spans[i - 1].end > suggestion.start:
            i -= 1
        touched = spans[i:j]
        if any(s.confirmed for s in touched) or suggestion in touched:
            continue
        removed.update(dict.fromkeys(touched))
        added.append(suggestion)
    return tuple(removed), tuple(added)


def apply_patterns(doc: Document, matcher: Matcher) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
    """Add the pattern suggestions to ``doc`` (one edit); returns ``(removed, added)``: the
    model and earlier pattern suggestions the matches beat, and the new pattern spans."""
    removed, added = pattern_edit(doc.spans, pattern_spans(DocumentText.of(doc), matcher))
    return removed, doc.edit(removed, added)


def project_pattern_edits(corpus: CorpusText, matcher: Matcher, *, include_reviewed: bool = False) -> list[SpansDelta]:
    """Edits that add the suggestions to every document of the project (reviewed ones only
    if asked); apply them with ``Project.edit_documents`` (one step, undone by
    ``label_all.undo_edits``)."""
    rows = corpus.span_rows()
    edits = []
    for text in corpus.texts():
        if not include_reviewed and corpus.documents[text.doc_id].status == Status.REVIEWED:
            continue
        suggestions = pattern_spans(text, matcher)
        if not suggestions:
            continue
        spans = [to_span(row) for row in rows.get(text.doc_id, ())]
        removed, added = pattern_edit(spans, suggestions)
        if removed or added:
            edits.append(SpansDelta(text.doc_id, removed, added))
    return edits
