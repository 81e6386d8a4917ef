"""The document list as a real list: filter, sort, rename, delete, per-label counts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from ner_studio.core.text.document import Document, Status
from ner_studio.core.text.spans import Source, Span
from ner_studio.gui.documents.qt_document_tools import parse_filter


def visible_names(window) -> list[str]:
    table = window.documents
    return [table.model().index(row, 0).data() for row in range(table.model().rowCount())]


def with_documents(window, idle):
    docs = []
    for name, text, label in (("beta", "Meridia Bank opened .", "ORG"), ("alpha", "Lisbon is sunny .", "LOC"),
                              ("gamma", "Nothing to see .", None)):
        doc = Document.from_text(text, name=name)
        docs.append((doc, label))
    window.workspace.add_documents([doc for doc, _ in docs])
    idle(window)
    for doc, label in docs:
        doc.set_spans([Span(0, doc.text.index(" "), label, Source.HUMAN)] if label else [])
    return [doc for doc, _ in docs]


def test_the_filter_parses_label_and_text():
    assert parse_filter("report label:ORG") == ("report", "ORG", None)
    assert parse_filter("text:Bank of England") == ("", None, "Bank of England")
    assert parse_filter("") == ("", None, None)


def test_filter_by_name_status_label_and_text_then_sort(start_window, idle):
    window = start_window()
    beta, alpha, gamma = with_documents(window, idle)
    window.workspace.mark_reviewed(alpha, log=False)
    pane = window.document_tools.pane
    pane.query.setText("alph")
    assert visible_names(window) == ["alpha"]
    pane.query.setText("label:ORG")
    assert "beta" in visible_names(window) and not {"alpha", "gamma"} & set(visible_names(window))
    pane.query.setText("text:sunny")
    assert visible_names(window) == ["alpha"]
    pane.query.setText("")
    pane.status.setCurrentIndex(pane.status.findData(Status.REVIEWED))
    assert visible_names(window) == ["alpha"]
    pane.status.setCurrentIndex(0)
    window.documents.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    names = visible_names(window)
    assert names == sorted(names, key=str.lower) and {"alpha", "beta", "gamma"} <= set(names)
    row = names.index("beta")
    tooltip = window.documents.model().index(row, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "per label: ORG 1" in tooltip
    window.documents.selectRow(names.index("gamma"))  # choosing through the sorted view
    assert window.doc is gamma


def test_rename_and_delete_say_what_is_lost(start_window, idle, monkeypatch):
    window = start_window()
    beta, alpha, gamma = with_documents(window, idle)
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("Bank news", True))
    window.document_tools.rename(beta.doc_id)
    assert window.workspace.summary(beta.doc_id).name == "Bank news" and beta.name == "Bank news"
    assert "Bank news" in visible_names(window)
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda parent, title, text, *args: asked.append(text)
                        or QMessageBox.StandardButton.No)
    window.document_tools.delete(beta.doc_id)
    assert beta.doc_id in window.workspace.document_ids()
    assert "and its 1 entity (1 confirmed by you) will be removed" in asked[0]
    window.show_document(beta.doc_id)
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes)
    window.document_tools.delete(beta.doc_id)
    assert beta.doc_id not in window.workspace.document_ids()
    assert "Bank news" not in visible_names(window)
    assert window.doc is not None and window.doc.doc_id != beta.doc_id
    assert beta.doc_id not in [s.doc_id for s in window.workspace.project.document_summaries()]
