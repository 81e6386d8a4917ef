"""Ranking sentences for the review queue, and the snapshots fine-tuning learns from."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ner_studio.core.learning.active_learning import STRATEGIES, Candidate, doubt, rank, select, settled_sentences
from ner_studio.core.text.document import Document, Status
from ner_studio.core.text.spans import Source, Span
from ner_studio.core.learning.training_set import (
    SnapshotCache, accepted_from_setting, accepted_to_setting, labelled_documents, sentence_range, sentence_snapshot, snapshot,
)


@dataclass(frozen=True)
class Scores:
    least_confidence: float
    mnlp: float
    entropy: float


CANDIDATES = [
    Candidate("sure", Scores(0.05, -0.01, 0.02)),
    Candidate("long and unsure", Scores(0.99, -0.20, 0.30)),
    Candidate("short and unsure", Scores(0.60, -0.50, 0.90)),
    Candidate("middling", Scores(0.40, -0.10, 0.95)),
]


def keys(candidates):
    return [c.key for c in candidates]


def test_mnlp_puts_the_lowest_normalised_log_probability_first():
    assert keys(rank(CANDIDATES)) == ["short and unsure", "long and unsure", "middling", "sure"]


def test_least_confidence_and_entropy_order_by_their_own_score():
    assert keys(rank(CANDIDATES, "least_confidence")) == ["long and unsure", "short and unsure", "middling", "sure"]
    assert keys(rank(CANDIDATES, "entropy")) == ["middling", "short and unsure", "long and unsure", "sure"]


def test_random_is_a_seeded_shuffle():
    first = keys(rank(CANDIDATES * 5, "random", seed=3))
    assert first == keys(rank(CANDIDATES * 5, "random", seed=3))
    assert first != keys(rank(CANDIDATES * 5, "random", seed=4))
    assert sorted(first) == sorted(keys(CANDIDATES * 5))


def test_select_takes_the_top_of_the_ranking():
    assert keys(select(CANDIDATES, 2, "least_confidence")) == ["long and unsure", "short and unsure"]
    assert select(CANDIDATES, 0) == []


def test_nan_scores_count_as_least_sure_and_unknown_strategies_are_refused():
    broken = Candidate("broken", Scores(math.nan, math.nan, math.nan))
    assert keys(rank([*CANDIDATES, broken]))[0] == "broken"
    with pytest.raises(ValueError, match="unknown strategy 'margin'"):
        rank(CANDIDATES, "margin")


score = st.floats(min_value=0.0, max_value=5.0, allow_nan=False)


@given(st.lists(st.tuples(score, score, score), max_size=30), st.sampled_from(sorted(STRATEGIES)))
def test_rank_is_a_permutation_ordered_by_doubt(values, strategy):
    candidates = [Candidate(i, Scores(min(lc, 1.0), -mnlp, ent)) for i, (lc, mnlp, ent) in enumerate(values)]
    ranked = rank(candidates, strategy, seed=1)
    assert sorted(keys(ranked)) == list(range(len(candidates)))
    doubts = [doubt(c.scores, strategy) for c in ranked]
    if strategy != "random":
        assert doubts == sorted(doubts, reverse=True)
        # Ties keep the input order, so the queue does not jump around between re-ranks.
        for a, b in zip(ranked, ranked[1:]):
            if doubt(a.scores, strategy) == doubt(b.scores, strategy):
                assert a.key < b.key


# --- training snapshots ---------------------------------------------------------------------
def two_sentence_document() -> Document:
    doc = Document.from_text("Karin Olsson visited Lisbon. Then Madrid welcomed her.", name="trip")
    doc.add_span(Span(0, 12, "PER"))
    doc.add_span(Span(21, 27, "LOC", Source.MODEL, 0.7))
    doc.add_span(Span(34, 40, "LOC"))
    doc.doc_id = 7
    return doc


def test_a_snapshot_does_not_follow_later_edits():
    doc = two_sentence_document()
    copy = snapshot(doc)
    doc.remove_span(doc.spans[0])
    assert len(copy.spans) == 3 and copy.doc_id == 7 and copy.text == doc.text


def test_a_sentence_snapshot_is_a_document_of_that_sentence_alone():
    doc = two_sentence_document()
    assert len(doc.sentences) == 2
    second = sentence_snapshot(doc, 1)
    start, end = sentence_range(doc, 1)
    assert second.text == doc.text[start:end] == "Then Madrid welcomed her."
    assert [(second.text[s.start:s.end], s.label) for s in second.spans] == [("Madrid", "LOC")]
    assert second.status == Status.REVIEWED and len(second.sentences) == 1


def test_labelled_documents_are_reviewed_ones_plus_accepted_sentences():
    reviewed, other = two_sentence_document(), two_sentence_document()
    other.doc_id = 8
    docs = labelled_documents([reviewed], {7: {0}, 8: {1, 5}}, [reviewed, other])
    assert [len(d.sentences) for d in docs] == [2, 1]
    assert docs[1].text == "Then Madrid welcomed her."


def test_the_snapshot_cache_reuses_a_snapshot_until_its_document_changes():
    reviewed, other = two_sentence_document(), two_sentence_document()
    other.doc_id = 8
    cache = SnapshotCache()
    first = cache.labelled([reviewed], {8: {1}}, [other])
    assert [(d.text, d.spans) for d in first] == [
        (d.text, d.spans) for d in labelled_documents([reviewed], {8: {1}}, [other])]
    again = cache.labelled([reviewed], {8: {1}}, [other])
    assert all(a is b for a, b in zip(again, first))  # nothing changed: the same snapshots
    madrid = next(s for s in reviewed.spans if s.label == "LOC" and reviewed.text[s.start:s.end] == "Madrid")
    reviewed.edit((madrid,), (Span(madrid.start, madrid.end, "ORG", Source.HUMAN),))
    edited = cache.labelled([reviewed], {8: {0, 1}}, [other])
    assert edited[0] is not first[0] and "ORG" in {s.label for s in edited[0].spans}
    assert [d.text for d in edited[1:]] == [d.text for d in labelled_documents([], {8: {0, 1}}, [other])]
    assert first[0].spans != edited[0].spans  # a snapshot handed out earlier never changes


def test_accepted_sentences_round_trip_through_the_setting_and_survive_junk():
    accepted = {3: {2, 0}, 5: set(), 9: {1}}
    stored = accepted_to_setting(accepted)
    assert stored == {"3": [0, 2], "9": [1]}
    assert accepted_from_setting(stored) == {3: {0, 2}, 9: {1}}
    assert accepted_from_setting({"x": [1], "4": "nope", "6": [1, -2, "a"]}) == {6: {1}}
    assert accepted_from_setting(None) == {}


def test_settled_sentences_are_the_analysts_own_or_empty_and_sure():
    @dataclass
    class Scores:
        least_confidence: float
        mnlp: float = 0.0
        entropy: float = 0.0

    text = "Ann met Bob. Cy left. Nothing here. Nothing there. Dee saw Eve. All quiet."
    doc = Document.from_text(text)
    assert len(doc.sentences) == 6

    def at(word, source):
        start = text.index(word)
        return Span(start, start + len(word), "PER", source, None if source == Source.HUMAN else 0.9)

    doc.set_spans([at("Ann", Source.HUMAN), at("Bob", Source.ACCEPTED), at("Cy", Source.MODEL),
                   at("Dee", Source.HUMAN), at("Eve", Source.PATTERN)])
    scores = [Scores(0.9), Scores(0.9), Scores(0.1), Scores(0.7), Scores(0.1), Scores(float("nan"))]
    # 0: all the analyst's (however unsure the model); 1: a model entity; 2: none, model sure;
    # 3: none, model unsure; 4: a pattern suggestion; 5: none, garbage scores.
    assert settled_sentences(doc, scores) == {0, 2}
    assert settled_sentences(doc, []) == {0}  # no scores: only what the analyst settled
