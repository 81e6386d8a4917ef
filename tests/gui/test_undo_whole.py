"""Undo stays whole: Label All, Harmonise and Apply Patterns are one undo step in every open
document they change, on top of that document's earlier edits (never clearing them); Edit >
Undo Label All takes back the whole step, in documents not open too; Undo and Redo select
what they changed and scroll it into view. Everything through the window's actions and keys."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog

from ner_studio.core.text.document import Document, Status
from ner_studio.core.store.project import Project
from ner_studio.core.text.spans import Source, Span
from ner_studio.gui.corpus import qt_label_all

CTRL, SHIFT, ALT = (Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier,
                    Qt.KeyboardModifier.AltModifier)
# Names at the top and the bottom of a text taller than the window, so showing them scrolls.
TRIP = ("Ana Reis flew to Lisbon on Monday .\n"
        + "Nothing else happened that day .\n" * 150
        + "Porto greeted Lisbon and Porto .\n")
OTHER = "Lisbon was quiet . Lisbon slept ."
THIRD = "Rui Costa left Lisbon ."
DONE = "Lisbon stayed calm ."  # reviewed: no project-wide step touches it unasked


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


def stored(window, doc_id: int) -> tuple[Span, ...]:
    """A document's spans as a second connection reads them from the project, once the
    window's write in flight (a step's, from the writer thread) has landed."""
    landed(window)
    with Project.open(window.workspace.project.path, read_only=True) as project:
        return project.load_document(doc_id).spans


def landed(window, timeout_ms: int = 20_000) -> None:
    """Run the event loop until the project's background write, if any, has landed."""
    for _ in range(timeout_ms // 5):
        if not window.workspace.project.writing:
            return
        QTest.qWait(5)
    raise AssertionError("the write in flight did not land")


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
    """``(window, ids)``: a project of the sample, "third", "trip", "other" and "done" (reviewed),
    reopened with "trip" shown: only it is in memory; "other" (one Lisbon the analyst's LOC)
    stays on disk."""
    first = start_window()
    docs = {name: Document.from_text(text, name=name) for name, text in
            (("third", THIRD), ("trip", TRIP), ("other", OTHER), ("done", DONE))}
    first.workspace.add_documents(list(docs.values()))
    idle(first)
    porto = at(TRIP, "Porto")
    docs["trip"].set_spans([Span(*porto, "LOC", Source.MODEL, 0.9)])  # the model's guess
    docs["other"].set_spans([Span(*at(OTHER, "Lisbon"), "LOC", Source.HUMAN)])
    docs["third"].set_spans([])
    docs["done"].set_spans([])
    docs["done"].status = Status.REVIEWED
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


def edit_third_then_come_back(window) -> None:
    """An edit in "third" (open, not shown): its history must outlive the project-wide step."""
    window.actions_["previous_doc"].trigger()
    assert window.doc.name == "third"
    label_word(window, "Rui Costa", Qt.Key.Key_1)
    window.actions_["next_doc"].trigger()
    assert window.doc.name == "trip"


# --- the three project-wide steps, each labelling every Lisbon LOC that nobody confirmed ------
def by_label_all(window, qtbot, monkeypatch, tmp_path) -> None:
    answer_preview(monkeypatch)
    window.view.select_range(*at(window.doc.text, "Lisbon"))
    window.actions_["label_all"].trigger()


def by_harmonise(window, qtbot, monkeypatch, tmp_path) -> None:
    answer_preview(monkeypatch)
    window.actions_["inconsistencies"].trigger()
    panel = window.consistency.panel
    tree = panel.tree
    [top] = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount()) if tree.topLevelItem(i).text(0) == "Lisbon"]
    tree.setCurrentItem(top)
    qtbot.mouseClick(panel.harmonise, Qt.MouseButton.LeftButton)


