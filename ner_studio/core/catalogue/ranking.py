"""Ranking catalogue entries for the link chooser, as the analyst types.

An index is built once per catalogue revision (:class:`CatalogueIndex`); each keystroke ranks
against it. A candidate's place, best first:

1. how its best name matches the query: **exact** (the whole name or an alias, normalised),
   then **token** (every word typed is a word of the name, the last one possibly half typed:
   "new yo" finds "New York City"), then **fuzzy**: a typo in the name (rapidfuzz's
   normalised Indel similarity, ``QRatio``, of at least :data:`FUZZY_CUTOFF`), or, for a
   one-word query, in one of its words ("Merkle" finds "Angela Merkel");
2. then entries with the mention's **label**;
3. then entries **already linked in this document** (the same person is named again);
4. then the score, then the name.

The match decides first: an exact name of another label is a better guess than a fuzzy one
of the same label. ``QRatio``, not ``WRatio``: WRatio adds partial and token-set scores,
which the token match already covers, and costs 40 times more (90 ms against 2 ms a keystroke
over 20,000 names on the busy 2-core machine; benchmarks/catalogue_speed.py has the figures).

What one keystroke scores is bounded, whatever the catalogue's size: the exact and word
indexes first (at most :data:`_TOKEN_POOL` names); no fuzzy pass when they already fill the
list (a fuzzy match ranks below every one of them); else rapidfuzz's C++ scores a shortlist
of at most :data:`_SHORTLIST` names, those with a word starting as a typed word starts (its
first two letters: a typo there is rare, and "Merkle" still finds "Merkel"), and for a
one-word query the words with its first letter.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import IntEnum

from ner_studio.core.catalogue.entries import CatalogueEntry, normalised

FUZZY_CUTOFF = 75  # below this a name is noise ("Paris" vs "Peru" scores ~60)
WORD_CUTOFF = 80  # a one-word query against single words: stricter, words are short
_FUZZY_POOL = 200  # fuzzy matches kept per keystroke before the label and document sort
_TOKEN_POOL = 2000  # names a word prefix gives at most (one letter typed: enough to rank)
_SHORTLIST = 3000  # names the fuzzy pass scores at most per keystroke
_START = 2  # letters of a word that pick the fuzzy shortlist


class Match(IntEnum):
    """How a candidate's name matched the query (higher is better)."""

    NONE = 0  # an empty query lists the entries
    FUZZY = 1
    TOKEN = 2
    EXACT = 3


@dataclass(frozen=True)
class EntryCandidate:
    entry: CatalogueEntry
    match: Match
    score: float  # 0..100
    matched_name: str  # the name or alias that matched


