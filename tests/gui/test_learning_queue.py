"""The Review Next queue (order, accept with one key, skip) and the Evaluate dialog; its
rounds of fine-tuning are tests/gui/test_continuous_learning.py's."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt

from ner_studio.core.text.document import Document, Status
from ner_studio.core.formats import write_documents
from ner_studio.core.text.spans import Source
from ner_studio.core.learning.training_set import ACCEPTED_SETTING, sentence_range
from ner_studio.gui.annotate.qt_edit_commands import ASK_UNSURE_SETTING
from tests.gui.conftest import training_documents

TEXTS = {
    "first": "Karin Olsson visited Lisbon on Thursday. The council met in Madrid and London.",
    "second": "Meridian Capital hired Daniel Okafor. Portugal and France welcomed the decision.",
}


@dataclass(frozen=True)
class Scores:
    least_confidence: float
    mnlp: float
    entropy: float


@pytest.fixture
def queue_window(start_window, idle):
    window = start_window()
    for doc_id in window.workspace.document_ids():  # the sample document a new project starts with
        window.workspace.mark_reviewed(window.workspace.document(doc_id))
    docs = [Document.from_text(text, name=name) for name, text in TEXTS.items()]
    window.workspace.add_documents(docs)
    idle(window)
    assert [len(d.sentences) for d in docs] == [2, 2]
    return window, docs


def fake_scores(window, docs, values):
    """Replace the last prediction's scores: ``values[name] = [(lc, mnlp, entropy), ...]``."""
    for doc in docs:
        window.workspace.sentence_scores[doc.doc_id] = [Scores(*v) for v in values[doc.name]]


SCORES = {"first": [(0.10, -0.50, 0.90), (0.90, -0.05, 0.20)],
          "second": [(0.50, -0.90, 0.30), (0.20, -0.10, 0.10)]}


def order(window, docs):
    names = {d.doc_id: d.name for d in docs}
    return [(names[i.doc_id], i.sentence) for i in window.learning.review.queue.items]


def test_the_queue_orders_sentences_by_the_chosen_score(queue_window):
    window, docs = queue_window
    fake_scores(window, docs, SCORES)
    window.learning.review.toggle(True)
    assert order(window, docs) == [("second", 0), ("first", 0), ("second", 1), ("first", 1)]
    head = window.learning.review.current
    assert window.doc.doc_id == head.doc_id
    start, end = sentence_range(window.doc, head.sentence)
    assert start <= window.view.selection()[0] <= end
    panel = window.learning.review.panel
    for strategy, expected in (("least_confidence", [("first", 1), ("second", 0), ("second", 1), ("first", 0)]),
                               ("entropy", [("first", 0), ("second", 0), ("first", 1), ("second", 1)])):
        panel.strategy.setCurrentIndex(panel.strategy.findData(strategy))
        assert order(window, docs) == expected
    assert window.workspace.project.get_setting("learning.strategy") == "entropy"
    panel.strategy.setCurrentIndex(panel.strategy.findData("random"))
    assert sorted(order(window, docs)) == sorted(expected)


def test_ctrl_enter_in_review_next_goes_on_to_the_queues_next_sentence(queue_window, qtbot, idle):
    window, docs = queue_window
    third = Document.from_text("Lisbon is far from Madrid.", name="third")
    window.workspace.add_documents([third])
    idle(window)
    docs = [*docs, third]
    # The queue: first's two sentences, then third, then second; in list order second follows first.
    fake_scores(window, docs, {"first": [(0.9, -0.9, 0.9), (0.8, -0.8, 0.8)], "second": [(0.1, -0.1, 0.1)] * 2,
                               "third": [(0.5, -0.5, 0.5)]})
    window.settings.set(ASK_UNSURE_SETTING, False)
    window.actions_["review_mode"].trigger()
    review = window.learning.review
    assert review.current.key == (docs[0].doc_id, 0) and window.doc is docs[0]
    qtbot.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert docs[0].status == Status.REVIEWED
    assert review.current.key == (third.doc_id, 0) and window.doc is third  # not second, next in the list
    start, end = sentence_range(third, 0)
    assert start <= window.view.selection()[0] <= end
    assert order(window, docs) == [("third", 0), ("second", 0), ("second", 1)]
    # Ctrl+Z in the first document: its sentences are back in the queue.
    window.show_document(docs[0].doc_id)
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert docs[0].status != Status.REVIEWED
    qtbot.waitUntil(lambda: ("first", 0) in order(window, docs), timeout=5000)


