"""A tester's walk: a CoNLL or JSONL file opened with its entities is the analyst's work, not
the model's; tagging it (Review Next does) must not call it "predicted", and the queue must
not ask about sentences whose entities are all the analyst's own."""

from __future__ import annotations

import json

from ner_studio.core.text.document import Status
from ner_studio.core.text.spans import Source

CONLL = """-DOCSTART- O

Karin B-PER
Olsson I-PER
visited O
Lisbon B-LOC
on O
Thursday O
. O

The O
council O
met O
in O
Madrid B-LOC
and O
London O
. O
"""


def open_labelled(start_window, idle, tmp_path):
    path = tmp_path / "labelled.conll"
    path.write_text(CONLL, encoding="utf-8")
    window = start_window(path)
    workspace = window.workspace
    (doc_id,) = [i for i in workspace.document_ids() if workspace.summary(i).name == "labelled"]
    doc = workspace.document(doc_id)
    assert doc.status == Status.NEW and all(s.source == Source.HUMAN for s in doc.spans)
    window.actions_["review_mode"].trigger()  # tags what has no scores yet, the import too
    idle(window)
    window.learning.review.refresh()
    return window, doc


def test_tagging_a_labelled_import_keeps_it_new_and_asks_only_where_the_model_adds(start_window, idle, tmp_path):
    window, doc = open_labelled(start_window, idle, tmp_path)
    assert doc.doc_id in window.workspace.sentence_scores  # it was tagged
    assert doc.status == Status.NEW and window.workspace.summary(doc.doc_id).status == Status.NEW
    # The model found London, which the file left out: only that sentence is asked about.
    london = doc.text.index("London")
    assert [s.source for s in doc.spans_between(london, london + 6)] == [Source.MODEL]
    keys = [item.key for item in window.learning.review.queue.items]
    assert (doc.doc_id, 1) in keys and (doc.doc_id, 0) not in keys


def test_a_labelled_jsonl_document_stays_unasked_and_new(start_window, idle, tmp_path):
    path = tmp_path / "labelled.jsonl"
    text = "Karin Olsson visited Lisbon on Thursday."
    path.write_text(json.dumps({"text": text, "spans": [
        {"start": 0, "end": 12, "label": "PER"}, {"start": 21, "end": 27, "label": "LOC", "source": "accepted"}]}) + "\n",
        encoding="utf-8")
    window = start_window(path)
    workspace = window.workspace
    (doc_id,) = [i for i in workspace.document_ids() if workspace.summary(i).name.startswith("labelled")]
    window.actions_["review_mode"].trigger()
    idle(window)
    window.learning.review.refresh()
    assert doc_id in workspace.sentence_scores
    assert workspace.document(doc_id).status == Status.NEW
    # Not asked about: offered only as a settled sentence, once nothing unsure is left.
    assert all(item.settled for item in window.learning.review.queue.items if item.doc_id == doc_id)


def test_when_only_settled_sentences_are_left_the_panel_says_why(start_window, idle, tmp_path):
    path = tmp_path / "done.conll"
    path.write_text("-DOCSTART- O\n\nKarin B-PER\nOlsson I-PER\nvisited O\nLisbon B-LOC\n. O\n", encoding="utf-8")
    window = start_window(path)
    for doc_id in window.workspace.document_ids():  # the sample a new project starts with
        if window.workspace.summary(doc_id).name != "done":
            window.workspace.mark_reviewed(window.workspace.document(doc_id))
    window.actions_["review_mode"].trigger()
    idle(window)
    window.learning.review.refresh()
    review = window.learning.review  # the queue ran dry: the settled sentence is offered, and why
    assert review.queue.dry and len(review.queue) == 1 and review.current.settled
    assert review.panel.where.text() == "done, sentence 1 of 1 · its entities are all yours"
    assert window.current_status().startswith("Nothing the model is unsure of: 1 open sentence left")


def test_a_sentence_the_analyst_finishes_in_the_editor_leaves_the_queue_at_the_next_rerank(start_window, idle, qtbot, tmp_path):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QTextCursor

    window, doc = open_labelled(start_window, idle, tmp_path)
    review = window.learning.review
    assert (doc.doc_id, 1) in [item.key for item in review.queue.items]
    window.documents.selectRow([window.documents.model().index(r, 0).data()
                                for r in range(window.documents.model().rowCount())].index("labelled"))
    london = doc.text.index("London")
    cursor = QTextCursor(window.view.document())
    cursor.setPosition(london + 3)
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=window.view.cursorRect(cursor).center())
    qtbot.keyClick(window.view, Qt.Key.Key_2)  # the analyst confirms London as LOC: the sentence is theirs
    assert [s.source for s in doc.spans_between(london, london + 6)] == [Source.HUMAN]
    panel = review.panel
    panel.strategy.setCurrentIndex(panel.strategy.findData("entropy"))  # re-ranks
    # Nothing is asked about any more: the dry queue offers the document's sentences as settled.
    assert review.queue.dry and all(item.settled for item in review.queue.items)
