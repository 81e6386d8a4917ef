"""Reading a document ahead, in another thread on a connection of its own (issue 29: the first
show of a big part read it on the UI thread). What was read is taken only if nothing was
written to that document since; else it is read again. Run against both stores."""

import threading

from ner_studio.core.store.project import Project
from ner_studio.core.text.spans import Source, Span

from tests.core.project_fixtures import make_document, token_span

TEXT = " ".join(f"w{i}" for i in range(200))


def read_in_a_thread(project, doc_id):
    """What a DocumentReader made on this thread reads from another one."""
    reader = project.document_reader()
    result = {}

    def run():
        result["read"] = reader.read(doc_id)
        reader.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    return result["read"]


def test_a_document_read_in_another_thread_is_the_one_stored_and_is_taken_as_it_is(project_location):
    with Project.create(project_location, annotator="ann") as project:
        doc = make_document(TEXT)
        doc.set_spans([Span(*token_span(doc, 3), "PER"), Span(*token_span(doc, 8), "LOC", Source.MODEL, 0.4)])
        [doc_id] = project.add_documents([doc])
        read = read_in_a_thread(project, doc_id)
        assert read.doc.text == TEXT and read.doc.tokens == doc.tokens and read.doc.sentences == doc.sentences
        assert list(read.doc.spans) == list(doc.spans) and read.annotator is not None
        taken = project.adopt_read(read, track=True)
        assert taken is read.doc
        taken.add_span(Span(*token_span(taken, 12), "ORG"))  # tracked: the edit is stored
        with Project.open(project_location, annotator="ann", keep_backups=0, read_only=True) as fresh:
            assert fresh.load_document(doc_id).span_at(taken.tokens[12].start).label == "ORG"


def test_a_read_is_not_taken_after_a_write_to_its_document_here_or_in_another_instance(project_location):
    with Project.create(project_location, annotator="ann") as project:
        [doc_id, other_id] = project.add_documents([make_document(TEXT), make_document(TEXT + " more")])
        read, other = read_in_a_thread(project, doc_id), read_in_a_thread(project, other_id)
        with Project.open(project_location, annotator="ann", keep_backups=0) as elsewhere:
            changed = elsewhere.load_document(doc_id, track=True)
            changed.add_span(Span(*token_span(changed, 2), "MISC"))
        assert project.adopt_read(read) is None  # stale: the window reads it again
        assert project.load_document(doc_id).span_at(read.doc.tokens[2].start).label == "MISC"
        assert project.adopt_read(other) is other.doc  # another document's write leaves it current
        renamed = read_in_a_thread(project, doc_id)
        project.rename_document(doc_id, "renamed")
        assert project.adopt_read(renamed) is None


def test_a_read_is_not_taken_while_edits_wait_or_for_another_annotator_and_a_tracked_document_wins(project_location):
    with Project.create(project_location, annotator="ann") as project:
        [doc_id] = project.add_documents([make_document(TEXT)])
        read = read_in_a_thread(project, doc_id)
        with Project.open(project_location, annotator="bob", keep_backups=0) as bob:
            assert bob.adopt_read(read) is None  # ann's version, not bob's
        project._pending.append(object())  # an edit waiting in the journal (a failed write)
        assert project.adopt_read(read) is None
        project._pending.clear()
        tracked = project.load_document(doc_id, track=True)
        assert project.adopt_read(read) is tracked  # one document never has two copies


def test_a_reader_says_none_for_a_missing_document_and_none_is_made_for_a_read_only_project(project_location):
    with Project.create(project_location, annotator="ann") as project:
        [doc_id] = project.add_documents([make_document(TEXT)])
        assert read_in_a_thread(project, doc_id + 100) is None
    with Project.open(project_location, annotator="ann", keep_backups=0, read_only=True) as viewer:
        assert viewer.document_reader() is None
