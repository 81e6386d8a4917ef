from ner_studio.core.text.document import Document
from ner_studio.core.learning.label_examples import MIN_NEW_LABEL_EXAMPLES, label_examples, shortfalls, unchecked
from ner_studio.core.text.spans import Source, Span


def _doc(*entities):
    text = " ".join(word for word, _ in entities) + " ."
    doc = Document.from_text(text)
    position = 0
    for word, (label, source) in entities:
        if label:
            doc.add_span(Span(position, position + len(word), label, source, None if source == Source.HUMAN else 0.9))
        position += len(word) + 1
    return doc


HUMAN, MODEL = Source.HUMAN, Source.MODEL


def test_counts_confirmed_entities_per_label_and_flags_new_labels_with_too_few():
    train = [_doc(("iPhone", ("PRODUCT", HUMAN)), ("Apple", ("ORG", HUMAN)), ("Tim", ("PER", MODEL))),
             _doc(("Pixel", ("PRODUCT", Source.ACCEPTED)), ("Google", ("ORG", HUMAN)))]
    check = [_doc(("Galaxy", ("PRODUCT", HUMAN)))]
    rows = {r.label: r for r in label_examples(["PER", "ORG", "PRODUCT", "EVENT"], train, check,
                                               ["PER", "ORG", "LOC", "MISC"])}
    assert (rows["ORG"].train, rows["ORG"].known, rows["ORG"].problem) == (2, True, None)
    assert rows["PER"].train == 0 and "no examples" in rows["PER"].problem  # a model guess is no example
    assert (rows["PRODUCT"].train, rows["PRODUCT"].check) == (2, 1)
    assert rows["PRODUCT"].problem.startswith("only 2 examples: too few for a new label")
    assert rows["EVENT"].train == 0
    assert shortfalls(rows.values()) == "Too few examples to be predicted yet: PRODUCT (2)."
    assert unchecked(rows.values()).startswith("No entity in the check set for PER, ORG, EVENT: the check F1")
    assert unchecked([rows["PRODUCT"]]) == ""


def test_enough_examples_of_a_new_label_are_no_problem():
    train = [_doc(("iPhone", ("PRODUCT", HUMAN))) for _ in range(MIN_NEW_LABEL_EXAMPLES)]
    [row] = label_examples(["PRODUCT"], train, [], ["PER"])
    assert row.problem is None and shortfalls([row]) == ""
