"""Another annotator's change is read in a worker thread (core/store/changed_reads.py) and
the window only compares and shows it; an edit made here while that read is under way, or a
step of this window saved meanwhile by its writer thread, is never undone by it: the
document is read again (the later edit wins). Both stores."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from ner_studio.core.store import journal_writer, project_edits
from ner_studio.core.store.project import Project
from ner_studio.core.text.document import Document
from ner_studio.core.text.spans import Source, Span
from ner_studio.gui.annotate.editing import SpanEdit
from ner_studio.gui.corpus import qt_label_all
from ner_studio.gui.team import qt_team

TEXT = "Karin Olsson visited Lisbon with Meridian Capital ."
WAIT = 15_000  # ms: a bound on waiting, not a speed target


def span(surface: str, label: str) -> Span:
    start = TEXT.index(surface)
    return Span(start, start + len(surface), label, Source.HUMAN)


def two_windows(start_window, project_location, monkeypatch):
    """Two windows of one project with the document "trip", both annotator "ann": the other
    annotator's (as another process would be) and this one."""
    monkeypatch.setattr("getpass.getuser", lambda: "ann")
    monkeypatch.setattr(qt_team, "prompt_for_name", lambda parent, suggestion: suggestion)
    with Project.create(project_location, annotator="ann") as project:
        project.add_documents([Document.from_text(TEXT, name="trip")])
    return start_window(str(project_location)), start_window(str(project_location))


def hold_reads(monkeypatch):
    """The live worker's reads of changed documents, each held once done: ``(reading, go_on)``,
    set when one is held, and the event that lets it go on. A read of the list alone (after a
    settings write) goes on."""
    reading, go_on = threading.Event(), threading.Event()
    real_read = project_edits.read_changed

    def held_read(connect, annotator, doc_ids):
        state = real_read(connect, annotator, doc_ids)
        if doc_ids:
            reading.set()
            assert go_on.wait(10)
        return state

    monkeypatch.setattr(project_edits, "read_changed", held_read)
    return reading, go_on


def hold_commits(monkeypatch):
    """This window's writes from the writer thread, each held: ``(writing, write_on)``, set
    when one is held, and the event that lets it go on."""
    writing, write_on = threading.Event(), threading.Event()
    real_commit = journal_writer.commit

    def held_commit(*args, **kwargs):
        writing.set()
        assert write_on.wait(10)
        return real_commit(*args, **kwargs)

    monkeypatch.setattr(journal_writer, "commit", held_commit)
    return writing, write_on


def label_all_lisbon(window, qtbot, monkeypatch, writing) -> int:
    """Label All 'Lisbon' as LOC in ``window`` through its action, until its write is held
    (``writing``, from :func:`hold_commits`); where 'Lisbon' starts."""
    start = TEXT.index("Lisbon")
    window.view.setFocus()
    window.view.select_range(start, start + len("Lisbon"))
    monkeypatch.setattr(qt_label_all.LabelAllDialog, "exec", lambda dialog: dialog.label.setCurrentText("LOC") or True)
    window.actions_["label_all"].trigger()
    qtbot.waitUntil(writing.is_set, timeout=WAIT)
    return start


def test_an_edit_made_while_anothers_change_is_read_is_kept(start_window, project_location, qtbot, monkeypatch):
    other, here = two_windows(start_window, project_location, monkeypatch)
    reading, go_on = hold_reads(monkeypatch)  # the worker's read, done, held until this window's edit
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


def test_a_step_saved_while_anothers_change_is_read_is_not_taken_back_by_that_read(
        start_window, project_location, qtbot, monkeypatch):
    """Label All here, its write still in flight, when another's change arrives: what the
    worker read was stored before the step, so it is not what the window shows: it is read
    again, in the worker too."""
    other, here = two_windows(start_window, project_location, monkeypatch)
    writing, write_on = hold_commits(monkeypatch)  # the step's write, held until the other's change is read
    reading, go_on = hold_reads(monkeypatch)
    start = label_all_lisbon(here, qtbot, monkeypatch, writing)
    listed_here = []  # the list read on the UI thread (it froze the window): the worker reads it again
    real_list = Project.document_summaries
    monkeypatch.setattr(Project, "document_summaries", lambda project: listed_here.append(1) or real_list(project))
    other.workspace.apply_edit(other.doc, SpanEdit((), (span("Karin Olsson", "PER"),)))
    qtbot.waitUntil(reading.is_set, timeout=WAIT)  # read before the step is stored
    write_on.set()
    qtbot.waitUntil(lambda: not here.workspace.project.writing, timeout=WAIT)  # the step landed
    go_on.set()
    qtbot.waitUntil(lambda: here.doc.span_at(0) is not None, timeout=WAIT)  # their PER came in
    assert here.doc.span_at(start).label == "LOC"  # the step stays
    assert not listed_here
    with Project.open(project_location, annotator="ann", keep_backups=0, read_only=True) as check:
        assert [(s.start, s.label) for s in check.load_document(here.doc.doc_id).spans] == [(0, "PER"), (start, "LOC")]


def test_anothers_change_read_while_a_step_of_this_window_is_saved_waits_for_it_not_the_window(
        start_window, project_location, qtbot, monkeypatch):
    """A teammate's note arrives while this window's Label All is still being saved: showing
    it reads the notes, the catalogue and the assignments, and each read waits for the write
    in flight; on the UI thread that froze the window until the step landed (CI caught it
    blocked 10 s behind a held write). The change is read again once the step has landed."""
    other, here = two_windows(start_window, project_location, monkeypatch)
    here.actions_["show_notes"].trigger()
    writing, write_on = hold_commits(monkeypatch)
    reading, go_on = hold_reads(monkeypatch)
    go_on.set()  # not held: only told of
    start = label_all_lisbon(here, qtbot, monkeypatch, writing)
    note_start = TEXT.index("Meridian Capital")
    note_end = note_start + len("Meridian Capital")
    other.workspace.project.add_note(other.doc.doc_id, "A bank?", note_start, note_end)
    other.workspace.apply_edit(other.doc, SpanEdit((), (span("Karin Olsson", "PER"),)))
    try:
        qtbot.waitUntil(reading.is_set, timeout=WAIT)  # their change read in the worker
        qtbot.wait(300)  # the window takes the read meanwhile (frozen, it raised after 10 s)
        assert here.workspace.project.writing  # the step still being saved
    finally:
        write_on.set()
    table = here.notes.panel.table
    qtbot.waitUntil(lambda: table.model().rowCount() == 1 and here.view.marks() == [(note_start, note_end)]
                    and here.doc.span_at(0) is not None, timeout=WAIT)
    assert [(s.start, s.label) for s in here.doc.spans] == [(0, "PER"), (start, "LOC")]
