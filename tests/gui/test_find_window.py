"""Find (Ctrl+F) in the real window: this document, the whole project, entities by label."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ner_studio.core.text.document import Document
from ner_studio.core.text.spans import Span


def test_ctrl_f_finds_in_this_document_highlights_and_steps_with_f3(start_window, idle, qtbot):
    window = start_window()
    text = window.doc.text
    expected = text.lower().count("lisbon")  # the sample names it several times (once as LISBON)
    assert expected > 1
    qtbot.keyClick(window.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    find = window.find
    assert find.dock.isVisible() or not window.isVisible()  # offscreen: shown once the window is
    find.panel.query.setText("lisbon")
    qtbot.keyClick(find.panel.query, Qt.Key.Key_Return)
    idle(window)  # the matches come from Find's worker thread
    assert len(find.hits) == expected and find.panel.results.rowCount() == expected
    assert find.panel.summary.text() == f"{expected} matches in 1 document"
    assert len(window.view.extraSelections()) == expected  # every match highlighted
    qtbot.keyClick(window.view, Qt.Key.Key_F3)
    first = text.lower().index("lisbon")
    assert window.view.selection() == (first, first + 6)
    qtbot.keyClick(window.view, Qt.Key.Key_F3)
    assert window.view.selection()[0] == text.lower().index("lisbon", first + 1)
    qtbot.keyClick(window.view, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert window.view.selection() == (first, first + 6)
    find.panel.case.setChecked(True)  # "lisbon" in lower case is nowhere
    idle(window)
    assert find.hits == [] and window.view.extraSelections() == []


def test_find_across_the_project_and_by_label_jumps_to_the_other_document(start_window, idle, qtbot):
    window = start_window()
    other = Document.from_text("Nothing here but the Tagus river and Lisbon again .", name="other")
    window.workspace.add_documents([other])
    idle(window)
    start = other.text.index("Tagus")
    other.set_spans([Span(start, start + 5, "LOC")])
    window.show_document(window.workspace.document_ids()[0])
    find = window.find
    find.start()
    find.panel.scope.setCurrentIndex(find.panel.scope.findData("project"))
    find.panel.query.setText("Tagus")
    find.search()
    idle(window)
    names = {find.panel.results.item(r, 0).text() for r in range(find.panel.results.rowCount())}
    assert "other" in names
    row = next(r for r, hit in enumerate(find.hits) if hit.doc_id == other.doc_id)
    assert find.hits[row].label == "LOC"
    find.panel.results.cellClicked.emit(row, 1)
    assert window.doc is other and window.view.selection() == (start, start + 5)
    find.panel.scope.setCurrentIndex(find.panel.scope.findData("label:LOC"))
    idle(window)
    assert any(hit.doc_id == other.doc_id and hit.text == "Tagus" for hit in find.hits)
    assert all(hit.label == "LOC" for hit in find.hits)
