"""Adoption by evidence: a new model version becomes the current one only if it does better
than the current one on the same check sentences (see ``core.learning.check_set``), which
neither has trained on. A tie keeps the current model: switching costs a re-tag of every
document not reviewed and moves suggestions the analyst has already seen, for no measured gain
(issue 23).

With at least ``MIN_CHECK_ENTITIES`` gold entities in the check set, strictly better F1 adopts.
Below that an F1 difference is mostly noise (two versions' order on 35 tweets swapped once 30
more came in), but not always: on tweets, rounds after 50-250 reviewed ones scored 3-8x the
bundled model (42.1 vs 5.4 F1 on 12 check entities) and still waited for 50 entities, 300
tweets (benchmarks/results/2026-12-07-analyst-loop.md). So a small check set is judged by how
*sure* the win is, not by its size: a paired bootstrap over the check sentences (Koehn 2004,
the test MT and NER papers use) draws ``RESAMPLES`` sets of as many sentences, with
replacement, scores both versions on each from their per-sentence counts, and counts how often
the new one's F1 is higher. At ``CONFIDENCE`` (95%) or more it is adopted; a tie or a narrow
win never gets there (a tie wins no resample). Below ``MIN_EVIDENCE_ENTITIES`` even a
bootstrap is too coarse (five sentences have few distinct resamples), so there is no verdict:
the analyst sees both numbers and decides (the loop keeps such a version aside). Every verdict
carries a one-line reason the Models panel shows beside the version.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from ner_studio.core.learning import check_set
from ner_studio.core.plural import plural

RESAMPLES = 1000  # Koehn's; the confidence then moves by at most 0.1% from one draw to another
CONFIDENCE = 0.95
MIN_EVIDENCE_ENTITIES = 10
SEED = 25  # a fixed draw: the same two versions on the same sentences get the same verdict

SentenceCounts = Sequence[tuple[int, int, int]]  # per check sentence: (correct, predicted, true)


@dataclass(frozen=True)
class Verdict:
    adopt: bool | None  # None: too little evidence, the analyst decides
    reason: str

    def to_dict(self) -> dict:
        return {"adopt": self.adopt, "reason": self.reason}


def _f1(correct: int, predicted: int, true: int) -> float:
    return 2.0 * correct / (predicted + true) if predicted + true else 0.0


def confidence_better(new: SentenceCounts, current: SentenceCounts, *, resamples: int = RESAMPLES,
                      seed: int = SEED) -> float:
    """The share of bootstrap resamples of the check sentences (paired: the same sentences for
    both) on which ``new`` has the higher entity F1; 0 without sentences."""
    if not new or len(new) != len(current):
        return 0.0
    rows = [(*n, *c) for n, c in zip(new, current)]
    draw, size, wins = random.Random(seed).choices, len(rows), 0
    for _ in range(resamples):
        nc = np = nt = cc = cp = ct = 0
        for a, b, c, d, e, f in draw(rows, k=size):
            nc, np, nt, cc, cp, ct = nc + a, np + b, nt + c, cc + d, cp + e, ct + f
        wins += _f1(nc, np, nt) > _f1(cc, cp, ct)
    return wins / resamples


def judge(new_f1: float, current_f1: float, check_sentences: int, check_entities: int, *,
          minimum: int | None = None, current_name: str = "the current model",
          paired: tuple[SentenceCounts, SentenceCounts] | None = None) -> Verdict:
    """Compare two entity F1 scores (0-1) measured on the same check sentences, which hold
    ``check_entities`` gold entities; at least ``minimum`` of them (default
    ``check_set.MIN_CHECK_ENTITIES``) give a verdict on the scores alone, fewer one by the
    bootstrap over ``paired`` (each version's per-sentence counts), when given."""
    minimum = check_set.MIN_CHECK_ENTITIES if minimum is None else minimum
    both = f"check F1 {100 * new_f1:.1f} vs {100 * current_f1:.1f} for {current_name}"
    where = f"{plural(check_sentences, 'check sentence')} ({plural(check_entities, 'entity')})"
    if check_entities < minimum:
        thin = f"{both} on only {where}, fewer than {minimum} entities"
        if paired is None or check_entities < MIN_EVIDENCE_ENTITIES:
            return Verdict(None, f"{thin}: too few to tell them apart")
        sure = confidence_better(*paired)
        if sure >= CONFIDENCE and new_f1 > current_f1:
            return Verdict(True, f"adopted: {thin}, but better in {100 * sure:.1f}% of "
                                 f"{RESAMPLES:,} resamples of them")
        return Verdict(None, f"{thin}, better in only {100 * sure:.1f}% of {RESAMPLES:,} resamples of them "
                             f"({100 * CONFIDENCE:.0f}% needed): too few to tell them apart")
    if new_f1 > current_f1:
        return Verdict(True, f"adopted: {both} on {where}")
    if new_f1 == current_f1:
        return Verdict(False, f"not adopted: a tie, {both} on {where}; the current model stays")
    return Verdict(False, f"not adopted: {both} on {where}")


def decided(verdict: Verdict, adopt: bool) -> Verdict:
    """The analyst's own decision on a verdict without one."""
    return Verdict(adopt, f"{'adopted' if adopt else 'not adopted'} by you: {verdict.reason}")
