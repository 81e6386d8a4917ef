"""Team > Agreement lists each disagreement behind the figures; a click (or Enter) on one opens
the Curation dock at that place, comparing the two annotators who disagree (issue 26)."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from ner_studio.core.store.project import Project
from ner_studio.core.text.document import Document
from ner_studio.core.text.spans import Span
from ner_studio.gui.team import qt_team

TRIP = "Karin Olsson visited Lisbon with Meridian Capital ."
FLIGHT = "Daniel Okafor flew to Madrid and London ."


def version(name, text, *entities):
    """``entities``: (surface, label) or (surface, label, catalogue entry)."""
    doc = Document.from_text(text, name=name)
    for surface, label, *link in entities:
        doc.add_span(Span(text.index(surface), text.index(surface) + len(surface), label, kb_id=(link or [None])[0]))
    return doc


def place(text, surface):
    return text.index(surface), text.index(surface) + len(surface)


def team_project(folder, *, with_cy: bool):
    """ann and bob on two documents, cy (``with_cy``) on the first only."""
    path = folder / "team.nerstudio"
    with Project.create(path, annotator="ann") as project:
        project.add_documents([
            version("trip", TRIP, ("Karin Olsson", "PER"), ("Lisbon", "LOC"), ("Meridian Capital", "ORG")),
            version("flight", FLIGHT, ("Daniel Okafor", "PER"), ("Madrid", "LOC"))])
        project.import_version([
            version("trip", TRIP, ("Karin Olsson", "PER"), ("Lisbon", "ORG"), ("Meridian", "ORG")),
            version("flight", FLIGHT, ("Daniel Okafor", "PER"), ("Madrid", "LOC"), ("London", "LOC"))], "bob")
        if with_cy:
            project.import_version([
                version("trip", TRIP, ("Karin Olsson", "ORG"), ("Lisbon", "LOC"), ("Meridian Capital", "ORG"))], "cy")
    return path


@pytest.fixture
def ann(user_dirs, monkeypatch):
    """The window opens as ann (the name prompt answers so)."""
    monkeypatch.setattr(qt_team, "prompt_for_name", lambda parent, suggestion: "ann")
    return user_dirs


def open_agreement(start_window, path, qtbot):
    window = start_window(path)
    qtbot.waitUntil(lambda: window.workspace.project.annotator == "ann", timeout=10_000)
    window.actions_["agreement"].trigger()
    qtbot.waitUntil(lambda: hasattr(window.team, "report_dialog"), timeout=20_000)
    return window, window.team.report_dialog


def click_row(table, row):
    index = table.model().index(row, 0)
    table.scrollTo(index)
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())


def test_the_agreement_window_lists_each_disagreement_and_a_click_opens_curation_there(start_window, ann, qtbot):
    window, dialog = open_agreement(start_window, team_project(ann, with_cy=True), qtbot)
    assert dialog.text.toPlainText().startswith("ann vs bob (2 documents)")  # the figures, as before
    listing = dialog.disagreements
    assert dialog.tabs.tabText(1) == "Disagreements (7)"
    assert [(d.document, d.pair, str(d.kind), d.text) for d in listing.shown()] == [
        ("trip", ("ann", "cy"), "label", "Karin Olsson"), ("trip", ("bob", "cy"), "label", "Karin Olsson"),
        ("trip", ("ann", "bob"), "label", "Lisbon"), ("trip", ("bob", "cy"), "label", "Lisbon"),
        ("trip", ("ann", "bob"), "boundary", "Meridian Capital"),
        ("trip", ("bob", "cy"), "boundary", "Meridian Capital"),
        ("flight", ("ann", "bob"), "only one", "London")]
    model = listing.table.model()
    assert model.rowCount() == 7 and listing.summary.text().startswith("7 disagreements: 1 only one, 4 label")
    assert model.data(model.index(4, 2)) == 'ann: ORG · "Meridian Capital"'
    assert model.data(model.index(4, 3)) == 'bob: ORG · "Meridian"'
    assert model.data(model.index(6, 2)) == "ann: (nothing)"
    assert model.data(model.index(6, 4)) == FLIGHT  # the sentence

    dialog.tabs.setCurrentWidget(listing)
    assert listing.pair.isVisibleTo(dialog)  # three annotators: a pair filter
    listing.pair.setCurrentIndex(listing.pair.findText("bob / cy"))
    assert model.rowCount() == 3
    dialog.activateWindow()
    listing.kind.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is listing.kind)
    QTest.keyClicks(QApplication.focusWidget(), "b")  # the kind typed: Boundary
    assert listing.kind.currentData() == "boundary"
    assert [(d.pair, d.text) for d in listing.shown()] == [(("bob", "cy"), "Meridian Capital")]
    assert listing.summary.text() == "1 disagreement: 1 boundary (of 7)"

    click_row(listing.table, 0)
    curation, dock = window.team.curation, window.team.docks["curation"]
    assert dock.isVisible()
    assert curation.annotators() == ("bob", "cy")  # the two who disagree there, not ann
    meridian = place(TRIP, "Meridian Capital")
    assert curation.first_view.doc.name == "trip" and curation.second_view.doc.name == "trip"
    assert curation.first_view.selection() == meridian and curation.second_view.selection() == meridian
    row = curation.table.currentRow()
    assert row >= 0 and curation.table.item(row, 2).text() == 'ORG · "Meridian Capital"'
    assert window.doc.name == "trip" and window.view.selection() == meridian  # and in the text

    listing.pair.setCurrentIndex(0)  # all pairs
    listing.kind.setCurrentIndex(listing.kind.findData("only one"))
    assert [d.text for d in listing.shown()] == ["London"]
    listing.table.setFocus()
    listing.table.setCurrentIndex(model.index(0, 0))
    QTest.keyClick(listing.table, Qt.Key.Key_Return)  # Enter on the row
    london = place(FLIGHT, "London")
    qtbot.waitUntil(lambda: curation.first_view.doc is not None and curation.first_view.doc.name == "flight")
    assert curation.annotators() == ("ann", "bob")
    assert curation.second_view.selection() == london
    assert curation.table.item(curation.table.currentRow(), 2).text() == 'LOC · "London"'
    assert window.doc.name == "flight" and window.view.selection() == london


def test_two_annotators_name_the_columns_and_need_no_pair_filter(start_window, ann, qtbot):
    _, dialog = open_agreement(start_window, team_project(ann, with_cy=False), qtbot)
    listing = dialog.disagreements
    model = listing.table.model()
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in (2, 3)] == ["ann", "bob"]
    assert not listing.pair.isVisibleTo(dialog)
    assert model.data(model.index(0, 2)) == 'LOC · "Lisbon"' and model.data(model.index(0, 3)) == 'ORG · "Lisbon"'
    assert model.data(model.index(0, 3), Qt.ItemDataRole.ToolTipRole) == 'bob: ORG · "Lisbon"'
    listing.label.setCurrentIndex(listing.label.findData("ORG"))
    assert [d.text for d in listing.shown()] == ["Lisbon", "Meridian Capital"]
    assert listing.summary.text() == "2 disagreements: 1 label, 1 boundary (of 3)"


def test_a_document_deleted_since_the_report_is_said_not_shown(start_window, ann, qtbot, dialogs):
    window, dialog = open_agreement(start_window, team_project(ann, with_cy=False), qtbot)
    listing = dialog.disagreements
    london = next(row for row, d in enumerate(listing.shown()) if d.text == "London")
    flight = listing.shown()[london].doc_id
    window.workspace.delete_document(flight)
    dialog.tabs.setCurrentWidget(listing)
    click_row(listing.table, london)
    assert len(dialogs) == 1 and "there is no document" in dialogs[0]  # one message, no crash
    assert not window.team.docks["curation"].isVisible() and window.doc.doc_id != flight


def test_a_link_disagreement_opens_curation_on_the_two_entries(start_window, ann, qtbot):
    path = ann / "links.nerstudio"
    with Project.create(path, annotator="ann") as project:
        project.add_documents([version("trip", TRIP, ("Karin Olsson", "PER", "Q1"), ("Lisbon", "LOC"))])
        project.import_version([version("trip", TRIP, ("Karin Olsson", "PER", "Q2"), ("Lisbon", "LOC"))], "bob")
    window, dialog = open_agreement(start_window, path, qtbot)
    listing = dialog.disagreements
    assert [(str(d.kind), d.text) for d in listing.shown()] == [("link", "Karin Olsson")]
    model = listing.table.model()
    assert (model.data(model.index(0, 2)), model.data(model.index(0, 3))) == (
        'PER · "Karin Olsson" → Q1', 'PER · "Karin Olsson" → Q2')
    dialog.tabs.setCurrentWidget(listing)
    click_row(listing.table, 0)
    curation = window.team.curation
    assert window.team.docks["curation"].isVisible() and curation.table.rowCount() == 1
    assert curation.table.currentRow() == 0 and curation.table.item(0, 2).text() == 'PER · "Karin Olsson" → Q2'
    assert curation.first_view.selection() == place(TRIP, "Karin Olsson")