def test_space_accepts_the_sentence_and_the_next_one_comes_up(queue_window, qtbot):
    window, docs = queue_window
    fake_scores(window, docs, {"first": [(0.9, -0.9, 0.9), (0.1, -0.1, 0.1)], "second": [(0.2, -0.2, 0.2)] * 2})
    window.learning.review.toggle(True)
    first = docs[0]
    start, end = sentence_range(first, 0)
    predicted = [s for s in first.spans_between(start, end) if s.source == Source.MODEL]
    assert predicted, "the tiny model tags the names it was trained on"
    assert "%" in window.learning.review.panel.sentence.text()  # confidences are shown
    qtbot.keyClick(window.view, Qt.Key.Key_Space)
    accepted = first.spans_between(start, end)
    assert [(s.start, s.end, s.label) for s in accepted] == [(s.start, s.end, s.label) for s in predicted]
    assert all(s.source == Source.ACCEPTED and s.confidence is not None for s in accepted)
    # Written with the review log a moment later, in one transaction (qt_deferred_settings.py).
    qtbot.waitUntil(lambda: window.workspace.project.get_setting(ACCEPTED_SETTING) == {str(first.doc_id): [0]},
                    timeout=10_000)
    review = window.learning.review
    assert (first.doc_id, 0) not in [i.key for i in review.queue.items]
    assert review.current.key != (first.doc_id, 0)
    # The second sentence of the same document still waits; accepting it reviews the document.
    rows = [i.key for i in review.queue.items]
    window.learning.review.panel.item_chosen.emit(rows.index((first.doc_id, 1)))
    qtbot.keyClick(window.view, Qt.Key.Key_Space)
    assert first.status == Status.REVIEWED
    # One review-log entry per accepted sentence, none more when the document became reviewed.
    log = window.workspace.review_log()[-2:]  # the fixture reviewed a document before
    assert [(r.sentences, r.corrections) for r in log] == [(1, 0), (1, 0)]
    assert sum(r.tokens for r in log) == len(first.tokens)


def test_what_a_space_changes_is_written_when_the_window_closes_at_once(queue_window, qtbot, start_window):
    window, docs = queue_window
    fake_scores(window, docs, {"first": [(0.9, -0.9, 0.9), (0.1, -0.1, 0.1)], "second": [(0.2, -0.2, 0.2)] * 2})
    window.actions_["review_mode"].trigger()
    logged = len(window.workspace.review_log())
    qtbot.keyClick(window.view, Qt.Key.Key_Space)
    assert window.workspace.settings_later.pending()  # not written yet: one transaction later
    window.close()
    again = start_window()  # the same project
    assert again.workspace.project.get_setting(ACCEPTED_SETTING) == {str(docs[0].doc_id): [0]}
    assert len(again.workspace.review_log()) == logged + 1
    assert again.learning.review.accepted == {docs[0].doc_id: {0}}


def test_a_space_changes_the_upcoming_list_in_place(queue_window, qtbot):
    window, docs = queue_window
    fake_scores(window, docs, SCORES)
    window.actions_["review_mode"].trigger()
    review, shown = window.learning.review, window.learning.review.panel.upcoming

    def rows():
        return [shown.item(r) for r in range(shown.count())]

    def texts():
        return [item.text() for item in rows()]

    assert len(texts()) == 4 and texts()[0].startswith("second · sentence 1")
    staying = rows()[1:]
    qtbot.keyClick(window.view, Qt.Key.Key_Space)
    assert rows() == staying and all(a is b for a, b in zip(rows(), staying))  # the same items, none rebuilt
    assert [t.split(" —")[0] for t in texts()] == ["first · sentence 1", "second · sentence 2", "first · sentence 2"]
    qtbot.keyClick(window.view, Qt.Key.Key_S)  # a skip moves the row to the end
    assert [t.split(" —")[0] for t in texts()] == ["second · sentence 2", "first · sentence 2", "↻ first · sentence 1"]
    assert review.panel.count.text().startswith("3 sentences waiting")


