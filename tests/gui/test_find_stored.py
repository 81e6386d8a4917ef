"""Find reads the stored entities of documents not open in its worker thread, on a connection
of its own (core/corpus/stored_entities.py; issue 29: on the UI thread the first search froze
the window 0.27 s, "Entities labelled LOC" 76 ms of CPU), and what is not stored yet still
wins: an open document's spans, and edits waiting in the journal. Both stores."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt

from ner_studio.core.corpus import corpus_text, stored_entities
from ner_studio.core.errors import ProjectError
from ner_studio.core.store import journal_writer
from ner_studio.core.store.project import Project
from ner_studio.core.store.span_rows import SpansDelta
from ner_studio.core.text.document import Document
from ner_studio.core.text.spans import Span
from ner_studio.gui.annotate.editing import SpanEdit

SHOWN = "Karin Olsson flew from Porto to Lisbon ."
CLOSED = "Meridian Capital opened in Lisbon and Oslo ."
WAIT = 15_000  # ms: a bound on waiting, not a speed target


def at(text: str, surface: str, label: str) -> Span:
    start = text.index(surface)
    return Span(start, start + len(surface), label)


def project_window(start_window, project_location, monkeypatch):
    """The window of a project of two documents with stored entities: "shown" (shown) and
    "closed" (never opened here); and the threads that read entities of the store."""
    with Project.create(project_location) as project:
        shown, closed = Document.from_text(SHOWN, name="shown"), Document.from_text(CLOSED, name="closed")
        closed.set_spans([at(CLOSED, "Meridian Capital", "ORG"), at(CLOSED, "Lisbon", "LOC")])
        project.add_documents([shown, closed])
    readers = []

    def recorded(read):
        def reading(*args):
            readers.append(threading.current_thread())
            return read(*args)
        return reading

    for module in (corpus_text, stored_entities):
        for name in ("all_span_rows", "span_rows_of"):
            monkeypatch.setattr(module, name, recorded(getattr(module, name)))
    monkeypatch.setattr(corpus_text, "read_label_rows", recorded(corpus_text.read_label_rows))
    window = start_window(str(project_location))
    assert window.doc.name == "shown"
    assert closed.doc_id not in {doc.doc_id for doc in window.workspace.project.tracked_documents()}
    return window, closed.doc_id, readers


def search(window, qtbot, scope: str, typed: str = "") -> list[tuple[str, str, str]]:
    """Ctrl+F from the text, ``scope`` chosen, ``typed`` typed (none: the query stays) and Enter: the listed rows
    (document, match, entity) once the worker's hits are in."""
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    panel = window.find.panel
    panel.scope.setCurrentIndex(panel.scope.findData(scope))
    panel.query.setFocus()
    panel.query.selectAll()  # Ctrl+F selects it; the offscreen window may not take focus
    if typed:
        qtbot.keyClicks(panel.query, typed)
    qtbot.keyClick(panel.query, Qt.Key.Key_Return)  # a scope chosen again searches again at Enter
    qtbot.waitUntil(lambda: not window.find.busy, timeout=WAIT)
    rows = panel.results.model()
    return [(rows.index(r, 0).data(), window.find.hits[r].text, rows.index(r, 2).data())
            for r in range(rows.rowCount())]


def test_a_project_search_lists_closed_documents_entities_read_off_the_ui_thread(
        start_window, project_location, qtbot, monkeypatch):
    window, _closed, readers = project_window(start_window, project_location, monkeypatch)
    assert search(window, qtbot, "project", "Lisbon") == [("shown", "Lisbon", ""), ("closed", "Lisbon", "LOC (human)")]
    assert search(window, qtbot, "label:ORG") == [("closed", "Meridian Capital", "ORG (human)")]
    assert window.find.panel.summary.text() == "1 match in 1 document"
    assert search(window, qtbot, "label:LOC") == [("closed", "Lisbon", "LOC (human)")]
    assert readers and threading.main_thread() not in readers  # the worker read them, the window never


def test_an_entity_not_stored_yet_is_found_by_its_label(start_window, project_location, qtbot, monkeypatch):
    """Edits the store does not have win over what it has: one in the open document (saved as
    it is made) and, in the closed one, a step whose write failed and waits in the journal."""
    window, closed, readers = project_window(start_window, project_location, monkeypatch)
    assert search(window, qtbot, "label:LOC") == [("closed", "Lisbon", "LOC (human)")]  # the rows kept

    def failing_commit(*args, **kwargs):
        raise ProjectError("the disk is full")

    monkeypatch.setattr(journal_writer, "commit", failing_commit)
    project = window.workspace.project
    step = SpansDelta(closed, (at(CLOSED, "Lisbon", "LOC"),), (at(CLOSED, "Oslo", "LOC"),))
    project.edit_documents([step], in_background=True, name="a step")
    qtbot.waitUntil(lambda: project.land_write(wait=False) or not project.writing, timeout=WAIT)
    assert project.has_pending(closed)  # not stored: the journal keeps it
    window.workspace.apply_edit(window.doc, SpanEdit((), (at(SHOWN, "Porto", "LOC"),)))
    assert search(window, qtbot, "label:LOC") == [("shown", "Porto", "LOC (human)"), ("closed", "Oslo", "LOC (human)")]
    assert search(window, qtbot, "project", "Lisbon") == [("shown", "Lisbon", ""), ("closed", "Lisbon", "")]
    assert threading.main_thread() not in readers
