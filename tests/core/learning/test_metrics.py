import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ner_studio.core.learning.metrics import chunks, evaluate_tags, format_table

seqeval = pytest.importorskip("seqeval.metrics")
from seqeval.metrics.sequence_labeling import get_entities  # noqa: E402

# Any mix of prefixes and types, valid or not in any scheme: the lenient reading must agree.
TAG = st.sampled_from(["O", "B-PER", "I-PER", "E-PER", "S-PER", "B-LOC", "I-LOC", "E-LOC", "S-LOC", "I-MISC"])


@st.composite
def gold_and_predicted(draw):
    lengths = draw(st.lists(st.integers(1, 8), min_size=1, max_size=6))
    gold = [draw(st.lists(TAG, min_size=n, max_size=n)) for n in lengths]
    predicted = [draw(st.lists(TAG, min_size=n, max_size=n)) for n in lengths]
    return gold, predicted


def seqeval_numbers(gold, predicted):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # seqeval warns when a ratio is undefined
        report = seqeval.classification_report(gold, predicted, output_dict=True)
        overall = (seqeval.precision_score(gold, predicted), seqeval.recall_score(gold, predicted),
                   seqeval.f1_score(gold, predicted))
        accuracy = seqeval.accuracy_score(gold, predicted)
    per_label = {k: v for k, v in report.items() if not k.endswith(" avg")}
    return overall, per_label, accuracy


@settings(max_examples=300, deadline=None)
@given(gold_and_predicted())
def test_scores_equal_seqeval_default_mode(data):
    gold, predicted = data
    ours = evaluate_tags(gold, predicted)
    overall, per_label, accuracy = seqeval_numbers(gold, predicted)
    assert (ours.overall.precision, ours.overall.recall, ours.overall.f1) == overall
    assert ours.token_accuracy == accuracy
    assert set(ours.per_label) == set(per_label)
    for label, score in ours.per_label.items():
        theirs = per_label[label]
        assert (score.precision, score.recall, score.f1, score.support) == (
            theirs["precision"], theirs["recall"], theirs["f1-score"], theirs["support"])


@settings(max_examples=300, deadline=None)
@given(st.lists(TAG, max_size=12))
def test_chunks_equal_seqeval_entities(tags):
    assert chunks(tags) == get_entities(tags)


def test_a_worked_example():
    gold = [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG", "O"]]
    predicted = [["B-PER", "I-PER", "O", "B-ORG"], ["B-ORG", "O"]]
    result = evaluate_tags(gold, predicted)
    assert result.overall.precision == pytest.approx(2 / 3)
    assert result.per_label["LOC"].recall == 0.0 and result.per_label["LOC"].support == 1
    assert result.per_label["ORG"].precision == 0.5
    assert result.token_accuracy == 5 / 6
    table = format_table(result)
    assert "overall" in table and "66.67" in table


def test_mismatched_lengths_are_refused():
    with pytest.raises(ValueError, match="sentence 0"):
        evaluate_tags([["O", "O"]], [["O"]])
