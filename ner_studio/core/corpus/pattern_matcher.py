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
from bisect import bisect_left
from collections.abc import Iterable, Sequence

from ner_studio.core.corpus.corpus_text import CorpusText, DocumentText, to_span
from ner_studio.core.text.document import Document, Status
from ner_studio.core.corpus.patterns import Pattern, TokenSpec
from ner_studio.core.store.project_rows import SpansDelta
from ner_studio.core.text.spans import Source, Span
from ner_studio.core.text.tokenizer import visible_word


# What separates two tokens that no entity may join: a blank line or a tab.
_WALL = re.compile(r"\t|\n[^\S\n]*\n")


class Matcher:
    """All the patterns of one or more files; :meth:`matches` finds them in a token list.

    Phrases are looked up by their first word. Token patterns whose first token is required
    and names its text (``lower`` or ``orth``/``text``) are tried only where that text is,
    the others at every token (a few microseconds a token each). The whole search takes time
    linear in the words, ``+`` and ``*`` included (:class:`_Runs`)."""

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
        runs across a wall (sorted token indices ``k``: tokens ``k - 1`` and ``k`` never join).
        Each stretch between walls is matched on its own, so a run that would cross a wall ends
        before it (the longest match inside still counts), and the time stays linear."""
        if not walls:
            return self._matches(words)
        found, start = [], 0
        for end in [*walls, len(words)]:
            if end > start:
                found += [(i + start, j + start, label) for i, j, label in self._matches(words[start:end])]
            start = max(start, end)
        return found

    def _matches(self, words: Sequence[str]) -> list[tuple[int, int, str]]:
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
        runs: dict[int, _Runs] = {}
        for i, candidates in tries:
            for order, pattern in candidates:
                run = runs.get(order)
                if run is None:
                    run = runs[order] = _Runs(pattern.tokens, words)
                end = run.longest_end(i)
                if end is not None:
                    found.append((i, end, order, pattern.label))
        return _without_overlaps(found, len(words))


class _Runs:
    """Longest matches of one token pattern in one word list, from any number of starts, in
    time linear in the words (issue 24).

    The pattern is run as a regular expression engine without backtracking would: the set of
    pattern positions reachable after each token (a bit mask). From two starts the run can
    reach the same set at the same token, and from there its future is the same, so the
    longest end found after ``(token, set)`` is remembered: with ``+`` or ``*`` a run may go
    to the end of the text, and trying it again from every start was quadratic (a 5 MB text
    took hours with ``[{"op": "+"}, {"orth": "zzz"}]``). Patterns without ``+``/``*`` end
    within their own length and are not remembered."""

    def __init__(self, specs: tuple[TokenSpec, ...], words: Sequence[str]):
        self.specs = specs
        self.words = words
        self.accept = 1 << len(specs)
        self.first = _mask(_closure({0}, specs))
        self.repeats = [spec.op in ("+", "*") for spec in specs]
        self.memo: dict[int, int] | None = {} if any(self.repeats) else None
        self._step: dict[tuple[int, str], int] = {}

    def longest_end(self, start: int) -> int | None:
        """End of the longest non-empty match starting at token ``start``, if any."""
        words, accept, memo = self.words, self.accept, self.memo
        stride = accept << 1
        visited: list[tuple[int, int]] = []  # (memo key, end if the pattern is complete here)
        j, mask = start, self.first
        best = -1  # the longest end after the last visited point (-1: none)
        while True:
            key = j * stride + mask
            if memo is not None and key in memo:
                best = memo[key]
                break
            visited.append((key, j if mask & accept else -1))
            if j == len(words) or not mask & (accept - 1):
                break
            mask = self._next(mask, words[j])
            j += 1
        for key, end in reversed(visited):
            if best < 0:
                best = end
            if memo is not None:
                memo[key] = best
        return best if best > start else None

    def _next(self, mask: int, word: str) -> int:
        """The positions reachable from ``mask`` after ``word`` (words repeat: cached)."""
        found = self._step.get((mask, word))
        if found is None:
            following = set()
            for s, spec in enumerate(self.specs):
                if mask >> s & 1 and spec.matches(word):
                    following.add(s + 1)
                    if self.repeats[s]:
                        following.add(s)
            found = self._step[(mask, word)] = _mask(_closure(following, self.specs))
        return found


def _mask(states: set[int]) -> int:
    return sum(1 << s for s in states)


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


def _without_overlaps(found: list[tuple[int, int, int, str]], n: int) -> list[tuple[int, int, str]]:
    """Longest first, then earliest, then the first pattern. A match taken earlier is at least
    as long as the one tested, so it overlaps it only by covering its first or last token:
    two look-ups in a table of taken tokens instead of a search (linear in the matches)."""
    taken: list[tuple[int, int, str]] = []
    used = bytearray(n + 1)
    for start, end, _, label in sorted(found, key=lambda m: (m[0] - m[1], m[0], m[2])):
        if used[start] or used[end - 1]:
            continue
        used[start:end] = b"\x01" * (end - start)
        taken.append((start, end, label))
    taken.sort()
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
