"""Two app instances on one project: each follows what the other changes (LISTEN/NOTIFY on
the test PostgreSQL server, a revision poll for a project file), and never loses an edit of
its own to a refresh."""

from __future__ import annotations

from ner_studio.core.text.document import Document, Status
from ner_studio.core.store.project import Project
from ner_studio.core.text.spans import Span
from ner_studio.gui.shell.qt_live import LiveUpdates
from ner_studio.gui.team import qt_team
from ner_studio.gui.window.qt_workspace import Workspace

TEXT = "Karin Olsson visited Lisbon with Meridian Capital ."
WAIT = 15_000  # ms: a bound on waiting, not a speed target


def span(surface: str, label: str) -> Span:
    start = TEXT.index(surface)
    return Span(start, start + len(surface), label)


def make_project(location) -> None:
    with Project.create(location, annotator="ann") as project:
        project.add_documents([Document.from_text(TEXT, name="trip")])


def test_an_edit_and_a_new_document_show_in_the_other_window(start_window, project_location, qtbot, monkeypatch):
    monkeypatch.setattr("getpass.getuser", lambda: "ann")
    monkeypatch.setattr(qt_team, "prompt_for_name", lambda parent, suggestion: suggestion)
    make_project(project_location)
    first = start_window(str(project_location))
    second = start_window(str(project_location))
    assert first.doc.doc_id == second.doc.doc_id and first.doc is not second.doc

    first.workspace.apply_edit(first.doc, _add(first.doc, span("Lisbon", "LOC")))
    first.workspace.set_status(first.doc, Status.REVIEWED)
    qtbot.waitUntil(lambda: second.doc.spans == first.doc.spans and second.doc.status == Status.REVIEWED,
                    timeout=WAIT)
    doc_id = second.doc.doc_id
    assert second.workspace.summary(doc_id).entity_count == len(first.doc.spans)
    assert second.workspace.summary(doc_id).status == Status.REVIEWED
    assert not second.workspace.undo_stack(doc_id).canUndo()  # old undo steps no longer fit

    first.workspace.add_documents([Document.from_text("Daniel Okafor flew to Madrid .", name="second")])
    qtbot.waitUntil(lambda: second.documents.list_model.row_count() == 2, timeout=WAIT)
    assert [second.workspace.summary(i).name for i in second.workspace.document_ids()] == ["trip", "second"]
    assert second.doc.doc_id == doc_id  # the other window keeps its document


def test_documents_a_curator_assigns_meanwhile_come_first_in_the_annotators_list(start_window, project_location,
                                                                                  qtbot, monkeypatch):
    monkeypatch.setattr("getpass.getuser", lambda: "bob")
    monkeypatch.setattr(qt_team, "prompt_for_name", lambda parent, suggestion: suggestion)
    with Project.create(project_location, annotator="cur") as project:
        project.add_documents([Document.from_text(f"Text number {i} .", name=f"d{i}") for i in range(4)])
    window = start_window(str(project_location))
    listed = window.documents.list_model
    assert listed.assigned == set() and window.document_tools.pane.mine.isHidden()
    first = window.workspace.document_ids()[0]
    window.documents.show_document(first)
    with Project.open(project_location, annotator="cur") as curator:
        plan = curator.assign(["ann", "bob"])
    bobs = sorted(doc_id for doc_id, names in plan.items() if names == ("bob",))
    qtbot.waitUntil(lambda: listed.assigned == set(bobs), timeout=WAIT)
    assert [listed.doc_id(row) for row in range(listed.row_count())][: len(bobs)] == bobs
    assert not window.document_tools.pane.mine.isHidden()
    assert window.documents.doc_id_at(window.documents.currentIndex()) == first  # the selection stays


def _add(doc, new: Span):
    from ner_studio.gui.annotate.editing import SpanEdit

    return SpanEdit((), (new,))


def test_a_document_with_unsaved_edits_is_kept_and_caught_up_once_saved(project_location, qtbot):
    make_project(project_location)
    from PySide6.QtGui import QUndoGroup

    from ner_studio.gui.shell.tagging_jobs import ModelHandle

    writer = Project.open(project_location, annotator="ann", keep_backups=0)
    viewer = Project.open(project_location, annotator="ann", keep_backups=0)
    workspace = Workspace(viewer, ModelHandle(None), QUndoGroup())
    live = LiveUpdates(workspace)
    live.start()
    messages = []
    live.message.connect(messages.append)
    try:
        shown = workspace.document(1)
        edited = writer.load_document(1, track=True)
        viewer.read_only = True  # the viewer's next edit cannot be saved: it stays in the journal
        shown.add_span(span("Karin Olsson", "PER"))
        assert viewer.pending_count == 1
        edited.add_span(span("Lisbon", "LOC"))
        qtbot.waitUntil(lambda: any("not saved" in m for m in messages), timeout=WAIT)
        assert shown.spans == (span("Karin Olsson", "PER"),)  # the unsaved edit stays on screen
        viewer.read_only = False
        viewer.save_pending()  # saved row by row next to the other's LOC, then caught up (read in the worker)
        qtbot.waitUntil(lambda: shown.spans == (span("Karin Olsson", "PER"), span("Lisbon", "LOC")), timeout=WAIT)
        assert edited.spans == (span("Lisbon", "LOC"),)
    finally:
        workspace.close()
        writer.close()
    with Project.open(project_location, annotator="ann", read_only=True) as check:
        assert check.load_document(1).spans == (span("Karin Olsson", "PER"), span("Lisbon", "LOC"))
