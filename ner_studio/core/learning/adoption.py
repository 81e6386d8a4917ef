"""Adoption by evidence: a new model version becomes the current one only if it does strictly
better than the current one on the same check sentences (see ``core.learning.check_set``). A tie keeps
the current model: switching costs a re-tag of every document not reviewed and moves
suggestions the analyst has already seen, for no measured gain (issue 23).

Scores on a handful of entities are mostly noise, so below ``MIN_CHECK_ENTITIES`` gold entities
in the check set there is no verdict: the analyst sees both numbers and decides. Every verdict carries a one-line reason the
Models panel shows beside the version.
"""

from __future__ import annotations

from dataclasses import dataclass

from ner_studio.core.learning import check_set
from ner_studio.core.plural import plural


@dataclass(frozen=True)
class Verdict:
    adopt: bool | None  # None: too little evidence, the analyst decides
    reason: str

    def to_dict(self) -> dict:
        return {"adopt": self.adopt, "reason": self.reason}


def judge(new_f1: float, current_f1: float, check_sentences: int, check_entities: int, *,
          minimum: int | None = None, current_name: str = "the current model") -> Verdict:
    """Compare two entity F1 scores (0-1) measured on the same check sentences, which hold
    ``check_entities`` gold entities; at least ``minimum`` of them (default
    ``check_set.MIN_CHECK_ENTITIES``) give a verdict."""
    minimum = check_set.MIN_CHECK_ENTITIES if minimum is None else minimum
    both = f"check F1 {100 * new_f1:.1f} vs {100 * current_f1:.1f} for {current_name}"
    where = f"{plural(check_sentences, 'check sentence')} ({plural(check_entities, 'entity')})"
    if check_entities < minimum:
        return Verdict(None, f"{both} on only {where}, fewer than {minimum} entities: too few to tell them apart")
    if new_f1 > current_f1:
        return Verdict(True, f"adopted: {both} on {where}")
    if new_f1 == current_f1:
        return Verdict(False, f"not adopted: a tie, {both} on {where}; the current model stays")
    return Verdict(False, f"not adopted: {both} on {where}")


def decided(verdict: Verdict, adopt: bool) -> Verdict:
    """The analyst's own decision on a verdict without one."""
    return Verdict(adopt, f"{'adopted' if adopt else 'not adopted'} by you: {verdict.reason}")
