"""The entity table's "Linked to" column: the entry's name (empty when unlinked), sorted by a
click on its title, renamed with the entry, and the first column a narrow dock hides."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QInputDialog

from ner_studio.gui.annotate.qt_entity_table import LINKED
from tests.gui.test_catalogue_window import label_as_loc, started_with_catalogue, type_in_text
from tests.gui.test_narrow_windows import columns_fit


def linked_column(window) -> list[str]:
    model = window.entities.model()
    return [model.index(row, LINKED).data() for row in range(model.rowCount())]


def test_the_entity_table_shows_sorts_and_renames_the_link(start_window, monkeypatch, tmp_path, qtbot):
    window, ids = started_with_catalogue(start_window, monkeypatch, tmp_path)
    window.resize(1600, 900)
    window.resizeDocks([window.docks["entities"]], [640], Qt.Orientation.Horizontal)  # the analyst widens it
    doc = window.doc
    start = doc.text.index("Lisbon over")
    label_as_loc(window, qtbot, start, start + 6)
    type_in_text(window, qtbot, Qt.Key.Key_K)
    chooser = window.catalogue.chooser
    qtbot.waitUntil(lambda: QApplication.focusWidget() is chooser.query)
    QTest.keyClicks(QApplication.focusWidget(), "Lisboa")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert doc.span_at(start).kb_id == ids["Lisbon"]
    header = window.entities.horizontalHeader()
    assert window.entities.model().headerData(LINKED, Qt.Orientation.Horizontal) == "Linked to"
    names = linked_column(window)
    assert names.count("Lisbon") == 1 and names.count("") == len(names) - 1
    # a click on the title sorts by it: the linked entity first
    qtbot.waitUntil(lambda: not header.isSectionHidden(LINKED), timeout=5000)
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(LINKED) + 5, 5))
    assert linked_column(window)[0] == "Lisbon"
    assert window.entities.model().index(0, 0).data() == "Lisbon"
    assert "linked to Lisbon" in window.entities.model().index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    # renamed in the dock: the table names it anew
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("Lisboa, Portugal", True))
    window.actions_["show_catalogue"].trigger()
    window.catalogue.dock.select_entry(ids["Lisbon"])
    window.catalogue.dock.buttons["rename"].click()
    assert linked_column(window)[0] == "Lisboa, Portugal"


def test_a_narrow_dock_hides_linked_to_first(start_window, monkeypatch, tmp_path, qtbot):
    """The default 440-pixel dock holds the other five columns exactly: Linked to shows in a
    wider one, and is the first to go as it narrows."""
    window, _ids = started_with_catalogue(start_window, monkeypatch, tmp_path)
    header = window.entities.horizontalHeader()
    window.resize(1600, 900)
    shown = []
    for width in (700, 600, 540, 480, 440, 400, 360, 320):
        window.resizeDocks([window.docks["entities"]], [width], Qt.Orientation.Horizontal)
        qtbot.waitUntil(lambda: columns_fit(window.entities), timeout=5000)
        QApplication.processEvents()
        if header.isSectionHidden(LINKED):  # whenever a column is hidden, Linked to is among them
            continue
        assert not any(header.isSectionHidden(c) for c in range(LINKED)), width
        shown.append(width)
    assert 700 in shown and 320 not in shown
