"""A project-wide step written by the project's writer thread (core/store/journal_writer.py),
on both stores: one transaction, an edit made meanwhile wins, closing waits for it, and a
write that fails is reported and kept in the journal, as any edit not saved yet."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from ner_studio.core.errors import ProjectLockedError
from ner_studio.core.store.project import Project, is_server_url
from ner_studio.core.store.project_rows import SpansDelta
from ner_studio.core.text.spans import Span
from tests.core.project_fixtures import make_document, token_span

TEXT = "Ada Lovelace met Charles Babbage in London ."


class LockHolder(threading.Thread):
    """Another program holding the project's write lock (SQLite's file lock, the server's
    revision row) from its own connection until :meth:`release` (or ``seconds``)."""

    def __init__(self, location, seconds: float = 20.0):
        super().__init__(daemon=True)
        self.location, self.seconds = location, seconds
        self.held, self._release = threading.Event(), threading.Event()

    def __enter__(self) -> LockHolder:
        self.start()
        assert self.held.wait(10)
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()

    def release(self) -> None:
        self._release.set()
        self.join(10)

    def run(self) -> None:
        if is_server_url(self.location):
            import psycopg

            conn = psycopg.connect(str(self.location), autocommit=True)
            conn.execute("BEGIN")
            conn.execute("SELECT value FROM project_info WHERE key = 'revision' FOR UPDATE").fetchall()
        else:
            conn = sqlite3.connect(self.location, isolation_level=None)
            conn.execute("BEGIN IMMEDIATE")
        self.held.set()
        self._release.wait(self.seconds)
        conn.execute("ROLLBACK")
        conn.close()


def spans_as_stored(location, doc_id: int) -> list[tuple[int, int, str]]:
    """What another window reads of ``doc_id`` from the project."""
    with Project.open(location, annotator="ann", keep_backups=0, read_only=True) as other:
        return [(s.start, s.end, s.label) for s in other.load_document(doc_id).spans]


def two_documents(project):
    """An open (tracked) document and one only in the project."""
    open_id, stored_id = project.add_documents([make_document(TEXT, "open"), make_document(TEXT, "stored")])
    return project.load_document(open_id, track=True), stored_id


def test_a_step_is_written_by_the_writer_thread_and_an_edit_made_meanwhile_wins(project_location):
    with Project.create(project_location, annotator="ann") as project:
        doc, stored_id = two_documents(project)
        ada, london = Span(*token_span(doc, 0), "LOC"), Span(*token_span(doc, 6), "LOC")
        with LockHolder(project_location):  # the write waits for the lock: in flight meanwhile
            project.edit_documents([SpansDelta(doc.doc_id, (), (ada, london)), SpansDelta(stored_id, (), (ada,))],
                                   in_background=True)
            assert project.writing and project.pending_count == 2
            assert doc.spans == (ada, london)  # the open document has it at once
            doc.edit((ada,), (Span(ada.start, ada.end, "PER"),))  # the analyst's edit, meanwhile
            assert project.pending_count == 3 and project.writing  # waits behind the step
            project.land_write(wait=False)  # (the window's call once a write is done): not yet
            assert project.writing
        project.land_write()
        assert not project.writing and project.pending_count == 0
        assert spans_as_stored(project_location, doc.doc_id) == [(ada.start, ada.end, "PER"),
                                                                  (london.start, london.end, "LOC")]
        assert spans_as_stored(project_location, stored_id) == [(ada.start, ada.end, "LOC")]
        assert len(project.own_revisions) >= 2  # the step's and the edit's: not taken for another window's


def test_a_read_waits_for_the_write_in_flight(project_location):
    with Project.create(project_location, annotator="ann") as project:
        doc, stored_id = two_documents(project)
        ada = Span(*token_span(doc, 0), "ORG")
        with LockHolder(project_location, seconds=0.3):
            project.edit_documents([SpansDelta(stored_id, (), (ada,))], in_background=True)
            assert project.writing
            assert project.load_document(stored_id).spans == (ada,)  # not read around the write
        assert not project.writing


def test_closing_while_a_write_is_in_flight_loses_nothing(project_location):
    project = Project.create(project_location, annotator="ann")
    doc, stored_id = two_documents(project)
    london = Span(*token_span(doc, 6), "LOC")
    with LockHolder(project_location, seconds=0.3):  # lets go while close() waits
        project.edit_documents([SpansDelta(doc.doc_id, (), (london,)), SpansDelta(stored_id, (), (london,))],
                               in_background=True)
        assert project.writing
        project.close()
    for doc_id in (doc.doc_id, stored_id):
        assert spans_as_stored(project_location, doc_id) == [(london.start, london.end, "LOC")]


def test_a_write_that_fails_in_the_writer_thread_is_reported_and_kept_for_the_next_write(project_location):
    with Project.create(project_location, annotator="ann", lock_timeout=0.3) as project:
        doc, stored_id = two_documents(project)
        failures, pending = [], []
        project.write_failed.connect(failures.append)
        project.pending_changed.connect(pending.append)
        london = Span(*token_span(doc, 6), "LOC")
        with LockHolder(project_location):  # held past the project's lock timeout
            project.edit_documents([SpansDelta(stored_id, (), (london,))], in_background=True)
            project.land_write()
            [error] = failures
            assert isinstance(error, ProjectLockedError)
            assert pending == [1] and project.pending_count == 1 and not project.writing
        assert spans_as_stored(project_location, stored_id) == []  # nothing of it was committed
        project.save_pending()  # the lock is free again: the kept step is written
        assert spans_as_stored(project_location, stored_id) == [(london.start, london.end, "LOC")]
        assert pending[-1] == 0


def test_a_read_only_project_writes_no_step_from_a_thread(tmp_path):
    path = tmp_path / "p.nerstudio"
    with Project.create(path, annotator="ann") as project:
        [doc_id] = project.add_documents([make_document(TEXT)])
    with Project.open(path, annotator="ann", read_only=True, keep_backups=0) as project:
        failures = []
        project.write_failed.connect(failures.append)
        project.edit_documents([SpansDelta(doc_id, (), (Span(0, 3, "PER"),))], in_background=True)
        assert not project.writing and project.pending_count == 1 and len(failures) == 1
        project.close(discard_pending=True)


@pytest.fixture(autouse=True)
def no_thread_left():
    before = set(threading.enumerate())
    yield
    assert not [t for t in threading.enumerate() if t not in before and t.name.startswith("ner-studio-journal")]
