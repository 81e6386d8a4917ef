"""Which sentence should a person label next? Order candidates by how unsure the model is.

The numbers come from the model (``SentenceUncertainty``: least confidence, MNLP, token
entropy); this module only ranks, so it is pure and testable without torch. Every strategy is
turned into one "doubt" value where *higher means less sure*, and candidates are sorted by it,
most doubtful first. Ties keep the input order, so the ranking is deterministic.

MNLP (maximum normalized log-probability, Shen et al. 2017) is the default: the log
probability of the best tag sequence divided by the sentence length, so long sentences are not
picked merely for being long.

Not every open sentence is a candidate (:func:`settled_sentences`): one whose entities are all
the analyst's own (drawn, accepted, or imported with a labelled CoNLL or JSONL file), or one
without any entity where the model is sure of every token, has nothing left to ask about.
"""

from __future__ import annotations

import math
import random
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Protocol

# The app's line between sure and unsure (an entity below 0.5 confidence gets a dotted frame).
# A sentence's best tagging is never more probable than any one token's tag in it, so a
# sentence whose best tagging is at least this probable has no unsure token.
UNSURE_BELOW = 0.5

STRATEGIES = {
    "mnlp": "Lowest normalised log-probability (MNLP)",
    "least_confidence": "Least confidence (1 − P(best tagging))",
    "entropy": "Highest mean token entropy",
    "random": "Random order",
}
DEFAULT_STRATEGY = "mnlp"


class Uncertainty(Protocol):
    """What the model reports per sentence (``model.predict.SentenceUncertainty``)."""

    least_confidence: float
    mnlp: float
    entropy: float


@dataclass(frozen=True)
class Candidate:
    """One sentence that could be labelled next: ``key`` says which (e.g. ``(doc_id, k)``)."""

    key: Hashable
    scores: Uncertainty


def check_strategy(strategy: str) -> str:
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}; choose one of {', '.join(STRATEGIES)}")
    return strategy


def doubt(scores: Uncertainty, strategy: str) -> float:
    """How unsure the model is under ``strategy``; higher = label this sooner. NaN scores
    (a model that produced garbage) count as the least sure of all."""
    check_strategy(strategy)
    if strategy == "mnlp":
        value = -scores.mnlp
    elif strategy == "least_confidence":
        value = scores.least_confidence
    elif strategy == "entropy":
        value = scores.entropy
    else:
        return 0.0
    return math.inf if math.isnan(value) else value


def rank(candidates: Iterable[Candidate], strategy: str = DEFAULT_STRATEGY, *, seed: int = 0) -> list[Candidate]:
    """``candidates`` ordered most doubtful first; ``"random"`` is a shuffle seeded by ``seed``."""
    candidates = list(candidates)
    if check_strategy(strategy) == "random":
        random.Random(seed).shuffle(candidates)
        return candidates
    return sorted(candidates, key=lambda c: -doubt(c.scores, strategy))


def select(candidates: Iterable[Candidate], count: int, strategy: str = DEFAULT_STRATEGY,
           *, seed: int = 0) -> list[Candidate]:
    """The ``count`` candidates to label next."""
    return rank(candidates, strategy, seed=seed)[: max(count, 0)]


def settled_sentences(doc, scores: list[Uncertainty], spans: Iterable | None = None) -> set[int]:
    """Indices of the sentences of ``doc`` (a ``core.text.document.Document``) the review queue
    leaves out: every entity in them is the analyst's own (human or accepted), or there is no
    entity and the model is sure of every token (``scores[k]``, the last prediction's; a
    sentence without a score, or with a NaN one, stays). ``spans``: judge these instead of
    the document's (a tagging worker's merge, before the UI thread swaps it in)."""
    has_entity: set[int] = set()
    unconfirmed: set[int] = set()
    for span in doc.spans if spans is None else spans:
        first, end = doc.token_range(span.start, span.end)
        for k in range(doc.sentence_of_token(first), doc.sentence_of_token(end - 1) + 1):
            has_entity.add(k)
            if not span.source.confirmed:
                unconfirmed.add(k)
    settled = has_entity - unconfirmed
    for k, sentence_scores in enumerate(scores[: len(doc.sentences)]):
        # NaN compares False: a model that produced garbage never settles a sentence.
        if k not in has_entity and 1.0 - sentence_scores.least_confidence >= UNSURE_BELOW:
            settled.add(k)
    return settled
