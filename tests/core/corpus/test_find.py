"""Find in one document and across a project: whole tokens or substrings, any case or exact,
and all entities with a label; results carry context and the entities there."""

from __future__ import annotations

import pytest

from ner_studio.core.corpus.corpus_text import CorpusText
from ner_studio.core.text.document import Document
from ner_studio.core.corpus.find import Query, corpus_hits, find, find_in_document, find_label, match_texts
from ner_studio.core.store.project import Project
from ner_studio.core.text.spans import Source, Span


def labelled(text: str, name: str, *entities: tuple[str, str, Source]) -> Document:
    """A document of ``text`` (our tokenizer) with each ``(surface, label, source)`` labelled
    at its first occurrence."""
    doc = Document.from_text(text, name=name)
    for surface, label, source in entities:
        start = text.index(surface)
        doc.add_span(Span(start, start + len(surface), label, source))
    return doc


@pytest.fixture
def project(project_location):  # a file, then a database on the test PostgreSQL server
    project = Project.create(project_location)
    project.add_documents([
        labelled("Lisbon is in Portugal. Boston is not.", "a", ("Lisbon", "LOC", Source.HUMAN)),
        labelled("The Lisbon office of Bank of England opened.\nLISBON agreed.", "b",
                 ("Lisbon", "ORG", Source.MODEL), ("Bank of England", "ORG", Source.HUMAN)),
        labelled("Nothing here about lisbon's side.", "c"),
    ])
    yield project
    project.close()


def test_whole_token_search_ignores_case_and_skips_parts_of_words(project):
    hits = find(CorpusText(project), "lisbon")
    assert [(h.doc_id, h.text) for h in hits] == [(1, "Lisbon"), (2, "Lisbon"), (2, "LISBON"), (3, "lisbon")]
    assert find(CorpusText(project), "on") == []  # "on" in "Boston", "Lisbon" is no token
    assert [h.text for h in find(CorpusText(project), "on", whole_tokens=False)][:2] == ["on", "on"]


def test_a_search_in_two_halves_matches_then_joins_and_stops_when_asked(project):
    """What Find's worker runs (match_texts: the texts only) and what the UI thread then does
    (corpus_hits: the entities there) give what find gives; a stop asked for ends the matching."""
    corpus = CorpusText(project)
    found = match_texts(corpus.texts(), Query("lisbon"))
    assert [(doc.doc_id, ranges) for doc, ranges in found] == [(1, [(0, 6)]), (2, [(4, 10), (45, 51)]), (3, [(19, 25)])]
    joined = corpus_hits(corpus, found)
    assert [(h.doc_id, h.start, h.label) for h in joined] == [(h.doc_id, h.start, h.label) for h in find(corpus, "lisbon")]
    assert match_texts(corpus.texts(), Query("lisbon"), should_stop=lambda: True) is None
    asked = []
    assert match_texts(corpus.texts(), Query("lisbon"), should_stop=lambda: asked.append(1) or len(asked) > 2) is None


def test_case_sensitive_search(project):
    hits = find(CorpusText(project), "Lisbon", case_sensitive=True)
    assert [h.text for h in hits] == ["Lisbon", "Lisbon"]
    assert find(CorpusText(project), "lisbon", whole_tokens=False, case_sensitive=True)[0].doc_id == 3


def test_hits_carry_context_on_one_line_and_the_entity_there(project):
    hits = find(CorpusText(project), "Lisbon")
    first, second, third = hits[:3]
    assert (first.label, first.source, first.entity) == ("LOC", Source.HUMAN, Span(0, 6, "LOC"))
    assert (second.label, second.source) == ("ORG", Source.MODEL)
    assert second.before == "The " and second.after.startswith(" office of Bank of England opened. LISBO")
    assert third.entities == () and third.label is None
    assert third.before.endswith("opened. ")  # the line break became a space


def test_multi_word_query_matches_any_whitespace_and_reports_overlapping_entities(project):
    hits = find(CorpusText(project), "of  bank\tof England")
    assert [(h.doc_id, h.text) for h in hits] == [(2, "of Bank of England")]
    assert hits[0].entities == (Span(21, 36, "ORG"),) and hits[0].entity is None


def test_blank_query_finds_nothing(project):
    assert find(CorpusText(project), "  ") == []


def test_search_in_chosen_documents_and_in_an_open_document(project):
    corpus = CorpusText(project)
    assert [h.doc_id for h in find(corpus, "Lisbon", doc_ids=[3])] == [3]
    doc = project.load_document(2)
    hits = find_in_document(doc, "lisbon")
    assert [(h.start, h.end, h.label) for h in hits] == [(4, 10, "ORG"), (45, 51, None)]


