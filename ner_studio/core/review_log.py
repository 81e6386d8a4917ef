"""Is the model saving the analyst work? A log of review steps and its summary per batch.

Every time the analyst confirms a document (or a sentence in the review queue) that the model
had tagged, one :class:`ReviewRecord` notes which model proposed the entities, how many span
edits it took from that proposal to what the analyst confirmed (``core.corrections``), how
many tokens and sentences were reviewed and how long it took. A *batch* is the run of records
made under one model version, i.e. between two fine-tunes: if the loop works, corrections per
100 tokens and seconds per sentence fall from batch to batch.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from itertools import groupby

from ner_studio.core.corrections import corrections_per_100_tokens

REVIEW_LOG_SETTING = "learning.review_log"
# A document left open over lunch must not dominate the chart: one uninterrupted stretch of
# looking at a document counts for at most this long.
MAX_STRETCH_SECONDS = 600.0


@dataclass(frozen=True)
class ReviewRecord:
    model: str  # the model version whose entities were reviewed
    tokens: int
    sentences: int
    corrections: int  # span edits from the proposal to the confirmed entities
    seconds: float

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ReviewRecord | None:
        """None for an entry that is not a record (a hand-edited or damaged project)."""
        try:
            return cls(str(data["model"]), int(data["tokens"]), int(data["sentences"]), int(data["corrections"]),
                       float(data["seconds"]))
        except (KeyError, TypeError, ValueError):
            return None


@dataclass(frozen=True)
class BatchEffect:
    model: str
    sentences: int
    tokens: int
    corrections_per_100_tokens: float
    seconds_per_sentence: float


def read_log(value) -> list[ReviewRecord]:
    records = (ReviewRecord.from_dict(item) for item in value if isinstance(item, dict)) if isinstance(value, list) else ()
    return [record for record in records if record is not None]


def append_record(project, record: ReviewRecord) -> None:
    """Add ``record`` to ``project``'s review log (a project setting, one per annotator)."""
    entries = project.get_setting(REVIEW_LOG_SETTING, [])
    project.set_setting(REVIEW_LOG_SETTING, [*(entries if isinstance(entries, list) else []), record.to_dict()])


def project_log(project) -> list[ReviewRecord]:
    return read_log(project.get_setting(REVIEW_LOG_SETTING, []))


def batches(records: list[ReviewRecord]) -> list[BatchEffect]:
    """One summary per run of consecutive records under the same model, oldest first."""
    found = []
    for model, run in groupby(records, key=lambda record: record.model):
        run = list(run)
        tokens, sentences = sum(r.tokens for r in run), sum(r.sentences for r in run)
        found.append(BatchEffect(model, sentences, tokens,
                                 corrections_per_100_tokens(sum(r.corrections for r in run), tokens),
                                 sum(r.seconds for r in run) / sentences if sentences else 0.0))
    return found
