"""Who made and changed each entity, and a document's history, from what the project keeps
(issue 26), on both stores; and label guidelines stored with the labels."""

import sqlite3
import time

import pytest
from tests.core.project_fixtures import make_old_project

from ner_studio.core.store import history
from ner_studio.core.store.project import Project
from ner_studio.core.store.project_schema import GUIDELINES_SCHEMA, HISTORY_SCHEMA, SCHEMA_VERSION, now
from ner_studio.core.text.document import Document
from ner_studio.core.text.spans import Source, Span

TEXT = "Ada Lovelace met Charles Babbage in London ."


def span(surface: str, label: str, source=Source.HUMAN) -> Span:
    start = TEXT.index(surface)
    return Span(start, start + len(surface), label, source)


@pytest.fixture
def location(project_location):
    with Project.create(project_location, annotator="ann") as project:
        doc = Document.from_text(TEXT, name="ada")
        doc.add_span(span("Ada Lovelace", "PER"))
        doc.add_span(span("London", "LOC", Source.MODEL))
        project.add_documents([doc])
    return project_location


def later(project: Project, stamp: str) -> None:
    """Wait until the project's clock (seconds) has passed ``stamp``."""
    while now() <= stamp:
        time.sleep(0.05)


def test_a_relabel_keeps_who_made_the_entity_and_records_who_changed_it(location):
    with Project.open(location, annotator="ann", keep_backups=0) as project:
        doc = project.load_document(1, track=True)
        made = project.span_history(1, span("Ada Lovelace", "PER"))
        assert made.created_by == made.modified_by == "ann" and not made.changed
        assert made.describe().startswith("created by ann at ")
        later(project, made.created)
        project.editor = "cy"  # a curator editing in ann's place, as on the gold version
        doc.edit([span("Ada Lovelace", "PER")], [span("Ada Lovelace", "ORG")])
        changed = project.span_history(1, span("Ada Lovelace", "ORG"))
        assert (changed.created, changed.created_by) == (made.created, "ann")
        assert changed.modified_by == "cy" and changed.modified > changed.created
        assert " · changed by cy at " in changed.describe()
        # a resize and an acceptance change the row in place too
        doc.edit([span("Ada Lovelace", "ORG")], [span("Ada", "ORG")])
        doc.edit([span("London", "LOC", Source.MODEL)], [span("London", "LOC", Source.ACCEPTED)])
        assert project.span_history(1, span("Ada", "ORG")).created == made.created
        accepted = project.span_history(1, span("London", "LOC"))
        assert accepted.changed and accepted.modified_by == "cy"
    with Project.open(location, annotator="ann", keep_backups=0) as project:  # as stored
        assert [s.label for s in project.load_document(1).spans] == ["ORG", "LOC"]


def test_a_documents_history_lists_every_annotators_edits_newest_first(location):
    with Project.open(location, annotator="bob", keep_backups=0) as project:
        doc = project.load_document(1, track=True)
        doc.add_span(span("Charles Babbage", "PER"))
    with Project.open(location, annotator="ann", keep_backups=0, read_only=True) as project:
        entries = project.document_history(1, TEXT)
    lines = [(entry.annotator, entry.what) for entry in entries]
    assert ("bob", "added PER “Charles Babbage”") in lines
    assert ("ann", "added PER “Ada Lovelace”") in lines
    assert ("ann", "the model suggested LOC “London”") in lines
    assert ("ann", "last edit of their version (status: new)") in lines
    assert ("bob", "last edit of their version") in lines
    assert lines[-1] == ("", "document added to the project")
    assert [entry.time for entry in entries] == sorted((entry.time for entry in entries), reverse=True)


def test_guidelines_are_stored_with_the_labels_and_follow_a_rename(project_location):
    with Project.create(project_location) as project:
        labels = project.labels()
        labels.set_guidelines("PER", "People by name\nnot titles alone", ["Karin Olsson", " ", "Dr. Okafor"])
        project.save_labels(labels)
        labels = project.labels()
        labels.rename("PER", "PERSON")
        project.save_labels(labels)
    with Project.open(project_location, keep_backups=0) as project:
        person = project.labels()["PERSON"]
    assert person.description == "People by name\nnot titles alone"
    assert person.examples == ("Karin Olsson", "Dr. Okafor")


MADE = "2026-11-30T10:00:00+00:00"


def test_a_project_from_before_history_reads_read_only_and_migrates(tmp_path):
    """Unmigrated (read only) it reads with no entity history and labels without guidelines;
    migrated, its entities were last changed when they were made."""
    path = tmp_path / "old.nerstudio"
    make_old_project(path, min(GUIDELINES_SCHEMA, HISTORY_SCHEMA) - 1, TEXT, stamp=MADE)
    ada = span("Ada Lovelace", "PER")
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("INSERT INTO spans (document_id, start_char, end_char, label, source, annotator, created)"
                 " VALUES (1, ?, ?, 'PER', 'human', 'ann', ?)", (ada.start, ada.end, MADE))
    conn.close()
    with Project.open(path, annotator="ann", read_only=True) as project:
        assert project.span_history(1, span("Ada Lovelace", "PER")) is None
        assert project.labels()["PER"].description == ""
        assert [entry.annotator for entry in project.document_history(1, TEXT)] == ["ann", ""]
    with Project.open(path, annotator="ann", keep_backups=0) as project:
        assert project.span_history(1, span("Ada Lovelace", "PER")) == history.SpanHistory(MADE, "ann", MADE, "ann")
        assert project.labels()["PER"].examples == ()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_short_times_read_as_minutes():
    assert history.short_time("2026-12-07T14:02:31+00:00") == "2026-12-07 14:02"


def test_a_bulk_acceptance_keeps_who_made_each_entity_and_records_the_acceptor(project_location):
    """Past BULK_EDIT spans an edit goes the set-based way (SpansDelta._apply_in_bulk); a span
    removed and added at the same place is changed in place there too, as one acceptance is
    (issue 26: Mark N Documents Reviewed showed the model's entities as made by the acceptor)."""
    from ner_studio.core.store.project_rows import BULK_EDIT

    words = ["w"] * 300
    text = " ".join(words)
    spans = [Span(4 * i, 4 * i + 1, "LOC", Source.MODEL, 0.9) for i in range(BULK_EDIT)]
    with Project.create(project_location, annotator="ann") as project:
        doc = Document.from_text(text, name="many")
        doc.set_spans(spans)
        [doc_id] = project.add_documents([doc])
        made = project.span_history(doc_id, spans[0])
        later(project, made.created)
        project.editor = "cy"
        doc = project.load_document(doc_id, track=True)
        accepted = [Span(s.start, s.end, s.label, Source.ACCEPTED) for s in spans]
        extra = Span(4 * 100, 4 * 100 + 1, "PER")  # a new span in the same edit is made by its editor
        doc.edit(spans, [*accepted, extra])
        histories = [project.span_history(doc_id, s) for s in accepted]
        assert all((h.created, h.created_by) == (made.created, "ann") for h in histories)
        assert all(h.modified_by == "cy" and h.modified > h.created for h in histories)
        assert " · accepted by cy at " in histories[0].describe(Source.ACCEPTED)
        fresh = project.span_history(doc_id, extra)
        assert fresh.created_by == "ann" and fresh.modified_by == "cy" and fresh.created > made.created
    with Project.open(project_location, annotator="ann", keep_backups=0) as project:  # as stored
        stored = project.load_document(doc_id).spans
        assert list(stored) == [*accepted, extra]
