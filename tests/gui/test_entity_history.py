"""Who made and changed what (issue 26): the details pane says it of the selected entity, and
Document > History… lists every annotator's edits of the document with their times."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from ner_studio.core.settings import Settings
from ner_studio.core.store.annotators import GOLD, SETTING
from ner_studio.core.store.project import Project
from ner_studio.core.store.project_schema import now
from ner_studio.core.text.document import Document
from ner_studio.core.text.spans import Source, Span
from ner_studio.gui.annotate.qt_history import HistoryDialog

TEXT = "Karin Olsson visited Lisbon with Meridian Capital ."


def span(surface, label, source=Source.HUMAN):
    start = TEXT.index(surface)
    return Span(start, start + len(surface), label, source)


def next_second() -> None:
    """Wait until the project's clock (whole seconds) has moved on."""
    made = now()
    while now() <= made:
        time.sleep(0.05)


@pytest.fixture
def team_project(user_dirs):
    """ann's version (Karin Olsson hers, Lisbon the model's) and bob's; the clock then moves on
    a second, so that a change shows apart from the making."""
    path = user_dirs / "team.nerstudio"
    with Project.create(path, annotator="ann") as project:
        doc = Document.from_text(TEXT, name="trip")
        doc.add_span(span("Karin Olsson", "PER"))
        doc.add_span(span("Lisbon", "LOC", Source.MODEL))
        project.add_documents([doc])
        bobs = Document.from_text(TEXT, name="trip")
        bobs.add_span(span("Meridian Capital", "ORG"))
        project.import_version([bobs], "bob")
    next_second()
    Settings.load().set(SETTING, "ann")
    return path


@pytest.fixture
def history_shown(monkeypatch):
    """The rows of every History dialog opened (shown, then closed as the analyst would)."""
    shown = []

    def exec_(dialog):
        shown.append(dialog.rows())
        # a click on an entity's line selects it in the text
        row = next(i for i, entry in enumerate(dialog.entries) if entry.span is not None)
        rect = dialog.table.visualItemRect(dialog.table.item(row, 2))
        QTest.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        shown.append(dialog.entries[row].span)
        return 0
    monkeypatch.setattr(HistoryDialog, "exec", exec_)
    return shown


def relabel_with_key(window, qtbot, surface: str, key) -> None:
    start = window.doc.text.index(surface)
    window.view.setFocus()
    window.view.select_range(start, start + len(surface))
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.view)
    QTest.keyClick(QApplication.focusWidget(), key)


def test_the_details_pane_and_the_documents_history_say_who_did_what(start_window, team_project, qtbot,
                                                                      history_shown):
    window = start_window(team_project)
    assert window.workspace.project.annotator == "ann"
    start = TEXT.index("Karin")
    window.view.select_range(start, start + len("Karin Olsson"))
    assert window.details.history.text().startswith("created by ann at ")
    assert "changed" not in window.details.history.text()

    relabel_with_key(window, qtbot, "Karin Olsson", Qt.Key.Key_3)  # PER -> ORG
    assert window.doc.span_at(start).label == "ORG"
    assert window.view.current_span() == span("Karin Olsson", "ORG")
    shown = window.details.history.text()
    assert shown.startswith("created by ann at ") and " · changed by ann at " in shown
    lisbon = TEXT.index("Lisbon")
    window.view.select_range(lisbon, lisbon + len("Lisbon"))
    assert window.details.history.text().startswith("suggested by the model at ")
    window.actions_["accept"].trigger()  # the model's suggestion, accepted
    assert window.doc.span_at(lisbon).source == Source.ACCEPTED
    shown = window.details.history.text()
    assert shown.startswith("suggested for ann at ") and " · accepted by ann at " in shown

    window.actions_["history"].trigger()
    rows, clicked = history_shown
    assert window.view.selection() == (clicked.start, clicked.end)
    lines = [(who, what) for _, who, what in rows]
    assert ("bob", "added ORG “Meridian Capital”") in lines
    assert ("ann", "changed it to ORG “Karin Olsson” (human)") in lines
    assert ("ann", "added the entity that is now ORG “Karin Olsson”") in lines
    assert any(who == "ann" and what.startswith("last edit of their version") for who, what in lines)
    assert lines[-1] == ("—", "document added to the project")
    assert [when for when, _, _ in rows] == sorted((when for when, _, _ in rows), reverse=True)


