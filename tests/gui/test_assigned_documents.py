"""The document list in a project with assignments: yours first and in bold, and a filter
to show only yours."""

import pytest
from PySide6.QtCore import Qt

from ner_studio.core.text.document import Document
from ner_studio.core.store.project import Project
from ner_studio.gui.team import qt_team


@pytest.fixture
def bobs_project(user_dirs, monkeypatch):
    """Six documents spread over ann and bob; the app runs as bob. ``(path, plan, bob's ids)``."""
    monkeypatch.setattr("getpass.getuser", lambda: "bob")
    monkeypatch.setattr(qt_team, "prompt_for_name", lambda parent, suggestion: suggestion)
    path = user_dirs / "team.nerstudio"
    with Project.create(path, annotator="cur") as project:
        project.add_documents([Document.from_text(f"Text number {i} .", name=f"d{i}") for i in range(6)])
        plan = project.assign(["ann", "bob"], 0.0)
    return path, plan, [doc_id for doc_id, names in plan.items() if names == ("bob",)]


def test_your_assigned_documents_come_first_and_can_be_shown_alone(start_window, bobs_project):
    path, plan, bobs = bobs_project
    window = start_window(path)
    model = window.documents.list_model
    rows = [model.doc_id(row) for row in range(model.row_count())]
    assert rows[:len(bobs)] == bobs and sorted(rows) == sorted(plan)
    assert model.data(model.index(0, 0), Qt.ItemDataRole.FontRole).bold()
    assert model.data(model.index(len(bobs), 0), Qt.ItemDataRole.FontRole) is None
    pane = window.document_tools.pane
    assert not pane.mine.isHidden()
    pane.mine.setChecked(True)
    shown = [window.documents.doc_id_at(window.documents.filter.index(row, 0))
             for row in range(window.documents.filter.rowCount())]
    assert shown == bobs


def test_without_assignments_the_filter_stays_hidden(start_window, user_dirs):
    path = user_dirs / "alone.nerstudio"
    with Project.create(path) as project:
        project.add_documents([Document.from_text("Just one text .", name="one")])
    window = start_window(path)
    assert window.document_tools.pane.mine.isHidden()


def test_next_and_previous_document_go_through_yours(start_window, bobs_project):
    path, plan, bobs = bobs_project
    anns = [doc_id for doc_id, names in plan.items() if names == ("ann",)]
    window = start_window(path)
    window.show_document(bobs[0])
    seen = []
    for _ in bobs:
        window.edit.next_document()
        seen.append(window.doc.doc_id)
    assert seen == bobs[1:] + bobs[:1]  # ann's documents are skipped, and it wraps
    window.show_document(anns[-1])  # one of ann's, opened from the list: back to bob's before it
    window.edit.previous_document()
    assert window.doc.doc_id == max((d for d in bobs if d < anns[-1]), default=bobs[-1])
    window.show_document(bobs[0])
    window.edit.review_and_next()  # Review and Next: bob's next document not yet reviewed
    assert window.doc.doc_id == bobs[1]
    for _ in bobs[1:]:
        window.edit.review_and_next()
    assert window.statusBar().currentMessage() == "Every document assigned to you is reviewed."

