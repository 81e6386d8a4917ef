"""The pure rules behind the workspace's keys: labelling, relabelling, accepting, walking by
token, and the offsets between Python strings and Qt positions."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ner_studio.core.text.document import Document
from ner_studio.core.text.spans import Source, Span
from ner_studio.gui.annotate import editing
from ner_studio.gui.documents.importing import supported_files
from ner_studio.gui.annotate.text_offsets import OffsetMap, display_text

TEXT = "Karin Olsson visited New Zealand."


def doc_with(*spans: Span) -> Document:
    doc = Document.from_text(TEXT)
    doc.set_spans(list(spans))
    return doc


def test_a_label_key_on_part_of_a_word_labels_the_whole_token():
    doc = doc_with()
    edit = editing.label_range(doc, 1, 3, "PER")
    assert edit == editing.SpanEdit((), (Span(0, 5, "PER"),))


def test_a_new_label_replaces_the_entities_it_overlaps():
    model = Span(0, 5, "LOC", Source.MODEL, 0.4)
    doc = doc_with(model)
    edit = editing.label_range(doc, 0, 12, "PER")
    assert edit.removed == (model,) and edit.added == (Span(0, 12, "PER"),)


def test_labelling_what_is_already_there_is_no_edit():
    doc = doc_with(Span(0, 5, "PER"))
    assert editing.label_range(doc, 0, 5, "PER") is None
    assert editing.relabel(Span(0, 5, "PER"), "PER") is None


def test_selection_on_whitespace_only_labels_nothing():
    doc = doc_with()
    assert editing.label_range(doc, 5, 6, "PER") is None
    assert editing.snapped_selection(doc, 5, 5) is None


def test_relabel_makes_the_span_human_and_accept_keeps_the_confidence():
    model = Span(21, 32, "ORG", Source.MODEL, 0.7)
    assert editing.relabel(model, "LOC").added == (Span(21, 32, "LOC"),)
    assert editing.accept(model).added == (Span(21, 32, "ORG", Source.ACCEPTED, 0.7),)
    assert editing.accept(Span(21, 32, "ORG")) is None
    assert editing.accept(Span(21, 32, "ORG", Source.ACCEPTED, 0.7)) is None
    assert editing.accept(Span(21, 32, "ORG", Source.PATTERN)).added == (Span(21, 32, "ORG", Source.ACCEPTED),)


def test_accept_all_only_touches_model_spans():
    human, model = Span(0, 12, "PER"), Span(21, 32, "LOC", Source.MODEL, 0.9)
    doc = doc_with(human, model)
    edit = editing.accept_all(doc)
    assert edit.removed == (model,) and edit.added == (model.accepted(),)
    doc.edit(edit.removed, edit.added)
    assert editing.accept_all(doc) is None


def test_rename_keeps_who_made_the_span():
    model = Span(21, 32, "LOC", Source.MODEL, 0.9)
    doc = doc_with(model)
    edit = editing.rename_label(doc, "LOC", "PLACE")
    assert edit.added == (Span(21, 32, "PLACE", Source.MODEL, 0.9),)
    assert editing.remove_label(doc, "LOC").removed == (model,)


def test_walking_by_token():
    doc = doc_with()
    assert editing.next_token(doc, 0) == 0
    assert editing.next_token(doc, 5) == 1  # from the end of "Karin"
    assert editing.previous_token(doc, 6) == 0  # from the start of "Olsson"
    assert editing.previous_token(doc, 0) is None
    assert editing.next_token(doc, len(TEXT)) is None


def test_an_edit_and_its_inverse_cancel_out():
    doc = doc_with(Span(0, 5, "PER"))
    before = doc.spans
    edit = editing.label_range(doc, 0, 12, "ORG")
    doc.edit(edit.removed, edit.added)
    undo = edit.inverse()
    doc.edit(undo.removed, undo.added)
    assert doc.spans == before


@given(st.text(alphabet=st.sampled_from(["a", " ", "\n", "\r", "é", "😀", "𝔸", "\u2028"]), max_size=60))
def test_offsets_round_trip_through_qt_positions(text):
    offsets = OffsetMap(text)
    utf16 = [len(ch.encode("utf-16-le")) // 2 for ch in text]
    position = 0
    for offset, units in enumerate(utf16):
        assert offsets.to_qt(offset) == position
        assert offsets.from_qt(position) == offset
        position += units
    assert offsets.to_qt(len(text)) == position
    assert len(display_text(text)) == len(text)
    assert "\r" not in display_text(text)


def test_supported_files_skip_hidden_and_unknown(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("no")
    (tmp_path / "b.conll").write_text("x O\n")
    (tmp_path / "a.txt").write_text("text")
    (tmp_path / "c.pdf").write_bytes(b"%PDF")
    (tmp_path / "d.xlsx").write_bytes(b"PK")
    assert [p.name for p in supported_files(tmp_path)] == ["a.txt", "b.conll", "c.pdf"]


# --- entity edges: punctuation, growing and shrinking (issue 13) -----------------------------
PUNCTUATED = "Airbus, Boeing and (Rolls-Royce) met."


def test_a_drag_from_the_comma_leaves_the_comma_out():
    doc = Document.from_text(PUNCTUATED)
    comma = PUNCTUATED.index(",")
    assert editing.entity_edges(doc, comma + 1, 0) == (0, 6)  # dragged right to left
    assert editing.snapped_selection(doc, 2, comma + 1) == (0, 6)
    assert editing.label_range(doc, 0, comma + 1, "ORG") == editing.SpanEdit((), (Span(0, 6, "ORG"),))
    paren = PUNCTUATED.index("(")
    assert editing.entity_edges(doc, paren, PUNCTUATED.index(")") + 1) == (paren + 1, PUNCTUATED.index(")"))


def test_punctuation_alone_can_still_be_selected():
    doc = Document.from_text(PUNCTUATED)
    comma = PUNCTUATED.index(",")
    assert editing.entity_edges(doc, comma, comma + 1) == (comma, comma + 1)
    assert editing.snapped_selection(doc, comma, comma) == (comma, comma + 1)  # a click
    assert editing.entity_edges(doc, 6, 7) == (comma, comma + 1)  # the comma and the space after
    assert editing.is_punctuation("--") and editing.is_punctuation('."') and not editing.is_punctuation("Inc.")


def test_the_end_of_an_entity_grows_and_shrinks_by_token():
    doc = doc_with(Span(0, 5, "PER", Source.MODEL, 0.4))  # "Karin"
    grown = editing.step_edge(doc, doc.spans[0], "end", 1)
    assert grown == editing.SpanEdit((doc.spans[0],), (Span(0, 12, "PER"),))  # now the analyst's
    doc.edit(grown.removed, grown.added)
    assert editing.step_edge(doc, doc.spans[0], "end", -1).added == (Span(0, 5, "PER"),)
    one = doc_with(Span(0, 5, "PER"))
    assert editing.step_edge(one, one.spans[0], "end", -1) is None  # an entity keeps one token


def test_the_start_of_an_entity_grows_and_shrinks_by_token():
    start = TEXT.index("Zealand")
    doc = doc_with(Span(start, start + 7, "LOC"))
    grown = editing.step_edge(doc, doc.spans[0], "start", -1)
    assert grown.added == (Span(TEXT.index("New"), start + 7, "LOC"),)
    doc.edit(grown.removed, grown.added)
    assert editing.step_edge(doc, doc.spans[0], "start", 1).added == (Span(start, start + 7, "LOC"),)
    first = doc_with(Span(0, 5, "PER"))
    assert editing.step_edge(first, first.spans[0], "start", -1) is None  # nothing before it


def test_an_entity_does_not_grow_into_another_one():
    doc = doc_with(Span(0, 5, "PER"), Span(6, 12, "PER"))
    assert editing.step_edge(doc, doc.spans[0], "end", 1) is None
    assert editing.step_edge(doc, doc.spans[1], "start", -1) is None
    assert editing.resize(doc, doc.spans[0], 0, 12) is None


def test_an_edge_moved_onto_punctuation_keeps_it():
    doc = Document.from_text(PUNCTUATED)
    doc.set_spans([Span(0, 6, "ORG")])
    assert editing.step_edge(doc, doc.spans[0], "end", 1).added == (Span(0, 7, "ORG"),)
    assert editing.resize(doc, doc.spans[0], 0, 14).added == (Span(0, 14, "ORG"),)  # dragged to "Boeing"


def test_damaged_stored_sentence_parameters_start_over():
    from ner_studio.gui.documents.importing import project_splitter

    assert project_splitter({"format": 99}).to_json()["abbreviations"] == []
    assert "cl" in project_splitter({"format": 1, "abbreviations": ["cl"], "collocations": [],
                                     "sentence_starters": [], "ortho_context": {}}).abbreviations
