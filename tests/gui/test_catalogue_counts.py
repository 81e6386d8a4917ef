"""The Catalogue dock's counts follow every change that can move them, counted in a worker
(gui/catalogue/qt_entry_counts.py): K and Enter in the chooser, Shift+K, Ctrl+Z and
Ctrl+Shift+Z, Enter on a suggested link, Link All and Undo Label All, merge and delete."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QInputDialog

from ner_studio.core.text.spans import Source, Span
from tests.gui.test_catalogue_window import label_as_loc, started_with_catalogue, type_in_text


def shown_counts(window, qtbot) -> dict[str, tuple[str, str]]:
    """Entry name -> (mentions, documents) as the dock shows them once the worker is done."""
    qtbot.waitUntil(lambda: not window.catalogue.counts.busy, timeout=10_000)
    model = window.catalogue.dock.table.model()
    return {model.index(row, 0).data(): (model.index(row, 2).data(), model.index(row, 3).data())
            for row in range(model.rowCount())}


def link_with_k(window, qtbot, query: str) -> None:
    type_in_text(window, qtbot, Qt.Key.Key_K)
    chooser = window.catalogue.chooser
    qtbot.waitUntil(lambda: QApplication.focusWidget() is chooser.query)
    QTest.keyClicks(QApplication.focusWidget(), query)
    qtbot.waitUntil(lambda: chooser.list.count() > 1 and not chooser.list.item(0).text().startswith("+"))
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)


def test_the_counts_follow_links_undo_redo_and_enter(start_window, monkeypatch, tmp_path, qtbot):
    window, ids = started_with_catalogue(start_window, monkeypatch, tmp_path)
    doc = window.doc
    window.actions_["show_catalogue"].trigger()
    assert shown_counts(window, qtbot)["Lisbon"] == ("0", "0")
    start = doc.text.index("Lisbon over")
    label_as_loc(window, qtbot, start, start + 6)
    link_with_k(window, qtbot, "lisb")
    assert doc.span_at(start).kb_id == ids["Lisbon"]
    assert shown_counts(window, qtbot)["Lisbon"] == ("1", "1")
    window.actions_["undo"].trigger()
    assert doc.span_at(start).kb_id is None and shown_counts(window, qtbot)["Lisbon"] == ("0", "0")
    window.actions_["redo"].trigger()
    assert doc.span_at(start).kb_id == ids["Lisbon"] and shown_counts(window, qtbot)["Lisbon"] == ("1", "1")
    window.view.select_range(start, start + 6)
    window.actions_["unlink_entity"].trigger()
    assert shown_counts(window, qtbot)["Lisbon"] == ("0", "0")
    # Enter on a suggested link (the text is an alias of one entry)
    where = doc.text.index("Auckland")
    doc.set_spans([s for s in doc.spans if not s.overlaps(Span(where, where + 8, "LOC"))]
                  + [Span(where, where + 8, "LOC", Source.MODEL, 0.9)])
    window.view.select_range(where, where + 8)
    type_in_text(window, qtbot, Qt.Key.Key_Return)
    assert doc.span_at(where).kb_id == ids["Auckland"]
    assert shown_counts(window, qtbot)["Auckland"] == ("1", "1")


def test_the_counts_follow_link_all_its_undo_merge_rename_and_delete(start_window, monkeypatch, tmp_path,
                                                                      qtbot, dialogs):
    from ner_studio.gui.corpus import qt_label_all

    window, ids = started_with_catalogue(start_window, monkeypatch, tmp_path)
    doc = window.doc
    window.actions_["show_catalogue"].trigger()
    start = doc.text.index("Lisbon over")
    label_as_loc(window, qtbot, start, start + 6)
    window.view.select_range(start, start + 6)
    link_with_k(window, qtbot, "lisb")
    window.view.select_range(start, start + 6)
    monkeypatch.setattr(qt_label_all.LabelAllDialog, "exec", lambda dialog: True)
    window.actions_["link_all"].trigger()
    everywhere = str(doc.text.count("Lisbon"))
    assert shown_counts(window, qtbot)["Lisbon"] == (everywhere, "1")
    window.actions_["undo_label_all"].trigger()
    assert shown_counts(window, qtbot)["Lisbon"] == ("1", "1")
    dock = window.catalogue.dock
    assert dock.select_entry(ids["Lisbon"])
    monkeypatch.setattr(QInputDialog, "getItem", lambda parent, title, label, items, *args: (
        next(i for i in items if i.startswith("Auckland")), True))
    where = doc.text.index("Auckland")
    label_as_loc(window, qtbot, where, where + 8)
    window.catalogue.link(doc, doc.span_at(where), ids["Auckland"])
    assert shown_counts(window, qtbot)["Auckland"] == ("1", "1")
    assert dock.select_entry(ids["Lisbon"])
    dock.buttons["merge"].click()
    counts = shown_counts(window, qtbot)
    assert counts["Lisbon"] == ("2", "1") and "Auckland" not in counts
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("Lisboa city", True))
    assert dock.select_entry(ids["Lisbon"])
    dock.buttons["rename"].click()
    assert shown_counts(window, qtbot)["Lisboa city"] == ("2", "1")
    assert window.current_status() == ("Renamed Lisbon to Lisboa city (Lisbon stays an alias; "
                                       "Rename… again to change it back).")
    assert dock.select_entry(ids["Lisbon"])
    dock.buttons["delete"].click()
    assert "Lisboa city" not in shown_counts(window, qtbot)