def test_a_curators_edit_of_the_gold_version_goes_under_their_name(start_window, team_project, qtbot, history_shown):
    with Project.open(team_project, annotator="cy", keep_backups=0) as project:
        project.save_gold(1, [span("Lisbon", "LOC")])
    next_second()
    Settings.load().set(SETTING, "dan")
    window = start_window(team_project)
    window.actions_["edit_gold"].trigger()
    qtbot.waitUntil(lambda: window.workspace.project.annotator == GOLD)
    start = TEXT.index("Lisbon")
    window.view.select_range(start, start + len("Lisbon"))
    assert window.details.history.text().startswith("created by cy at ")
    relabel_with_key(window, qtbot, "Lisbon", Qt.Key.Key_3)
    assert " · changed by dan at " in window.details.history.text()


def test_marking_two_documents_reviewed_keeps_the_models_entities_suggested_by_the_model(
        start_window, user_dirs, qtbot, history_shown):
    """Issue 26 item 8: Document > Mark 2 Documents Reviewed accepts more than BULK_EDIT model
    entities in one edit (the store's bulk path); each keeps its making by the model and says
    who accepted it, as one accepted with Enter does, in the details pane and in History…."""
    from ner_studio.core.store.project_rows import BULK_EDIT

    many = " ".join(["Lisbon ."] * (BULK_EDIT + 6))
    path = user_dirs / "many.nerstudio"
    with Project.create(path, annotator="ann") as project:
        docs = [Document.from_text(TEXT, name="trip"), Document.from_text(many, name="cities")]
        docs[0].add_span(span("Lisbon", "LOC", Source.MODEL))
        docs[1].set_spans([Span(9 * k, 9 * k + 6, "LOC", Source.MODEL) for k in range(BULK_EDIT + 6)])
        ids = project.add_documents(docs)
    next_second()
    Settings.load().set(SETTING, "ann")
    window = start_window(path)
    window.show()
    qtbot.waitExposed(window)
    table = window.documents
    for row, modifiers in ((0, Qt.KeyboardModifier.NoModifier), (1, Qt.KeyboardModifier.ControlModifier)):
        rect = table.visualRect(table.model().index(row, 0))
        QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifiers, rect.center())
    assert table.selected_ids() == ids
    action = window.actions_["mark_selected_reviewed"]
    assert action.text() == "Mark 2 Documents &Reviewed"
    action.trigger()

    window.open_document(ids[1])
    assert all(s.source == Source.ACCEPTED for s in window.doc.spans) and len(window.doc.spans) > BULK_EDIT
    last = window.doc.spans[-1]
    window.view.select_range(last.start, last.end)
    shown = window.details.history.text()
    assert shown.startswith("suggested for ann at ") and " · accepted by ann at " in shown
    made = window.workspace.project.span_history(ids[1], last)
    assert made.created_by == "ann" and made.created < made.modified  # made when the model suggested it
    window.actions_["history"].trigger()
    rows, clicked = history_shown
    lines = [what for _, _, what in rows]
    assert "added LOC “Lisbon”" not in lines  # as if ann had made them when she marked them reviewed
    assert lines.count("changed it to LOC “Lisbon” (accepted)") == BULK_EDIT + 6
    assert lines.count("added the entity that is now LOC “Lisbon”") == BULK_EDIT + 6
    assert window.view.selection() == (clicked.start, clicked.end)
