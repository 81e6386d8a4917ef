"""Continuous learning without Qt: when the next round is due, what the loop keeps in the
project, and the line the status bar shows.

A round fine-tunes the current model on every reviewed sentence, so its cost grows with the
data: measured (benchmarks/results/2026-12-02-adaptation-to-tweets.md, 1 torch thread, a round
continuing from the previous round's model) 77-153 s at 900-1,394 reviewed sentences, about
0.1 s per sentence reviewed so far; an analyst spends 5-10 s on a sentence. A round after every
``max(50, reviewed / 5)`` new sentences (:func:`round_every`) therefore keeps one core busy at
most ~15% of the reviewing time and each round ends long before the next is due; 50 is where
that benchmark's learning curve showed the model's help grow round by round (rounds of 50
tweets up to 200). A project may fix K instead (``EVERY_SETTING``; the tests use 2).

When the review queue runs dry (no open sentence the model is unsure of), K more reviewed
sentences may never come: the analyst-loop runs stopped learning at 550-560 of 600 tweets, the
tweets reviewed since the last round below K (benchmarks/results/2026-12-07-analyst-loop-2.md).
A round then comes due after ``DRY_ROUND`` (:func:`due_after`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ner_studio.core.plural import plural

ON_SETTING = "learning.continuous"  # bool, per project; on unless the analyst paused it
EVERY_SETTING = "learning.continuous_every"  # a fixed K instead of round_every's
STATE_SETTING = "learning.continuous_state"  # LoopState as a dict
FIRST_ROUND = 50
GROWTH = 5  # a round once the reviewed sentences grew by a fifth (at least FIRST_ROUND)
# Once the queue ran dry, a round after this many reviewed sentences not learned from yet. A
# round learns from everything reviewed and costs what a K round does, so fewer new sentences
# than this (a check-set fifth of them: two) could hardly change the verdict or the model; it is
# the floor below which training refuses at all (``training_set.MIN_REVIEWED_SENTENCES``).
DRY_ROUND = 10
DRY = "queue ran dry"


def round_every(learned_from: int, fixed: int | None = None) -> int:
    """K: new reviewed sentences before the next round, after one that learned from
    ``learned_from`` (the module doc gives the measurement behind it)."""
    if fixed:
        return max(1, fixed)
    return max(FIRST_ROUND, learned_from // GROWTH)


def due_after(every: int, *, dry: bool) -> int:
    """Reviewed sentences not learned from yet before the next round: K, or at most
    ``DRY_ROUND`` once the review queue ran dry."""
    return min(every, DRY_ROUND) if dry else every


@dataclass(frozen=True)
class LoopState:
    """What the loop remembers between sessions: the reviewed sentences the last round learned
    from, and those reviewed since."""

    learned_from: int = 0
    pending: int = 0

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_setting(cls, value) -> LoopState:
        """A missing or damaged setting starts from nothing (a convenience, not data)."""
        try:
            return cls(max(0, int(value["learned_from"])), max(0, int(value["pending"])))
        except (KeyError, TypeError, ValueError):
            return cls()


def status_text(state: LoopState, every: int, *, on: bool, running: bool, reviewed_now: int | None = None,
                why: str = "", dry: bool = False) -> str:
    """The status bar's line: "learning from 250 reviewed sentences · next round after 50 more";
    ``why``: what started the running round when not K ("queue ran dry"); ``dry``: ``every`` is
    ``due_after``'s for a dry queue."""
    more = max(0, every - state.pending)
    if on and running and why:
        return f"Learning from {plural(reviewed_now or state.learned_from, 'reviewed sentence')} · {why}"
    if on and not running and dry:
        done = f"Learned from {plural(state.learned_from, 'reviewed sentence')}" if state.learned_from else "Continuous learning"
        return f"{done} · next round after {more:,} more ({DRY})"
    if not on:
        return (f"Continuous learning paused · {plural(state.pending, 'reviewed sentence')} wait for it "
                "(Model > Learn Continuously)")
    if running:
        return (f"Learning from {plural(reviewed_now or state.learned_from, 'reviewed sentence')} · "
                f"next round after {more:,} more")
    if state.learned_from:
        return f"Learned from {plural(state.learned_from, 'reviewed sentence')} · next round after {more:,} more"
    return f"Continuous learning: the first round after {plural(more, 'more reviewed sentence')}"
