"""Find's worker part without a window: a search's matches, the analyst's bad pattern as a
problem (not a failure), a bug as a logged error, a cancelled search as nothing found."""

from __future__ import annotations

import logging

from ner_studio.core.corpus.corpus_text import DocumentText
from ner_studio.core.corpus.find import ANYWHERE
from ner_studio.core.text.document import Document
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
    assert done.number == 3 and [(doc.doc_id, ranges) for doc, ranges in done.found] == [(7, [(0, 6), (19, 25)])]
    bad = run("lisbon(")
    assert bad.found is None and bad.problem.startswith("not a valid regular expression") and bad.error is None
    with caplog.at_level(logging.ERROR):
        broken = run("lisbon", texts=[None])  # a bug in the worker: reported, with its trace in the log
    assert isinstance(broken.error, AttributeError) and "finding text" in caplog.text
    cancelled = run("lisbon", should_stop=lambda: True)
    assert (cancelled.found, cancelled.problem, cancelled.error) == (None, "", None)
