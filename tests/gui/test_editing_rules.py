"""The pure rules behind the workspace's keys: labelling, relabelling, accepting, walking by
token, and the offsets between Python strings and Qt positions."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ner_studio.core.document import Document
from ner_studio.core.spans import Source, Span
from ner_studio.gui import editing
from ner_studio.gui.importing import supported_files
from ner_studio.gui.text_offsets import OffsetMap, display_text

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


def test_relabel_and_accept_make_the_span_human():
    model = Span(21, 32, "ORG", Source.MODEL, 0.7)
    assert editing.relabel(model, "LOC").added == (Span(21, 32, "LOC"),)
    assert editing.accept(model).added == (Span(21, 32, "ORG"),)
    assert editing.accept(Span(21, 32, "ORG")) is None


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


def test_damaged_stored_sentence_parameters_start_over():
    from ner_studio.gui.importing import project_splitter

    assert project_splitter({"format": 99}).to_json()["abbreviations"] == []
    assert "cl" in project_splitter({"format": 1, "abbreviations": ["cl"], "collocations": [],
                                     "sentence_starters": [], "ortho_context": {}}).abbreviations
