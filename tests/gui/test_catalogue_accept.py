"""A (accept all) and Ctrl+Enter (mark reviewed) take the suggested catalogue links shown, as
Enter does one at a time, and say so; Ctrl+Z takes them back with the entities."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from ner_studio.core.text.spans import Source, Span
from tests.gui.test_catalogue_window import started_with_catalogue, type_in_text


def with_model_entities(doc, *names_and_labels) -> list[int]:
    """Model entities (unlinked) over the first occurrence of each text; their starts."""
    starts = []
    for text, label in names_and_labels:
        start = doc.text.index(text)
        span = Span(start, start + len(text), label, Source.MODEL, 0.8)
        doc.set_spans([s for s in doc.spans if not s.overlaps(span)] + [span])
        starts.append(start)
    return starts


def test_a_accepts_the_model_entities_with_their_suggested_links(start_window, monkeypatch, tmp_path, qtbot):
    window, ids = started_with_catalogue(start_window, monkeypatch, tmp_path)
    doc = window.doc
    auckland, lisbon = with_model_entities(doc, ("Auckland", "LOC"), ("Lisbon", "LOC"))
    window.view.select_range(0, 0)
    type_in_text(window, qtbot, Qt.Key.Key_A)
    assert doc.span_at(auckland).kb_id == ids["Auckland"] and doc.span_at(auckland).source == Source.ACCEPTED
    assert doc.span_at(lisbon).kb_id == ids["Lisbon"]
    assert not [s for s in doc.spans if not s.confirmed]
    assert "suggested links" in window.current_status() and window.current_status().startswith("Accepted ")
    assert window.workspace.project.load_document(doc.doc_id).span_at(auckland).kb_id == ids["Auckland"]  # saved
    window.actions_["undo"].trigger()  # one step: entities and links
    assert doc.span_at(auckland).kb_id is None and doc.span_at(auckland).source == Source.MODEL


def test_ctrl_enter_takes_the_suggested_links_of_the_document(start_window, monkeypatch, tmp_path, qtbot):
    window, ids = started_with_catalogue(start_window, monkeypatch, tmp_path)
    doc = window.doc
    start = doc.text.index("Auckland")
    lisbon = doc.text.index("Lisbon")
    keep = [s.accepted() for s in doc.spans if not s.overlaps(Span(start, start + 8, "LOC"))
            and not s.overlaps(Span(lisbon, lisbon + 6, "LOC"))]  # no unsure entity to ask about
    doc.set_spans(keep + [Span(start, start + 8, "LOC"),  # the analyst's own, not linked yet
                          Span(lisbon, lisbon + 6, "LOC", Source.MODEL, 0.99)])
    window.view.select_range(0, 0)
    type_in_text(window, qtbot, Qt.Key.Key_Return)  # nothing selected: Enter does nothing
    assert doc.span_at(start).kb_id is None
    reviewed = doc.doc_id
    window.activateWindow()
    window.view.setFocus()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    stored = window.workspace.project.load_document(reviewed)
    assert stored.status.name == "REVIEWED"
    assert stored.span_at(start).kb_id == ids["Auckland"] and stored.span_at(start).source == Source.HUMAN
    assert stored.span_at(lisbon).kb_id == ids["Lisbon"] and stored.span_at(lisbon).source == Source.ACCEPTED
