"""Faults a newcomer's walk through the day's features found, each as the person met it: the
real window shown offscreen, commands started from their keys or QActions, typing into the
focused widget."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QStyleOptionViewItem

from ner_studio.gui.corpus import qt_label_all
from ner_studio.gui.shell.qt_match_context import MatchContextDelegate


def shown_window(start_window, qtbot, width=1024, height=700):
    window = start_window()
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    return window


def shown_cells(view, column):
    """What each cell of ``column`` shows at its width on screen, and that width."""
    delegate = view.itemDelegateForColumn(column)
    assert isinstance(delegate, MatchContextDelegate)
    cells = []
    for row in range(view.model().rowCount()):
        index = view.model().index(row, column)
        option = QStyleOptionViewItem()
        option.initFrom(view.viewport())
        option.rect = view.visualRect(index)
        option.widget = view
        cells.append((delegate.shown_text(index, option), option.rect.width()))
    return cells


def assert_match_in_view(view, column, match):
    metrics = QFontMetrics(view.font())
    cells = shown_cells(view, column)
    assert cells
    for text, width in cells:
        assert f"[{match.lower()}]" in text.lower(), text  # the word found, not the context around it
        assert metrics.horizontalAdvance(text) <= width, (text, width)


def test_find_results_and_the_label_every_match_preview_show_the_match_in_a_narrow_column(
        start_window, qtbot, monkeypatch):
    """Find's Match column was elided in the middle, the match's place: in the dock of a
    1024-pixel window "Lisbon" was cut out of its own result row."""
    window = shown_window(start_window, qtbot)
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(QApplication.focusWidget(), "Lisbon")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.find.busy)  # the matches come from Find's worker thread
    results = window.find.panel.results
    assert results.model().rowCount() > 1
    assert results.columnWidth(1) < QFontMetrics(results.font()).horizontalAdvance(results.model().index(0, 1).data())
    assert_match_in_view(results, 1, "Lisbon")

    seen = {}

    def look(dialog):
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.resize(520, 400)
        QApplication.processEvents()
        seen["cells"] = shown_cells(dialog.table, 2)
        assert_match_in_view(dialog.table, 2, "Lisbon")
        return False

    monkeypatch.setattr(qt_label_all.LabelAllDialog, "exec", look)
    window.actions_["label_found"].trigger()
    qtbot.waitUntil(lambda: "cells" in seen)  # the preview opens once Find's search is in
    assert seen["cells"]


def test_link_all_occurrences_says_it_links_and_to_which_entry(start_window, qtbot, monkeypatch):
    """Ctrl+Shift+K opened a preview headed "Label all 3 occurrences of “Lisbon”": nothing said
    the entities would be linked, nor to which entry; the status after Apply said "Labelled"."""
    window = shown_window(start_window, qtbot)
    doc = window.doc
    start = doc.text.index("Lisbon")
    window.view.select_range(start, start + 6)
    window.view.setFocus()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_2)  # LOC
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_K)
    chooser = window.catalogue.chooser
    qtbot.waitUntil(lambda: QApplication.focusWidget() is chooser.query)
    QTest.keyClicks(QApplication.focusWidget(), "Lisbon, Portugal")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # the only row: a new entry
    assert doc.span_at(start).kb_id is not None
    seen = {}

    def look(dialog):
        seen.update(title=dialog.windowTitle(), heading=dialog.heading.text(),
                    notes=[o.note for o in dialog.occurrences])
        return True

    monkeypatch.setattr(qt_label_all.LabelAllDialog, "exec", look)
    window.view.setFocus()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_K,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    count = doc.text.count("Lisbon")
    assert seen["title"] == "Link all occurrences"
    assert seen["heading"] == (f"Link all {count} occurrences of “Lisbon” to the catalogue entry "
                               "“Lisbon, Portugal”, labelled")
    assert "already labelled and linked so" in seen["notes"]
    assert window.current_status().startswith("Labelled and linked ")
    assert all(s.kb_id == doc.span_at(start).kb_id for s in doc.spans if doc.text[s.start:s.end] == "Lisbon")


def test_the_catalogue_dock_fits_its_columns_and_the_tooltip_keeps_the_external_id(
        start_window, qtbot, monkeypatch, tmp_path):
    """Catalogue > Show Catalogue in a 1024-pixel window: the External id column ran past the
    dock's edge behind a sideways scroll bar."""
    from PySide6.QtWidgets import QFileDialog

    path = tmp_path / "catalogue.csv"
    path.write_text("name,label,aliases,external_id\nLisbon,LOC,Lisboa,https://www.wikidata.org/wiki/Q597\n"
                    "Karin Olsson,PER,Olsson,Q123456789\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(path), ""))
    window = shown_window(start_window, qtbot)
    window.actions_["import_catalogue"].trigger()
    window.actions_["show_catalogue"].trigger()
    table = window.catalogue.dock.table
    qtbot.waitUntil(lambda: table.isVisible() and table.model().rowCount() == 2)
    QApplication.processEvents()
    shown = [c for c in range(table.model().columnCount()) if not table.isColumnHidden(c)]
    assert 0 in shown and 1 in shown
    assert sum(table.columnWidth(c) for c in shown) <= table.viewport().width()
    assert not table.horizontalScrollBar().isVisible()
    row = next(r for r in range(2) if table.model().index(r, 0).data() == "Lisbon")
    assert "Q597" in table.model().index(row, 0).data(Qt.ItemDataRole.ToolTipRole)


def darkest(image, rect) -> int:
    """The lowest grey level (0 black .. 255 white) of ``image`` inside ``rect``: the text's."""
    return min(image.pixelColor(x, y).lightness()
               for x in range(rect.left(), rect.right(), 1) for y in range(rect.top(), rect.bottom(), 1))


@pytest.fixture
def themed():
    """The app's theme, as it starts (pytest-qt made this QApplication, unthemed), undone after."""
    from PySide6.QtWidgets import QStyleFactory

    from ner_studio.gui.shell.qt_theme import apply_theme

    app = QApplication.instance()
    before = (app.palette(), app.styleSheet(), app.font(), app.style().name())
    apply_theme(app)
    yield
    app.setStyle(QStyleFactory.create(before[3]))
    app.setPalette(before[0])
    app.setStyleSheet(before[1])
    app.setFont(before[2])


def test_a_disabled_menu_item_looks_disabled(themed, start_window, qtbot):
    """The theme painted every colour group alike: Document > Undo Mark Documents, with
    nothing to undo, was drawn as black as Mark 2 Documents Reviewed and a click did nothing."""
    window = shown_window(start_window, qtbot)
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Document")
    undo, mark = window.actions_["undo_selection_step"], window.actions_["mark_selected_reviewed"]
    assert not undo.isEnabled() and mark.isEnabled()
    menu.popup(window.mapToGlobal(window.rect().center()))
    qtbot.waitExposed(menu)
    image = menu.grab().toImage()
    assert darkest(image, menu.actionGeometry(undo)) > darkest(image, menu.actionGeometry(mark)) + 60
    menu.hide()


def test_a_status_message_is_not_cut_short_by_the_learning_loops_line(start_window, qtbot, idle):
    """Marking two documents reviewed from the Document menu said "Marked 2 documents
    reviewed; Document > Undo Mark 2 Doc": the learning loop's line ("Continuous learning:
    the first round after 42 more reviewed sentences") kept its room beside the message."""
    from PySide6.QtCore import QItemSelectionModel

    window = shown_window(start_window, qtbot)
    window.workspace.add_text("A second text about Lisbon .", "second")
    idle(window)
    table = window.documents
    flags = QItemSelectionModel.SelectionFlag
    table.selectionModel().select(table.model().index(0, 0), flags.ClearAndSelect | flags.Rows)
    table.selectionModel().select(table.model().index(1, 0), flags.Select | flags.Rows)
    window.actions_["mark_selected_reviewed"].trigger()
    bar = window.statusBar()
    message = window.current_status()
    assert message.startswith("Marked 2 documents reviewed; Document > Undo Mark 2 Documents")
    QApplication.processEvents()
    others = [w for w in bar.children() if hasattr(w, "isVisible") and w.isWidgetType() and w.isVisible()
              and w.parent() is bar]
    room = min((w.x() for w in others), default=bar.width())
    assert QFontMetrics(bar.font()).horizontalAdvance(message) < room
    loop = window.findChild(QLabel, "learning-loop")
    # Back when the message goes (marking the last open documents ran the queue dry, so a round
    # may start and end meanwhile with messages of its own: the test does not wait them out).
    bar.clearMessage()
    qtbot.waitUntil(lambda: loop.isVisible(), timeout=10_000)
    assert loop.text() in loop.toolTip()


def test_edit_labels_shows_which_label_the_guideline_fields_belong_to(start_window, qtbot, monkeypatch):
    """Ctrl+L opened Edit Labels with no row shown chosen, yet the Description field took what
    was typed and gave it to the first label, unnamed; now that row is chosen and named."""
    from PySide6.QtWidgets import QDialog

    from ner_studio.gui.annotate import qt_edit_commands

    seen = {}

    def exec_(dialog):
        dialog.show()
        qtbot.waitExposed(dialog)
        first = dialog.labels.names()[0]
        seen["chosen"] = [i.row() for i in dialog.table.selectionModel().selectedIndexes()]
        seen["heading"] = dialog.guideline_heading.text()
        QTest.mouseClick(dialog.description.viewport(), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.description)
        QTest.keyClicks(QApplication.focusWidget(), "A person, real or fictional")
        second = dialog.labels.names()[1]
        dialog.table.setCurrentCell(1, 0)
        seen["then"] = dialog.guideline_heading.text()
        seen["names"] = (first, second)
        dialog.accept()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(qt_edit_commands.LabelEditor, "exec", exec_)
    window = shown_window(start_window, qtbot)
    window.view.setFocus()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    first, second = seen["names"]
    assert seen["chosen"] and set(seen["chosen"]) == {0}
    assert seen["heading"] == f"Guideline for <b>{first}</b>"
    assert seen["then"] == f"Guideline for <b>{second}</b>"
    assert window.workspace.labels[first].description == "A person, real or fictional"


def status_room(window) -> int:
    """Pixels left of the status bar's leftmost widget shown: where its message is drawn."""
    bar = window.statusBar()
    shown = [w for w in bar.children() if w.isWidgetType() and w.parent() is bar and w.isVisible()]
    return min((w.x() for w in shown), default=bar.width())


def test_a_status_message_in_an_800_pixel_window_is_read_whole_and_unsaved_edits_stay_said(
        themed, start_window, qtbot):
    """Team > Pre-tag New Versions in an 800x600 window said "New versions start empty (Tag
    with Model, Ctrl+T, tags": the review count, "All edits saved" and the model's name kept
    their room beside the message."""
    window = shown_window(start_window, qtbot, 760, 540)  # as it opens on an 800x600 screen
    line = window.status_line
    assert line.model_label.isVisible() and line.saved_label.isVisible()
    window.actions_["pretag"].trigger()
    message = window.current_status()
    assert message == "New versions start empty (Tag with Model, Ctrl+T, tags one)"
    QApplication.processEvents()
    assert QFontMetrics(window.statusBar().font()).horizontalAdvance(message) + 8 < status_room(window)
    window.statusBar().clearMessage()  # as its time runs out
    assert line.model_label.isVisible() and line.review_label.isVisible() and line.saved_label.isVisible()
    line.show_pending(3)  # edits not saved yet: said even beside a long message
    window.actions_["pretag"].trigger()
    window.actions_["pretag"].trigger()
    assert line.saved_label.isVisible() and "NOT saved" in line.saved_label.text()
    line.show_pending(0)


def test_a_link_disagreement_names_the_catalogue_entries_not_their_ids(start_window, user_dirs, qtbot, monkeypatch):
    """Team > Agreement > Disagreements showed a link disagreement as
    PER · "Daniel…e4ca3018f7209": the entry's generated id, where the catalogue has its name;
    Curate Document, opened by a click there, showed the ids too."""
    from ner_studio.core.catalogue.entries import CatalogueEntry
    from ner_studio.core.store.project import Project
    from ner_studio.core.text.document import Document
    from ner_studio.core.text.spans import Span
    from ner_studio.gui.team import qt_team

    monkeypatch.setattr(qt_team, "prompt_for_name", lambda parent, suggestion: "ann")
    text = "Karin Olsson visited Lisbon ."
    karin = CatalogueEntry.create("Karin Olsson", "PER")
    other = CatalogueEntry.create("Karin Olsson (the rower)", "PER")

    def version(kb_id):
        doc = Document.from_text(text, name="trip")
        doc.add_span(Span(0, 12, "PER", kb_id=kb_id))
        return doc

    path = user_dirs / "links.nerstudio"
    with Project.create(path, annotator="ann") as project:
        project.save_entries([karin, other])
        project.add_documents([version(karin.entry_id)])
        project.import_version([version(other.entry_id)], "bob")
    window = start_window(path)
    qtbot.waitUntil(lambda: window.workspace.project.annotator == "ann", timeout=10_000)
    window.actions_["agreement"].trigger()
    qtbot.waitUntil(lambda: hasattr(window.team, "report_dialog"), timeout=20_000)
    listing = window.team.report_dialog.disagreements
    model = listing.table.model()
    assert (model.data(model.index(0, 2)), model.data(model.index(0, 3))) == (
        'PER · "Karin Olsson" → Karin Olsson', 'PER · "Karin Olsson" → Karin Olsson (the rower)')
    listing.table.activated.emit(model.index(0, 0))  # Enter on the row
    curation = window.team.curation
    qtbot.waitUntil(lambda: curation.table.rowCount() == 1)
    assert curation.table.item(0, 2).text() == 'PER · "Karin Olsson" → Karin Olsson (the rower)'


def test_a_note_clicked_in_the_notes_list_or_just_saved_is_in_sight_in_the_details_pane(start_window, qtbot):
    """In a 1366x768 window the details pane shows an entity's six rows; its notes were
    below, out of sight: Ctrl+Shift+N saved a note nobody saw, and a click on a note in View >
    Notes showed the entity, not the note."""
    from tests.gui.test_notes import add_note_by_keyboard

    window = shown_window(start_window, qtbot, 1366, 740)
    doc = window.doc
    span = next(s for s in doc.spans if s.start > 0)
    window.view.select_range(span.start, span.end)
    window.view.setFocus()
    area = window.docks["details"].widget()
    section = window.notes.section

    def in_sight() -> bool:
        top = section.mapTo(area.widget(), section.rect().topLeft()).y() - area.verticalScrollBar().value()
        return 0 <= top and top + section.title.height() <= area.viewport().height()

    assert not in_sight()  # the pane is too short for the rows and the notes
    add_note_by_keyboard(window, qtbot, "Which council?")
    qtbot.waitUntil(in_sight)
    area.verticalScrollBar().setValue(0)
    window.view.select_range(0, 0)
    window.actions_["show_notes"].trigger()
    table = window.notes.panel.table
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(table.model().index(0, 1)).center())
    assert window.view.selection() == (span.start, span.end)
    qtbot.waitUntil(in_sight)
    assert "Which council?" in section.list.item(0).text()
