"""One write, one transaction, all or nothing, on both stores. On a server the write runs in
psycopg's pipeline mode (``Dialect.write_transaction``): statements are sent without waiting
for replies, so a failure shows only at the end; these tests make sure it still rolls back
cleanly and becomes a clear ProjectError, and that edits of a deleted document (checked
inside the statements now, not by a question first) save nothing and fail nothing."""

import pytest

from ner_studio.core.text.document import Status
from ner_studio.core.errors import ProjectError
from ner_studio.core.store.project import Project
from ner_studio.core.store import project_rows
from ner_studio.core.store.project_rows import SpansDelta
from ner_studio.core.text.spans import Source, Span

from tests.core.project_fixtures import make_document, token_span
from test_project_changes import Watching

TEXT = "Ada Lovelace met Charles Babbage in London ."


def revision(project) -> int:
    return project.query("revision", lambda conn: conn.execute(
        "SELECT value FROM project_info WHERE key = 'revision'").fetchone()[0])


def span_rows(project, doc_id) -> int:
    return project.query("counting", lambda conn: conn.execute(
        "SELECT COUNT(*) FROM spans WHERE document_id = ?", (doc_id,)).fetchone()[0])


def test_a_statement_the_database_refuses_rolls_the_whole_write_back(project_location):
    with Project.create(project_location, annotator="ann") as project:
        first, second = project.add_documents([make_document(TEXT, "a"), make_document(TEXT, "b")])
        before = revision(project)
        failures = []
        project.write_failed.connect(failures.append)
        # The second edit's empty span breaks the spans' CHECK constraint: after the first
        # edit's rows were sent (on a server, before any reply came back).
        project.edit_documents([SpansDelta(first, (), (Span(0, 3, "PER"),)),
                                SpansDelta(second, (), (Span(4, 4, "LOC"),))])
        [error] = failures
        assert isinstance(error, ProjectError)
        assert "saving an edit failed" in str(error) and "check" in str(error).lower()
        assert project.pending_count == 2  # kept in memory, as any edit that could not be saved
        # Rolled back: the connection reads again, and nothing of the write is stored.
        assert (span_rows(project, first), span_rows(project, second), revision(project)) == (0, 0, before)
        with Project.open(project_location, annotator="ann", keep_backups=0, read_only=True) as other:
            assert [s.entity_count for s in other.document_summaries()] == [0, 0]
        project.close(discard_pending=True)


def test_a_python_error_inside_a_write_rolls_back_and_the_next_write_is_saved(project_location):
    with Project.create(project_location, annotator="ann") as project:
        before = revision(project)
        with pytest.raises(TypeError):
            project.set_setting("broken", object())  # not JSON: raised after the lock was sent for
        assert revision(project) == before and project.get_setting("broken") is None
        project.set_setting("fine", [1, 2])
        assert project.get_setting("fine") == [1, 2] and revision(project) == before + 1


def test_edits_of_a_document_deleted_in_another_window_save_nothing_and_fail_nothing(project_location):
    with Project.create(project_location, annotator="ann") as first:
        [doc_id, kept] = first.add_documents([make_document(TEXT, "gone"), make_document(TEXT, "kept")])
        doc = first.load_document(doc_id, track=True)
        other = first.load_document(kept, track=True)
        failures = []
        first.write_failed.connect(failures.append)
        with Project.open(project_location, annotator="ann", keep_backups=0) as second:
            second.delete_document(doc_id)
        doc.add_span(Span(*token_span(doc, 0), "PER"))
        doc.edit((), (Span(*token_span(doc, 2), "LOC"), Span(*token_span(doc, 3), "PER")))
        doc.status = Status.REVIEWED
        other.add_span(Span(*token_span(other, 6), "LOC"))  # the other document saves as usual
        assert failures == [] and first.pending_count == 0
        assert span_rows(first, doc_id) == 0
        versions = first.query("versions", lambda conn: conn.execute(
            "SELECT document_id FROM document_versions ORDER BY document_id").fetchall())
        assert [row[0] for row in versions] == [kept]
    with Project.open(project_location, annotator="ann", keep_backups=0, read_only=True) as again:
        assert [(s.name, s.entity_count) for s in again.document_summaries()] == [("kept", 1)]


def test_a_re_tagging_is_stored_in_one_transaction_or_kept_whole_for_the_next_write(project_location, monkeypatch):
    with Project.create(project_location, annotator="ann") as project:
        [doc_id] = project.add_documents([make_document(TEXT)])
        doc = project.load_document(doc_id, track=True)
        doc.add_span(Span(*token_span(doc, 0), "PER"))  # a person's: never touched
        doc.replace_model_spans([Span(*token_span(doc, i), "LOC", Source.MODEL, 0.5) for i in (3, 4)])
        before = stored_spans(project, doc_id)
        assert before == list(doc.spans) and len(before) == 3
        failures = []
        project.write_failed.connect(failures.append)

        def broken(conn, *args, **kwargs):  # the insert fails after the old model spans were deleted
            conn.execute("SELECT no_such_column FROM spans")

        monkeypatch.setattr("ner_studio.core.store.span_rows.insert_spans", broken)  # (project_rows re-exports it)
        doc.replace_model_spans([Span(*token_span(doc, 6), "ORG", Source.MODEL, 0.9)])
        assert len(failures) == 1 and project.pending_count == 1
        assert stored_spans(project, doc_id) == before  # the delete went back with the failed insert
        monkeypatch.undo()
        project.save_pending()
        assert stored_spans(project, doc_id) == list(doc.spans) == [
            Span(*token_span(doc, 0), "PER"), Span(*token_span(doc, 6), "ORG", Source.MODEL, 0.9)]