def test_skip_sends_the_sentence_to_the_back(queue_window, qtbot):
    window, docs = queue_window
    fake_scores(window, docs, SCORES)
    window.learning.review.toggle(True)
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    assert order(window, docs) == [("first", 0), ("second", 1), ("first", 1), ("second", 0)]
    assert window.learning.review.queue.items[-1].skipped
    window.learning.review.refresh()
    assert order(window, docs)[-1] == ("second", 0)


def test_the_accept_and_skip_keys_do_nothing_outside_the_review_mode(queue_window, qtbot):
    window, docs = queue_window
    before = [d.spans for d in docs]
    qtbot.keyClick(window.view, Qt.Key.Key_Space)
    assert [d.spans for d in docs] == before
    assert window.workspace.project.get_setting(ACCEPTED_SETTING) is None


# --- evaluation ---------------------------------------------------------------------------------
def run_evaluation(qtbot, dialog):
    dialog.start()
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=30_000)


def test_evaluation_scores_the_model_on_reviewed_documents_and_on_a_conll_file(start_window, qtbot, tmp_path):
    from ner_studio.model.predict import TorchPredictor
    from ner_studio.model.workflow import evaluate_tagger

    window = start_window()
    docs = training_documents()
    window.workspace.add_documents(docs)
    for doc in docs[:5]:
        window.workspace.mark_reviewed(doc)
    window.learning.evaluate()
    dialog = window.learning.evaluation
    assert dialog.on_check.isChecked()  # the honest choice is the default
    dialog.on_reviewed.setChecked(True)
    run_evaluation(qtbot, dialog)
    expected = evaluate_tagger(TorchPredictor.load(window.model.path), docs[:5])
    last = dialog.table.rowCount() - 1
    assert dialog.table.item(last, 0).text() == "overall"
    assert dialog.table.item(last, 3).text() == f"{100 * expected.overall.f1:.1f}"
    assert {dialog.table.item(r, 0).text() for r in range(last)} == set(expected.per_label)

    gold = tmp_path / "gold.conll"
    write_documents(training_documents(), gold)
    dialog.path.setText(str(gold))
    dialog.on_file.setChecked(True)
    run_evaluation(qtbot, dialog)
    assert "gold.conll: 8 documents, 8 sentences" in dialog.status.text()
    # The tiny model was trained on these very sentences: the score says so.
    assert "Warning: 8 of the 8 scored sentences (100%) are in this model's training data" in dialog.status.text()

    broken = tmp_path / "broken.conll"
    broken.write_text("Lisbon B-LOC\nis\n", encoding="utf-8")
    dialog.path.setText(str(broken))
    run_evaluation(qtbot, dialog)
    assert "broken.conll, line 2" in dialog.status.text()
    dialog.close()


def test_evaluation_on_the_check_set_scores_only_sentences_never_trained_on(start_window, qtbot):
    from ner_studio.core.learning.check_set import check_sentences

    window = start_window()
    docs = [Document.from_text(f"Person{i} Smith visited Lisbon on day {i} .", name=f"d{i}") for i in range(40)]
    window.workspace.add_documents(docs)
    for doc in docs:
        window.workspace.mark_reviewed(doc)
    held = sum(len(check_sentences(doc)) for doc in docs)
    assert held
    window.learning.evaluate()
    dialog = window.learning.evaluation
    run_evaluation(qtbot, dialog)
    assert f"the check set: {held} documents, {held} sentences, none of them in this model's training data" \
        in dialog.status.text()
    dialog.close()
