"""Find reads the project's document list, texts and entities in its worker, a read-only
project's too (issue 29): on the UI thread a read-only project's first search read the closed
documents' stored entities, and every project search's ``corpus.texts()`` waited there for a
write in flight (``land_write``)."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QMessageBox

from ner_studio.core.corpus import corpus_text
from ner_studio.core.store import journal_writer
from ner_studio.core.store.project import Project
from ner_studio.core.store.span_rows import SpansDelta
from ner_studio.gui.annotate.editing import SpanEdit
from ner_studio.gui.documents import qt_file_commands

from test_find_stored import CLOSED, SHOWN, WAIT, at, project_window, search


class ReadOnlyOpening:
    """The File commands' Project, opening every file read only (as after "Open it read-only?";
    root, as the tests may run, ignores a file's permissions)."""

    @staticmethod
    def open(path, **kwargs):
        kwargs.pop("defer_backup", None)
        return Project.open(path, read_only=True, **kwargs)


def texts_readers(monkeypatch) -> list[threading.Thread]:
    readers = []
    for name in ("document_infos", "read_texts"):
        read = getattr(corpus_text, name)

        def reading(*args, read=read):
            readers.append(threading.current_thread())
            return read(*args)

        monkeypatch.setattr(corpus_text, name, reading)
    return readers


def test_a_read_only_project_is_searched_in_the_worker_with_its_unsaved_edits(
        start_window, tmp_path, qtbot, monkeypatch):
    monkeypatch.setattr(qt_file_commands, "Project", ReadOnlyOpening)
    window, closed, readers = project_window(start_window, tmp_path / "p.nerstudio", monkeypatch)
    project = window.workspace.project
    assert project.read_only
    readers.extend(texts_readers(monkeypatch))
    readers.clear()
    window.workspace.apply_edit(window.doc, SpanEdit((), (at(SHOWN, "Porto", "LOC"),)))  # kept in memory only
    assert project.pending_count == 1
    assert search(window, qtbot, "project", "Lisbon") == [("shown", "Lisbon", ""), ("closed", "Lisbon", "LOC (human)")]
    assert search(window, qtbot, "label:LOC") == [("shown", "Porto", "LOC (human)"), ("closed", "Lisbon", "LOC (human)")]
    assert readers and threading.main_thread() not in readers  # texts and entities: the worker read them
    # Closing asks about the edit a read-only project cannot keep: the analyst lets it go.
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: QMessageBox.StandardButton.Discard)
    assert window.close()


def test_a_search_begun_while_a_write_is_in_flight_reads_in_the_worker(start_window, project_location, qtbot, monkeypatch):
    window, closed, readers = project_window(start_window, project_location, monkeypatch)
    readers.extend(texts_readers(monkeypatch))
    readers.clear()
    held, committing = threading.Event(), journal_writer.commit

    def slow_commit(*args, **kwargs):
        held.wait(2.0)  # the writer thread, as on a slow disk or server (other readers of the window wait for it)
        return committing(*args, **kwargs)

    monkeypatch.setattr(journal_writer, "commit", slow_commit)
    project = window.workspace.project
    step = SpansDelta(closed, (at(CLOSED, "Lisbon", "LOC"),), (at(CLOSED, "Oslo", "LOC"),))
    project.edit_documents([step], in_background=True, name="a step")
    assert project.writing
    try:
        rows = search(window, qtbot, "project", "Oslo")
    finally:
        held.set()
    assert rows == [("closed", "Oslo", "LOC (human)")]  # the step in flight wins, as the journal has it
    assert readers and threading.main_thread() not in readers  # Find's reads never waited on the UI thread
    qtbot.waitUntil(lambda: project.land_write(wait=False) or not project.writing, timeout=WAIT)
