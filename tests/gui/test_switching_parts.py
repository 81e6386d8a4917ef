"""Switching between the parts of a big file: a part not in memory is read in a worker and
shown when it arrives (its neighbours are read ahead), so the window never waits on the
project (issue 29). A click on another part before it arrives wins; colours and edits work
on what arrived as on a document read at once."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt

from ner_studio.core.store.document_reader import DocumentReader
from ner_studio.core.store.project import Project
from ner_studio.gui.documents import importing
from ner_studio.gui.window import qt_read_ahead

PARAGRAPHS = [f"Paragraph {k} : Karin Olsson visited Lisbon on day {k} . Daniel Okafor met her in Madrid ."
              for k in range(400)]


@pytest.fixture
def parts_window(start_window, monkeypatch, tmp_path):
    """A file of 4-5 parts of ~90 paragraphs (more than a screen), each a "big" document."""
    monkeypatch.setattr(importing, "PART_CHARS", 8000)
    monkeypatch.setattr(qt_read_ahead, "READ_AHEAD_TOKENS", 50)
    path = tmp_path / "report.txt"
    path.write_text("\n\n".join(PARAGRAPHS) + "\n", encoding="utf-8")
    window = start_window(path)
    assert len(window.workspace.document_ids()) >= 4
    return window


@pytest.fixture
def held(monkeypatch):
    """``held.add(doc_id)``: the worker's read of that document waits until ``held.release()``."""
    gate, ids = threading.Event(), set()
    read = DocumentReader.read

    def slow_read(self, doc_id):
        if doc_id in ids:
            gate.wait(20)
        return read(self, doc_id)

    monkeypatch.setattr(DocumentReader, "read", slow_read)
    ids_add = ids.add

    class Held:
        add = staticmethod(ids_add)
        release = staticmethod(gate.set)

    yield Held
    gate.set()


def click_part(qtbot, window, doc_id) -> None:
    """A click on the document's row in the list, as the analyst clicks it."""
    table = window.documents
    index = table.filter.mapFromSource(table.list_model.index(table.list_model.row_of(doc_id), 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())


def stored(window, doc_id):
    """The document as a second connection reads it from the project file."""
    with Project.open(window.workspace.project.path, read_only=True) as project:
        return project.load_document(doc_id)


def colours(view, offset: int) -> set[str]:
    return {f.format.background().color().name() for f in view.document().findBlock(offset).layout().formats()}


def expected_colours(window, offset: int) -> set[str]:
    """The colours of the entities in the block holding ``offset``, as the window's style draws them."""
    block = window.view.document().findBlock(offset)
    spans = window.doc.spans_between(block.position(), block.position() + block.length() - 1)
    return {window.span_style.format_for(s).background().color().name() for s in spans}


def test_a_click_elsewhere_before_a_part_arrives_wins_and_the_part_shown_is_whole(parts_window, qtbot, held):
    window = parts_window
    workspace = window.workspace
    ids = workspace.document_ids()
    first, far, farther = ids[0], ids[2], ids[3]
    assert window.doc.doc_id == first and far not in workspace._docs  # noqa: SLF001 - read when shown
    held.add(far)
    click_part(qtbot, window, far)  # its read waits in the worker ...
    assert window.doc.doc_id == first and window.view.doc is window.doc  # ... the shown part stays until then
    click_part(qtbot, window, farther)  # the analyst clicks on before it arrives
    click_part(qtbot, window, first)  # ... and back: in memory, shown at once
    assert window.doc.doc_id == first
    click_part(qtbot, window, farther)
    held.release()
    qtbot.waitUntil(lambda: window.doc.doc_id == farther)
    qtbot.wait(200)  # the held part has arrived too, and was not shown over it
    assert window.doc.doc_id == farther and far not in workspace._docs  # noqa: SLF001
    expected = stored(window, farther)
    assert window.view.toPlainText() == expected.text and list(window.doc.spans) == list(expected.spans)
    assert window.entities.table_model.rowCount() == len(expected.spans) > 0
    assert window.documents.selected_ids() == [farther]
    click_part(qtbot, window, far)  # read by now: shown at once
    assert window.doc.doc_id == far and window.view.toPlainText() == stored(window, far).text


def test_colours_after_a_switch_are_the_new_parts_on_screen_and_after_scrolling(parts_window, qtbot):
    window = parts_window
    view, ids = window.view, window.workspace.document_ids()
    click_part(qtbot, window, ids[1])
    qtbot.waitUntil(lambda: window.doc.doc_id == ids[1])
    qtbot.waitUntil(lambda: not window.workspace.read_ahead.worth_reading(ids[2]))  # its neighbour, read ahead
    click_part(qtbot, window, ids[2])
    assert window.doc.doc_id == ids[2]  # at once
    doc = window.doc
    first, last = doc.spans[0], doc.spans[-1]
    qtbot.waitUntil(lambda: colours(view, first.start) == expected_colours(window, first.start) != set())
    assert colours(view, last.start) == set()  # below the screen: not painted yet
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: colours(view, last.start) == expected_colours(window, last.start) != set())
    click_part(qtbot, window, ids[3])  # not read ahead: arrives from the worker
    qtbot.waitUntil(lambda: window.doc.doc_id == ids[3])
    doc = window.doc
    qtbot.waitUntil(lambda: colours(view, doc.spans[0].start) == expected_colours(window, doc.spans[0].start) != set())


