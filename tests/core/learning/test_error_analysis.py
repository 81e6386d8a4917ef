"""The four kinds of entity error, on hand-made cases, and a property: every gold and every
predicted span is accounted for exactly once (right, in one error pair, or alone)."""

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from ner_studio.core.text.document import Document
from ner_studio.core.learning.error_analysis import ErrorKind, classify_errors, document_errors
from ner_studio.core.text.spans import Span, Source


def kinds(gold, predicted):
    return [(e.kind, e.gold, e.predicted) for e in classify_errors(gold, predicted)]


def test_exact_match_is_no_error():
    assert classify_errors([(0, 5, "PER")], [(0, 5, "PER")]) == []


def test_missed_and_spurious():
    assert kinds([(0, 5, "PER")], []) == [(ErrorKind.MISSED, (0, 5, "PER"), None)]
    assert kinds([], [(3, 9, "ORG")]) == [(ErrorKind.SPURIOUS, None, (3, 9, "ORG"))]
    # Disjoint spans do not pair: one of each.
    assert kinds([(0, 5, "PER")], [(6, 9, "PER")]) == [
        (ErrorKind.MISSED, (0, 5, "PER"), None), (ErrorKind.SPURIOUS, None, (6, 9, "PER"))]


def test_same_edges_other_label_is_wrong_label():
    assert kinds([(0, 6, "LOC")], [(0, 6, "ORG")]) == [(ErrorKind.WRONG_LABEL, (0, 6, "LOC"), (0, 6, "ORG"))]


def test_same_label_other_edges_is_wrong_boundary():
    assert kinds([(0, 15, "ORG")], [(0, 4, "ORG")]) == [(ErrorKind.WRONG_BOUNDARY, (0, 15, "ORG"), (0, 4, "ORG"))]
    assert kinds([(4, 8, "PER")], [(0, 8, "PER")]) == [(ErrorKind.WRONG_BOUNDARY, (4, 8, "PER"), (0, 8, "PER"))]


def test_other_label_and_other_edges_is_one_wrong_label():
    assert kinds([(0, 15, "ORG")], [(0, 4, "LOC")]) == [(ErrorKind.WRONG_LABEL, (0, 15, "ORG"), (0, 4, "LOC"))]


def test_same_label_pairs_first_and_the_rest_stays_alone():
    # "New York Times": gold ORG over all; the model split it into LOC "New York" + ORG "Times".
    errors = kinds([(0, 14, "ORG")], [(0, 8, "LOC"), (9, 14, "ORG")])
    assert errors == [(ErrorKind.SPURIOUS, None, (0, 8, "LOC")),
                      (ErrorKind.WRONG_BOUNDARY, (0, 14, "ORG"), (9, 14, "ORG"))]


def test_span_objects_and_document_context():
    text = "Ann met Bob in Paris. Then Rome called."
    doc = Document.from_text(text, name="story")
    doc.set_spans([Span(0, 3, "PER"), Span(15, 20, "LOC"), Span(27, 31, "LOC")])
    predicted = [Span(0, 3, "PER", Source.MODEL, 0.9), Span(8, 11, "PER", Source.MODEL, 0.8),
                 Span(15, 20, "ORG", Source.MODEL, 0.6)]
    found = document_errors(doc, predicted)
    assert [(e.error.kind, e.sentence, e.gold_text, e.predicted_text) for e in found] == [
        (ErrorKind.SPURIOUS, 0, "", "Bob"), (ErrorKind.WRONG_LABEL, 0, "Paris", "Paris"),
        (ErrorKind.MISSED, 1, "Rome", "")]
    assert found[0].context == "Ann met Bob in Paris."
    assert found[2].context == "Then Rome called."
    assert found[1].to_dict()["gold"] == {"start": 15, "end": 20, "label": "LOC", "text": "Paris"}
    assert found[1].error.labels == ("LOC", "ORG")


def _spans():
    return st.lists(st.tuples(st.integers(0, 30), st.integers(1, 6), st.sampled_from("ABC")), max_size=8).map(
        lambda items: sorted({(s, s + n, label) for s, n, label in items}))


@settings(max_examples=300, deadline=None)
@given(_spans(), _spans())
def test_every_span_is_accounted_for_exactly_once(gold, predicted):
    errors = classify_errors(gold, predicted)
    exact = set(gold) & set(predicted)
    gold_seen = Counter(e.gold for e in errors if e.gold is not None)
    pred_seen = Counter(e.predicted for e in errors if e.predicted is not None)
    for g in gold:
        assert gold_seen[g] + (g in exact) == 1
    for p in predicted:
        assert pred_seen[p] + (p in exact) == 1
    assert set(gold_seen) <= set(gold) and set(pred_seen) <= set(predicted)
    for e in errors:
        if e.gold and e.predicted:
            g, p = e.gold, e.predicted
            assert min(g[1], p[1]) > max(g[0], p[0])  # a pair overlaps
            expected = ErrorKind.WRONG_BOUNDARY if g[2] == p[2] else ErrorKind.WRONG_LABEL
            assert e.kind == expected
        else:
            assert e.kind == (ErrorKind.MISSED if e.gold else ErrorKind.SPURIOUS)
