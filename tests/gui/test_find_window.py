"""Find (Ctrl+F) in the real window: this document, the whole project, entities by label."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

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
    assert len(find.hits) == expected and find.panel.results.model().rowCount() == expected
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
    results = find.panel.results
    names = {results.model().index(r, 0).data() for r in range(results.model().rowCount())}
    assert "other" in names
    row = next(r for r, hit in enumerate(find.hits) if hit.doc_id == other.doc_id)
    assert find.hits[row].label == "LOC"
    results.scrollTo(results.model().index(row, 1))
    QTest.mouseClick(results.viewport(), Qt.MouseButton.LeftButton, pos=results.visualRect(results.model().index(row, 1)).center())
    assert window.doc is other and window.view.selection() == (start, start + 5)
    find.panel.scope.setCurrentIndex(find.panel.scope.findData("label:LOC"))
    idle(window)
    assert any(hit.doc_id == other.doc_id and hit.text == "Tagus" for hit in find.hits)
    assert all(hit.label == "LOC" for hit in find.hits)


def test_every_match_of_a_big_project_is_listed_with_its_entity(start_window, idle, qtbot):
    """3,000 matches, those in an open document and in one on disk, arrive from Find's worker
    joined with their entities, and the list holds all of them (it once stopped at 2,000)."""
    first = start_window()
    sentence = "Porto met Lisbon . "
    docs = [Document.from_text(sentence * 1500, name=f"part {k}") for k in range(2)]
    first.workspace.add_documents(docs)
    idle(first)
    for doc in docs:
        doc.set_spans([Span(m, m + 6, "LOC") for m in range(sentence.index("Lisbon"), len(doc.text), len(sentence))])
    first.show_document(docs[1].doc_id)
    first.close()
    window = start_window()  # "part 1" shown; "part 0" on disk only: its entities are the stored rows
    assert window.doc.doc_id == docs[1].doc_id
    assert docs[0].doc_id not in {doc.doc_id for doc in window.workspace.project.tracked_documents()}
    panel = find_lisbon(window, qtbot, idle, "project")
    ours = [hit for hit in window.find.hits if hit.doc_id in {doc.doc_id for doc in docs}]
    assert len(ours) == 3000 and all(hit.label == "LOC" for hit in ours)
    rows = panel.results.model()
    assert rows.rowCount() == len(window.find.hits) and "listed" not in panel.summary.text()
    last = rows.index(rows.rowCount() - 1, 2)
    assert last.data() == "LOC (human)" and rows.index(rows.rowCount() - 1, 0).data() == "part 1"


def test_matches_on_screen_are_highlighted_and_scrolling_brings_the_next(start_window, idle, qtbot):
    """A long document's matches: those on screen (and a few screens around) are highlighted,
    never thousands at once (that froze the window); scrolling highlights those it brings."""
    window = start_window()
    line = "Porto met Lisbon .\n"
    long = Document.from_text(line * 4000, name="long")
    window.workspace.add_documents([long])
    idle(window)
    assert window.doc is long
    panel = find_lisbon(window, qtbot, idle, "document")
    assert len(window.find.hits) == 4000 and panel.results.model().rowCount() == 4000

    def highlighted() -> list[int]:
        return [selection.cursor.selectionStart() for selection in window.view.extraSelections()]

    first, last = window.view.visible_range()
    on_screen = [hit.start for hit in window.find.hits if first <= hit.start and hit.end <= last]
    assert on_screen and set(on_screen) <= set(highlighted()) and len(highlighted()) < 1000
    window.view.verticalScrollBar().setValue(window.view.verticalScrollBar().maximum())
    end = window.find.hits[-1].start
    qtbot.waitUntil(lambda: end in highlighted(), timeout=5000)  # (the text is ASCII: Qt's offsets are ours)


def find_lisbon(window, qtbot, idle, scope: str):
    """Ctrl+F from the text, the scope chosen, "Lisbon" typed and Enter: the panel, searched."""
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    panel = window.find.panel
    panel.scope.setCurrentIndex(panel.scope.findData(scope))
    panel.query.setFocus()
    qtbot.keyClicks(panel.query, "Lisbon")
    qtbot.keyClick(panel.query, Qt.Key.Key_Return)
    idle(window)
    return panel


def test_a_long_document_name_far_down_the_results_is_not_cut(start_window, idle, qtbot):
    """The results table fits its columns on a screenful and the longest names the list holds
    (shell/qt_tables.py), not on every row: a name first met at row 300 still gets its width."""
    window = start_window()
    long_name = "a quarterly report with a long name"
    docs = [Document.from_text("Porto met Lisbon . " * 300, name="short"),
            Document.from_text("Lisbon once .", name=long_name)]
    window.workspace.add_documents(docs)
    idle(window)
    window.find.dock.setMinimumWidth(700)  # room for every column at its natural width
    panel = find_lisbon(window, qtbot, idle, "project")
    rows = panel.results.model()
    last = [r for r in range(rows.rowCount()) if rows.index(r, 0).data() == long_name]
    assert last and min(last) >= 300
    qtbot.waitUntil(lambda: not panel.columns._timer.isActive())
    assert panel.results.columnWidth(0) >= panel.results.fontMetrics().horizontalAdvance(long_name)
