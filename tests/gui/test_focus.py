"""Focus belongs to the person (issue 23): showing a document never takes the keyboard from a
field or table the analyst is typing in, and the keys that edit with one stroke act only in the
text. Reproduces what a tester did with xdotool: typing in the document filter opened "story"
and moved the keyboard into its text, where every further letter was an edit."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QAbstractSpinBox, QApplication, QDockWidget, QLineEdit, QWidget

from ner_studio.core.text.document import Document, Status
from ner_studio.core.text.spans import Source, Span
from ner_studio.gui.shell.qt_actions import shortcut_rows
from tests.gui.invariants import Invariants, focused

# Keys that edit with one stroke, typed wherever the keyboard is: every one must be harmless
# outside the text.
EDITING_KEYS = (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_4, Qt.Key.Key_A, Qt.Key.Key_S, Qt.Key.Key_Space,
                Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
# Keys without Ctrl or Alt that do not edit anything (help, find next / previous).
HARMLESS_SINGLE_KEYS = {"F1", "F3", "Shift+F3"}


def entity(text: str, surface: str, label: str) -> Span:
    start = text.index(surface)
    return Span(start, start + len(surface), label, Source.HUMAN)


@pytest.fixture
def analyst(start_window, idle, qtbot, log_folder):
    """The window with "sample" shown (model entities), "story" reviewed with two confirmed
    entities, and "other" as the model tagged it; the window active, the keyboard in the text."""
    window = start_window()
    sample = window.doc
    story = Document.from_text("Karin Olsson met Daniel Okafor in Lisbon on Thursday .", name="story")
    other = Document.from_text("Meridian Capital hired Hannah Whitcombe in Madrid .", name="other")
    window.workspace.add_documents([story, other])
    idle(window)
    story.set_spans([entity(story.text, "Karin Olsson", "PER"), entity(story.text, "Lisbon", "LOC")])
    window.workspace.mark_reviewed(story, log=False)
    assert any(not s.confirmed for s in other.spans)  # model entities a stray A would accept
    window.show_document(sample.doc_id)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.view.setFocus()
    return window, Invariants(window, log_folder), {d.name: d for d in (sample, story, other)}


def type_editing_keys(widget_check) -> None:
    """Every one-stroke editing key (and Ctrl+A), each to the widget that has the keyboard;
    ``widget_check()`` after each says the keyboard is still where it was."""
    QTest.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    for key in EDITING_KEYS:
        QTest.keyClick(focused(), key)
        widget_check()


def test_typing_in_the_filter_keeps_the_keyboard_there_and_edits_nothing(analyst, qtbot):
    window, invariants, docs = analyst
    query = window.document_tools.pane.query
    qtbot.mouseClick(query, Qt.MouseButton.LeftButton)
    assert focused() is query
    QTest.keyClicks(focused(), "st")
    assert window.doc.name == "story"  # "sample" is filtered out: the list shows "story"...
    assert focused() is query  # ...and the keyboard stays in the filter
    QTest.keyClicks(focused(), "label:MISC 1a")
    QTest.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(focused(), "label:MISC")
    assert query.text() == "label:MISC" and focused() is query
    type_editing_keys(lambda: None if focused() is query else pytest.fail(f"focus moved to {focused()}"))
    invariants.check("typing in the filter")
    assert docs["story"].status == Status.REVIEWED and len(docs["story"].spans) == 2


def test_enter_in_the_filter_goes_to_the_list_and_enter_there_into_the_text(analyst, qtbot):
    window, invariants, docs = analyst
    query, documents = window.document_tools.pane.query, window.documents
    qtbot.mouseClick(query, Qt.MouseButton.LeftButton)
    QTest.keyClicks(focused(), "oth")
    QTest.keyClick(focused(), Qt.Key.Key_Return)  # the window's Enter (accept an entity) stays in the text
    assert focused() is documents and window.doc.name == "other"
    type_editing_keys(lambda: None if focused() is documents else pytest.fail(f"focus moved to {focused()}"))
    invariants.check("keys in the document list")
    QTest.keyClick(focused(), Qt.Key.Key_Return)  # the analyst's choice: work on it
    assert focused() is window.view and window.doc.name == "other"
    QTest.keyClick(focused(), Qt.Key.Key_Right)  # the first token selected in the text
    QTest.keyClick(focused(), Qt.Key.Key_2)  # and now a label key labels it
    changed = invariants.check("a label key in the text", edited={docs["other"].doc_id})
    assert docs["other"].doc_id in changed
    assert any(s.label == "LOC" and s.source == Source.HUMAN for s in docs["other"].spans)


def test_a_click_in_the_list_shows_the_document_and_keeps_the_keyboard_in_the_list(analyst, qtbot):
    window, invariants, docs = analyst
    documents = window.documents
    source_row = documents.list_model.row_of(docs["story"].doc_id)
    row = documents.filter.mapFromSource(documents.list_model.index(source_row, 0))
    qtbot.mouseClick(documents.viewport(), Qt.MouseButton.LeftButton, pos=documents.visualRect(row).center())
    assert window.doc is docs["story"] and focused() is documents
    type_editing_keys(lambda: None)  # letters may move the list to another document: shown, not edited
    invariants.check("keys in the document list after a click")
    row = documents.filter.mapFromSource(documents.list_model.index(source_row, 0))
    qtbot.mouseDClick(documents.viewport(), Qt.MouseButton.LeftButton, pos=documents.visualRect(row).center())
    assert window.doc is docs["story"] and focused() is window.view  # a double-click opens it to work on


def test_find_keeps_its_field_and_its_results_while_showing_matches(analyst, qtbot):
    window, invariants, docs = analyst
    window.show_document(docs["story"].doc_id)
    QTest.keyClick(focused(), Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    field = window.find.panel.query
    assert focused() is field
    QTest.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(focused(), "Lisbon")
    QTest.keyClick(focused(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.find.busy)  # the matches come from Find's worker thread
    assert window.find.hits
    QTest.keyClick(focused(), Qt.Key.Key_F3)  # shows the match in the text...
    start = docs["story"].text.index("Lisbon")
    assert window.view.selection() == (start, start + len("Lisbon"))
    assert focused() is field  # ...and the keyboard stays in Find
    type_editing_keys(lambda: None if focused() is field else pytest.fail(f"focus moved to {focused()}"))
    QTest.keyClick(focused(), Qt.Key.Key_Return)  # searches again; never accepts an entity
    qtbot.waitUntil(lambda: not window.find.busy)
    invariants.check("typing in Find")
    results = window.find.panel.results
    results.setFocus()
    type_editing_keys(lambda: None if focused() is results else pytest.fail(f"focus moved to {focused()}"))
    invariants.check("keys in Find's results")


def test_the_entity_table_and_documents_shown_meanwhile_take_nothing(analyst, qtbot, idle):
    window, invariants, docs = analyst
    window.entities.setFocus()
    type_editing_keys(lambda: None)
    QTest.keyClick(focused(), Qt.Key.Key_Return)
    invariants.check("keys in the entity table")
    query = window.document_tools.pane.query
    qtbot.mouseClick(query, Qt.MouseButton.LeftButton)
    QTest.keyClick(focused(), Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)  # next document
    assert focused() is query
    window.workspace.add_documents([Document.from_text("Lisbon again .", name="arrived")])  # an import ends
    idle(window)
    assert window.doc.name == "arrived" and focused() is query
    QTest.keyClicks(focused(), "1a ")
    invariants.check("documents shown while typing", added=True)


def test_review_keys_act_in_the_text_and_the_queue_never_in_a_field(analyst, qtbot, idle):
    window, invariants, docs = analyst
    window.actions_["review_mode"].trigger()
    idle(window)
    review = window.learning.review
    assert review.current is not None
    query = window.document_tools.pane.query
    qtbot.mouseClick(query, Qt.MouseButton.LeftButton)
    shown = review.current
    QTest.keyClicks(focused(), " s S")
    assert review.current == shown and query.text() == " s S" and focused() is query
    invariants.check("Space and S in the filter")
    window.view.setFocus()
    QTest.keyClick(focused(), Qt.Key.Key_S)  # in the text, S skips
    assert review.current != shown
    invariants.check("S in the text")
    upcoming = review.panel.upcoming  # a click on a queued sentence shows it; Space there accepts it
    qtbot.mouseClick(upcoming.viewport(), Qt.MouseButton.LeftButton, pos=upcoming.visualItemRect(upcoming.item(0)).center())
    chosen = review.current
    assert focused() is upcoming and window.doc.doc_id == chosen.doc_id
    QTest.keyClick(focused(), Qt.Key.Key_Space)
    assert chosen.sentence in review.accepted.get(chosen.doc_id, set())
    invariants.check("Space in the queue's list", edited={chosen.doc_id})


def test_menus_and_toolbar_buttons_still_run_the_text_commands_from_anywhere(analyst, qtbot):
    window, invariants, docs = analyst
    window.show_document(docs["other"].doc_id)
    query = window.document_tools.pane.query
    qtbot.mouseClick(query, Qt.MouseButton.LeftButton)
    button = window.toolbar.widgetForAction(window.actions_["accept_all"])
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    changed = invariants.check("Accept All from the toolbar", edited={docs["other"].doc_id})
    assert docs["other"].doc_id in changed and all(s.confirmed for s in docs["other"].spans)
    assert focused() is query


def dock_of(widget: QWidget) -> QDockWidget | None:
    while widget is not None and not isinstance(widget, QDockWidget):
        widget = widget.parentWidget()
    return widget


def test_no_field_or_table_in_any_dock_lets_a_key_edit_the_document(analyst, qtbot):
    """Every text field, spin box, list and table of every dock (the tools' too), one by one."""
    window, invariants, docs = analyst
    window.show_document(docs["other"].doc_id)  # unconfirmed model entities: A would accept them
    kinds = (QLineEdit, QAbstractSpinBox, QAbstractItemView)
    widgets = [w for w in window.findChildren(QWidget) if isinstance(w, kinds)
               and w.focusPolicy() != Qt.FocusPolicy.NoFocus and dock_of(w) is not None
               and not isinstance(w.parentWidget(), QAbstractSpinBox)]  # a spin box's own line edit
    typed_in = []
    for widget in widgets:
        dock = dock_of(widget)
        dock.show()
        dock.raise_()
        if not widget.isVisible():  # a part of a tool not shown in this project (e.g. a team's)
            continue
        widget.setFocus()
        qtbot.waitUntil(lambda: focused() is widget)
        for key in EDITING_KEYS:
            QTest.keyClick(focused(), key)
        invariants.check(f"keys in {type(widget).__name__} of the {dock.windowTitle()} dock")
        typed_in.append(dock.windowTitle())
    assert {"Documents", "Entities", "Find", "Review next"} <= set(typed_in), typed_in


def one_key(sequence: QKeySequence) -> bool:
    """A shortcut typed without Ctrl, Alt or Meta (Shift may be part of a character)."""
    if sequence.isEmpty():
        return False
    modifiers = sequence[0].keyboardModifiers()
    return not modifiers & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                            | Qt.KeyboardModifier.MetaModifier)


def test_every_one_key_shortcut_that_edits_acts_only_in_the_text(analyst):
    window, _invariants, _docs = analyst
    actions = window.findChildren(QAction)
    seen = set()
    for action in actions:
        for sequence in action.shortcuts():
            keys = sequence.toString()
            if not one_key(sequence) or keys in HARMLESS_SINGLE_KEYS:
                continue
            seen.add(keys)
            assert action.shortcutContext() == Qt.ShortcutContext.WidgetWithChildrenShortcut, action.objectName()
            assert window not in action.associatedObjects(), action.objectName()
            assert window.view in action.associatedObjects(), action.objectName()
    assert {"A", "Del", "Backspace", "Return", "Space", "S", "1", "4"} <= seen
    sheet = {keys: what for keys, what, _where in shortcut_rows(window)}  # Help > Keyboard Shortcuts says so
    assert "acts in the text" in sheet["A"] and "acts in the text" in sheet["1"]
