from ner_studio.core.document import Document
from ner_studio.core.label_examples import MIN_EXAMPLES, label_examples, too_few, too_few_message
from ner_studio.core.spans import Span


def test_examples_are_counted_per_label_over_documents():
    one = Document.from_text("Anna met Bob in Oslo")
    one.set_spans([Span(0, 4, "PER"), Span(9, 12, "PER"), Span(16, 20, "LOC")])
    two = Document.from_text("Oslo again")
    two.set_spans([Span(0, 4, "LOC")])
    assert label_examples([one, two]) == {"LOC": 2, "PER": 2}


def test_labels_below_the_minimum_are_named_with_their_counts():
    counts = {"PER": 40, "PRODUCT": 2}
    assert too_few(counts, ["DATE"]) == ["DATE", "PRODUCT"]
    message = too_few_message(counts, ["DATE"])
    assert "DATE (0), PRODUCT (2)" in message and str(MIN_EXAMPLES) in message
    assert too_few_message({"PER": MIN_EXAMPLES}) is None
