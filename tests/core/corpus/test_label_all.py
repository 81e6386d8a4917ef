"""Label all occurrences: the preview (ticks, notes, overlaps) and applying it across
documents as one transaction that one call undoes."""

from __future__ import annotations

import pytest

from ner_studio.core.corpus.corpus_text import CorpusText
from ner_studio.core.text.document import Status
from ner_studio.core.errors import SpanError
from ner_studio.core.corpus.find import find
from ner_studio.core.corpus.label_all import (
    Change,
    label_all_edits,
    preview_label_all,
    undo_edits,
)
from ner_studio.core.store.project import Project
from ner_studio.core.store.project_rows import SpansDelta
from ner_studio.core.text.spans import Source, Span
from tests.core.corpus.test_find import labelled


@pytest.fixture
def project(project_location):  # a file, then a database on the test PostgreSQL server
    project = Project.create(project_location)
    reviewed = labelled("Lisbon again.", "reviewed")
    reviewed.status = Status.REVIEWED
    project.add_documents([
        labelled("Lisbon and Lisbon.", "plain"),
        labelled("Lisbon is big.", "model", ("Lisbon", "ORG", Source.MODEL)),
        labelled("Lisbon is old.", "human", ("Lisbon", "ORG", Source.HUMAN)),
        labelled("Lisbon is here.", "done", ("Lisbon", "LOC", Source.ACCEPTED)),
        labelled("University of Lisbon hired.", "inside", ("University of Lisbon", "ORG", Source.MODEL)),
        reviewed,
        labelled("lisbon lower case.", "lower"),
    ])
    yield project
    project.close()


def test_preview_lists_every_whole_token_occurrence_with_what_applying_does(project):
    preview = preview_label_all(CorpusText(project), "Lisbon", "LOC")
    table = [(o.document, o.change, o.ticked, o.note, o.label, o.source) for o in preview]
    assert table == [
        ("plain", Change.ADD, True, "", None, None),
        ("plain", Change.ADD, True, "", None, None),
        ("model", Change.RELABEL, True, "", "ORG", Source.MODEL),
        ("human", Change.RELABEL, False, "has a confirmed ORG entity", "ORG", Source.HUMAN),
        ("done", Change.NONE, False, "already labelled so", "LOC", Source.ACCEPTED),
        ("inside", Change.REPLACE, False, "overlaps the ORG entity", "ORG", Source.MODEL),
        ("reviewed", Change.ADD, False, "in a reviewed document", None, None),
    ]
    assert preview[0].hit.after == " and Lisbon." and preview[0].reviewed is False
    assert len(preview_label_all(CorpusText(project), "Lisbon", "LOC", case_sensitive=False)) == 8


def test_applying_the_ticked_ones_is_one_edit_per_document(project):
    corpus = CorpusText(project)
    preview = preview_label_all(corpus, "Lisbon", "LOC")
    edits = label_all_edits([o for o in preview if o.ticked], "LOC")
    assert edits == [
        SpansDelta(1, (), (Span(0, 6, "LOC"), Span(11, 17, "LOC"))),
        SpansDelta(2, (Span(0, 6, "ORG", Source.MODEL),), (Span(0, 6, "LOC"),)),
    ]
    project.edit_documents(edits)
    assert [(h.doc_id, h.label, h.source) for h in find(corpus, "Lisbon", case_sensitive=True)][:3] == [
        (1, "LOC", Source.HUMAN), (1, "LOC", Source.HUMAN), (2, "LOC", Source.HUMAN)]
    project.edit_documents(undo_edits(edits))
    assert project.load_document(1).spans == ()
    assert project.load_document(2).spans == (Span(0, 6, "ORG", Source.MODEL),)


def test_a_ticked_overlapping_occurrence_replaces_the_entities_it_overlaps(project):
    preview = preview_label_all(CorpusText(project), "Lisbon", "LOC")
    inside = [o for o in preview if o.document == "inside"]
    project.edit_documents(label_all_edits(inside, "LOC"))
    assert project.load_document(5).spans == (Span(14, 20, "LOC"),)


def test_tracked_documents_change_in_memory_and_a_stale_edit_changes_nothing(project):
    doc = project.load_document(1, track=True)
    seen = []
    doc.changed.connect(seen.append)
    good = SpansDelta(1, (), (Span(0, 6, "LOC"),))
    stale = SpansDelta(2, (Span(0, 6, "PER", Source.MODEL),), ())  # no such span any more
    other = project.load_document(2, track=True)
    with pytest.raises(SpanError):
        project.edit_documents([good, stale])
    assert doc.spans == () and other.spans == (Span(0, 6, "ORG", Source.MODEL),)
    assert project.pending_count == 0 and project.load_document(1).spans == ()
    project.edit_documents([good])
    assert doc.spans == (Span(0, 6, "LOC"),) and len(seen) == 3  # added, taken back, added
    project.close()
    with Project.open(project.location) as again:
        assert again.load_document(1).spans == (Span(0, 6, "LOC"),)