def test_an_edit_right_after_a_part_arrives_is_saved(parts_window, qtbot):
    window = parts_window
    ids = window.workspace.document_ids()
    target = ids[-2]
    click_part(qtbot, window, target)
    qtbot.waitUntil(lambda: window.doc.doc_id == target)
    doc, view = window.doc, window.view
    token = next(t for t in doc.tokens if doc.text[t.start:t.end] == "visited")
    view.setFocus()
    view.select_range(token.start, token.end)
    qtbot.keyClick(view, Qt.Key.Key_1)  # PER
    assert doc.span_at(token.start).label == "PER"
    assert stored(window, target).span_at(token.start).label == "PER"


def test_a_part_read_ahead_then_changed_in_another_window_shows_what_is_stored(parts_window, qtbot):
    from ner_studio.core.text.spans import Span

    window = parts_window
    ids = window.workspace.document_ids()
    click_part(qtbot, window, ids[1])
    qtbot.waitUntil(lambda: window.doc.doc_id == ids[1])
    qtbot.waitUntil(lambda: not window.workspace.read_ahead.worth_reading(ids[2]))  # read ahead
    project = window.workspace.project
    with Project.open(project.path, annotator=project.annotator, keep_backups=0) as other:  # another window
        doc = other.load_document(ids[2], track=True)
        token = next(t for t in doc.tokens if doc.text[t.start:t.end] == "visited")
        doc.add_span(Span(token.start, token.end, "MISC"))
    click_part(qtbot, window, ids[2])
    qtbot.waitUntil(lambda: window.doc.doc_id == ids[2])
    assert window.doc.span_at(token.start).label == "MISC"  # read again: the copy read ahead was stale
    assert list(window.doc.spans) == list(stored(window, ids[2]).spans)


def test_enter_on_a_part_not_read_yet_opens_it_with_the_keyboard_in_its_text_once_it_arrives(parts_window, qtbot,
                                                                                               held):
    from PySide6.QtWidgets import QApplication

    window = parts_window
    ids = window.workspace.document_ids()
    shown, target = window.doc.doc_id, ids[3]
    held.add(target)
    click_part(qtbot, window, target)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # Enter in the list: annotate it
    assert window.doc.doc_id == shown and QApplication.focusWidget() is window.documents  # not read yet
    held.release()
    qtbot.waitUntil(lambda: window.doc.doc_id == target)
    assert QApplication.focusWidget() is window.view and window.view.toPlainText() == stored(window, target).text


def test_a_part_deleted_while_it_is_read_is_not_shown_and_says_nothing(parts_window, qtbot, held, dialogs):
    window = parts_window
    ids = window.workspace.document_ids()
    target = ids[3]
    held.add(target)
    click_part(qtbot, window, target)
    window.actions_["delete_selected"].trigger()  # the row clicked: asks, then deletes it
    assert target not in window.workspace.document_ids()
    held.release()
    qtbot.wait(500)  # its read arrives: nothing to show (the list's current row moved to a neighbour)
    assert window.doc.doc_id in window.workspace.document_ids() and window.doc.doc_id != target
    assert not any("cannot be opened" in text for text in dialogs)