class CatalogueIndex:
    """The entries' names, normalised, with a word index, for :meth:`rank`. Build a new one
    when the catalogue changes (``revision`` says which one this is)."""

    def __init__(self, entries: Iterable[CatalogueEntry], revision: int = 0):
        self.revision = revision
        self.entries = list(entries)
        self._names: list[str] = []  # normalised names and aliases
        self._owners: list[int] = []  # the entry of each name
        self._originals: list[str] = []
        self._exact: dict[str, list[int]] = {}
        words: dict[str, set[int]] = {}  # word -> names with it
        for number, entry in enumerate(self.entries):
            for name in entry.names():
                key = normalised(name)
                if not key:
                    continue
                at = len(self._names)
                self._names.append(key)
                self._owners.append(number)
                self._originals.append(name)
                self._exact.setdefault(key, []).append(at)
                for word in key.split(" "):
                    words.setdefault(word, set()).add(at)
        self._words = words
        self._sorted_words = sorted(words)
        starts: dict[str, dict[int, None]] = {}  # a word's first letters -> names with such a word
        for word, names in words.items():
            starts.setdefault(word[:_START], {}).update(dict.fromkeys(names))
        self._starts = {start: list(names) for start, names in starts.items()}
        self._sort_names = [normalised(entry.name) for entry in self.entries]

    def __len__(self) -> int:
        return len(self.entries)

    def _with_word(self, word: str, prefix: bool) -> set[int]:
        """Names with ``word`` as one of their words (or a word starting with it)."""
        if not prefix:
            return self._words.get(word, set())
        found: set[int] = set()
        i = bisect_left(self._sorted_words, word)
        while i < len(self._sorted_words) and self._sorted_words[i].startswith(word):
            found |= self._words[self._sorted_words[i]]
            i += 1
            if len(found) > _TOKEN_POOL:  # one letter typed: enough to rank, no need for all
                break
        return found

    def _shortlist(self, words: list[str]) -> list[int]:
        """At most :data:`_SHORTLIST` names with a word that starts as one of ``words`` does."""
        chosen: dict[int, None] = {}
        for word in words:
            chosen.update(dict.fromkeys(self._starts.get(word[:_START], ())))
            if len(chosen) >= _SHORTLIST:
                break
        return list(chosen)[:_SHORTLIST]

    def _words_like(self, word: str) -> list[str]:
        """The index's words that start with ``word``'s first letter (a contiguous run)."""
        low = bisect_left(self._sorted_words, word[0])
        high = bisect_left(self._sorted_words, chr(ord(word[0]) + 1), low)
        return self._sorted_words[low:high]

    def rank(self, query: str, *, label: str | None = None, linked: Collection[str] = (),
             limit: int = 20) -> list[EntryCandidate]:
        """The best ``limit`` entries for ``query`` (see module doc); ``linked``: ids of
        entries already linked in the document."""
        from rapidfuzz import fuzz, process  # ~10 ms to import: when the chooser first ranks, not at start-up

        key = normalised(query)
        best: dict[int, tuple[Match, float, int]] = {}  # entry -> (match, score, name)

        def consider(name_at: int, match: Match, score: float) -> None:
            owner = self._owners[name_at]
            held = best.get(owner)
            if held is None or (match, score) > held[:2]:
                best[owner] = (match, score, name_at)

        if not key:
            for number, entry in enumerate(self.entries):
                if entry.label == label or entry.entry_id in linked:
                    best[number] = (Match.NONE, 0.0, -1)
        else:
            for at in self._exact.get(key, ()):
                consider(at, Match.EXACT, 100.0)
            words = key.split(" ")
            found: set[int] | None = None
            for n, word in enumerate(words):
                with_word = self._with_word(word, prefix=n == len(words) - 1)
                found = with_word if found is None else found & with_word
                if not found:
                    break
            for at in found or ():  # the more of the name typed, the better
                consider(at, Match.TOKEN, 100.0 * len(key) / len(self._names[at]))
            # One or two letters: a typo cannot be told from a prefix. A full list of better
            # matches: a fuzzy one could not enter it.
            fuzzy = len(key) >= 3 and len(best) < limit
            shortlist = self._shortlist(words) if fuzzy else []
            names = [self._names[at] for at in shortlist]
            for _name, score, n in process.extract(key, names, scorer=fuzz.QRatio, processor=None,
                                                  limit=_FUZZY_POOL, score_cutoff=FUZZY_CUTOFF) if fuzzy else ():
                consider(shortlist[n], Match.FUZZY, score)
            if fuzzy and len(words) == 1 and len(key) >= 4:
                for word, score, _ in process.extract(key, self._words_like(key), scorer=fuzz.QRatio,
                                                      processor=None, limit=20, score_cutoff=WORD_CUTOFF):
                    for at in self._words[word]:
                        consider(at, Match.FUZZY, score * 0.9)  # a word of the name, not all of it
        linked = set(linked)
        entries, sort_names = self.entries, self._sort_names

        def order(item):
            number, (match, score, _at) = item
            entry = entries[number]
            return (-match, entry.label != label, entry.entry_id not in linked, -score, sort_names[number])

        ranked = heapq.nsmallest(limit, best.items(), key=order)
        return [EntryCandidate(self.entries[n], match, score, self._originals[at] if at >= 0 else self.entries[n].name)
                for n, (match, score, at) in ranked]
