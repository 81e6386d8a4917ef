"""Entity-level precision, recall and F1 as the field reports them.

The numbers are exactly seqeval's default (conlleval-compatible) mode: chunks are read
leniently (an ``I-`` after ``O`` starts an entity; IOB1, IOB2 and BIOES are all understood), an
entity counts as correct only when its type, first and last token all match, and a ratio with a
zero denominator is 0. seqeval itself is only a test dependency because it pulls in
scikit-learn.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


def chunks(tags: list[str]) -> list[tuple[str, int, int]]:
    """``(type, first, last)`` for each entity in one sentence's tags (inclusive bounds)."""
    found = []
    prev_tag, prev_type, begin = "O", "", 0
    for i, chunk in enumerate([*tags, "O"]):
        tag = chunk[0]
        type_ = chunk[1:].split("-", maxsplit=1)[-1] or "_"
        if _ends_chunk(prev_tag, tag, prev_type, type_):
            found.append((prev_type, begin, i - 1))
        if _starts_chunk(prev_tag, tag, prev_type, type_):
            begin = i
        prev_tag, prev_type = tag, type_
    return found


def _ends_chunk(prev_tag: str, tag: str, prev_type: str, type_: str) -> bool:
    if prev_tag in "ES":
        return True
    if prev_tag in "BI" and tag in "BSO":
        return True
    return prev_tag not in "O." and prev_type != type_


def _starts_chunk(prev_tag: str, tag: str, prev_type: str, type_: str) -> bool:
    if tag in "BS":
        return True
    if prev_tag in "ESO" and tag in "EI":
        return True
    return tag not in "O." and prev_type != type_


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    support: int  # entities in the reference

    @classmethod
    def from_counts(cls, correct: int, predicted: int, true: int) -> Score:
        precision = correct / predicted if predicted else 0.0
        recall = correct / true if true else 0.0
        # Same operation order as seqeval so the floats match bit for bit.
        f1 = 2.0 * precision * recall / (precision + recall) if precision + recall else 0.0
        return cls(precision, recall, f1, true)


@dataclass(frozen=True)
class Evaluation:
    overall: Score
    per_label: dict[str, Score] = field(default_factory=dict)
    token_accuracy: float = 0.0
    tokens: int = 0
    # Per sentence, in order: (correct, predicted, true) entities, for paired comparisons of two
    # models on the same sentences (``core.learning.adoption``); not part of ``to_dict``.
    sentence_counts: tuple[tuple[int, int, int], ...] = ()

    def to_dict(self) -> dict:
        def score(s: Score) -> dict:
            return {"precision": s.precision, "recall": s.recall, "f1": s.f1, "support": s.support}

        return {
            "overall": score(self.overall),
            "per_label": {label: score(s) for label, s in self.per_label.items()},
            "token_accuracy": self.token_accuracy,
            "tokens": self.tokens,
        }


class TagCounts:
    """Chunk and token counts added a sentence at a time, so a file read in pieces is scored
    without keeping its tags: ``add`` each piece, then ``evaluation()``. With ``per_sentence``
    each sentence's counts are kept too (``Evaluation.sentence_counts``): for a check set, not
    for a file of a million sentences."""

    def __init__(self, per_sentence: bool = False):
        self.true: Counter[str] = Counter()
        self.predicted: Counter[str] = Counter()
        self.correct: Counter[str] = Counter()
        self.tokens = self.right = self.sentences = 0
        self.keep_sentences = per_sentence
        self.per_sentence: list[tuple[int, int, int]] = []

    def add(self, gold: list[list[str]], predicted: list[list[str]]) -> None:
        if len(gold) != len(predicted):
            raise ValueError(f"{len(gold)} gold sentences but {len(predicted)} predicted")
        for gold_tags, pred_tags in zip(gold, predicted):
            if len(gold_tags) != len(pred_tags):
                raise ValueError(f"sentence {self.sentences}: {len(gold_tags)} gold tags but "
                                 f"{len(pred_tags)} predicted")
            self.sentences += 1
            self.tokens += len(gold_tags)
            self.right += sum(g == p for g, p in zip(gold_tags, pred_tags))
            gold_chunks = set(chunks(gold_tags))
            pred_chunks = set(chunks(pred_tags))
            self.true.update(c[0] for c in gold_chunks)
            self.predicted.update(c[0] for c in pred_chunks)
            self.correct.update(c[0] for c in gold_chunks & pred_chunks)
            if self.keep_sentences:
                self.per_sentence.append((len(gold_chunks & pred_chunks), len(pred_chunks), len(gold_chunks)))

    def evaluation(self) -> Evaluation:
        overall, per_label = label_scores(self.correct, self.predicted, self.true)
        return Evaluation(overall, per_label, self.right / self.tokens if self.tokens else 0.0, self.tokens,
                          tuple(self.per_sentence))


def label_scores(correct: Counter, predicted: Counter, true: Counter) -> tuple[Score, dict[str, Score]]:
    """``(overall, per_label)`` scores from counts per label, for every label true or predicted."""
    labels = sorted(set(true) | set(predicted))
    per_label = {label: Score.from_counts(correct[label], predicted[label], true[label]) for label in labels}
    overall = Score.from_counts(sum(correct.values()), sum(predicted.values()), sum(true.values()))
    return overall, per_label


def evaluate_tags(gold: list[list[str]], predicted: list[list[str]], *, per_sentence: bool = False) -> Evaluation:
    """Compare predicted tag sequences with gold ones, sentence by sentence."""
    counts = TagCounts(per_sentence)
    counts.add(gold, predicted)
    return counts.evaluation()


def format_table(evaluation: Evaluation) -> str:
    """A plain-text report: one row per label, then the overall scores."""
    rows = [f"{'label':<10} {'precision':>9} {'recall':>9} {'f1':>9} {'support':>8}"]
    for label, s in [*evaluation.per_label.items(), ("overall", evaluation.overall)]:
        rows.append(
            f"{label:<10} {100 * s.precision:9.2f} {100 * s.recall:9.2f} {100 * s.f1:9.2f} {s.support:8d}"
        )
    rows.append(f"token accuracy {100 * evaluation.token_accuracy:.2f}% over {evaluation.tokens} tokens")
    return "\n".join(rows)
