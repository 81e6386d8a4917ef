from ner_studio.core.learning.corrections import corrections_per_100_tokens, count_corrections
from ner_studio.core.text.spans import Span


def test_an_exact_proposal_needs_no_edit():
    spans = [Span(0, 4, "PER"), Span(10, 16, "LOC")]
    assert count_corrections(spans, list(spans)) == 0


def test_missing_and_spurious_spans_are_one_edit_each():
    assert count_corrections([], [(0, 4, "PER")]) == 1
    assert count_corrections([(0, 4, "PER")], []) == 1
    assert count_corrections([(0, 4, "PER")], [(10, 12, "LOC")]) == 2


def test_wrong_bounds_or_label_is_one_edit():
    assert count_corrections([(0, 4, "PER")], [(0, 4, "ORG")]) == 1
    assert count_corrections([(0, 4, "PER")], [(0, 9, "PER")]) == 1
    assert count_corrections([Span(0, 4, "PER")], [Span(2, 6, "ORG")]) == 1


def test_one_proposal_cannot_fix_two_final_spans():
    # "New York Times" proposed as one LOC, the final has LOC + ORG overlapping it: one changed,
    # one drawn.
    assert count_corrections([(0, 14, "LOC")], [(0, 8, "LOC"), (9, 14, "ORG")]) == 2


def test_mixed_case_counts_every_kind_once():
    proposed = [(0, 4, "PER"), (5, 9, "LOC"), (20, 25, "MISC")]
    final = [(0, 4, "PER"), (5, 12, "LOC"), (30, 33, "ORG")]
    assert count_corrections(proposed, final) == 3  # resize, delete, draw


def test_rate_per_100_tokens():
    assert corrections_per_100_tokens(3, 60) == 5.0
    assert corrections_per_100_tokens(0, 0) == 0.0
