"""The honest check set: reviewed sentences no model version ever trains on.

A score means something only on data the model never saw. Every reviewed sentence gets a
content hash (of its words, so the same sentence read from CoNLL or from plain text hashes the
same); a sentence whose hash falls in the lowest :data:`CHECK_SHARE` of the hash range belongs
to the check set. Membership depends on the sentence alone, so it never moves when documents
are added, reordered or re-reviewed, and a sentence that was once checked on is never trained
on later.

:func:`split_check` cuts labelled documents into the part to train on and the part to check on,
each an excerpt that keeps its sentences in document order (document pooling still sees a
document's other mentions); :class:`CheckSplit` does the same and remembers each document's
cut while its text and spans stay the same, because the GUI asks again after every run and
every review (hashing every sentence of a project on the UI thread, twice at the end of a
fine-tune, froze the window for 0.35-1.1 s: benchmarks/results/2026-12-07-ui-stalls.md).
:func:`training_record` is what a checkpoint stores about its
training data, and :func:`overlap` compares a scored set against it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ner_studio.core.text.document import Document
from ner_studio.core.plural import plural
from ner_studio.core.learning.training_set import excerpt

CHECK_SHARE = 0.2
# Fewer gold entities than this in the check set and a comparison between two versions is
# mostly noise (on 35 tweets with ~15 entities, two versions' F1 swapped order once 30 more
# tweets came in): the app then says so and lets the analyst decide.
MIN_CHECK_ENTITIES = 50
_HASH_CHARS = 16  # 64 bits: no accidental collisions among a project's sentences


def sentence_hash(words: Sequence[str]) -> str:
    """A content hash of one sentence's words (hex, 16 characters)."""
    return hashlib.sha1("\x1f".join(words).encode("utf-8")).hexdigest()[:_HASH_CHARS]


def hash_position(hashed: str) -> float:
    """Where a sentence's hash falls in [0, 1): the check set is [0, CHECK_SHARE); fine-tuning
    holds the next band out to stop early, so that set is as stable as the check set."""
    return int(hashed[:8], 16) / 0x1_0000_0000


def in_check_set(hashed: str, share: float = CHECK_SHARE) -> bool:
    return hash_position(hashed) < share


def document_hashes(doc: Document) -> list[str]:
    return [sentence_hash(doc.sentence_words(k)) for k in range(len(doc.sentences))]


def check_sentences(doc: Document, share: float = CHECK_SHARE) -> list[int]:
    """Indices of the sentences of ``doc`` that belong to the check set."""
    return band_sentences(doc, 0.0, share)


def band_sentences(doc: Document, low: float, high: float) -> list[int]:
    """Indices of the sentences of ``doc`` whose hash position is in ``[low, high)``."""
    return [k for k, hashed in enumerate(document_hashes(doc)) if low <= hash_position(hashed) < high]


def split_check(docs: Iterable[Document], share: float = CHECK_SHARE) -> tuple[list[Document], list[Document]]:
    """``(train, check)``: for every document, an excerpt of its training sentences and one of
    its check sentences (a document with none of one kind contributes nothing there)."""
    return split_band(docs, 0.0, share, suffix="check")


def split_band(docs: Iterable[Document], low: float, high: float, *,
               suffix: str = "held out") -> tuple[list[Document], list[Document]]:
    """``(rest, band)``: each document cut into the excerpt of its sentences outside the hash
    band ``[low, high)`` and the excerpt of those inside (empty excerpts are left out)."""
    rest, band = [], []
    for doc in docs:
        held = set(band_sentences(doc, low, high))
        kept = [k for k in range(len(doc.sentences)) if k not in held]
        if kept:
            rest.append(doc if not held else excerpt(doc, kept))
        if held:
            band.append(excerpt(doc, sorted(held), suffix=suffix))
    return rest, band


@dataclass(frozen=True, slots=True)
class _Cut:
    """One document's split, valid while its text, spans and name are these."""

    text: str
    spans: tuple
    whole: bool  # nothing held out: the document itself is the rest
    rest: Document | None
    band: Document | None
    band_hashes: tuple[str, ...]

    def fits(self, doc: Document) -> bool:
        # Identity first: a snapshot shares its live document's text and span tuple.
        return (self.text is doc.text or self.text == doc.text) and (self.spans is doc.spans or self.spans == doc.spans)


