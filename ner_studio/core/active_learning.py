"""Which sentence should a person label next? Order candidates by how unsure the model is.

The numbers come from the model (``SentenceUncertainty``: least confidence, MNLP, token
entropy); this module only ranks, so it is pure and testable without torch. Every strategy is
turned into one "doubt" value where *higher means less sure*, and candidates are sorted by it,
most doubtful first. Ties keep the input order, so the ranking is deterministic.

MNLP (maximum normalized log-probability, Shen et al. 2017) is the default: the log
probability of the best tag sequence divided by the sentence length, so long sentences are not
picked merely for being long.
"""

from __future__ import annotations

import math
import random
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Protocol

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
