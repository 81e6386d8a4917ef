"""Find's worker part without a window: a search's matches joined with the entities it was
handed, the analyst's bad pattern as a problem (not a failure), a bug as a logged error, a
cancelled search as nothing found."""

from __future__ import annotations

import logging

from ner_studio.core.corpus.corpus_text import DocumentText
from ner_studio.core.corpus.find import ANYWHERE, Entities, inside_entities
from ner_studio.core.text.document import Document
from ner_studio.core.text.spans import Source, Span
from ner_studio.gui.corpus.find_search import Search, match_job

OPTIONS = {"whole_tokens": True, "case_sensitive": False, "regex": True}


def text() -> DocumentText:
    doc = Document.from_text("Lisbon and Porto ; lisbon again .", name="d")
    doc.doc_id = 7
    return DocumentText.of(doc)


def run(query: str, should_stop=lambda: False, texts=None) -> Search:
    return match_job(Search(3, query, OPTIONS, ANYWHERE), [text()] if texts is None else texts, None, should_stop)


def test_the_matches_a_bad_pattern_a_bug_and_a_cancel(caplog):
    done = run("lisb[a-z]n")
    assert done.number == 3 and [(hit.doc_id, hit.start, hit.end) for hit in done.hits] == [(7, 0, 6), (7, 19, 25)]
    bad = run("lisbon(")
    assert bad.hits is None and bad.problem.startswith("not a valid regular expression") and bad.error is None
    with caplog.at_level(logging.ERROR):
        broken = run("lisbon", texts=[None])  # a bug in the worker: reported, with its trace in the log
    assert isinstance(broken.error, AttributeError) and "finding text" in caplog.text
    cancelled = run("lisbon", should_stop=lambda: True)
    assert (cancelled.hits, cancelled.problem, cancelled.error) == (None, "", None)


def test_the_worker_joins_the_matches_with_the_entities_handed_to_it():
    lisbon = Span(0, 6, "LOC", Source.HUMAN)
    stored = (7, 19, 25, "GPE", "model", 0.7, None)  # a row as the spans table holds it
    for entities, labels in ((Entities({7: (lisbon,)}, {}), ["LOC", None]), (Entities({}, {7: [stored]}), [None, "GPE"])):
        done = match_job(Search(1, "lisbon", OPTIONS, ANYWHERE, entities=entities), [text()], None, lambda: False)
        assert [hit.label for hit in done.hits] == labels
    inside = match_job(Search(2, "lisbon", OPTIONS, inside_entities("LOC"), entities=Entities({7: (lisbon,)}, {})),
                       [text()], None, lambda: False)
    assert [(hit.start, hit.label) for hit in inside.hits] == [(0, "LOC")]
