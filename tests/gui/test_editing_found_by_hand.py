"""Faults found by hand while annotating (issue 13): the entity table's row after an edit,
punctuation at an entity's edge, growing and shrinking an entity by token."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ner_studio.core.spans import Source, Span


def selected_rows(window) -> list[int]:
    return [index.row() for index in window.entities.selectionModel().selectedRows()]


def middle_entity(window) -> Span:
    spans = window.doc.spans
    assert len(spans) >= 5
    return spans[len(spans) // 2]


def test_relabelling_keeps_the_edited_entity_highlighted_in_the_table(start_window, qtbot):
    window = start_window()
    span = middle_entity(window)
    window.view.jump_to(span)
    table = window.entities
    assert selected_rows(window) == [table.table_model.row_of(span)]
    other = "MISC" if span.label != "MISC" else "PER"
    key = {"PER": Qt.Key.Key_1, "MISC": Qt.Key.Key_4}[other]
    qtbot.keyClick(window.view, key)
    edited = window.doc.span_at(span.start)
    assert edited.label == other
    assert selected_rows(window) == [table.table_model.row_of(edited)]
    assert table.currentIndex().row() == table.table_model.row_of(edited)


def test_accepting_keeps_the_edited_entity_highlighted_in_the_table(start_window, qtbot):
    window = start_window()
    span = next(s for s in window.doc.spans[len(window.doc.spans) // 2:] if s.source == Source.MODEL)
    window.view.jump_to(span)
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    accepted = window.doc.span_at(span.start)
    assert accepted.source == Source.HUMAN
    row = window.entities.table_model.row_of(accepted)
    assert selected_rows(window) == [row] and window.entities.currentIndex().row() == row