def test_a_failed_write_keeps_the_edits_pending(project, monkeypatch):
    errors = []
    project.write_failed.connect(errors.append)
    doc = project.load_document(1, track=True)
    project.read_only = True  # every write now fails as on a read-only disk
    project.edit_documents(label_all_edits(preview_label_all(CorpusText(project), "Lisbon", "LOC")[:2], "LOC"))
    assert len(errors) == 1 and project.pending_count == 1 and len(doc.spans) == 2
    project.read_only = False
    project.save_pending()
    assert project.pending_count == 0 and len(project.load_document(1).spans) == 2


def test_nothing_to_apply_writes_nothing(project):
    project.edit_documents([])
    assert label_all_edits([], "LOC") == []
    preview = preview_label_all(CorpusText(project), "Lisbon", "LOC")
    assert label_all_edits([o for o in preview if o.change == Change.NONE], "LOC") == []


def test_a_word_that_is_nowhere_gives_an_empty_preview(project):
    assert preview_label_all(CorpusText(project), "Porto", "LOC") == []


def test_a_stale_edit_of_a_document_not_open_is_refused(project):
    preview = preview_label_all(CorpusText(project), "Lisbon", "LOC")
    edits = label_all_edits([o for o in preview if o.ticked], "LOC")
    project.edit_documents(edits)
    doc = project.load_document(2, track=True)  # the analyst changes one of them and closes it
    doc.edit(doc.spans, (Span(0, 6, "PER"),))
    project.untrack(doc)
    with pytest.raises(SpanError, match="document 2 has changed since"):
        project.edit_documents(undo_edits(edits))  # would delete the newer PER entity
    assert project.load_document(1).spans == (Span(0, 6, "LOC"), Span(11, 17, "LOC"))  # nothing undone
    # The same place and label from another source (or confidence) is another entity: refused too.
    with pytest.raises(SpanError, match="document 1 has changed since"):
        project.edit_documents([SpansDelta(1, (Span(0, 6, "LOC", Source.MODEL, 0.5),), ())])
    overlapping = SpansDelta(5, (), (Span(14, 20, "LOC"),))  # inside "University of Lisbon"
    with pytest.raises(SpanError, match="would overlap the ORG entity"):
        project.edit_documents([overlapping])
    project.delete_document(7)
    with pytest.raises(SpanError, match="deleted"):
        project.edit_documents([SpansDelta(7, (), (Span(0, 6, "LOC"),))])


def test_two_edits_of_one_document_in_one_call_are_checked_in_turn(project):
    first = SpansDelta(1, (), (Span(0, 6, "LOC"),))
    second = SpansDelta(1, (Span(0, 6, "LOC"),), (Span(0, 6, "ORG"),))
    project.edit_documents([first, second])
    assert project.load_document(1).spans == (Span(0, 6, "ORG"),)


def test_the_edits_come_back_as_stored_so_their_undo_removes_what_is_there(project):
    """A tracked document snaps what it is given to whole tokens: the undo must remove the
    snapped span, not the one asked for."""
    doc = project.load_document(1, track=True)
    asked = [SpansDelta(1, (), (Span(1, 4, "LOC"),)), SpansDelta(3, (Span(0, 6, "ORG", Source.HUMAN),), ())]
    stored = project.edit_documents(asked)
    assert stored == [SpansDelta(1, (), (Span(0, 6, "LOC"),)), asked[1]]
    assert doc.spans == (Span(0, 6, "LOC"),)
    assert project.edit_documents(undo_edits(stored)) == undo_edits(stored)
    assert doc.spans == () and project.load_document(3).spans == (Span(0, 6, "ORG", Source.HUMAN),)
    assert project.edit_documents([]) == []


def test_the_preview_reads_open_documents_entities_from_them_and_the_rest_from_the_project(project):
    from_project = preview_label_all(CorpusText(project), "Lisbon", "LOC")
    ids = {o.document: o.doc_id for o in from_project}
    shown = project.load_document(ids["model"], track=True)
    opened = {shown.doc_id: shown}
    asked = []

    def open_document(doc_id):
        asked.append(doc_id)
        return opened.get(doc_id)

    same = preview_label_all(CorpusText(project, open_document), "Lisbon", "LOC")
    assert [(o.doc_id, o.start, o.entities, o.change, o.ticked) for o in same] == \
        [(o.doc_id, o.start, o.entities, o.change, o.ticked) for o in from_project]
    assert ids["model"] in asked
    # What the window holds wins (an edit whose write is still pending is newer than the table).
    entity = shown.spans[0]
    shown._set_stored([entity.relabelled("PER")])  # as if its write had not gone through yet
    newer = next(o for o in preview_label_all(CorpusText(project, open_document), "Lisbon", "LOC")
                 if o.doc_id == ids["model"])
    assert newer.label == "PER" and newer.change == Change.RELABEL
