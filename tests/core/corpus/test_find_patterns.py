"""Find with a regular expression and a scope: inside entities (of a label) or outside every
entity; a bad pattern and one that backtracks without end are errors that say so, in time."""

from __future__ import annotations

import time

import pytest

from ner_studio.core.corpus.corpus_text import CorpusText
from ner_studio.core.corpus.find import OUTSIDE_ENTITIES, find, find_in_document, inside_entities
from ner_studio.core.corpus.label_all import Change, label_all_edits, preview_hits
from ner_studio.core.errors import SearchError
from ner_studio.core.store.project import Project
from ner_studio.core.text.spans import Source, Span

from tests.core.corpus.test_find import labelled

CAPITALISED = r"\b[A-Z][a-z]+\b"


@pytest.fixture
def project(project_location):  # a file, then a database on the test PostgreSQL server
    project = Project.create(project_location)
    project.add_documents([
        labelled("Karin Olsson met Tomas in Lisbon on Monday .", "a",
                 ("Karin Olsson", "PER", Source.HUMAN), ("Lisbon", "LOC", Source.MODEL)),
        labelled("Report 12 from Porto : Meridian Capital grew 4.5 % .", "b",
                 ("Meridian Capital", "ORG", Source.HUMAN)),
    ])
    yield project
    project.close()


def test_a_regular_expression_finds_every_capitalised_word(project):
    hits = find(CorpusText(project), CAPITALISED, regex=True, case_sensitive=True)
    assert [h.text for h in hits] == ["Karin", "Olsson", "Tomas", "Lisbon", "Monday", "Report", "Porto",
                                      "Meridian", "Capital"]
    assert [h.text for h in find(CorpusText(project), r"\d+(\.\d+)?", regex=True)] == ["12", "4.5"]


def test_outside_entities_finds_the_capitalised_words_nobody_labelled(project):
    hits = find(CorpusText(project), CAPITALISED, regex=True, case_sensitive=True, where=OUTSIDE_ENTITIES)
    assert [(h.doc_id, h.text) for h in hits] == [(1, "Tomas"), (1, "Monday"), (2, "Report"), (2, "Porto")]
    assert all(h.entities == () for h in hits)


def test_inside_entities_of_one_label_or_of_any(project):
    corpus = CorpusText(project)
    assert [h.text for h in find(corpus, CAPITALISED, regex=True, case_sensitive=True,
                                 where=inside_entities("PER"))] == ["Karin", "Olsson"]
    inside = find(corpus, CAPITALISED, regex=True, case_sensitive=True, where=inside_entities())
    assert [h.text for h in inside] == ["Karin", "Olsson", "Lisbon", "Meridian", "Capital"]
    # A literal query keeps the same scopes: "Capital" is inside the ORG entity, not outside.
    assert [h.label for h in find(corpus, "capital", where=inside_entities("ORG"))] == ["ORG"]
    assert find(corpus, "capital", where=OUTSIDE_ENTITIES) == []


def test_case_and_whole_tokens_apply_to_a_pattern(project):
    corpus = CorpusText(project)
    # Without Match case, [A-Z] also matches small letters: every word is "capitalised".
    assert "met" in [h.text for h in find(corpus, CAPITALISED, regex=True)]
    # Whole tokens: "Olss" ends inside a token; without it, it is found.
    assert find(corpus, r"Ols+", regex=True, case_sensitive=True) == []
    assert [h.text for h in find(corpus, r"Ols+", regex=True, case_sensitive=True, whole_tokens=False)] == ["Olss"]
    # An empty match (a word boundary) marks no text: it is not a hit.
    assert find(corpus, r"\b", regex=True, whole_tokens=False) == []


def test_the_open_document_is_searched_the_same_way(project):
    doc = project.load_document(1)
    hits = find_in_document(doc, CAPITALISED, regex=True, case_sensitive=True, where=OUTSIDE_ENTITIES)
    assert [h.text for h in hits] == ["Tomas", "Monday"]


@pytest.mark.parametrize("pattern, says", [("[A-Z", "position 1"), ("(Lisbon", "missing )"), ("a{2,1}", "position"),
                                           ("*Lisbon", "nothing to repeat")])
def test_a_bad_pattern_is_a_search_error_that_says_where(project, pattern, says):
    with pytest.raises(SearchError, match="not a valid regular expression") as raised:
        find(CorpusText(project), pattern, regex=True)
    assert says in str(raised.value)


def test_a_pattern_that_backtracks_without_end_stops_within_the_budget(project):
    project.add_documents([labelled("a" * 30_000 + " !", "long")])
    started = time.monotonic()
    with pytest.raises(SearchError, match="took more than"):
        find(CorpusText(project), r"(a|aa)+$", regex=True, whole_tokens=False)
    assert time.monotonic() - started < 30  # a 1 s budget (overshot on a busy machine); unbounded: ages


def test_label_all_from_a_pattern_result_labels_the_matches(project):
    corpus = CorpusText(project)
    hits = find(corpus, CAPITALISED, regex=True, case_sensitive=True, where=OUTSIDE_ENTITIES)
    occurrences = preview_hits(corpus, hits, "MISC")
    assert [(o.document, o.change, o.ticked) for o in occurrences] == [("a", Change.ADD, True)] * 2 + [
        ("b", Change.ADD, True)] * 2
    project.edit_documents(label_all_edits([o for o in occurrences if o.ticked], "MISC"))
    labelled_now = {(s.label, str(s.source)) for s in project.load_document(2).spans if s.label == "MISC"}
    assert labelled_now == {("MISC", "human")}
    assert [s for s in project.load_document(1).spans if s.label == "MISC"] == [
        Span(17, 22, "MISC", Source.HUMAN), Span(36, 42, "MISC", Source.HUMAN)]
