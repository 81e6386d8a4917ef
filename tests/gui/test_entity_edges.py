"""Faults found by hand while annotating (issue 13): the entity table's row after an edit,
punctuation at an entity's edge, growing and shrinking an entity by token."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from ner_studio.core.text.spans import Source, Span


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
    assert accepted.source == Source.ACCEPTED
    row = window.entities.table_model.row_of(accepted)
    assert selected_rows(window) == [row] and window.entities.currentIndex().row() == row


def point_at(window, offset: int):
    """The viewport point just right of character boundary ``offset``."""
    cursor = QTextCursor(window.view.document())
    cursor.setPosition(offset)
    return window.view.cursorRect(cursor).center()


def test_a_drag_that_starts_on_the_comma_selects_the_word_without_it(start_window, qtbot):
    window = start_window()
    comma = window.doc.text.index("Marseille,") + len("Marseille")
    viewport = window.view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=point_at(window, comma + 1))
    qtbot.mouseMove(viewport, point_at(window, comma - len("Marseille") + 2))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=point_at(window, comma - len("Marseille") + 2))
    assert window.view.selection() == (comma - len("Marseille"), comma)


def test_alt_arrows_grow_and_shrink_the_selected_entity_by_token(start_window, qtbot):
    window = start_window()
    text = window.doc.text
    start = text.index("Karin Olsson")
    window.doc.edit(tuple(window.doc.spans_between(start, start + 12)), (Span(start, start + 5, "PER"),))
    window.view.jump_to(window.doc.span_at(start))
    qtbot.keyClick(window.view, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.doc.span_at(start) == Span(start, start + 12, "PER")
    assert window.view.current_span() == Span(start, start + 12, "PER")  # still selected
    qtbot.keyClick(window.view, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)  # the start grows
    before = text.rindex(" ", 0, start - 1) + 1
    assert window.doc.span_at(start).start == before
    qtbot.keyClick(window.view, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)  # and shrinks
    qtbot.keyClick(window.view, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.doc.span_at(start) == Span(start, start + 5, "PER")
    window.undo_group.undo()
    assert window.doc.span_at(start) == Span(start, start + 12, "PER")


def test_dragging_an_entity_edge_resizes_it(start_window, qtbot):
    window = start_window()
    text = window.doc.text
    start = text.index("Karin Olsson")
    window.doc.edit(tuple(window.doc.spans_between(start, start + 12)), (Span(start, start + 5, "PER"),))
    window.view.jump_to(window.doc.span_at(start))
    viewport = window.view.viewport()
    assert window.view.edge_at(point_at(window, start + 5)) == "end"
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=point_at(window, start + 5))
    qtbot.mouseMove(viewport, point_at(window, start + 9))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=point_at(window, start + 9))
    assert window.doc.span_at(start) == Span(start, start + 12, "PER")  # snapped to "Olsson"
    assert window.view.current_span() == Span(start, start + 12, "PER")
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=point_at(window, start + 12))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=point_at(window, start + 3))
    assert window.doc.span_at(start) == Span(start, start + 5, "PER")


def test_the_edge_keys_are_on_the_shortcuts_sheet(start_window):
    from ner_studio.gui.shell.qt_actions import shortcut_rows

    rows = {keys: what for keys, what, _where in shortcut_rows(start_window())}
    assert "selected entity" in rows["Alt+Shift+Right"] and "selected entity" in rows["Alt+Left"]


def test_dragging_the_edge_of_an_entity_that_is_not_selected_resizes_it(start_window, qtbot):
    """The tester's walk (issue 23): grabbing an entity's edge must not need a click first."""
    window = start_window()
    text = window.doc.text
    start = text.index("Karin Olsson")
    window.doc.edit(tuple(window.doc.spans_between(start, start + 12)), (Span(start, start + 5, "PER"),))
    window.view.select_range(0, 0)  # the caret far away: nothing selected
    assert window.view.current_span() != window.doc.span_at(start)
    viewport = window.view.viewport()
    qtbot.mouseMove(viewport, point_at(window, start + 5))
    assert viewport.cursor().shape() == Qt.CursorShape.SizeHorCursor  # the edge shows it can be dragged
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=point_at(window, start + 5))
    qtbot.mouseMove(viewport, point_at(window, start + 9))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=point_at(window, start + 9))
    assert window.doc.span_at(start) == Span(start, start + 12, "PER")
    assert window.view.current_span() == Span(start, start + 12, "PER")
    # and the start edge of another entity, again without selecting it first
    other = next(s for s in window.doc.spans if s.start > start + 40 and " " not in text[s.start:s.end])
    before = text.rindex(" ", 0, other.start - 1) + 1
    window.view.select_range(0, 0)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=point_at(window, other.start))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=point_at(window, before + 1))
    grown = window.doc.span_at(other.end - 1)
    assert (grown.start, grown.end) == (before, other.end)


def test_a_click_inside_an_entity_away_from_its_edges_still_selects_text(start_window, qtbot):
    window = start_window()
    start = window.doc.text.index("Karin Olsson")
    viewport = window.view.viewport()
    assert window.view.edge_at(point_at(window, start + 2)) is None
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=point_at(window, start + 2))
    assert window.view.current_span() == window.doc.span_at(start)
    assert window.doc.span_at(start).end - window.doc.span_at(start).start >= 5  # nothing resized
