from ner_studio.core.learning.check_set import (
    CHECK_SHARE, CheckSplit, check_fingerprint, check_sentences, describe_scored, in_check_set, overlap, sentence_hash, split_check, training_record,
)
from ner_studio.core.learning.training_set import snapshot
from ner_studio.core.text.document import Document
from ner_studio.core.text.spans import Source, Span


def _doc(n: int, name: str = "d") -> Document:
    text = " ".join(f"Sentence {i} names Paris{i} ." for i in range(n))
    doc = Document.from_text(text, name=name)
    spans = []
    for i in range(n):
        start = text.index(f"Paris{i} ")
        spans.append(Span(start, start + len(f"Paris{i}"), "LOC", Source.HUMAN))
    doc.set_spans(spans)
    return doc


def test_the_hash_depends_on_the_words_alone():
    assert sentence_hash(["EU", "rejects"]) == sentence_hash(["EU", "rejects"])
    assert sentence_hash(["EU", "rejects"]) != sentence_hash(["EUrejects"])
    assert len(sentence_hash(["x"])) == 16


def test_about_the_chosen_share_of_sentences_is_checked_and_membership_never_moves():
    doc = _doc(400)
    chosen = check_sentences(doc)
    assert 0.14 < len(chosen) / 400 < 0.26
    # The same sentences in another order and with others around them: the same ones checked.
    again = _doc(450)
    assert set(chosen) <= set(check_sentences(again))
    assert all(in_check_set(sentence_hash(doc.sentence_words(k))) for k in chosen)


def test_split_check_keeps_order_spans_and_never_shares_a_sentence():
    doc = _doc(60)
    train, check = split_check([doc])
    assert len(train) == 1 and len(check) == 1
    train_words = [tuple(train[0].sentence_words(k)) for k in range(len(train[0].sentences))]
    check_words = [tuple(check[0].sentence_words(k)) for k in range(len(check[0].sentences))]
    assert not set(train_words) & set(check_words)
    assert len(train_words) + len(check_words) == 60
    everything = [tuple(doc.sentence_words(k)) for k in range(60)]
    assert train_words == [w for w in everything if w in set(train_words)]  # document order kept
    for part in (train[0], check[0]):
        assert len(part.spans) == len(part.sentences)
        assert all(part.text[s.start:s.end].startswith("Paris") for s in part.spans)
        assert part.doc_id == doc.doc_id


def test_a_document_without_check_sentences_is_passed_whole():
    doc = _doc(1)
    train, check = split_check([doc], share=0.0)
    assert train == [doc] and check == []


def test_overlap_counts_the_scored_sentences_a_model_trained_on():
    doc = _doc(50)
    train, check = split_check([doc], share=CHECK_SHARE)
    record = training_record(train)
    assert record["documents"][0]["sentences"] == len(train[0].sentences)
    assert overlap(record, check).seen == 0 and overlap(record, check).warning() is None
    full = overlap(record, [doc])
    assert full.seen == len(train[0].sentences) and full.sentences == 50
    assert "training data" in full.warning()
    assert overlap({}, [doc]) is None


def test_describe_scored_says_what_was_scored_and_warns_on_overlap():
    doc = _doc(50)
    train, check = split_check([doc])
    record = training_record(train)
    text, warning = describe_scored(check, "the check set", record)
    assert text.startswith(f"the check set: 1 document, {len(check[0].sentences)} sentences")
    assert "none of them in this model's training data" in text and warning is None
    text, warning = describe_scored([doc], "gold.conll", record)
    assert warning.startswith(f"{len(train[0].sentences)} of the 50 scored sentences")
    assert "overlap is unknown" in describe_scored([doc], "gold.conll", None)[0]


def test_too_few_to_learn_from_counts_what_the_check_set_keeps_aside():
    import pytest

    from ner_studio.core.errors import TrainingError
    from ner_studio.core.learning.training_set import check_enough

    with pytest.raises(TrainingError) as error:
        check_enough(8, 10, held=2)
    assert "at least 10 reviewed sentences to learn from (2 more are kept for the check set) and there are 8" \
        in str(error.value)
    check_enough(10, 10, held=2)


def test_a_band_next_to_the_check_set_is_as_stable_and_never_overlaps_it():
    from ner_studio.core.learning.check_set import split_band

    doc = _doc(300)
    train, check = split_check([doc])
    rest, band = split_band(train, CHECK_SHARE, 2 * CHECK_SHARE)
    assert band and 0.1 < len(band[0].sentences) / 300 < 0.3
    words = lambda part: {tuple(part.sentence_words(k)) for k in range(len(part.sentences))}  # noqa: E731
    assert not words(band[0]) & words(check[0]) and not words(band[0]) & words(rest[0])
    assert words(split_band([doc], CHECK_SHARE, 2 * CHECK_SHARE)[1][0]) == words(band[0])


def _same(a: list[Document], b: list[Document]) -> bool:
    return [(d.doc_id, d.name, d.text, d.spans) for d in a] == [(d.doc_id, d.name, d.text, d.spans) for d in b]


def test_check_split_gives_split_checks_cut_and_reuses_it_until_a_document_changes():
    first, second, empty = _doc(60, "one"), _doc(40, "two"), Document("", [], [], name="empty")
    first.doc_id, second.doc_id, empty.doc_id = 1, 2, 3
    remembered = CheckSplit()
    train, check = remembered.split([snapshot(first), snapshot(second), empty])
    expected = split_check([first, second, empty])
    assert _same(train, expected[0]) and _same(check, expected[1])
    assert remembered.fingerprint(check) == check_fingerprint(expected[1])
    # New snapshots of unchanged documents (as every call of the GUI makes): the same excerpts.
    again = remembered.split([snapshot(first), snapshot(second)])
    assert all(a is b for a, b in zip(again[1], check))
    # An edited document is cut again; the other one is not.
    entity = first.spans[0]
    first.edit((entity,), (Span(entity.start, entity.end, "ORG", Source.HUMAN),))
    edited = remembered.split([snapshot(first), snapshot(second)])
    assert _same(edited[0], split_check([first, second])[0]) and _same(edited[1], split_check([first, second])[1])
    assert edited[1][1] is check[1] and edited[1][0] is not check[0]
    assert remembered.fingerprint(edited[1]) == check_fingerprint(edited[1])
