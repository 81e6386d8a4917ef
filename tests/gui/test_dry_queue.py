"""A dry Review Next queue (no open sentence the model is unsure of) says so and goes on with the
settled open sentences, least sure first; once nothing is open it says what remains; and the
loop starts a round on the reviewed sentences not learned from yet rather than waiting for K
more. All through the window: the Review Next action, Space and Ctrl+Enter in the text."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from ner_studio.core.learning.active_learning import settled_sentences
from ner_studio.core.text.document import Document, Status
from ner_studio.gui.annotate.qt_edit_commands import ASK_UNSURE_SETTING
from ner_studio.gui.learning import continuous
from ner_studio.gui.learning.continuous import EVERY_SETTING, LoopState, status_text
from tests.gui.conftest import TRAINING_SENTENCES
from tests.gui.test_continuous_learning import TINY
from tests.gui.test_learning_adoption import check_scores  # noqa: F401 - the fixture
from tests.gui.test_learning_queue import Scores

# Sentences without a name: the tiny model tags nothing in them (asserted below).
CALM = {"calm one": "nothing happened on Wednesday .\n\nthe team said nothing .",
        "calm two": "nothing happened on Thursday ."}
SURE = {"calm one": [(0.30, -0.30, 0.3), (0.10, -0.05, 0.1)], "calm two": [(0.20, -0.20, 0.2)]}


def add_calm_documents(window, idle, qtbot) -> list[Document]:
    """The documents of ``CALM`` tagged by the model, then given ``SURE``'s scores as a new
    prediction would (each ``document_predicted``): every sentence settled, sure and empty."""
    docs = [Document.from_text(text, name=name) for name, text in CALM.items()]
    window.workspace.add_documents(docs)
    idle(window)
    for doc in docs:
        assert not doc.spans, "the tiny model tags nothing here"
        window.workspace.sentence_scores[doc.doc_id] = [Scores(*v) for v in SURE[doc.name]]
        window.workspace.document_predicted.emit(doc.doc_id)
        assert settled_sentences(doc, window.workspace.sentence_scores[doc.doc_id]) == set(range(len(doc.sentences)))
    return docs


@pytest.fixture
def dry_window(start_window, idle, qtbot):
    window = start_window()
    window.settings.set(ASK_UNSURE_SETTING, False)
    for doc_id in window.workspace.document_ids():  # the sample story a new project starts with
        window.workspace.delete_document(doc_id)
    return window, add_calm_documents(window, idle, qtbot)


def queue_keys(window):
    return [item.key for item in window.learning.review.queue.items]


def test_review_next_on_a_dry_queue_says_so_and_goes_on_with_the_settled_sentences(dry_window, qtbot):
    window, (one, two) = dry_window
    review = window.learning.review
    window.actions_["review_mode"].trigger()
    assert window.current_status() == ("Nothing the model is unsure of: 3 open sentences left, each one it is sure "
                                       "of or with entities all yours. Review Next now takes those, least sure first.")
    # Least sure first: the highest MNLP doubt (calm one's first sentence, -0.30), then calm two.
    assert queue_keys(window) == [(one.doc_id, 0), (two.doc_id, 0), (one.doc_id, 1)]
    assert review.current.key == (one.doc_id, 0) and window.doc is one
    assert review.panel.where.text() == "calm one, sentence 1 of 2 · the model is sure it has no entity"
    assert review.panel.count.text().startswith("3 settled sentences waiting (none the model is unsure of)")
    assert "the model is sure of it" in review.panel.upcoming.item(0).toolTip()
    qtbot.wait(1100)  # read for a second: a review, not a glance (review_log: counted in the chart)
    qtbot.keyClick(window.view, Qt.Key.Key_Space)  # accepted: the next settled sentence comes up
    assert review.current.key == (two.doc_id, 0) and window.doc is two
    assert review.panel.count.text().startswith("2 settled sentences waiting")
    qtbot.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Enter too
    assert two.status == Status.REVIEWED and review.current.key == (one.doc_id, 1)
    qtbot.wait(1100)
    qtbot.keyClick(window.view, Qt.Key.Key_Space)
    assert one.status == Status.REVIEWED and review.current is None
    said = "Nothing left to review: all 2 documents are reviewed. File > Export (Ctrl+E) writes them."
    assert window.current_status() == said and review.panel.where.text() == said
    # Each one logged; the two read for a second are in the effort chart with the model in use,
    # the Ctrl+Enter at a glance is not.
    log = window.workspace.review_log()
    assert [(r.sentences, r.looked) for r in log] == [(1, True), (1, False), (1, True)]
    assert [(b.model, b.sentences) for b in window.learning.training_panel.effort.batches] == [("tiny", 2)]


def test_the_queue_runs_dry_after_the_last_unsure_sentence(dry_window, qtbot, idle):
    window, (one, two) = dry_window
    unsure = Document.from_text(TRAINING_SENTENCES[0][0], name="unsure")
    window.workspace.add_documents([unsure])
    idle(window)
    window.workspace.sentence_scores[unsure.doc_id] = [Scores(0.9, -0.9, 0.9)]
    review = window.learning.review
    told = []
    review.queue_dry.connect(told.append)
    window.actions_["review_mode"].trigger()
    assert queue_keys(window) == [(unsure.doc_id, 0)] and not review.queue.dry and told == []
    assert review.panel.count.text().startswith("1 sentence waiting")
    qtbot.keyClick(window.view, Qt.Key.Key_Space)
    assert told == [True] and review.queue.dry
    assert window.current_status().startswith("Nothing the model is unsure of: 3 open sentences left")
    assert review.current.key == (one.doc_id, 0) and window.doc is one
    # Skip (S) keeps the settled sentence, at the back of the dry queue.
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    assert queue_keys(window) == [(two.doc_id, 0), (one.doc_id, 1), (one.doc_id, 0)]
    # Undoing the Space brings the unsure sentence back: the queue is not dry any more.
    window.show_document(unsure.doc_id)
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: told == [True, False], timeout=5000)
    assert queue_keys(window) == [(unsure.doc_id, 0)]


def test_a_project_with_only_empty_open_documents_says_what_remains(start_window, qtbot, idle):
    window = start_window()
    for doc_id in window.workspace.document_ids():
        window.workspace.delete_document(doc_id)
    window.workspace.add_documents([Document.from_text("", name="blank")])
    idle(window)
    window.actions_["review_mode"].trigger()
    said = ("Nothing left in the queue: 1 open document without a tagged sentence to review (empty, or not "
            "tagged yet); open them from the document list.")
    qtbot.waitUntil(lambda: window.current_status() == said, timeout=10_000)  # once it is tagged
    assert window.learning.review.panel.where.text() == said


@pytest.fixture
def slow_loop_window(start_window, idle, qtbot, monkeypatch):
    """A project whose K (50) the reviewed sentences do not reach, a round after 5 of them once
    the queue ran dry; four one-sentence documents the model tagged (their entities unconfirmed:
    unsure) and the calm ones."""
    first = start_window()
    first.workspace.project.set_setting(EVERY_SETTING, 50)
    first.close()
    window = start_window()
    window.settings.set(ASK_UNSURE_SETTING, False)
    window.learning.min_sentences = 2
    window.learning.training_options = TINY
    monkeypatch.setattr(continuous, "DRY_ROUND", 5)
    for doc_id in window.workspace.document_ids():  # the sample story: not part of this project
        window.workspace.delete_document(doc_id)
    docs = [Document.from_text(TRAINING_SENTENCES[k][0], name=f"doc {k}") for k in (0, 1, 5, 2)]
    window.workspace.add_documents(docs)
    idle(window)
    assert all(doc.spans for doc in docs), "the tiny model tags the names it was trained on"
    return window, docs, add_calm_documents(window, idle, qtbot)


def test_a_round_starts_when_the_queue_runs_dry(slow_loop_window, qtbot, idle, check_scores):  # noqa: F811
    window, docs, (one, _two) = slow_loop_window
    check_scores(new=0.70, current=0.60)
    learning, loop, review = window.learning, window.learning.loop, window.learning.review
    window.actions_["review_mode"].trigger()
    assert {key[0] for key in queue_keys(window)} == {d.doc_id for d in docs} and not review.queue.dry
    for _ in range(3):
        qtbot.keyClick(window.view, Qt.Key.Key_Space)
    assert loop.state.pending == 3 and not review.queue.dry
    assert loop.label.text() == "Continuous learning: the first round after 47 more reviewed sentences"
    qtbot.keyClick(window.view, Qt.Key.Key_Space)  # the last unsure sentence: the queue runs dry
    assert review.queue.dry and loop.dry
    # Four reviewed sentences not learned from: below the dry round's 5, it waits for one more.
    qtbot.wait(50)
    assert loop.state.pending == 4 and not learning.is_training()
    assert loop.label.text() == "Continuous learning · next round after 1 more (queue ran dry)"
    assert review.current.key == (one.doc_id, 0)
    qtbot.keyClick(window.view, Qt.Key.Key_Space)  # a settled sentence counts as any review
    qtbot.waitUntil(learning.is_training, timeout=5000)
    assert loop.label.text() == f"Learning from {loop.state.learned_from} reviewed sentences · queue ran dry"
    assert loop.state.learned_from >= 5
    qtbot.waitUntil(lambda: not learning.is_training(), timeout=120_000)
    [version] = window.workspace.project.model_versions()
    assert version.metrics["verdict"]["reason"].startswith("adopted: check F1 70.0 vs 60.0")  # the check set judged
    assert window.current_status().startswith(f"Continuous learning: {window.model.name} adopted")
    idle(window)
    # Once per drying: the next round after K again (or when the queue runs dry once more).
    assert not loop.dry
    assert loop.label.text() == f"Learned from {loop.state.learned_from} reviewed sentences · next round after 50 more"


def test_reviewing_the_last_open_document_by_hand_makes_a_round_due(slow_loop_window, qtbot):
    window, docs, calm = slow_loop_window
    learning, loop = window.learning, window.learning.loop
    for doc in [*docs, *calm]:  # Review Next never opened: Ctrl+Enter document after document
        window.show_document(doc.doc_id)
        assert not learning.is_training()
        qtbot.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(learning.is_training, timeout=5000)  # 7 sentences: a round after 5 once dry
    assert loop.label.text() == "Learning from 7 reviewed sentences · queue ran dry"
    window.actions_["learn_continuously"].trigger()  # pause: the round is cancelled, the count stays
    qtbot.waitUntil(lambda: not learning.is_training(), timeout=120_000)
    assert loop.state.pending == 7 and loop.dry
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the last one open again
    assert window.doc.status != Status.REVIEWED and not loop.dry and loop.state.pending == 6


def test_the_status_line_of_a_dry_queue():
    assert status_text(LoopState(400, 7), 10, on=True, running=False, dry=True) == (
        "Learned from 400 reviewed sentences · next round after 3 more (queue ran dry)")
    assert status_text(LoopState(0, 1), 10, on=True, running=False, dry=True) == (
        "Continuous learning · next round after 9 more (queue ran dry)")
    assert status_text(LoopState(430, 0), 86, on=True, running=True, why="queue ran dry") == (
        "Learning from 430 reviewed sentences · queue ran dry")
    assert continuous.due_after(86, dry=True) == continuous.DRY_ROUND == 10
    assert continuous.due_after(86, dry=False) == 86
