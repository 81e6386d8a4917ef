"""The document list's counts after a project-wide step are what a fresh read of the project
says, in documents not in memory too, after Label All, Ctrl+Z / Ctrl+Shift+Z in the shown
document, Edit > Undo Label All and Apply Patterns. The window counts them from the step's
own edits (gui/corpus/qt_project_steps.py): a whole-project read on the UI thread froze it
(issue 29). Through the window's actions and keys."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from ner_studio.core.text.document import Document
from ner_studio.core.text.spans import Source, Span
from ner_studio.gui.corpus import qt_label_all

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
SHOWN = "Ana Reis flew to Lisbon . Lisbon was warm ."
OTHER = "Lisbon was quiet . Lisbon slept . Porto too ."
THIRD = "Rui Costa left Lisbon ."
WAIT = 20_000  # ms: a bound on waiting, not a speed target


def press(key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(QApplication.focusWidget(), key, modifiers)


def listed(window) -> dict[int, tuple]:
    """Each listed document's entity count as the list shows it, and its counts as the window keeps them."""
    view = window.documents
    model = view.model()
    rows = {}
    for row in range(model.rowCount()):
        doc_id = view.doc_id_at(model.index(row, 0))
        summary = window.workspace.summary(doc_id)
        rows[doc_id] = (model.index(row, 2).data(), summary.entity_count, summary.model_count, summary.status)
    return rows


def fresh(window) -> dict[int, tuple]:
    """The same from the project itself (it lands a write in flight first)."""
    return {s.doc_id: (s.entity_count, s.entity_count, s.model_count, s.status)
            for s in window.workspace.project.document_summaries()}


def landed(window, qtbot) -> None:
    qtbot.waitUntil(lambda: not window.workspace.project.writing, timeout=WAIT)


def project_window(start_window, idle):
    """A project of "shown", "other" (a model LOC on its first Lisbon) and "third", reopened with
    "shown" shown: the other two stay on disk."""
    first = start_window()
    docs = [Document.from_text(text, name=name) for name, text in (("shown", SHOWN), ("other", OTHER), ("third", THIRD))]
    first.workspace.add_documents(docs)
    idle(first)
    for doc in docs:
        doc.set_spans([])
    docs[1].set_spans([Span(0, len("Lisbon"), "LOC", Source.MODEL, 0.8)])
    first.show_document(docs[0].doc_id)
    first.close()
    window = start_window()
    ids = {doc.name: doc.doc_id for doc in docs}
    assert window.doc.doc_id == ids["shown"]
    tracked = {doc.doc_id for doc in window.workspace.project.tracked_documents()}
    assert ids["other"] not in tracked and ids["third"] not in tracked
    window.activateWindow()  # shortcuts reach only the active window
    QTest.qWaitForWindowActive(window)
    window.view.setFocus()
    return window, ids


def test_the_lists_counts_follow_label_all_its_undo_and_redo(start_window, idle, qtbot, monkeypatch):
    window, ids = project_window(start_window, idle)
    before = fresh(window)
    assert listed(window) == before
    monkeypatch.setattr(qt_label_all.LabelAllDialog, "exec", lambda dialog: dialog.label.setCurrentText("LOC") or True)
    start = SHOWN.index("Lisbon")
    window.view.select_range(start, start + len("Lisbon"))
    window.actions_["label_all"].trigger()
    counts = listed(window)  # at once, while the step is written
    landed(window, qtbot)
    after = fresh(window)
    assert counts == listed(window) == after
    assert after[ids["other"]][:2] == (2, 2) and after[ids["third"]][:2] == (1, 1)  # not in memory, counted
    assert after[ids["other"]][2] == 0  # the model's LOC is the analyst's now
    press(Qt.Key.Key_Z, CTRL)  # the shown document's part
    landed(window, qtbot)
    assert listed(window) == fresh(window)
    assert fresh(window)[ids["shown"]] == before[ids["shown"]]
    press(Qt.Key.Key_Z, CTRL | SHIFT)
    landed(window, qtbot)
    assert listed(window) == fresh(window) == after
    window.actions_["undo_label_all"].trigger()  # every part, on disk too
    counts = listed(window)
    landed(window, qtbot)
    assert counts == listed(window) == fresh(window) == before


def test_the_lists_counts_follow_applied_patterns(start_window, idle, qtbot, monkeypatch, tmp_path):
    window, ids = project_window(start_window, idle)
    patterns = tmp_path / "places.tsv"
    patterns.write_text("Porto\tLOC\nRui Costa\tPER\n", encoding="utf-8")
    monkeypatch.setattr(qt_label_all.QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(patterns), ""))
    window.actions_["apply_patterns"].trigger()
    landed(window, qtbot)
    now = fresh(window)
    assert listed(window) == now
    assert now[ids["other"]][:3] == (2, 2, 2) and now[ids["third"]][:3] == (1, 1, 1)  # suggestions: model counts
    window.actions_["undo_label_all"].trigger()
    landed(window, qtbot)
    assert listed(window) == fresh(window)
    assert fresh(window)[ids["third"]][:2] == (0, 0)
