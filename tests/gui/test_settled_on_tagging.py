"""The review queue's settled sentences of a tagged document are found in the tagging worker
(``Tagged.settled``), not on the UI thread when the part lands: they equal what
``settled_sentences`` finds on the document as shown, and an edit made while the document was
being tagged wins (the UI thread works them out again from the document as it is)."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt

from ner_studio.core.learning.active_learning import settled_sentences
from ner_studio.core.text.document import Document
from ner_studio.core.text.spans import Source, Span
from ner_studio.gui.shell import tagging_jobs
from ner_studio.gui.shell.tagging_jobs import (
    HEAD_SENTENCES,
    ModelHandle,
    prediction_job,
)

TEXT = ("Karin Olsson visited Lisbon on Thursday .\n\nnothing happened on Wednesday .\n\n"
        "Hannah Whitcombe led the bid in Auckland .")


def test_the_settled_sentences_a_part_comes_with_are_those_of_its_merge(tiny_model_path):
    long = Document.from_text(" ".join(["Karin Olsson visited Lisbon on Thursday ."] * (2 * HEAD_SENTENCES + 50)))
    labelled = Document.from_text(TEXT)
    labelled.add_span(Span(TEXT.index("Hannah"), TEXT.index(" led"), "PER"))  # the analyst's, before tagging
    parts = list(prediction_job(ModelHandle(tiny_model_path), [long, labelled])(lambda *_: None, lambda: False))
    assert [(p.doc, p.final) for p in parts] == [(long, False), (long, True), (labelled, True)]
    assert parts[0].settled is None  # first screens: no scores for the whole document yet
    for tagged in parts[1:]:
        assert tagged.settled is not None and tagged.settled_as_shown() is None  # not swapped in yet
        assert tagged.doc.apply_model_merge(tagged.merge)
        assert tagged.settled_as_shown() == tagged.settled == settled_sentences(tagged.doc, tagged.sentence_scores)


def test_the_review_queue_takes_the_workers_settled_sentences(start_window, idle, monkeypatch):
    window = start_window()
    review = window.learning.review
    worked_out = []
    monkeypatch.setattr(review, "_settled_of", lambda doc_id: worked_out.append(doc_id) or set())
    doc = Document.from_text(TEXT, name="news")
    [doc_id] = window.workspace.add_documents([doc])
    idle(window)
    assert worked_out == [] and doc.spans
    assert review._settled[doc_id] == settled_sentences(doc, window.workspace.sentence_scores[doc_id])
    assert doc_id not in window.workspace.tagged_settled  # taken by the queue


def test_an_edit_made_while_the_document_is_tagged_wins(start_window, idle, qtbot, monkeypatch):
    window = start_window()
    review = window.learning.review
    held, release = [], threading.Event()

    def merged_then_held(tagged):  # the worker's merge and settled sentences, before the edit
        tagged = merged(tagged)
        held.append(tagged)
        release.wait(20)
        return tagged

    merged = tagging_jobs.merged
    monkeypatch.setattr(tagging_jobs, "merged", merged_then_held)
    doc = Document.from_text(TEXT, name="news")
    [doc_id] = window.workspace.add_documents([doc])
    try:
        qtbot.waitUntil(lambda: bool(held) and window.doc is doc)
        [tagged] = held
        first = doc.sentences[0]
        start, end = doc.tokens[first.start].start, doc.tokens[first.end - 2].end  # up to its full stop
        assert any(s.end <= end for s in tagged.merge.added), "the model tags something in sentence 1"
        assert 0 not in tagged.settled  # the model's entities there are not the analyst's
        window.view.setFocus()
        window.view.select_range(start, end)  # the first sentence's words, one entity of the analyst's
        qtbot.keyClick(window.view, Qt.Key.Key_4)  # MISC
        assert doc.span_at(start) == Span(start, end, "MISC", Source.HUMAN)
    finally:
        release.set()
    idle(window)
    assert doc.span_at(start) == Span(start, end, "MISC", Source.HUMAN)  # the edit stays
    assert tagged.settled_as_shown() is None
    assert review._settled[doc_id] == settled_sentences(doc, window.workspace.sentence_scores[doc_id])
    assert 0 in review._settled[doc_id]  # its only entity is the analyst's now