def by_patterns(window, qtbot, monkeypatch, tmp_path) -> None:
    gazetteer = tmp_path / "places.tsv"
    gazetteer.write_text("Lisbon\tLOC\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(gazetteer), ""))
    window.actions_["apply_patterns"].trigger()


def answer_preview(monkeypatch) -> None:
    """The preview dialog answered through its widgets: LOC, the ticks it offers, Apply."""
    def exec_(dialog):
        dialog.label.setCurrentText("LOC")
        return True

    monkeypatch.setattr(qt_label_all.LabelAllDialog, "exec", exec_)


STEPS = {"label_all": by_label_all, "harmonise": by_harmonise, "patterns": by_patterns}
UNDO_TEXTS = {"label_all": "Label All 'Lisbon' as LOC", "harmonise": "Harmonise 'Lisbon' as LOC",
              "patterns": "Apply places.tsv"}


def two_edits_and_step(window, qtbot, monkeypatch, tmp_path, step: str) -> list[tuple[Span, ...]]:
    """Label "Ana Reis" PER, relabel the model's Porto ORG, then the step: the trip's spans
    after each (the first: before any)."""
    doc = window.doc
    states = [doc.spans]
    label_word(window, "Ana Reis", Qt.Key.Key_1)
    states.append(doc.spans)
    label_word(window, "Porto", Qt.Key.Key_3)
    states.append(doc.spans)
    STEPS[step](window, qtbot, monkeypatch, tmp_path)
    states.append(doc.spans)
    lisbons = [s for s in doc.spans if doc.text[s.start:s.end] == "Lisbon"]
    assert [(s.start, s.label) for s in lisbons] == [(at(TRIP, "Lisbon")[0], "LOC"), (at(TRIP, "Lisbon", 1)[0], "LOC")]
    return states


@pytest.mark.parametrize("step", STEPS)
def test_the_step_is_one_undo_step_on_top_of_the_documents_own(project_window, qtbot, monkeypatch, tmp_path, step):
    window, ids = project_window
    edit_third_then_come_back(window)
    doc = window.doc
    before, after_first, after_second, after_step = two_edits_and_step(window, qtbot, monkeypatch, tmp_path, step)
    in_other = [(s.start, s.label) for s in stored(window, ids["other"])]
    assert in_other == [(at(OTHER, "Lisbon")[0], "LOC"), (at(OTHER, "Lisbon", 1)[0], "LOC")]
    assert stored(window, ids["done"]) == ()
    stack = window.workspace.undo_stack(doc.doc_id)
    assert stack.count() == 3  # the two edits are still there, under the step
    assert window.actions_["undo"].text() == "&Undo " + UNDO_TEXTS[step]

    lisbon, porto, ana = at(TRIP, "Lisbon"), at(TRIP, "Porto"), at(TRIP, "Ana Reis")
    scroll_away(window, lisbon[0])
    undo()  # the step's part in this document: the first Lisbon it labelled is shown
    assert doc.spans == after_second and stored(window, doc.doc_id) == after_second
    assert shows(window, *lisbon) and window.view.current_span() is None
    assert len(stored(window, ids["other"])) == 2  # a document not open keeps its part
    undo()  # the relabel: the model's Porto comes back, selected, at the bottom
    assert doc.spans == after_first and shows(window, *porto)
    assert window.view.current_span() == Span(*porto, "LOC", Source.MODEL, 0.9)
    undo()  # the first edit: where "Ana Reis" was labelled, back at the top
    assert doc.spans == before and shows(window, *ana)
    assert not stack.canUndo()

    redo()
    assert doc.spans == after_first and shows(window, *ana) and window.view.current_span().label == "PER"
    redo()
    assert doc.spans == after_second and shows(window, *porto) and window.view.current_span().label == "ORG"
    scroll_away(window, lisbon[0])
    redo()
    assert doc.spans == after_step and stored(window, doc.doc_id) == after_step
    assert shows(window, *lisbon) and window.view.current_span().label == "LOC"

    window.actions_["previous_doc"].trigger()  # "third": its part, then its own edit
    third = window.doc
    assert [(third.text[s.start:s.end], s.label) for s in third.spans] == [("Rui Costa", "PER"), ("Lisbon", "LOC")]
    undo()
    assert [(third.text[s.start:s.end], s.label) for s in third.spans] == [("Rui Costa", "PER")]
    undo()
    assert third.spans == ()


@pytest.mark.parametrize("step", STEPS)
def test_undo_label_all_takes_back_every_part_still_standing(project_window, qtbot, monkeypatch, tmp_path, step):
    window, ids = project_window
    edit_third_then_come_back(window)
    doc = window.doc
    _before, after_first, after_second, after_step = two_edits_and_step(window, qtbot, monkeypatch, tmp_path, step)
    window.actions_["previous_doc"].trigger()
    undo()  # "third" takes its own part back first: the project-wide undo leaves it alone
    third_spans = window.doc.spans
    assert [window.doc.text[s.start:s.end] for s in third_spans] == ["Rui Costa"]
    window.actions_["next_doc"].trigger()
    undo_all = window.actions_["undo_label_all"]
    assert undo_all.isEnabled()

    scroll_away(window, at(TRIP, "Lisbon")[0])
    undo_all.trigger()
    assert doc.spans == after_second and stored(window, doc.doc_id) == after_second
    assert stored(window, ids["other"]) == (Span(*at(OTHER, "Lisbon"), "LOC", Source.HUMAN),)
    assert window.workspace.document(ids["third"]).spans == third_spans
    assert shows(window, *at(TRIP, "Lisbon"))  # where this document's part was
    assert not undo_all.isEnabled()
    stack = window.workspace.undo_stack(doc.doc_id)
    assert (stack.count(), stack.index()) == (3, 2)  # the edits stay; the step waits for Redo
    undo()
    assert doc.spans == after_first
    redo()
    redo()  # this document's part alone comes back; the others stay as they are
    assert doc.spans == after_step and len(stored(window, ids["other"])) == 1
    assert window.workspace.undo_stack(ids["third"]).canRedo()


def test_a_part_under_later_edits_is_taken_back_and_undo_steps_over_it(project_window, qtbot, monkeypatch, tmp_path):
    window, ids = project_window
    doc = window.doc
    _before, after_first, after_second, _after_step = two_edits_and_step(window, qtbot, monkeypatch, tmp_path,
                                                                         "label_all")
    monday = at(TRIP, "Monday")
    label_word(window, "Monday", Qt.Key.Key_4)
    window.actions_["undo_label_all"].trigger()
    taken_back = doc.spans
    assert not any(doc.text[s.start:s.end] == "Lisbon" for s in taken_back)
    assert doc.span_at(monday[0]).label == "MISC" and stored(window, doc.doc_id) == taken_back
    assert stored(window, ids["other"]) == (Span(*at(OTHER, "Lisbon"), "LOC", Source.HUMAN),)
    undo()  # Monday, then the step's part (taken back already) is dropped, not spent a key on
    assert doc.spans == after_second and shows(window, *monday)
    undo()
    assert doc.spans == after_first
    stack = window.workspace.undo_stack(doc.doc_id)
    assert (stack.count(), stack.index()) == (3, 1)
    redo()
    redo()  # the two edits come back; the step's part does not
    assert doc.spans == taken_back and not stack.canRedo()


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


def test_undo_label_all_refuses_when_its_entities_changed_since_and_says_so(project_window, qtbot, monkeypatch,
                                                                            tmp_path, dialogs):
    window, ids = project_window
    doc = window.doc
    two_edits_and_step(window, qtbot, monkeypatch, tmp_path, "label_all")
    label_word(window, "Lisbon", Qt.Key.Key_3, nth=1)  # the analyst makes one of them ORG
    changed, in_other = doc.spans, stored(window, ids["other"])
    window.actions_["undo_label_all"].trigger()
    assert len(dialogs) == 1 and "no such span in trip" in dialogs[0] and "nothing was taken back" in dialogs[0]
    assert doc.spans == changed and stored(window, doc.doc_id) == changed  # all or nothing
    assert stored(window, ids["other"]) == in_other
    assert window.actions_["undo_label_all"].isEnabled()
    undo()  # the analyst's ORG goes first, as the message advises; then it works
    window.actions_["undo_label_all"].trigger()
    assert not any(doc.text[s.start:s.end] == "Lisbon" for s in doc.spans)
    assert len(stored(window, ids["other"])) == 1