def test_all_entities_with_a_label(project):
    hits = find_label(CorpusText(project), "ORG")
    assert [(h.doc_id, h.text, h.source) for h in hits] == [(2, "Lisbon", Source.MODEL),
                                                          (2, "Bank of England", Source.HUMAN)]
    assert find_label(CorpusText(project), "ORG", doc_ids=[1]) == []


def test_results_follow_edits_added_and_deleted_documents(project):
    corpus = CorpusText(project)
    assert find(corpus, "Boston")[0].entities == ()
    doc = project.load_document(1, track=True)
    doc.add_span(Span(23, 29, "LOC"))  # committed: the next search sees it
    assert find(corpus, "Boston")[0].label == "LOC"
    [new_id] = project.add_documents([Document.from_text("Boston again.", name="d")])
    assert [h.doc_id for h in find(corpus, "Boston")] == [1, new_id]
    project.delete_document(1)
    assert [h.doc_id for h in find(corpus, "Boston")] == [new_id]


def test_case_insensitive_search_in_a_text_whose_lower_case_is_longer(tmp_path):
    with Project.create(tmp_path / "p.nerstudio") as project:
        project.add_documents([Document.from_text("İzmir and Lisbon", name="t")])
        hits = find(CorpusText(project), "LISBON")
        assert [(h.start, h.text) for h in hits] == [(10, "Lisbon")]


def test_cached_entities_are_read_again_after_any_write(project):
    corpus = CorpusText(project)
    assert corpus.span_rows()[1][0][3] == "LOC"  # all entities, now cached
    project.rename_label("LOC", "PLACE")  # a write that touches no document's row
    assert corpus.span_rows()[1][0][3] == "PLACE"
    assert find(corpus, "Lisbon", case_sensitive=True)[0].label == "PLACE"
    doc = project.load_document(3, track=True)
    doc.add_span(Span(19, 25, "LOC"))
    assert find(corpus, "lisbon", case_sensitive=True)[0].label == "LOC"  # read for one document


def test_the_entity_cache_follows_every_kind_of_write_reading_only_changed_documents(project, monkeypatch):
    import ner_studio.core.corpus.corpus_text as corpus_text

    corpus = CorpusText(project)
    corpus.span_rows()  # all entities in memory
    read_all = []
    monkeypatch.setattr(corpus_text, "all_span_rows", lambda conn, own: read_all.append(1) or [])
    doc = project.load_document(3, track=True)
    doc.add_span(Span(19, 25, "LOC"))  # a tracked edit
    assert corpus.span_rows()[3] == [(3, 19, 25, "LOC", "human", None, None)]
    project.rename_label("ORG", "COMPANY")  # rewrites spans of documents nobody opened
    assert [row[3] for row in corpus.span_rows()[2]] == ["COMPANY", "COMPANY"]
    with Project.open(project.location, keep_backups=0) as other:  # another window or process
        other.load_document(1, track=True).set_spans([])
    assert corpus.span_rows()[1] == []
    project.delete_document(2)
    assert [h.doc_id for h in find(corpus, "lisbon")] == [1, 3]
    assert read_all == []  # each time only the changed documents were read


def test_an_old_project_opened_read_only_reads_all_entities_again(tmp_path):
    import sqlite3

    path = tmp_path / "old.nerstudio"
    with Project.create(path) as project:
        project.add_documents([labelled("Lisbon and Porto.", "a", ("Lisbon", "LOC", Source.HUMAN))])
    old_app = sqlite3.connect(path, isolation_level=None)  # back to version 2: no stamps
    for trigger in ("spans_insert_new_stamp", "spans_delete_old_stamp", "spans_update_new_stamp"):
        old_app.execute(f"DROP TRIGGER {trigger}")
    old_app.execute("DELETE FROM schema_version WHERE version >= 3")
    old_app.execute("ALTER TABLE documents DROP COLUMN spans_revision")
    old_app.execute("DROP TABLE document_versions")  # and no annotators (version 4)
    old_app.execute("DROP INDEX spans_by_document")
    old_app.execute("ALTER TABLE spans DROP COLUMN annotator")
    old_app.execute("ALTER TABLE spans DROP COLUMN created")
    old_app.execute("CREATE UNIQUE INDEX spans_by_document ON spans (document_id, start_char)")
    with Project.open(path, read_only=True) as project:  # read-only: not migrated
        corpus = CorpusText(project)
        assert find(corpus, "Porto")[0].label is None
        corpus.span_rows()  # all in memory
        old_app.execute("INSERT INTO spans (document_id, start_char, end_char, label, source)"
                        " VALUES (1, 11, 16, 'LOC', 'human')")  # an older NER Studio writes
        old_app.execute("UPDATE project_info SET value = value + 1 WHERE key = 'revision'")
        assert find(corpus, "Porto")[0].label == "LOC"
    old_app.close()
