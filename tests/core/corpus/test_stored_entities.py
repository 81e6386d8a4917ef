"""The entities Find's worker reads (core/corpus/stored_entities.py): only what changed since
the rows kept, in one snapshot, with the journal's edits replayed so that they win whether
their write landed meanwhile or not. Both stores."""

from __future__ import annotations

import pytest

from ner_studio.core.corpus.corpus_text import CorpusText
from ner_studio.core.corpus.stored_entities import EntityRead, replayed
from ner_studio.core.errors import ProjectError
from ner_studio.core.store.project import Project
from ner_studio.core.store.span_rows import ModelSpansSwap, SpansDelta
from ner_studio.core.text.document import Document
from ner_studio.core.text.spans import Source, Span

TEXT = "Lisbon and Porto and Oslo ."
LISBON, PORTO, OSLO = Span(0, 6, "LOC"), Span(11, 16, "LOC"), Span(21, 25, "LOC")


@pytest.fixture
def project(project_location):
    project = Project.create(project_location)
    doc = Document.from_text(TEXT, name="a")
    doc.set_spans([LISBON])
    project.add_documents([doc, Document.from_text(TEXT, name="b")])
    yield project
    project.close()


def entity_read(project, corpus: CorpusText, unsaved=()) -> EntityRead:
    return EntityRead(project.read_connector(), project.version_annotator, corpus.stored(), {}, tuple(unsaved))


def test_the_worker_reads_all_rows_once_then_only_changed_documents(project):
    corpus = CorpusText(project)
    _, stored, read = entity_read(project, corpus).read()
    assert stored == {1: [(1, 0, 6, "LOC", "human", None, None)]} and read.revision is not None
    corpus.keep(read)
    assert corpus.span_rows() is read.rows  # kept: the UI thread reads nothing more
    with Project.open(project.location, keep_backups=0) as other:  # another window
        other.load_document(2, track=True).set_spans([PORTO])
    _, stored, again = entity_read(project, corpus).read()
    assert stored[2] == [(2, 11, 16, "LOC", "human", None, None)] and again.revision > read.revision
    assert again.rows[1] is read.rows[1]  # document 1 was not read again


def test_journal_edits_win_and_replaying_them_on_rows_that_have_them_changes_nothing(project):
    edits = [SpansDelta(1, (LISBON,), (Span(0, 6, "ORG"),)), SpansDelta(1, (), (OSLO,)),
             SpansDelta(1, (OSLO,), (PORTO,))]
    _, stored, _ = entity_read(project, CorpusText(project), edits).read()
    assert [(row[1], row[3]) for row in stored[1]] == [(0, "ORG"), (11, "LOC")]
    assert replayed(stored[1], edits) == stored[1]  # their write landed while the worker read


def test_a_retagging_in_the_journal_replaces_only_model_entities():
    rows = [(1, 0, 6, "LOC", "human", None, None), (1, 11, 16, "ORG", "model", 0.9, None)]
    swap = ModelSpansSwap(1, (Span(0, 10, "PER", Source.MODEL, 0.8), Span(21, 25, "LOC", Source.MODEL, 0.7)))
    assert [(row[1], row[3]) for row in replayed(rows, [swap])] == [(0, "LOC"), (21, "LOC")]


def test_a_failed_read_is_the_projects_error_naming_it(project):
    """A lost server or a locked file in the worker: a ProjectError, as a read on the UI thread gives."""
    def lost():
        raise project._store.errors[0]("the server closed the connection")  # the store driver's own error

    read = EntityRead(lost, project.version_annotator, CorpusText(project).stored(), {}, (), project.as_read_error)
    with pytest.raises(ProjectError, match="reading entities"):
        read.read()


def test_the_worker_lists_the_documents_and_reads_only_the_texts_not_known(project):
    corpus = CorpusText(project)
    first = EntityRead(project.read_connector(), project.version_annotator, corpus.stored(), {}, texts={})
    listing = first.read_all()[3]
    assert [info.name for info in listing.documents.values()] == ["a", "b"]
    assert [text.text for text in listing.texts] == [TEXT, TEXT] and listing.new.keys() == {1, 2}
    corpus.keep_texts(listing.new)
    project.add_documents([Document.from_text("Oslo .", name="c")])
    again = EntityRead(project.read_connector(), project.version_annotator, corpus.stored(), {},
                       texts=corpus.known_texts()).read_all()[3]
    assert again.new.keys() == {3} and again.texts[0] is listing.texts[0]  # texts never change: not read again


def test_a_project_opened_read_only_is_read_on_a_connection_of_its_own(tmp_path):
    with Project.create(tmp_path / "p.nerstudio") as writable:
        doc = Document.from_text(TEXT, name="a")
        doc.set_spans([LISBON])
        writable.add_documents([doc])
    with Project.open(tmp_path / "p.nerstudio", read_only=True) as project:
        unsaved = [SpansDelta(1, (), (OSLO,))]  # an edit a read-only project keeps in memory
        _, stored, _ = entity_read(project, CorpusText(project), unsaved).read()
    assert [(row[1], row[3]) for row in stored[1]] == [(0, "LOC"), (21, "LOC")]
