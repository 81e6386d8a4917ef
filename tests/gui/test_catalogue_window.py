"""The entity catalogue in the real window, the way an analyst uses it: import a catalogue,
K on an entity, type into the chooser, Enter links; a new entry from the chooser; the link
shown on hover and in the details pane; Enter accepts a suggested link; the dock's counts,
mention list (a click shows the mention), merge and delete with a question first."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog

from ner_studio.core.text.spans import Source, Span

CATALOGUE = ("name,label,aliases,external_id\nLisbon,LOC,Lisboa,Q597\nLisbon Falcons,ORG,,\n"
             "Auckland,LOC,,Q37100\nKarin Olsson,PER,Olsson,\n")


def started_with_catalogue(start_window, monkeypatch, tmp_path):
    window = start_window()
    path = tmp_path / "catalogue.csv"
    path.write_text(CATALOGUE, encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(path), ""))
    window.actions_["import_catalogue"].trigger()
    assert "Imported 4 entries" in window.current_status()
    return window, {e.name: e.entry_id for e in window.catalogue.links.entries.values()}


def type_in_text(window, qtbot, key) -> None:
    window.activateWindow()
    window.view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.view)
    QTest.keyClick(QApplication.focusWidget(), key)


def hover_tip(window, offset: int) -> str:
    """The tooltip the text shows with the mouse resting on character ``offset``."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent, QTextCursor
    from PySide6.QtWidgets import QToolTip

    cursor = QTextCursor(window.view.document())
    cursor.setPosition(offset)
    point = window.view.cursorRect(cursor).center()
    viewport = window.view.viewport()
    QApplication.sendEvent(viewport, QHelpEvent(QEvent.Type.ToolTip, point, viewport.mapToGlobal(point)))
    return QToolTip.text()


def label_as_loc(window, qtbot, start: int, end: int) -> Span:
    window.view.select_range(start, end)
    type_in_text(window, qtbot, Qt.Key.Key_2)  # LOC's label key
    span = window.doc.span_at(start)
    assert span.label == "LOC" and span.kb_id is None
    return span


def test_k_opens_the_chooser_typing_ranks_and_enter_links(start_window, monkeypatch, tmp_path, qtbot):
    window, ids = started_with_catalogue(start_window, monkeypatch, tmp_path)
    doc = window.doc
    start = doc.text.index("Lisbon over")
    span = label_as_loc(window, qtbot, start, start + 6)
    type_in_text(window, qtbot, Qt.Key.Key_K)
    chooser = window.catalogue.chooser
    qtbot.waitUntil(lambda: chooser.isVisible() and QApplication.focusWidget() is chooser.query)
    QTest.keyClicks(QApplication.focusWidget(), "lisb")
    qtbot.waitUntil(lambda: not chooser.ranking_due)  # ranked once typing pauses
    rows = [chooser.list.item(i).text() for i in range(chooser.list.count())]
    assert rows[0].startswith("Lisbon (LOC)") and rows[1].startswith("Lisbon Falcons (ORG)")
    assert rows[-1] == "+ New entry: “lisb” (LOC)"
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    linked = doc.span_at(start)
    assert linked == span.linked(ids["Lisbon"]) and not chooser.isVisible()
    assert window.details.link.text() == "Lisbon"
    assert hover_tip(window, start + 2) == "LOC · linked to Lisbon"
    assert window.workspace.project.load_document(doc.doc_id).span_at(start).kb_id == ids["Lisbon"]  # saved
    window.actions_["undo"].trigger()
    assert doc.span_at(start).kb_id is None
    assert window.details.link.text() == "not linked — suggested: Lisbon (Enter links)"  # its name is an alias


def test_the_new_entry_row_makes_an_entry_from_the_mention(start_window, monkeypatch, tmp_path, qtbot):
    window, _ids = started_with_catalogue(start_window, monkeypatch, tmp_path)
    doc = window.doc
    start = doc.text.index("Weymouth")
    label_as_loc(window, qtbot, start, start + len("Weymouth"))
    type_in_text(window, qtbot, Qt.Key.Key_K)
    chooser = window.catalogue.chooser
    qtbot.waitUntil(lambda: QApplication.focusWidget() is chooser.query)
    QTest.keyClicks(QApplication.focusWidget(), "Weymouth, Dorset")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Up)  # the last row: no other row matches
    assert chooser.list.currentItem().text() == "+ New entry: “Weymouth, Dorset” (LOC)"
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    [made] = [e for e in window.catalogue.links.entries.values() if e.name == "Weymouth, Dorset"]
    assert made.label == "LOC" and made.aliases == ("Weymouth",)
    assert doc.span_at(start).kb_id == made.entry_id
    assert window.catalogue.dock.model.rowCount() == 5


