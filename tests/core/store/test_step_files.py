"""A project-wide step survives a kill while the writer thread has it (core/store/step_files.py),
on both stores: a child process sends the step, is killed (SIGKILL) before the write lands,
and the next opening commits it, once; a step that was committed before the kill is not
applied again; a step whose write failed is kept in its side file until it is written. Another
machine's step (a project file in a shared folder) and any step at a read-only opening are left
where they are, and said."""

from __future__ import annotations

import os
import signal

import pytest

from ner_studio.core.store.project import Project, is_server_url
from ner_studio.core.store.project_rows import SpansDelta
from ner_studio.core.store import step_files
from ner_studio.core.store.step_files import read_step, step_folder, stopped_steps, write_step
from ner_studio.core.text.document import Status
from ner_studio.core.text.spans import Source, Span
from tests.core.project_fixtures import make_document, start_python, token_span
from tests.core.store.test_journal_writer import TEXT, LockHolder, spans_as_stored

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

# The child: opens the project, holds its writer (``hold``: before the commit, or after it,
# before the side file is deleted), sends Label All's step and says so; then waits to be killed.
CHILD = """
    import sys, threading
    from ner_studio.core.store import journal_writer
    from ner_studio.core.store.project import Project, is_server_url
    from ner_studio.core.store.project_rows import SpansDelta
    from ner_studio.core.text.spans import Span

    location, hold, doc_id, start, end = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:6])
    if len(sys.argv) > 6:  # another machine's app (a project file in a shared folder)
        from ner_studio.core.store import step_files
        step_files.this_host = lambda: sys.argv[6]
    forever = threading.Event()
    if hold == "before":
        journal_writer.JournalWriter._commit = lambda *args, **kwargs: forever.wait()
    else:
        journal_writer.remove_step = lambda step: print("committed", flush=True) or forever.wait()
    project = Project.open(location, annotator="ann", keep_backups=0)
    project.edit_documents([SpansDelta(doc_id, (), (Span(start, end, "LOC"),))], in_background=True,
                           name="Label All 'London' as LOC")
    print("sent", flush=True)
    forever.wait()
"""


def stored_project(location) -> tuple[int, Span]:
    with Project.create(location, annotator="ann") as project:
        [doc_id] = project.add_documents([make_document(TEXT, "stored")])
        doc = project.load_document(doc_id)
        return doc_id, Span(*token_span(doc, 6), "LOC")


def send_and_kill(location, hold: str, doc_id: int, span: Span, *host: str) -> None:
    child = start_python(CHILD, str(location), hold, str(doc_id), str(span.start), str(span.end), *host)
    try:
        assert child.stdout.readline().strip() == "sent", child.stderr.read()
        if hold == "after":
            assert child.stdout.readline().strip() == "committed", child.stderr.read()
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)


@pytest.fixture(autouse=True)
def data_folder(tmp_path, monkeypatch):
    """A server project's side files go to the user data folder: a test's own."""
    monkeypatch.setenv("NER_STUDIO_DATA_DIR", str(tmp_path / "data"))


def test_a_step_killed_before_its_write_landed_is_committed_at_the_next_opening(project_location):
    doc_id, london = stored_project(project_location)
    send_and_kill(project_location, "before", doc_id, london)
    assert spans_as_stored(project_location, doc_id) == []  # the kill came before the commit
    with Project.open(project_location, annotator="ann", keep_backups=0) as project:
        [step] = project.recovered_steps
        assert step.name == "Label All 'London' as LOC"
        assert project.load_document(doc_id).spans == (london,)
        assert stopped_steps(*project._step_place()) == []  # its file is gone
    with Project.open(project_location, annotator="ann", keep_backups=0) as again:
        assert again.recovered_steps == []  # once


def test_a_step_committed_before_the_kill_is_not_applied_again(project_location):
    doc_id, london = stored_project(project_location)
    send_and_kill(project_location, "after", doc_id, london)  # committed; its file left behind
    folder, prefix = step_folder(None if is_server_url(project_location) else project_location, str(project_location))
    [left] = [folder / name for name in os.listdir(folder) if name.startswith(prefix)]
    hidden = left.rename(left.with_name("elsewhere"))  # meanwhile the analyst deletes the span
    with Project.open(project_location, annotator="ann", keep_backups=0) as project:
        doc = project.load_document(doc_id, track=True)
        doc.edit(doc.spans, ())
    hidden.rename(left)
    with Project.open(project_location, annotator="ann", keep_backups=0) as project:
        assert project.recovered_steps == [] and not left.exists()
        assert project.load_document(doc_id).spans == ()  # a replay would have brought it back


def test_a_step_whose_write_failed_stays_in_its_file_until_it_is_written(project_location):
    doc_id, london = stored_project(project_location)
    with Project.open(project_location, annotator="ann", keep_backups=0, lock_timeout=0.3) as project:
        folder, prefix = project._step_place()
        with LockHolder(project_location):
            project.edit_documents([SpansDelta(doc_id, (), (london,))], in_background=True, name="Label All")
            project.land_write()  # failed: kept in the journal, and in the file
            [name] = [n for n in os.listdir(folder) if n.startswith(prefix)]
            assert read_step(folder / name).edits == [SpansDelta(doc_id, (), (london,), "ann", "ann")]
        project.save_pending()
        assert [n for n in os.listdir(folder) if n.startswith(prefix)] == []
    assert spans_as_stored(project_location, doc_id) == [(london.start, london.end, "LOC")]


