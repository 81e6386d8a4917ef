"""The Inconsistencies dock: what it lists, jumping to a place, harmonising through Label All."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from ner_studio.core.text.document import Document
from ner_studio.core.text.spans import Source, Span
from ner_studio.gui.corpus import qt_label_all


def labelled(text: str, name: str, label: str | None) -> Document:
    doc = Document.from_text(text, name=name)
    if label:
        start = text.index("Meridia")
        doc.set_spans([Span(start, start + 7, label, Source.HUMAN)])
    return doc


def test_lists_disagreements_jumps_and_harmonises(start_window, idle, monkeypatch):
    window = start_window()
    docs = [labelled("Meridia signed the deal .", "a", "ORG"), labelled("They met Meridia again .", "b", "ORG"),
            labelled("Meridia is a town .", "c", "LOC"), labelled("Nobody saw Meridia .", "d", None)]
    window.workspace.add_documents(docs)
    idle(window)
    for doc in docs:  # the model's guesses out of the way: only the analyst's labels disagree
        doc.set_spans([s for s in doc.spans if s.source == Source.HUMAN])
    controller = window.consistency
    controller.show()
    found = next(item for item in controller.found if item.surface == "Meridia")
    assert found.summary() == "ORG ×2, LOC ×1, unlabelled ×1" and found.documents == 4
    top = next(controller.panel.tree.topLevelItem(i) for i in range(controller.panel.tree.topLevelItemCount())
               if controller.panel.tree.topLevelItem(i).text(0) == "Meridia")
    assert top.childCount() == 4
    place = top.child(3)
    assert place.text(0) == "d" and place.text(1) == "unlabelled"
    controller.panel.tree.itemClicked.emit(place, 0)
    start = docs[3].text.index("Meridia")
    assert window.doc is docs[3] and window.view.selection() == (start, start + 7)
    controller.panel.tree.setCurrentItem(top)

    def exec_(dialog):  # tick everything: the analyst decides ORG everywhere (Space on each box)
        rows = dialog.rows
        for row in range(rows.rowCount()):
            if rows.data(rows.index(row, 0), Qt.ItemDataRole.CheckStateRole) != Qt.CheckState.Checked:
                dialog.table.setCurrentIndex(rows.index(row, 0))
                QTest.keyClick(dialog.table, Qt.Key.Key_Space)
        assert len(dialog.chosen()) == rows.rowCount()
        return True

    monkeypatch.setattr(qt_label_all.LabelAllDialog, "exec", exec_)
    controller.harmonise()
    for doc in docs:
        assert [(doc.text[s.start:s.end], s.label) for s in window.workspace.document(doc.doc_id).spans] == [
            ("Meridia", "ORG")]
    assert not any(item.surface == "Meridia" for item in controller.found)