def test_unlinked_entities_show_it_and_enter_accepts_a_suggested_link(start_window, monkeypatch, tmp_path, qtbot):
    window, ids = started_with_catalogue(start_window, monkeypatch, tmp_path)
    doc = window.doc
    start = doc.text.index("Auckland")
    doc.set_spans([s for s in doc.spans if not s.overlaps(Span(start, start + 8, "LOC"))]
                  + [Span(start, start + 8, "LOC", Source.MODEL, 0.9)])
    window.view.select_range(start, start + 8)
    span = window.view.current_span()
    assert window.view.link_tip(span) == "LOC · not linked; Enter links it to Auckland"
    assert window.details.link.text() == "not linked — suggested: Auckland (Enter links)"
    window.view.viewport().repaint()  # the marks are painted without a complaint
    type_in_text(window, qtbot, Qt.Key.Key_Return)
    accepted = doc.span_at(start)
    assert accepted.source == Source.ACCEPTED and accepted.kb_id == ids["Auckland"]


def test_the_dock_counts_lists_mentions_and_merges_and_deletes(start_window, monkeypatch, tmp_path, qtbot, dialogs):
    window, ids = started_with_catalogue(start_window, monkeypatch, tmp_path)
    doc = window.doc
    places = [i for i in range(len(doc.text)) if doc.text.startswith("Lisbon", i)][:3]
    for start in places:
        label_as_loc(window, qtbot, start, start + 6)
        window.catalogue.link(doc, doc.span_at(start), ids["Lisbon"])
    window.actions_["show_catalogue"].trigger()
    dock = window.catalogue.dock
    assert window.catalogue.dock_widget.isVisible()
    QTest.keyClicks(dock.filter, "lisboa")  # by alias
    qtbot.waitUntil(lambda: not window.catalogue.counts.busy)  # counted in a worker
    cells = [dock.model.index(0, column).data() for column in range(5)]
    assert dock.model.rowCount() == 1 and cells[:4] == ["Lisbon", "LOC", "3", "1"]
    dock.table.selectRow(0)
    assert dock.mentions.count() == 3 and "[Lisbon]" in dock.mentions.item(1).text()
    window.view.select_range(0, 0)
    dock.mentions.itemClicked.emit(dock.mentions.item(1))
    assert window.view.selection() == (places[1], places[1] + 6)
    # merge the Falcons into Lisbon: asked first, names become aliases
    monkeypatch.setattr(QInputDialog, "getItem", lambda parent, title, label, items, *args: (
        next(i for i in items if i.startswith("Lisbon Falcons")), True))
    dock.buttons["merge"].click()
    [asked] = [said for said in dialogs if "Merge Lisbon Falcons into Lisbon" in said]
    assert "0 mentions (in every annotator's version)" in asked and "This cannot be undone" in asked
    assert "Lisbon Falcons" in window.catalogue.links.entries[ids["Lisbon"]].aliases
    assert ids["Lisbon Falcons"] not in window.catalogue.links.entries
    # delete: says how many mentions lose their link, then they do
    dock.table.selectRow(0)
    dock.buttons["delete"].click()
    [asked] = [said for said in dialogs if "3 mentions will lose their link" in said]
    assert "This cannot be undone" in asked
    assert all(doc.span_at(start).kb_id is None for start in places)
    assert ids["Lisbon"] not in window.catalogue.links.entries


def test_link_all_occurrences_uses_the_label_all_preview(start_window, monkeypatch, tmp_path, qtbot):
    from ner_studio.gui.corpus import qt_label_all

    window, ids = started_with_catalogue(start_window, monkeypatch, tmp_path)
    doc = window.doc
    start = doc.text.index("Lisbon over")
    label_as_loc(window, qtbot, start, start + 6)
    window.catalogue.link(doc, doc.span_at(start), ids["Lisbon"])
    window.view.select_range(start, start + 6)
    monkeypatch.setattr(qt_label_all.LabelAllDialog, "exec", lambda dialog: True)
    window.actions_["link_all"].trigger()
    linked = [s for s in doc.spans if doc.text[s.start:s.end] == "Lisbon"]
    assert len(linked) == doc.text.count("Lisbon") and all(s.kb_id == ids["Lisbon"] for s in linked)


def test_another_windows_catalogue_changes_show_here(start_window, project_location, qtbot, monkeypatch):
    """Both stores: a new entry and a merge made in one window reach the other's dock, link
    marks and open document through the live updates."""
    from ner_studio.core.catalogue.entries import CatalogueEntry
    from ner_studio.core.store.project import Project
    from ner_studio.core.text.document import Document
    from ner_studio.gui.team import qt_team

    monkeypatch.setattr("getpass.getuser", lambda: "ann")
    monkeypatch.setattr(qt_team, "prompt_for_name", lambda parent, suggestion: suggestion)
    text = "Karin Olsson visited Lisbon ."
    with Project.create(project_location, annotator="ann") as project:
        project.add_documents([Document.from_text(text, name="trip")])
    first = start_window(str(project_location))
    second = start_window(str(project_location))
    second.actions_["show_catalogue"].trigger()  # its counts follow the live updates too
    start = text.index("Lisbon")
    first.view.select_range(start, start + 6)
    next(a for a in first.edit.label_actions if a.objectName() == "label_LOC").trigger()
    first.catalogue.link(first.doc, first.doc.span_at(start), ("new", "Lisbon"))
    [lisbon] = first.catalogue.links.entries
    qtbot.waitUntil(lambda: lisbon in second.catalogue.links.entries
                    and second.doc.span_at(start) is not None and second.doc.span_at(start).kb_id == lisbon,
                    timeout=15_000)
    other = CatalogueEntry.create("Lisboa", "LOC")
    first.workspace.project.save_entries([other])
    first.workspace.project.merge_entries(other.entry_id, lisbon)
    qtbot.waitUntil(lambda: set(second.catalogue.links.entries) == {other.entry_id}
                    and second.doc.span_at(start).kb_id == other.entry_id, timeout=15_000)
    assert second.span_style.links.name_of(other.entry_id) == "Lisboa"
    model = second.catalogue.dock.model
    qtbot.waitUntil(lambda: not second.catalogue.counts.busy and model.rowCount() == 1
                    and [model.index(0, c).data() for c in (0, 2, 3)] == ["Lisboa", "1", "1"], timeout=15_000)


