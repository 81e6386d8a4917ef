"""Is the model saving the analyst work? A log of review steps and its summary per batch.

Every time the analyst confirms a document (or a sentence in the review queue) that the model
had tagged, one :class:`ReviewRecord` notes which model proposed the entities, how many span
edits it took from that proposal to what the analyst confirmed (``core.learning.corrections``), how
many tokens and sentences were reviewed and how long it took. A *batch* is the next
``BATCH_SENTENCES`` sentences reviewed under one model version (a new version starts a new
batch), so the chart has points from the first reviews on, each marked with the version that
proposed the entities: if the loop works, corrections per 100 tokens and seconds per sentence
fall from batch to batch.

Only a real review counts. A record is *looked at* (``looked``) when the analyst edited what
the model proposed (a correction) or spent at least ``MIN_SECONDS_PER_SENTENCE`` per sentence
on it: in the review queue the time the sentence was on screen, for a whole document the time
it was shown. A document marked reviewed in a glance is not evidence of what the model saves
(its 0 corrections and 0 seconds would flatter it), so it stays in the log but out of the
figures; each batch counts those sentences (``glanced``) so the chart can say so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from itertools import groupby

from ner_studio.core.errors import NerStudioError
from ner_studio.core.learning.corrections import corrections_per_100_tokens

log = logging.getLogger(__name__)

REVIEW_LOG_SETTING = "learning.review_log"
# A document left open over lunch must not dominate the chart: one uninterrupted stretch of
# looking at a document counts for at most this long.
MAX_STRETCH_SECONDS = 600.0
# Nobody reads a sentence and its entities in less than a second; a faster confirmation
# without an edit is a bulk mark, not a review.
MIN_SECONDS_PER_SENTENCE = 1.0
# A point of the chart per this many reviewed sentences: small enough for a point after the
# first minutes of work, big enough that one odd sentence does not make the point.
BATCH_SENTENCES = 10


@dataclass(frozen=True)
class ReviewRecord:
    model: str  # the model version whose entities were reviewed
    tokens: int
    sentences: int
    corrections: int  # span edits from the proposal to the confirmed entities
    seconds: float
    looked: bool = True  # a real review (see the module doc); older logs have no field: True

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ReviewRecord | None:
        """None for an entry that is not a record (a hand-edited or damaged project)."""
        try:
            return cls(str(data["model"]), int(data["tokens"]), int(data["sentences"]), int(data["corrections"]),
                       float(data["seconds"]), bool(data.get("looked", True)))
        except (KeyError, TypeError, ValueError):
            return None


@dataclass(frozen=True)
class BatchEffect:
    model: str
    sentences: int
    tokens: int
    corrections_per_100_tokens: float
    seconds_per_sentence: float
    glanced: int = 0  # sentences marked reviewed meanwhile without a look: not in the figures


def looked_at(corrections: int, sentences: int, seconds: float) -> bool:
    """Whether a confirmation was a real review (the module doc says why)."""
    return corrections > 0 or seconds >= MIN_SECONDS_PER_SENTENCE * max(sentences, 1)


def read_log(value) -> list[ReviewRecord]:
    records = (ReviewRecord.from_dict(item) for item in value if isinstance(item, dict)) if isinstance(value, list) else ()
    return [record for record in records if record is not None]


def append_record(project, record: ReviewRecord) -> None:
    """Add ``record`` to ``project``'s review log (a project setting, one per annotator)."""
    entries = project.get_setting(REVIEW_LOG_SETTING, [])
    project.set_setting(REVIEW_LOG_SETTING, [*(entries if isinstance(entries, list) else []), record.to_dict()])


def remove_record(project, record: ReviewRecord) -> None:
    """Take ``record`` (its last copy) out of ``project``'s review log: the review it noted was undone."""
    entries = project.get_setting(REVIEW_LOG_SETTING, [])
    entries = list(entries) if isinstance(entries, list) else []
    for k in range(len(entries) - 1, -1, -1):
        if isinstance(entries[k], dict) and ReviewRecord.from_dict(entries[k]) == record:
            del entries[k]
            project.set_setting(REVIEW_LOG_SETTING, entries)
            return


class ReviewLogBook:
    """The review log kept in memory: read once (``load``), each change handed to ``store``
    whole (the window writes it a moment later, with the other review records). Reading and
    rewriting it from the project at every review cost a read and a commit per sentence."""

    def __init__(self, load: Callable[[], object], store: Callable[[list], None], *, read_only: bool = False):
        self._load, self._store, self.read_only = load, store, read_only
        self._entries: list | None = None

    def note(self, record: ReviewRecord | None, *, undone: bool = False) -> bool:
        """``append`` (``undone``: ``remove``) as a convenience, never an error: whether the log
        changed (a failed read or write is logged; the review itself stands)."""
        if record is None or self.read_only:
            return False
        try:
            (self.remove if undone else self.append)(record)
        except NerStudioError as error:
            log.warning("the review log was not updated: %s", error)
            return False
        return True

    def readable_records(self) -> list[ReviewRecord]:
        """``records()``, or none if the project cannot be read (logged)."""
        try:
            return self.records()
        except NerStudioError as error:
            log.warning("the review log cannot be read: %s", error)
            return []

    def entries(self) -> list:
        if self._entries is None:
            stored = self._load()
            self._entries = list(stored) if isinstance(stored, list) else []
        return self._entries

    def records(self) -> list[ReviewRecord]:
        return read_log(self.entries())

    def append(self, record: ReviewRecord) -> None:
        self.entries().append(record.to_dict())
        self._store(self.entries())

    def remove(self, record: ReviewRecord) -> None:
        """Take ``record`` (its last copy) out: the review it noted was undone."""
        entries = self.entries()
        for k in range(len(entries) - 1, -1, -1):
            if isinstance(entries[k], dict) and ReviewRecord.from_dict(entries[k]) == record:
                del entries[k]
                self._store(entries)
                return


def project_log(project) -> list[ReviewRecord]:
    return read_log(project.get_setting(REVIEW_LOG_SETTING, []))


def batches(records: list[ReviewRecord], size: int = BATCH_SENTENCES) -> list[BatchEffect]:
    """One summary per ``size`` sentences looked at under one model, oldest first; the last
    batch of each model may be smaller (it is still filling, or the model changed)."""
    found = []
    for model, run in groupby(records, key=lambda record: record.model):
        batch: list[ReviewRecord] = []
        glanced = 0
        for record in run:
            if not record.looked:
                glanced += record.sentences
                continue
            batch.append(record)
            if sum(r.sentences for r in batch) >= size:
                found.append(_summary(model, batch, glanced))
                batch, glanced = [], 0
        if batch:
            found.append(_summary(model, batch, glanced))
        elif glanced and found:  # glances with nothing looked at after them: told with the last point
            found[-1] = replace(found[-1], glanced=found[-1].glanced + glanced)
    return found


def _summary(model: str, run: list[ReviewRecord], glanced: int) -> BatchEffect:
    tokens, sentences = sum(r.tokens for r in run), sum(r.sentences for r in run)
    return BatchEffect(model, sentences, tokens, corrections_per_100_tokens(sum(r.corrections for r in run), tokens),
                       sum(r.seconds for r in run) / sentences if sentences else 0.0, glanced)
