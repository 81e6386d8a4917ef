"""Find with a regular expression and a scope, in the real window: typed into the focused
Find field after Ctrl+F; a bad or runaway pattern is said under the query (no dialog, no
exception); "every capitalised word not in an entity"; Label Every Match labels the matches."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from ner_studio.core.text.document import Document
from ner_studio.core.text.spans import Source, Span
from ner_studio.gui.corpus import qt_label_all

CAPITALISED = r"\b[A-Z][a-z]+\b"


def open_find(window, qtbot):
    """Ctrl+F in the text, as a person starts Find: the keyboard is then in the query field."""
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    panel = window.find.panel
    assert QApplication.focusWidget() is panel.query or not window.isVisible()
    return panel


def search_for(panel, qtbot, pattern: str) -> None:
    panel.query.setFocus()
    panel.query.selectAll()
    QTest.keyClicks(panel.query, pattern)
    qtbot.keyClick(panel.query, Qt.Key.Key_Return)


def labelled_document(window, idle) -> Document:
    """A second document whose names are partly labelled by the analyst."""
    text = "Karin Olsson met Tomas in Lisbon . Report from Porto on Monday ."
    doc = Document.from_text(text, name="names")
    window.workspace.add_documents([doc])
    idle(window)
    doc = window.workspace.document(doc.doc_id)
    tomas, lisbon = text.index("Tomas"), text.index("Lisbon")
    doc.set_spans([Span(0, 12, "PER", Source.HUMAN), Span(lisbon, lisbon + 6, "LOC", Source.HUMAN),
                   Span(tomas, tomas + 5, "PER", Source.MODEL)])
    return doc


def test_a_bad_pattern_is_said_under_the_query_and_nothing_is_raised(start_window, qtbot, dialogs):
    window = start_window()
    panel = open_find(window, qtbot)
    qtbot.mouseClick(panel.regex, Qt.MouseButton.LeftButton, pos=panel.regex.rect().center())
    assert panel.regex.isChecked()
    search_for(panel, qtbot, "Lisbon(")
    assert window.find.hits == [] and panel.results.rowCount() == 0
    assert not panel.problem.isHidden()
    assert panel.problem.text().startswith("Not a valid regular expression: missing ), unterminated subpattern")
    assert dialogs == []  # no dialog: the analyst's typo is shown where they type
    search_for(panel, qtbot, "Lisb[a-z]n")
    assert panel.problem.isHidden() and len(window.find.hits) == window.doc.text.lower().count("lisbon")


def test_a_runaway_pattern_stops_within_the_budget(start_window, idle, qtbot, dialogs):
    window = start_window()
    window.workspace.add_documents([Document.from_text("a" * 30_000 + " !", name="long")])
    idle(window)
    panel = open_find(window, qtbot)
    panel.scope.setCurrentIndex(panel.scope.findData("project"))
    panel.regex.setChecked(True)
    panel.whole.setChecked(False)
    started = time.monotonic()
    search_for(panel, qtbot, "(a|aa)+$")
    assert time.monotonic() - started < 30  # a 1 s budget (overshot on a busy machine); unbounded: ages
    assert "took more than 1 s" in panel.problem.text() and window.find.hits == [] and dialogs == []


def test_capitalised_words_outside_entities_then_label_every_match(start_window, idle, qtbot, monkeypatch):
    window = start_window()
    doc = labelled_document(window, idle)
    panel = open_find(window, qtbot)
    panel.scope.setCurrentIndex(panel.scope.findData("project"))
    panel.case.setChecked(True)
    panel.regex.setChecked(True)
    panel.within.setCurrentIndex(panel.within.findData("outside"))
    search_for(panel, qtbot, CAPITALISED)
    mine = [hit.text for hit in window.find.hits if hit.doc_id == doc.doc_id]
    assert mine == ["Report", "Porto", "Monday"]  # Karin, Olsson, Tomas, Lisbon are in entities
    for hit in window.find.hits:  # in the sample too: nothing found overlaps an entity
        spans = window.workspace.document(hit.doc_id).spans
        assert not any(s.start < hit.end and hit.start < s.end for s in spans)
        assert hit.text[0].isupper()
    panel.within.setCurrentIndex(panel.within.findData("inside:PER"))
    assert [hit.text for hit in window.find.hits if hit.doc_id == doc.doc_id] == ["Karin", "Olsson", "Tomas"]

    panel.scope.setCurrentIndex(panel.scope.findData("document"))
    window.show_document(doc.doc_id)
    panel.within.setCurrentIndex(panel.within.findData("outside"))
    seen = {}

    def answer(dialog):
        dialog.label.setCurrentText("MISC")
        seen["dialog"] = dialog
        return True

    monkeypatch.setattr(qt_label_all.LabelAllDialog, "exec", answer)
    window.actions_["label_found"].trigger()
    dialog = seen["dialog"]
    assert dialog.heading.text() == rf"Label all 3 occurrences of “/{CAPITALISED}/”"
    assert [(o.hit.text, o.ticked) for o in dialog.occurrences] == [("Report", True), ("Porto", True), ("Monday", True)]
    misc = [(doc.text[s.start:s.end], s.source) for s in doc.spans if s.label == "MISC"]
    assert misc == [("Report", Source.HUMAN), ("Porto", Source.HUMAN), ("Monday", Source.HUMAN)]
    assert "Labelled 3 entities in 1 document" in window.statusBar().currentMessage()
    window.actions_["undo_label_all"].trigger()
    assert not any(s.label == "MISC" for s in doc.spans)


def test_label_every_match_without_a_search_says_what_to_do(start_window):
    window = start_window()
    window.actions_["label_found"].trigger()
    assert window.statusBar().currentMessage().startswith("Find something first")