class CheckSplit:
    """:func:`split_check` that remembers each document's cut (keyed by its id and name, valid
    while its text and spans are the same), and :func:`check_fingerprint` of the check set it
    returned without hashing its sentences again. One per project and window: a document
    edited or reviewed since is cut again, the others cost a comparison."""

    def __init__(self, share: float = CHECK_SHARE):
        self.share = share
        self._cuts: dict[tuple, _Cut] = {}
        self._hashes: dict[int, tuple[Document, tuple[str, ...]]] = {}  # id(band excerpt): its hashes

    def split(self, docs: Iterable[Document]) -> tuple[list[Document], list[Document]]:
        """As :func:`split_check` (the same documents, the unchanged excerpts reused)."""
        rest, band, cuts = [], [], {}
        for doc in docs:
            key = (doc.doc_id, doc.name)
            cut = self._cuts.get(key)
            if cut is None or not cut.fits(doc):
                cut = self._cut(doc)
            cuts[key] = cut
            if cut.whole or cut.rest is not None:
                rest.append(doc if cut.whole else cut.rest)
            if cut.band is not None:
                band.append(cut.band)
        self._cuts = cuts  # documents gone or no longer labelled are forgotten
        self._hashes = {id(cut.band): (cut.band, cut.band_hashes) for cut in cuts.values() if cut.band is not None}
        return rest, band

    def fingerprint(self, check: Iterable[Document]) -> str:
        """:func:`check_fingerprint` of ``check`` (band excerpts of :meth:`split` are not hashed again)."""
        def hashes(doc: Document) -> Iterable[str]:
            known = self._hashes.get(id(doc))
            return known[1] if known is not None and known[0] is doc else document_hashes(doc)

        return _fingerprint(h for doc in check for h in hashes(doc))

    def _cut(self, doc: Document) -> _Cut:
        hashes = document_hashes(doc)
        held = [k for k, hashed in enumerate(hashes) if hash_position(hashed) < self.share]
        if not held:
            return _Cut(doc.text, doc.spans, bool(hashes), None, None, ())
        chosen = set(held)
        kept = [k for k in range(len(hashes)) if k not in chosen]
        return _Cut(doc.text, doc.spans, False, excerpt(doc, kept) if kept else None,
                    excerpt(doc, held, suffix="check"), tuple(hashes[k] for k in held))


@dataclass(frozen=True)
class Overlap:
    """How much of a scored set a model has trained on."""

    sentences: int
    seen: int

    @property
    def share(self) -> float:
        return self.seen / self.sentences if self.sentences else 0.0

    def warning(self) -> str | None:
        if not self.seen:
            return None
        return (f"{self.seen} of the {plural(self.sentences, 'scored sentence')} ({100 * self.share:.0f}%) are in this "
                "model's training data: the score overstates how well it does on new text")


def training_record(docs: Iterable[Document]) -> dict:
    """What a checkpoint stores about its training data: each document's id, name and content
    hash, and the hash of every training sentence (for :func:`overlap`)."""
    documents, hashes = [], []
    for doc in docs:
        mine = document_hashes(doc)
        hashes.extend(mine)
        digest = hashlib.sha1("".join(mine).encode("ascii")).hexdigest()[:_HASH_CHARS]
        documents.append({"id": doc.doc_id, "name": doc.name, "sentences": len(mine), "hash": digest})
    return {"documents": documents, "sentence_hashes": sorted(set(hashes))}


def describe_scored(docs: Sequence[Document], what: str, record: dict | None) -> tuple[str, str | None]:
    """What a score was computed on, in words, and a warning when ``docs`` overlap the model's
    training data (``record`` is its :func:`training_record`, None if it does not say)."""
    scored = ScoredSet(record)
    scored.add(docs)
    return scored.describe(what)


class ScoredSet:
    """What a score is computed on, gathered a piece of a file at a time: documents,
    sentences, and how many of them the model (``record``: its :func:`training_record`)
    trained on."""

    def __init__(self, record: dict | None):
        self._trained = set(record["sentence_hashes"]) if record and "sentence_hashes" in record else None
        self.documents = self.sentences = 0
        self.overlap: Overlap | None = None if self._trained is None else Overlap(0, 0)

    def add(self, docs: Iterable[Document]) -> None:
        for doc in docs:
            # A document a file was cut inside (read in pieces) is still one document.
            self.documents += not doc.meta.get("conll_continued")
            self.sentences += len(doc.sentences)
            if self._trained is not None:
                hashes = document_hashes(doc)
                self.overlap = Overlap(self.overlap.sentences + len(hashes),
                                       self.overlap.seen + sum(h in self._trained for h in hashes))

    def describe(self, what: str) -> tuple[str, str | None]:
        """As :func:`describe_scored`."""
        text = f"{what}: {plural(self.documents, 'document')}, {plural(self.sentences, 'sentence')}"
        if self.overlap is None:
            return text + " (this model does not record its training data, so overlap is unknown)", None
        if not self.overlap.seen:
            return text + ", none of them in this model's training data", None
        return text, self.overlap.warning()


def overlap(record: dict | None, docs: Iterable[Document]) -> Overlap | None:
    """Overlap of ``docs`` with a model's :func:`training_record`; None when the model does not
    say what it trained on (older files, models trained elsewhere)."""
    scored = ScoredSet(record)
    scored.add(docs)
    return scored.overlap


def check_fingerprint(docs: Iterable[Document]) -> str:
    """One hash for a whole check set: scores computed on it stay valid while it is unchanged."""
    return _fingerprint(h for doc in docs for h in document_hashes(doc))


def _fingerprint(hashes: Iterable[str]) -> str:
    return hashlib.sha1("".join(sorted(hashes)).encode("ascii")).hexdigest()[:_HASH_CHARS]