def test_every_journal_record_goes_through_its_file_as_it_was(tmp_path):
    span = Span(3, 9, "ORG", Source.MODEL, 0.75, "Q1")
    from ner_studio.core.store.project_rows import ModelSpansSwap, StatusEdit

    edits = [SpansDelta(1, (span,), (Span(3, 9, "LOC"),), "ann", "cur"), ModelSpansSwap(2, (span,), "ann"),
             StatusEdit(1, Status.REVIEWED, "ann")]
    folder, prefix = step_folder(tmp_path / "p.nerstudio", "")
    step = write_step(folder, prefix, edits, "Label All", 1)
    assert oct(step.path.stat().st_mode & 0o777) == "0o600"
    again = read_step(step.path)
    assert (again.edits, again.name, again.own_edits, again.step_id) == (edits, "Label All", edits[1:], step.step_id)
    assert stopped_steps(folder, prefix) == []  # this process is alive: its step is its own


def test_a_step_written_twice_is_recorded_once(project_location):
    """Another instance may replay the file of a step still in flight (a project file shared
    over the network, its writer on another machine): both commits go through."""
    doc_id, london = stored_project(project_location)
    with Project.open(project_location, annotator="ann", keep_backups=0) as project:
        for _ in range(2):
            project._write("saving a step", lambda conn: SpansDelta(doc_id, (), (london,), "ann").apply(conn),
                           step="the-same-step")
        assert project.query("counting", lambda conn: conn.execute(
            "SELECT COUNT(*) FROM written_steps WHERE id = 'the-same-step'").fetchone()[0]) == 1
    assert spans_as_stored(project_location, doc_id) == [(london.start, london.end, "LOC")]


def test_an_undo_is_kept_as_the_undo_of_its_step_also_from_a_file_written_before_the_flag(tmp_path):
    import json

    folder, prefix = step_folder(tmp_path / "p.nerstudio", "")
    undo = read_step(write_step(folder, prefix, [], "Label All 'Lisbon' as LOC", undo=True).path)
    assert (undo.name, undo.undo, undo.title) == ("Label All 'Lisbon' as LOC", True, "Undo Label All 'Lisbon' as LOC")
    old = write_step(folder, prefix, [], "Undo Apply places.tsv")
    record = json.loads(old.path.read_text(encoding="utf-8"))
    del record["undo"]
    old.path.write_text(json.dumps(record), encoding="utf-8")
    assert (read_step(old.path).name, read_step(old.path).undo) == ("Apply places.tsv", True)
    assert read_step(write_step(folder, prefix, [], "Apply places.tsv").path).undo is False


def test_another_machines_step_is_left_to_it_and_said(project_location, monkeypatch):
    doc_id, london = stored_project(project_location)
    send_and_kill(project_location, "before", doc_id, london, "lab-pc-7.example")  # its pid means nothing here
    with Project.open(project_location, annotator="ann", keep_backups=0) as project:
        assert project.recovered_steps == [] and project.load_document(doc_id).spans == ()
        assert project.take_steps_left() == ["a step from lab-pc-7.example is still being saved there"]
        assert project.take_steps_left() == []  # said once
    monkeypatch.setattr(step_files, "this_host", lambda: "lab-pc-7.example")  # opened on that machine
    with Project.open(project_location, annotator="ann", keep_backups=0) as project:
        [step] = project.recovered_steps
        assert project.load_document(doc_id).spans == (london,) and project.take_steps_left() == []


def test_a_read_only_opening_leaves_a_killed_step_for_the_next_writable_one_and_says_so(project_location):
    doc_id, london = stored_project(project_location)
    send_and_kill(project_location, "before", doc_id, london)
    for _ in range(2):  # the file stays
        with Project.open(project_location, read_only=True, annotator="ann") as project:
            assert project.recovered_steps == [] and project.load_document(doc_id).spans == ()
            assert project.take_steps_left() == [
                "1 step left by a stopped app will be recovered when the project is opened for writing"]
    with Project.open(project_location, annotator="ann", keep_backups=0) as project:
        [step] = project.recovered_steps
        assert project.load_document(doc_id).spans == (london,) and project.take_steps_left() == []


def test_a_file_named_before_hosts_were_named_counts_as_this_machines(tmp_path):
    folder, prefix = step_folder(tmp_path / "p.nerstudio", "")
    step = write_step(folder, prefix, [], "Label All")
    dead = start_python("pass")
    dead.wait(10)
    old = step.path.with_name(f"{prefix}{dead.pid}-{step.step_id}.json")  # .p.nerstudio.step-PID-ID.json
    step.path.rename(old)
    assert [s.step_id for s in stopped_steps(folder, prefix)] == [step.step_id]
    assert step_files.other_hosts(folder, prefix) == {}
