"""Another annotator's change is read in a worker thread (core/store/changed_reads.py) and
the window only compares and shows it; an edit made here while that read is under way is
never undone by it: the document is read again (the later edit wins). Both stores."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from ner_studio.core.store import project_edits
from ner_studio.core.store.project import Project
from ner_studio.core.text.document import Document
from ner_studio.core.text.spans import Source, Span
from ner_studio.gui.annotate.editing import SpanEdit
from ner_studio.gui.team import qt_team

TEXT = "Karin Olsson visited Lisbon with Meridian Capital ."
WAIT = 15_000  # ms: a bound on waiting, not a speed target


def span(surface: str, label: str) -> Span:
    start = TEXT.index(surface)
    return Span(start, start + len(surface), label, Source.HUMAN)


def test_an_edit_made_while_anothers_change_is_read_is_kept(start_window, project_location, qtbot, monkeypatch):
    monkeypatch.setattr("getpass.getuser", lambda: "ann")
    monkeypatch.setattr(qt_team, "prompt_for_name", lambda parent, suggestion: suggestion)
    with Project.create(project_location, annotator="ann") as project:
        project.add_documents([Document.from_text(TEXT, name="trip")])
    other, here = start_window(str(project_location)), start_window(str(project_location))
    reading, go_on = threading.Event(), threading.Event()
    real_read = project_edits.read_changed

    def slow_read(*args):  # the worker's read, done, held until this window's edit is made
        state = real_read(*args)
        reading.set()
        assert go_on.wait(10)
        return state

    monkeypatch.setattr(project_edits, "read_changed", slow_read)
    other.workspace.apply_edit(other.doc, SpanEdit((), (span("Lisbon", "LOC"),)))  # the other annotator
    qtbot.waitUntil(reading.is_set, timeout=WAIT)  # this window is reading their change
    start = TEXT.index("Karin Olsson")
    here.view.setFocus()
    here.view.select_range(start, start + len("Karin Olsson"))
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_1)  # PER, meanwhile
    mine = here.doc.span_at(start)
    assert mine.label == "PER"
    go_on.set()
    qtbot.waitUntil(lambda: any(s.label == "LOC" for s in here.doc.spans), timeout=WAIT)
    assert here.doc.span_at(start) == mine  # not taken back by the read made before it
    qtbot.waitUntil(lambda: mine in other.doc.spans, timeout=WAIT)  # and the other window gets it
    with Project.open(project_location, annotator="ann", keep_backups=0, read_only=True) as check:
        assert [(s.start, s.label) for s in check.load_document(here.doc.doc_id).spans] == [
            (start, "PER"), (TEXT.index("Lisbon"), "LOC")]
