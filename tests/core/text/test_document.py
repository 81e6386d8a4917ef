"""Document: spans snap to tokens, overlaps and out-of-range spans are rejected, events fire."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ner_studio.core.text.document import Document, Sentence, SpansChanged, Status, Token, TokenList, status_after_tagging
from ner_studio.core.errors import SpanError
from ner_studio.core.text.spans import Source, Span

TEXT = "Angela Merkel met Emmanuel Macron in Paris ."


@pytest.fixture
def doc():
    return Document.from_text(TEXT, name="news")


def test_spans_snap_to_token_boundaries(doc):
    stored = doc.add_span(Span(2, 9, "PER"))  # "gela Mer"
    assert (stored.start, stored.end) == (0, 13)
    assert doc.spans == (Span(0, 13, "PER"),)


def test_overlapping_span_is_rejected_and_nothing_changes(doc):
    doc.add_span(Span(0, 13, "PER"))
    with pytest.raises(SpanError, match="overlaps"):
        doc.add_span(Span(7, 17, "PER"))
    with pytest.raises(SpanError, match="overlaps"):
        doc.set_spans([Span(18, 26, "PER"), Span(20, 33, "PER")])
    assert doc.spans == (Span(0, 13, "PER"),)


@pytest.mark.parametrize("start, end", [(-1, 3), (40, 99), (5, 5), (7, 3)])
def test_out_of_range_or_empty_spans_are_rejected(doc, start, end):
    with pytest.raises(SpanError, match="outside the text"):
        doc.add_span(Span(start, end, "X"))


def test_span_over_whitespace_only_is_rejected():
    doc = Document.from_text("a   b")
    with pytest.raises(SpanError, match="covers no token"):
        doc.add_span(Span(2, 3, "X"))


def test_bad_label_and_confidence(doc):
    with pytest.raises(SpanError, match="empty label"):
        doc.add_span(Span(0, 6, ""))
    with pytest.raises(SpanError, match="probability"):
        doc.add_span(Span(0, 6, "PER", Source.MODEL, 1.5))


def test_constructor_validates_tokens_and_sentences():
    with pytest.raises(SpanError, match="token 1"):
        Document("abc", [(0, 2), (1, 3)])
    with pytest.raises(SpanError, match="token 0"):
        Document("abc", [(0, 4)])
    with pytest.raises(SpanError, match="tile"):
        Document("a b", [(0, 1), (2, 3)], [Sentence(0, 1), Sentence(0, 2)])
    with pytest.raises(SpanError, match="cover 1 of 2"):
        Document("a b", [(0, 1), (2, 3)], [Sentence(0, 1)])


def test_queries(doc):
    doc.add_span(Span(37, 42, "LOC"))
    assert doc.token_at(1) == 0 and doc.token_at(6) is None
    assert doc.token_range(3, 17) == (0, 3) and doc.token_range(3, 19) == (0, 4)
    assert doc.span_at(40) == Span(37, 42, "LOC") and doc.span_at(36) is None
    assert doc.spans_between(0, 38) == [Span(37, 42, "LOC")] and doc.spans_between(0, 37) == []
    assert doc.token_text(6) == "Paris" and doc.sentence_words(0)[-1] == "."
    assert doc.sentence_of_token(3) == 0


def test_changed_event_reports_exactly_what_changed(doc):
    events = []
    doc.changed.connect(events.append)
    first = doc.add_span(Span(0, 13, "PER"))
    doc.edit(removed=(first,), added=(first.relabelled("ORG"),))
    doc.remove_span(Span(0, 13, "ORG"))
    assert events == [
        SpansChanged((), (first,)),
        SpansChanged((first,), (Span(0, 13, "ORG"),)),
        SpansChanged((Span(0, 13, "ORG"),), ()),
    ]
    with pytest.raises(SpanError, match="no such span"):
        doc.remove_span(first)
    assert len(events) == 3  # a failed edit emits nothing


def test_status_changed_event(doc):
    seen = []
    doc.status_changed.connect(seen.append)
    doc.status = Status.REVIEWED
    doc.status = "reviewed"
    assert seen == [Status.REVIEWED] and doc.status == Status.REVIEWED


def test_replace_model_spans_keeps_human_spans(doc):
    doc.add_span(Span(0, 13, "PER"))
    doc.add_span(Span(37, 42, "LOC", Source.MODEL, 0.4))
    added = doc.replace_model_spans([
        Span(0, 6, "MISC", Source.MODEL, 0.9),  # overlaps the human span: dropped
        Span(18, 33, "PER", Source.MODEL, 0.7),
    ])
    assert added == (Span(18, 33, "PER", Source.MODEL, 0.7),)
    assert doc.spans == (Span(0, 13, "PER"), Span(18, 33, "PER", Source.MODEL, 0.7))


def test_a_merge_worked_out_elsewhere_is_applied_as_one_change_marked_as_a_re_tagging(doc):
    doc.add_span(Span(0, 13, "PER"))
    old = doc.add_span(Span(37, 42, "LOC", Source.MODEL, 0.4))
    seen = []
    doc.changed.connect(seen.append)
    merge = doc.merge_model_spans([Span(2, 5, "ORG", Source.MODEL, 0.9),  # snapped, then overlaps PER: dropped
                                   Span(20, 30, "PER", Source.MODEL, 0.7)])  # snapped to "Emmanuel Macron"
    assert doc.spans == (Span(0, 13, "PER"), old)  # worked out, not applied
    assert merge.added == (Span(18, 33, "PER", Source.MODEL, 0.7),) and merge.labels == {"PER"}
    assert doc.apply_model_merge(merge)
    assert doc.spans == (Span(0, 13, "PER"), Span(18, 33, "PER", Source.MODEL, 0.7))
    assert seen == [SpansChanged((old,), merge.added, model_replaced=True)]
    assert doc.span_at(20) == merge.added[0]  # the positions follow the spans


def test_an_edit_after_a_merge_was_worked_out_wins_over_it(doc):
    doc.add_span(Span(37, 42, "LOC", Source.MODEL, 0.4))
    revision, spans = doc.revision_and_spans()
    merge = doc.merge_model_spans([Span(0, 13, "ORG", Source.MODEL, 0.9)], (revision, spans))
    doc.add_span(Span(0, 13, "PER"))  # the analyst, while the merge was on its way
    assert not doc.apply_model_merge(merge)
    assert doc.spans == (Span(0, 13, "PER"), Span(37, 42, "LOC", Source.MODEL, 0.4))
    assert doc.revision_and_spans()[0] > revision
    doc.replace_model_spans([Span(0, 13, "ORG", Source.MODEL, 0.9)])  # merged again: the person's PER stays
    assert doc.spans == (Span(0, 13, "PER"),)


def test_many_spans_at_once():
    words = ["w"] * 20_000
    text = " ".join(words)
    tokens = [(2 * i, 2 * i + 1) for i in range(len(words))]
    doc = Document(text, tokens, spans=[Span(4 * i, 4 * i + 1, "X") for i in range(10_000)])
    predicted = [Span(4 * i + 2, 4 * i + 3, "Y", Source.MODEL, 0.5) for i in range(10_000)]
    assert len(doc.replace_model_spans(predicted)) == 10_000
    assert len(doc.spans) == 20_000 and doc.spans[1].label == "Y"


def test_token_list_behaves_like_a_list_of_tokens():
    tokens = TokenList([0, 4], [3, 7])
    assert list(tokens) == [Token(0, 3), Token(4, 7)] and tokens == [(0, 3), (4, 7)]
    assert tokens[1].end == 7 and tokens[-1] == (4, 7) and tokens[:1] == [Token(0, 3)]
    assert len(tokens) == 2 and bool(TokenList([], [])) is False
    with pytest.raises(SpanError):
        TokenList([0], [])


def test_tagging_makes_a_new_document_predicted_unless_a_person_labelled_it():
    doc = Document.from_text("Ann met Bob.")
    assert status_after_tagging(doc) == Status.PREDICTED
    doc.add_span(Span(8, 11, "PER", Source.MODEL, 0.8))
    assert status_after_tagging(doc) == Status.PREDICTED
    doc.add_span(Span(0, 3, "PER", Source.HUMAN))  # imported with its entities, or drawn
    assert status_after_tagging(doc) == Status.NEW
    doc.status = Status.REVIEWED
    assert status_after_tagging(doc) == Status.REVIEWED


def _words_doc(count: int) -> Document:
    text = " ".join(["w"] * count)
    return Document(text, [(2 * i, 2 * i + 1) for i in range(count)])


@settings(max_examples=60, deadline=None)
@given(st.sets(st.integers(0, 399), max_size=120), st.data())
def test_a_big_edit_gives_what_removing_and_adding_one_at_a_time_gives(present, data):
    """Past _SMALL_EDIT spans an edit bisects and splices the sorted spans (issue 29); the
    result must be what the one-span path, edit after edit, gives."""
    doc, reference = _words_doc(400), _words_doc(400)
    doc.set_spans([Span(2 * i, 2 * i + 1, "X") for i in sorted(present)])
    reference.set_spans(doc.spans)
    removed = data.draw(st.lists(st.sampled_from(sorted(present)), unique=True)) if present else []
    free = sorted(set(range(400)) - set(present) | set(removed))
    added = data.draw(st.lists(st.sampled_from(free), unique=True)) if free else []
    removed = tuple(Span(2 * i, 2 * i + 1, "X") for i in removed)
    added = tuple(Span(2 * i, 2 * i + 1, "Y", Source.HUMAN) for i in added)
    doc.edit(removed, added)
    for span in removed:
        reference.edit((span,), ())
    for span in added:
        reference.edit((), (span,))
    assert doc.spans == reference.spans


def test_a_big_edit_that_overlaps_or_removes_what_is_not_there_changes_nothing():
    doc = _words_doc(200)
    doc.set_spans([Span(4 * i, 4 * i + 1, "X") for i in range(50)])
    before = doc.spans
    added = [Span(4 * i + 2, 4 * i + 3, "Y") for i in range(40)]
    with pytest.raises(SpanError, match="overlaps"):
        doc.edit((), (*added, Span(8, 11, "Y")))  # "w w" over the X at 8
    with pytest.raises(SpanError, match="no such span"):
        doc.edit((Span(2, 3, "X"),), added)
    assert doc.spans == before
    stored = doc.edit(before[:30], added)
    assert len(doc.spans) == 60 and doc.spans[0] == Span(2, 3, "Y") and stored == tuple(added)


def test_spans_a_project_stored_are_only_checked_for_order_bounds_and_overlaps():
    """A stored part's spans were snapped when written: loading it checks them at C speed
    (issue 29) and gives anything amiss the full check and its error."""
    spans = [Span(0, 13, "PER", Source.MODEL, 0.9), Span(18, 33, "PER")]
    doc = Document(TEXT, _tokens(), spans=spans, stored=True)
    assert doc.spans == tuple(spans) and doc.span_at(20) == spans[1]
    unsorted = [Span(18, 33, "PER"), Span(0, 13, "PER")]  # out of order: the full check sorts them
    assert Document(TEXT, _tokens(), spans=unsorted, stored=True).spans == (unsorted[1], unsorted[0])
    with pytest.raises(SpanError, match="overlaps"):
        Document(TEXT, _tokens(), spans=[Span(0, 13, "PER"), Span(7, 17, "ORG")], stored=True)
    with pytest.raises(SpanError):
        Document(TEXT, _tokens(), spans=[Span(40, 99, "LOC")], stored=True)
    with pytest.raises(SpanError, match="empty label"):
        Document(TEXT, _tokens(), spans=[Span(0, 13, "")], stored=True)


def _tokens():
    return Document.from_text(TEXT).tokens
