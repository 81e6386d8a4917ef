"""The "Review next" queue without Qt: sentences not reviewed yet, least sure first.

Candidates are the sentences of documents that are not reviewed, minus those the analyst
already accepted and those with nothing to ask (``core.learning.active_learning.settled_sentences``:
every entity the analyst's own, or none and the model sure); they are ranked by ``core.learning.active_learning`` from the uncertainty scores of
the last prediction. Skipped sentences are not dropped: they go to the back of the queue, in the
order they were skipped, so nothing is lost by skipping.

When no open sentence is left that the model is unsure of, the queue *runs dry*: it then holds
the settled open sentences, least sure first, so the analyst can still review everything from
the keyboard (Prodigy says "No tasks available" and stops; the analyst here would be left with
no word and no way on: benchmarks/results/2026-12-07-analyst-loop-2.md). ``dry`` says which.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ner_studio.core.learning.active_learning import DEFAULT_STRATEGY, Candidate, check_strategy, doubt, rank
from ner_studio.core.plural import plural

Key = tuple[int, int]  # (document id, sentence index)


@dataclass(frozen=True)
class QueueItem:
    doc_id: int
    sentence: int
    scores: object  # SentenceUncertainty
    doubt: float
    skipped: bool = False
    settled: bool = False  # nothing to ask about: offered only once the queue ran dry

    @property
    def key(self) -> Key:
        return self.doc_id, self.sentence


class ReviewQueue:
    def __init__(self, strategy: str = DEFAULT_STRATEGY, seed: int = 0):
        self.strategy = check_strategy(strategy)
        self.seed = seed
        self.items: list[QueueItem] = []
        self._skipped: dict[Key, None] = {}  # insertion-ordered set
        self.dry = False  # no open sentence the model is unsure of: the items are settled ones

    def set_strategy(self, strategy: str) -> None:
        self.strategy = check_strategy(strategy)

    def rebuild(self, scores: dict[int, list], reviewed: set[int], accepted: dict[int, set[int]],
                settled: dict[int, set[int]] | None = None) -> list[QueueItem]:
        """Rank every open sentence; ``scores`` maps document ids to per-sentence uncertainty,
        ``accepted`` to the sentences left out and ``settled`` to those offered only once no
        other is left (then ``dry``)."""
        unsure, sure = {}, {}
        settled = settled or {}
        for doc_id, sentence_scores in scores.items():
            if doc_id in reviewed:
                continue
            done, calm = accepted.get(doc_id, set()), settled.get(doc_id, set())
            for k, s in enumerate(sentence_scores):
                if k not in done:
                    (sure if k in calm else unsure)[(doc_id, k)] = s
        self.dry = not unsure
        open_ = sure if self.dry else unsure
        fresh = [Candidate(key, s) for key, s in open_.items() if key not in self._skipped]
        ranked = [self._item(c.key, c.scores) for c in rank(fresh, self.strategy, seed=self.seed)]
        later = [self._item(key, open_[key], skipped=True) for key in self._skipped if key in open_]
        self.items = ranked + later
        return self.items

    def _item(self, key: Key, scores, *, skipped: bool = False) -> QueueItem:
        return QueueItem(key[0], key[1], scores, doubt(scores, self.strategy), skipped, self.dry)

    def head(self) -> QueueItem | None:
        return self.items[0] if self.items else None

    def skip(self, key: Key) -> None:
        """Move ``key`` to the back of the queue."""
        self._skipped.pop(key, None)
        self._skipped[key] = None
        item = next((i for i in self.items if i.key == key), None)
        if item is not None:
            self.items = [i for i in self.items if i.key != key] + [replace(item, skipped=True)]

    def remove(self, key: Key) -> None:
        """``key`` was accepted: it leaves the queue."""
        self._skipped.pop(key, None)
        self.items = [i for i in self.items if i.key != key]

    def remove_document(self, doc_id: int) -> None:
        """``doc_id`` was marked reviewed as a whole: its sentences leave the queue."""
        self.items = [i for i in self.items if i.doc_id != doc_id]
        for key in [key for key in self._skipped if key[0] == doc_id]:
            del self._skipped[key]

    def __len__(self) -> int:
        return len(self.items)


def dry_message(waiting: int, open_documents: int, documents: int) -> str:
    """What a queue with nothing unsure left says: ``waiting`` settled sentences it goes on with;
    with none, what remains of the ``documents`` (``open_documents`` not reviewed)."""
    if waiting:
        return (f"Nothing the model is unsure of: {plural(waiting, 'open sentence')} left, each one it is "
                "sure of or with entities all yours. Review Next now takes those, least sure first.")
    if not open_documents:
        return (f"Nothing left to review: all {plural(documents, 'document')} are reviewed. "
                "File > Export (Ctrl+E) writes them.")
    return (f"Nothing left in the queue: {plural(open_documents, 'open document')} without a tagged sentence "
            "to review (empty, or not tagged yet); open them from the document list.")