def test_export_carries_the_links_and_writes_the_catalogue_beside(start_window, monkeypatch, tmp_path, qtbot):
    import json

    from ner_studio.core.catalogue.files import read_catalogue
    from ner_studio.gui.shell import qt_dialogs
    from tests.gui.test_files import accept_dialog

    window, ids = started_with_catalogue(start_window, monkeypatch, tmp_path)
    doc = window.doc
    start = doc.text.index("Auckland")
    label_as_loc(window, qtbot, start, start + 8)
    window.catalogue.link(doc, doc.span_at(start), ids["Auckland"])
    target = tmp_path / "out" / "corpus.jsonl"
    target.parent.mkdir()
    accept_dialog(monkeypatch, qt_dialogs.ExportDialog, lambda dialog: dialog.path.setText(str(target)))
    qtbot.keyClick(window.view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    [record] = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    [span] = [s for s in record["spans"] if s["start"] == start]
    assert span["kb_id"] == ids["Auckland"] and span["kb_name"] == "Auckland"
    assert len(read_catalogue(target.parent / "corpus.catalogue.jsonl")) == 4
    assert window.current_status().endswith("and the catalogue to corpus.catalogue.jsonl")
    # one entry's mentions as a spreadsheet, from the dock
    sheet = tmp_path / "out" / "auckland.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(sheet), ""))
    window.actions_["show_catalogue"].trigger()
    window.catalogue.dock.select_entry(ids["Auckland"])
    window.catalogue.dock.buttons["export"].click()
    rows = sheet.read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 2 and "Auckland" in rows[1] and "LOC" in rows[1]


def test_show_inconsistencies_lists_a_text_linked_to_different_entries(start_window, monkeypatch, tmp_path,
                                                                      qtbot, idle):
    from ner_studio.core.text.document import Document

    window, ids = started_with_catalogue(start_window, monkeypatch, tmp_path)
    docs = [Document.from_text("Lisbon won the match .", name="a"), Document.from_text("In Lisbon today .", name="b")]
    window.workspace.add_documents(docs)
    idle(window)
    for doc, entry in zip(docs, ("Lisbon Falcons", "Lisbon")):
        start = doc.text.index("Lisbon")
        doc.set_spans([Span(start, start + 6, "LOC", kb_id=ids[entry])])
    window.actions_["inconsistencies"].trigger()
    tree = window.consistency.panel.tree
    top = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount()) if tree.topLevelItem(i).text(0) == "Lisbon")
    assert top.text(1).endswith("linked to Lisbon Falcons ×1, Lisbon ×1") or top.text(1).endswith(
        "linked to Lisbon ×1, Lisbon Falcons ×1")
    linked = [top.child(i).text(1) for i in range(top.childCount()) if "→" in top.child(i).text(1)]
    assert sorted(linked) == ["LOC (human) → Lisbon", "LOC (human) → Lisbon Falcons"]


def test_the_chooser_ranks_once_typing_pauses_and_enter_ranks_what_is_typed(start_window, monkeypatch, tmp_path,
                                                                            qtbot):
    """A burst of keys costs one ranking, not one a key; Enter right after the last key links
    what that key made the best row, not the row before it."""
    window, ids = started_with_catalogue(start_window, monkeypatch, tmp_path)
    doc = window.doc
    start = doc.text.index("Auckland")
    label_as_loc(window, qtbot, start, start + 8)
    type_in_text(window, qtbot, Qt.Key.Key_K)
    chooser = window.catalogue.chooser
    qtbot.waitUntil(lambda: QApplication.focusWidget() is chooser.query)
    ranked = []
    real_rank = chooser.index.rank
    monkeypatch.setattr(chooser.index, "rank", lambda *args, **kwargs: ranked.append(args) or real_rank(*args, **kwargs))
    QTest.keyClicks(QApplication.focusWidget(), "karin olson")  # the mention's text replaced, one typo
    assert ranked == [] and chooser.ranking_due
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert ranked == [("karin olson",)]
    assert doc.span_at(start).kb_id == ids["Karin Olsson"]