def stored_spans(project, doc_id) -> list[Span]:
    return project.query("reading", lambda conn: project_rows.read_spans(conn, doc_id, "ann"))


def test_a_change_announced_names_the_revision_its_write_committed(project_location):
    with Project.create(project_location, annotator="ann") as first, \
            Project.open(project_location, annotator="ann", keep_backups=0) as second:
        watching = Watching(second)
        try:
            first.set_setting("a", 1)
            [change] = watching.next_batch()
            assert change.revision == revision(first) == first.own_revisions[-1]
        finally:
            watching.stop()


def test_a_statement_skipped_after_a_failure_in_a_pipeline_is_not_called_a_lost_connection():
    errors = pytest.importorskip("psycopg.errors")
    from ner_studio.core.store.project_postgres import server_error

    error = server_error(errors.PipelineAborted("pipeline aborted"), "postgresql://ann:secret@db/news", "saving an edit")
    assert "saving an edit failed" in str(error) and "reach" not in str(error) and "secret" not in str(error)



def test_a_tagging_thread_saves_a_merge_on_its_own_connection_as_one_of_this_projects_writes(tmp_path):
    import threading

    with Project.create(tmp_path / "p.nerproj", annotator="ann") as project:
        [doc_id] = project.add_documents([make_document(TEXT)])
        doc = project.load_document(doc_id, track=True)
        doc.add_span(Span(*token_span(doc, 0), "PER"))  # a person's: stays
        merge = doc.merge_model_spans([Span(*token_span(doc, i), "LOC", Source.MODEL, 0.5) for i in (0, 3, 6)])
        writer = project.model_spans_writer()
        saved = []
        thread = threading.Thread(target=lambda: (saved.append(writer.save(doc_id, merge)), writer.close()))
        thread.start()
        thread.join()
        assert saved == [True] and project.pending_count == 0
        assert project.own_revisions[-1] == revision(project)  # the live updates know it as ours
        assert stored_spans(project, doc_id) == list(merge.spans)  # token 0's prediction was dropped
        with project.saved_elsewhere():
            assert doc.apply_model_merge(merge)
        assert stored_spans(project, doc_id) == list(doc.spans) and revision(project) == project.own_revisions[-1]


def test_no_tagging_thread_writes_for_a_server_project_or_ahead_of_edits_still_unsaved(project_location, monkeypatch):
    with Project.create(project_location, annotator="ann") as project:
        [doc_id] = project.add_documents([make_document(TEXT)])
        doc = project.load_document(doc_id, track=True)
        writer = project.model_spans_writer()
        if project.on_server:
            assert writer is None  # its writes are pipelined on the window's connection
            return
        monkeypatch.setattr("ner_studio.core.store.span_rows.insert_spans",
                            lambda conn, *args, **kwargs: conn.execute("SELECT nothing"))
        doc.add_span(Span(*token_span(doc, 0), "PER"))  # not saved: waits in the journal
        assert project.pending_count == 1
        merge = doc.merge_model_spans([Span(*token_span(doc, 3), "LOC", Source.MODEL, 0.5)])
        assert writer.save(doc_id, merge) is False  # the journal's edits go first, from the window
        writer.close()
        project.close(discard_pending=True)


def test_a_big_edit_deletes_the_rows_it_removes_and_those_its_spans_overlap_and_no_other(project_location):
    """Past BULK_EDIT spans an edit reads the version's rows once, in order, and bisects to
    each edited span (issue 29); another window's row under an added span goes, as row by row."""
    text = " ".join(["w"] * 400)
    doc = make_document(text, "words")
    doc.set_spans([Span(8 * i, 8 * i + 1, "X") for i in range(100)])  # tokens 4i
    with Project.create(project_location, annotator="ann") as project:
        [doc_id] = project.add_documents([doc])
        mine = project.load_document(doc_id, track=True)
        with Project.open(project_location, annotator="ann", keep_backups=0) as other:
            theirs = other.load_document(doc_id, track=True)
            theirs.add_span(Span(8 * 95 + 4, 8 * 95 + 5, "Z"))  # token 4*95+2, not in this window
        removed = mine.spans[:40]
        added = [Span(s.start, s.end, "Y") for s in removed]
        added += [Span(8 * i + 4, 8 * i + 5, "Y") for i in range(50, 80)]
        added.append(Span(8 * 95 + 2, 8 * 95 + 7, "Y"))  # tokens 4*95+1 .. 4*95+3: over Z
        assert len(removed) + len(added) > project_rows.BULK_EDIT
        project.edit_documents([SpansDelta(doc_id, tuple(removed), tuple(added))])
        stored = project.query("reading", lambda conn: conn.execute(
            "SELECT start_char, end_char, label FROM spans WHERE document_id = ? ORDER BY start_char",
            (doc_id,)).fetchall())
        expected = sorted([(s.start, s.end, "Y") for s in added]
                          + [(8 * i, 8 * i + 1, "X") for i in range(40, 100)])
        assert [tuple(row) for row in stored] == expected
