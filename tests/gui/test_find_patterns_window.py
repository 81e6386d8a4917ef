"""Find with a regular expression and a scope, in the real window: typed into the focused
Find field after Ctrl+F; a bad or runaway pattern is said under the query (no dialog, no
exception); the search runs in a worker thread: typing shows the matches, a newer query's win
over an older one's and a runaway pattern never freezes the window; "every capitalised word
not in an entity"; Label Every Match labels the matches."""

from __future__ import annotations

import time
from itertools import pairwise

from PySide6.QtCore import Qt, QTimer
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


def search_for(window, qtbot, pattern: str) -> None:
    """Typed, then Enter; until the worker's matches are listed."""
    panel = window.find.panel
    panel.query.setFocus()
    panel.query.selectAll()
    QTest.keyClicks(panel.query, pattern)
    qtbot.keyClick(panel.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.find.busy, timeout=60_000)  # a runaway pattern: its budget, on a busy machine


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
    search_for(window, qtbot, "Lisbon(")
    assert window.find.hits == [] and panel.results.model().rowCount() == 0
    assert not panel.problem.isHidden()
    assert panel.problem.text().startswith("Not a valid regular expression: missing ), unterminated subpattern")
    assert dialogs == []  # no dialog: the analyst's typo is shown where they type
    search_for(window, qtbot, "Lisb[a-z]n")
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
    search_for(window, qtbot, "(a|aa)+$")
    assert time.monotonic() - started < 30  # a 1 s budget (overshot on a busy machine); unbounded: ages
    assert "took more than 1 s" in panel.problem.text() and window.find.hits == [] and dialogs == []


def test_typing_lists_the_matches_and_the_newest_query_wins_while_the_window_stays_live(start_window, idle, qtbot,
                                                                                       dialogs):
    window = start_window()
    lisbons = window.doc.text.lower().count("lisbon")
    window.workspace.add_documents([Document.from_text("a" * 30_000 + " !", name="long")])
    idle(window)
    panel = open_find(window, qtbot)
    panel.scope.setCurrentIndex(panel.scope.findData("project"))
    idle(window)
    window.activateWindow()
    panel.query.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.query)
    QTest.keyClicks(QApplication.focusWidget(), "lisbon")  # no Enter: a pause in typing searches
    qtbot.waitUntil(lambda: panel.results.model().rowCount() == lisbons > 1, timeout=60_000)
    assert panel.summary.text() == f"{lisbons} matches in 1 document" and not window.find.busy

    window.show_document(window.workspace.document_ids()[-1])  # the long one: a runaway pattern runs in it at once
    panel.scope.setCurrentIndex(panel.scope.findData("document"))
    panel.regex.setChecked(True)
    panel.whole.setChecked(False)
    idle(window)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(20)
    started = time.monotonic()
    panel.query.selectAll()
    QTest.keyClicks(QApplication.focusWidget(), "(a|aa)+$")  # runs for its whole budget, in its thread
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert window.find.busy and panel.summary.text() == "Searching…"
    qtbot.wait(500)  # inside the regex engine by now (its budget is 1 s): it can no longer stop before its end
    panel.query.selectAll()
    QTest.keyClicks(QApplication.focusWidget(), "a+ !")  # a newer query: the runaway one is dropped
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.find.busy, timeout=60_000)
    assert window.find.running_searches == 1  # listed while the runaway one still ran
    assert [len(hit.text) for hit in window.find.hits] == [30_002] and panel.results.model().rowCount() == 1
    qtbot.waitUntil(lambda: window.find.running_searches == 0, timeout=60_000)
    lasted = time.monotonic() - started
    timer.stop()
    assert panel.problem.isHidden() and len(window.find.hits) == 1  # its "took more than 1 s" was dropped
    assert max(b - a for a, b in pairwise(ticks)) < lasted / 2  # and the window was never frozen for it
    assert dialogs == []


def test_capitalised_words_outside_entities_then_label_every_match(start_window, idle, qtbot, monkeypatch):
    window = start_window()
    doc = labelled_document(window, idle)
    panel = open_find(window, qtbot)
    panel.scope.setCurrentIndex(panel.scope.findData("project"))
    panel.case.setChecked(True)
    panel.regex.setChecked(True)
    panel.within.setCurrentIndex(panel.within.findData("outside"))
    search_for(window, qtbot, CAPITALISED)
    mine = [hit.text for hit in window.find.hits if hit.doc_id == doc.doc_id]
    assert mine == ["Report", "Porto", "Monday"]  # Karin, Olsson, Tomas, Lisbon are in entities
    for hit in window.find.hits:  # in the sample too: nothing found overlaps an entity
        spans = window.workspace.document(hit.doc_id).spans
        assert not any(s.start < hit.end and hit.start < s.end for s in spans)
        assert hit.text[0].isupper()
    panel.within.setCurrentIndex(panel.within.findData("inside:PER"))
    idle(window)
    assert [hit.text for hit in window.find.hits if hit.doc_id == doc.doc_id] == ["Karin", "Olsson", "Tomas"]

    panel.scope.setCurrentIndex(panel.scope.findData("document"))
    window.show_document(doc.doc_id)
    panel.within.setCurrentIndex(panel.within.findData("outside"))
    idle(window)
    seen = {}

    def answer(dialog):
        dialog.label.setCurrentText("MISC")
        seen["dialog"] = dialog
        return True

    monkeypatch.setattr(qt_label_all.LabelAllDialog, "exec", answer)
    window.actions_["label_found"].trigger()
    qtbot.waitUntil(lambda: "dialog" in seen)  # the preview opens once Find's search (a worker's) is in
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
