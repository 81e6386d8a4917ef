"""Comparing two versions and building the curated one."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ner_studio.core.team.curation import FIRST, NEITHER, SECOND, Difference, compare, curated_spans
from ner_studio.core.text.spans import Source, Span


def test_agreed_spans_and_differences():
    first = [Span(0, 5, "PER"), Span(10, 20, "ORG"), Span(30, 35, "LOC")]
    second = [Span(0, 5, "PER"), Span(10, 15, "ORG"), Span(16, 20, "ORG"), Span(30, 35, "GPE"), Span(40, 44, "X")]
    agreed, differences = compare(first, second)
    assert agreed == [Span(0, 5, "PER")]
    assert differences == [
        Difference(10, 20, (Span(10, 20, "ORG"),), (Span(10, 15, "ORG"), Span(16, 20, "ORG"))),
        Difference(30, 35, (Span(30, 35, "LOC"),), (Span(30, 35, "GPE"),)),
        Difference(40, 44, (), (Span(40, 44, "X"),)),
    ]
    gold = curated_spans(agreed, differences, {0: SECOND, 1: FIRST, 2: NEITHER})
    assert gold == [Span(0, 5, "PER"), Span(10, 15, "ORG"), Span(16, 20, "ORG"), Span(30, 35, "LOC")]
    assert differences[2].describe(differences[2].first, "x" * 50) == "(nothing)"


def test_every_difference_needs_a_choice_and_model_spans_become_human():
    agreed, differences = compare([Span(0, 3, "A", Source.MODEL, 0.4)], [Span(0, 3, "B")])
    with pytest.raises(ValueError, match="no choice yet"):
        curated_spans(agreed, differences, {})
    with pytest.raises(ValueError, match="unknown choice"):
        curated_spans(agreed, differences, {0: "both"})
    assert curated_spans(agreed, differences, {0: FIRST}) == [Span(0, 3, "A", Source.HUMAN)]


def test_one_mention_linked_to_two_entries_is_a_difference_to_decide():
    """As agreement counts it (core/team/disagreements.py, kind "link"): the curator picks the entry."""
    first = [Span(0, 5, "PER", kb_id="Q1"), Span(10, 15, "LOC", kb_id="Q7")]
    second = [Span(0, 5, "PER", kb_id="Q2"), Span(10, 15, "LOC", kb_id="Q7")]
    agreed, differences = compare(first, second)
    assert agreed == [Span(10, 15, "LOC", kb_id="Q7")]
    assert differences == [Difference(0, 5, (Span(0, 5, "PER", kb_id="Q1"),), (Span(0, 5, "PER", kb_id="Q2"),))]
    assert differences[0].describe(differences[0].second, "Karin met") == "'Karin' PER -> Q2"
    assert curated_spans(agreed, differences, {0: SECOND})[0].kb_id == "Q2"


def versions():
    """A version: non-overlapping spans on [0, 60)."""
    def build(cuts):
        cuts = sorted(set(cuts))
        return [Span(a, b, label) for (a, b), label in zip(zip(cuts[::2], cuts[1::2]), "ABAB" * 20) if a < b]
    return st.lists(st.integers(0, 60), max_size=16).map(build)


@given(first=versions(), second=versions(), picks=st.lists(st.sampled_from([FIRST, SECOND, NEITHER]), min_size=40, max_size=40))
def test_any_choices_give_a_valid_version(first, second, picks):
    agreed, differences = compare(first, second)
    gold = curated_spans(agreed, differences, dict(enumerate(picks)))
    assert all(a.end <= b.start for a, b in zip(gold, gold[1:]))  # never overlapping
    assert curated_spans(agreed, differences, {i: FIRST for i in range(len(differences))}) == sorted(first)
    assert curated_spans(agreed, differences, {i: SECOND for i in range(len(differences))}) == sorted(second)
