"""Narrow windows and long names (issue 23, item 7): the text keeps at least 40% of the
window at 1024x700 and 800x600, and every table elides long text in the middle with the whole
text on hover; the curation table shows whole labels."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ner_studio.core.text.document import Document
from ner_studio.core.text.spans import Span
from ner_studio.gui.corpus import qt_label_all

LONG_NAME = "Quarterly report of the regional sailing federation on harbour works 2031 (final)"
LONG_ENTITY = "International Regatta Council for Harbours and Marinas of the Atlantic Coast"
TIP = Qt.ItemDataRole.ToolTipRole


def text_share(window) -> float:
    return window.centralWidget().width() / window.width()


def columns_fit(table) -> bool:
    """Every shown column is on screen: no sideways scrolling."""
    header = table.horizontalHeader()
    shown = [c for c in range(header.count()) if not header.isSectionHidden(c)]
    return sum(header.sectionSize(c) for c in shown) <= table.viewport().width() + 1


@pytest.mark.parametrize("size", [(1024, 700), (800, 600)])
def test_the_text_keeps_at_least_40_percent_of_a_narrow_window(start_window, qtbot, size):
    window = start_window()
    window.resize(1360, 860)
    qtbot.waitUntil(lambda: window.width() == 1360)
    window.resize(*size)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size)  # the docks let it be that small
    qtbot.waitUntil(lambda: text_share(window) >= 0.40, timeout=5000)
    assert window.docks["documents"].isVisible() and window.docks["entities"].isVisible()
    qtbot.waitUntil(lambda: columns_fit(window.entities) and columns_fit(window.documents), timeout=5000)
    header = window.entities.horizontalHeader()
    label_column = 1
    assert not header.isSectionHidden(label_column) and header.sectionSize(label_column) >= 58  # labels whole
    window.resize(1360, 860)  # wide again: hidden columns come back
    qtbot.waitUntil(lambda: not window.entities.horizontalHeader().isSectionHidden(4), timeout=5000)


def test_long_names_are_elided_in_the_middle_and_whole_on_hover(start_window, idle, qtbot):
    window = start_window()
    doc = Document.from_text(f"The {LONG_ENTITY} met today .", name=LONG_NAME)
    window.workspace.add_documents([doc])
    idle(window)
    start = doc.text.index(LONG_ENTITY)
    doc.set_spans([Span(start, start + len(LONG_ENTITY), "ORG")])
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: text_share(window) >= 0.40, timeout=5000)
    for table in (window.documents, window.entities):
        assert table.textElideMode() == Qt.TextElideMode.ElideMiddle
    documents = window.documents
    row = next(r for r in range(documents.model().rowCount())
               if documents.model().index(r, 0).data() == LONG_NAME)
    name = documents.model().index(row, 0)
    assert documents.visualRect(name).width() < documents.fontMetrics().horizontalAdvance(LONG_NAME)  # elided
    assert LONG_NAME in name.data(TIP)
    entity = window.entities.model().index(0, 0)
    assert entity.data() == LONG_ENTITY and LONG_ENTITY in entity.data(TIP)
    assert "ORG" in entity.data(TIP)  # and what the columns a narrow dock hides would say

    # Find in all documents: the document column elides, its tooltip has the name.
    qtbot.keyClick(window.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    panel = window.find.panel
    panel.scope.setCurrentIndex(panel.scope.findData("project"))
    panel.query.setFocus()
    QTest_type(qtbot, "Regatta")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.find.busy)  # the matches come from Find's worker thread
    results = panel.results
    assert results.textElideMode() == Qt.TextElideMode.ElideMiddle
    cell = results.model().index
    rows = [r for r in range(results.model().rowCount()) if cell(r, 0).data() == LONG_NAME]
    assert rows and LONG_NAME in cell(rows[0], 0).data(TIP)
    match = cell(rows[0], 1).data(TIP)
    assert "International Regatta Council for Harbours" in match and "[" not in match


def QTest_type(qtbot, text: str) -> None:  # noqa: N802 - reads as QTest's
    qtbot.keyClicks(QApplication.focusWidget(), text)


def test_the_label_all_preview_elides_and_shows_the_whole_text_on_hover(start_window, idle, monkeypatch):
    window = start_window()
    other = Document.from_text(f"Flights to Lisbon resumed , said the {LONG_ENTITY} .", name=LONG_NAME)
    window.workspace.add_documents([other])
    idle(window)
    window.show_document(other.doc_id)
    start = other.text.index("Lisbon")
    window.view.select_range(start, start + 6)
    seen = {}

    def look(dialog):
        seen["dialog"] = dialog
        return False

    monkeypatch.setattr(qt_label_all.LabelAllDialog, "exec", look)
    window.actions_["label_all"].trigger()
    table = seen["dialog"].table
    rows = table.model()
    assert table.textElideMode() == Qt.TextElideMode.ElideMiddle

    def cell(row: int, column: int, role=Qt.ItemDataRole.DisplayRole):
        return rows.data(rows.index(row, column), role)

    row = next(r for r in range(rows.rowCount()) if cell(r, 1) == LONG_NAME)
    assert cell(row, 1, Qt.ItemDataRole.ToolTipRole) == LONG_NAME
    assert cell(row, 2, Qt.ItemDataRole.ToolTipRole) == cell(row, 2)


def test_a_dock_too_wide_for_the_window_is_hidden_and_comes_back(start_window, qtbot):
    """The details pane is the first to go when shrinking the docks is not enough."""
    window = start_window()
    window.docks["details"].setMinimumWidth(420)  # as if its contents needed that much
    window.resize(800, 600)
    qtbot.waitUntil(lambda: window.docks["details"].isHidden(), timeout=5000)
    assert "Selected entity panel is hidden" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: text_share(window) >= 0.40, timeout=5000)
    assert not window.docks["entities"].isHidden() and not window.docks["documents"].isHidden()
    window.resize(1360, 860)
    qtbot.waitUntil(lambda: not window.docks["details"].isHidden(), timeout=5000)


def test_the_first_window_fits_a_small_screen():
    """At its first start the window is 1360x860, or less on a smaller screen: on a 1280x800
    laptop a 1360-wide window hid the entity table's right edge (seen under Xvfb)."""
    from PySide6.QtCore import QSize

    from ner_studio.gui.window.qt_main_window import first_size

    assert first_size(QSize(1920, 1080)) == QSize(1360, 860)
    small = first_size(QSize(1280, 800))
    assert small.width() <= 1280 and small.height() <= 800 and small.width() >= 1200
