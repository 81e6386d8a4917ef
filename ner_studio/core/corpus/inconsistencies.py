"""Surface strings the project labels inconsistently: with different labels in different places
("Lisbon: ORG ×5, LOC ×1"), or as an entity in some places and not at all in others.

A surface string is the sequence of token texts an entity covers, case-sensitive ("Apple" and
"apple" differ; whitespace between tokens does not matter). An unlabelled occurrence is a
whole-token match that no entity touches: "Lisbon" inside the entity "University of Lisbon"
is part of another name, not a disagreement. A string linked to different catalogue entries
("Washington" to the president in one place, the city in another) is listed too, with
:attr:`Inconsistency.links`. Harmonise one through
:func:`ner_studio.core.corpus.label_all.preview_label_all` with :attr:`Inconsistency.surface`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from ner_studio.core.corpus.corpus_text import CorpusText
from ner_studio.core.text.spans import Source

_SOURCES = {str(s): s for s in Source}

UNLABELLED = ""  # the key of unlabelled occurrences in :attr:`Inconsistency.counts`


class Place(NamedTuple):
    """One occurrence; ``label`` and ``source`` are ``None`` where the text is not labelled."""

    doc_id: int
    start: int
    end: int
    label: str | None
    source: Source | None
    kb_id: str | None = None


@dataclass(frozen=True, slots=True)
class Inconsistency:
    surface: str
    counts: dict[str, int]  # label -> occurrences, UNLABELLED -> unlabelled ones; most first
    documents: int  # how many documents the occurrences are in
    places: tuple[Place, ...]  # in document order
    links: dict[str, int] = field(default_factory=dict)  # catalogue entry id -> linked occurrences; most first

    @property
    def labels(self) -> list[str]:
        return [label for label in self.counts if label != UNLABELLED]

    def summary(self, name_of: Callable[[str], str | None] | None = None) -> str:
        """``ORG ×5, LOC ×1, unlabelled ×2``; with links to more than one entry, also
        ``; linked to George Washington ×3, Washington, D.C. ×1`` (``name_of``: an entry's name)."""
        text = ", ".join(f"{label or 'unlabelled'} ×{n}" for label, n in self.counts.items())
        if len(self.links) > 1:
            text += "; linked to " + ", ".join(f"{(name_of and name_of(kb_id)) or kb_id} ×{n}"
                                               for kb_id, n in self.links.items())
        return text


def inconsistencies(corpus: CorpusText) -> list[Inconsistency]:
    """Every inconsistently labelled surface string, those touching most documents first."""
    texts = corpus.texts()
    spans_by_doc = corpus.span_rows()
    labelled: dict[tuple[str, ...], list[Place]] = {}
    words_by_doc = {}
    for doc in texts:
        words = words_by_doc[doc.doc_id] = doc.words()
        starts = doc.starts
        for _, start, end, label, source, _confidence, kb_id in spans_by_doc.get(doc.doc_id, ()):
            key = tuple(words[bisect_left(starts, start) : bisect_left(starts, end)])
            if key:
                labelled.setdefault(key, []).append(Place(doc.doc_id, start, end, label, _SOURCES[source], kb_id))
    unlabelled = _unlabelled_places(texts, words_by_doc, spans_by_doc, labelled)
    order = {doc_id: i for i, doc_id in enumerate(corpus.documents)}
    found = []
    for key, places in labelled.items():
        extra = unlabelled.get(key, [])
        counts = Counter(place.label for place in places)
        links = Counter(place.kb_id for place in places if place.kb_id is not None)
        if len(counts) < 2 and not extra and len(links) < 2:
            continue
        if extra:
            counts[UNLABELLED] = len(extra)
        all_places = places + extra
        all_places.sort(key=lambda p: (order[p.doc_id], p.start))
        first = all_places[0]
        surface = " ".join(corpus.text(first.doc_id).text[first.start:first.end].split())
        found.append(Inconsistency(surface, dict(counts.most_common()), len({p.doc_id for p in all_places}),
                                   tuple(all_places), dict(links.most_common())))
    found.sort(key=lambda i: (-i.documents, -len(i.places), i.surface))
    return found


def _unlabelled_places(texts, words_by_doc, spans_by_doc, labelled) -> dict[tuple[str, ...], list[Place]]:
    """Whole-token occurrences of the labelled surface strings that no entity touches.

    Candidates are found by the first word (one-word strings) or the first two words (longer
    ones): with the first word alone, every "The" would be checked against every "The ..."
    name."""
    singles = {key[0] for key in labelled if len(key) == 1}
    by_pair: dict[tuple[str, str], list[tuple[str, ...]]] = {}
    for key in labelled:
        if len(key) > 1:
            by_pair.setdefault(key[:2], []).append(key)
    firsts = {pair[0] for pair in by_pair}
    found: dict[tuple[str, ...], list[Place]] = {}
    for doc in texts:
        words = words_by_doc[doc.doc_id]
        spans = spans_by_doc.get(doc.doc_id, [])
        span_starts = [row[1] for row in spans]
        starts, ends = doc.starts, doc.ends

        def add(key, i, n, doc_id=doc.doc_id, spans=spans, span_starts=span_starts, starts=starts, ends=ends):
            start, end = starts[i], ends[i + n - 1]
            k = bisect_left(span_starts, end)
            if k == 0 or spans[k - 1][2] <= start:  # no entity touches it
                found.setdefault(key, []).append(Place(doc_id, start, end, None, None))

        for i in [i for i, word in enumerate(words) if word in singles]:
            add((words[i],), i, 1)
        for i in [i for i, word in enumerate(words[:-1]) if word in firsts]:
            for key in by_pair.get((words[i], words[i + 1]), ()):
                n = len(key)
                if n == 2 or tuple(words[i : i + n]) == key:
                    add(key, i, n)
    return found
