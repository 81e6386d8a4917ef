"""Undo stays whole: Undo and Redo select what they changed and scroll it into view.
Everything through the window's actions and keys."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from ner_studio.core.document import Document
from ner_studio.core.project import Project
from ner_studio.core.spans import Source, Span

CTRL, SHIFT, ALT = (Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier,
                    Qt.KeyboardModifier.AltModifier)
# Names at the top and the bottom of a text taller than the window, so showing them scrolls.
TRIP = ("Ana Reis flew to Lisbon on Monday .\n"
        + "Nothing else happened that day .\n" * 150
        + "Porto greeted Lisbon and Porto .\n")
OTHER = "Lisbon was quiet . Lisbon slept ."
THIRD = "Rui Costa left Lisbon ."


def at(text: str, word: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return start, start + len(word)


def press(key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    """A key to whatever has the focus, as the analyst's keyboard sends it."""
    QTest.keyClick(QApplication.focusWidget(), key, modifiers)


def undo() -> None:
    press(Qt.Key.Key_Z, CTRL)


def redo() -> None:
    press(Qt.Key.Key_Z, CTRL | SHIFT)


def visible(window, offset: int) -> bool:
    """The character at ``offset`` is within the shown part of the text."""
    cursor = QTextCursor(window.view.document())
    cursor.setPosition(offset)
    return window.view.viewport().rect().contains(window.view.cursorRect(cursor).center())


def shows(window, start: int, end: int) -> bool:
    """The range is selected and in view."""
    return window.view.selection() == (start, end) and visible(window, start)


def scroll_away(window, offset: int) -> None:
    """Scroll to the other end of the text, so that showing ``offset`` takes scrolling."""
    bar = window.view.verticalScrollBar()
    bar.setValue(bar.minimum() if offset > len(TRIP) // 2 else bar.maximum())
    assert not visible(window, offset)


@pytest.fixture
def project_window(start_window, idle):
    """``(window, ids)``: a project of the sample, "third", "trip" and "other", reopened with
    "trip" shown: only it is in memory; "other" (one Lisbon the analyst's LOC) stays on disk."""
    first = start_window()
    docs = {name: Document.from_text(text, name=name) for name, text in
            (("third", THIRD), ("trip", TRIP), ("other", OTHER))}
    first.workspace.add_documents(list(docs.values()))
    idle(first)
    porto = at(TRIP, "Porto")
    docs["trip"].set_spans([Span(*porto, "LOC", Source.MODEL, 0.9)])  # the model's guess
    docs["other"].set_spans([Span(*at(OTHER, "Lisbon"), "LOC", Source.HUMAN)])
    docs["third"].set_spans([])
    first.show_document(docs["trip"].doc_id)
    first.close()
    window = start_window()
    ids = {name: doc.doc_id for name, doc in docs.items()}
    assert window.doc.doc_id == ids["trip"]
    assert ids["other"] not in {doc.doc_id for doc in window.workspace.project.tracked_documents()}
    window.activateWindow()  # shortcuts reach only the active window
    QTest.qWaitForWindowActive(window)
    window.view.setFocus()
    assert QApplication.focusWidget() is window.view
    return window, ids


def label_word(window, word: str, key, nth: int = 0) -> None:
    window.view.select_range(*at(window.doc.text, word, nth))
    press(key)


def test_undo_and_redo_show_every_kind_of_edit(project_window):
    window, _ids = project_window
    doc = window.doc
    view = window.view
    ana, porto, monday = at(TRIP, "Ana"), at(TRIP, "Porto"), at(TRIP, "Monday")
    model_porto = Span(*porto, "LOC", Source.MODEL, 0.9)
    doc.set_spans([model_porto, Span(*monday, "MISC", Source.MODEL, 0.8)])

    def check(first: tuple[int, int], then: tuple[int, int], undone_span, redone_span) -> None:
        """Undo shows ``first`` (with ``undone_span`` selected), Redo ``then`` (``redone_span``)."""
        scroll_away(window, first[0])
        undo()
        assert shows(window, *first) and view.current_span() == undone_span
        scroll_away(window, then[0])
        redo()
        assert shows(window, *then) and view.current_span() == redone_span

    label_word(window, "Ana", Qt.Key.Key_1)  # label
    check(ana, ana, None, Span(*ana, "PER"))
    press(Qt.Key.Key_Right, ALT | SHIFT)  # resize: "Ana" grows to "Ana Reis"
    whole = at(TRIP, "Ana Reis")
    check(ana, whole, Span(*ana, "PER"), Span(*whole, "PER"))
    label_word(window, "Porto", Qt.Key.Key_3)  # relabel the model's Porto
    check(porto, porto, model_porto, Span(*porto, "ORG"))
    press(Qt.Key.Key_Delete)  # delete
    check(porto, porto, Span(*porto, "ORG"), None)
    press(Qt.Key.Key_A)  # accept all: Monday, the only model entity left
    check(monday, monday, Span(*monday, "MISC", Source.MODEL, 0.8), Span(*monday, "MISC", Source.ACCEPTED, 0.8))
