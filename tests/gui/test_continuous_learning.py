"""The loop runs itself: after K reviewed sentences a round fine-tunes in the background, the
check set decides, the documents not reviewed are tagged again (their human, accepted and
pattern entities untouched), the queue re-ranks, the status bar says what the loop does, Model
> Learn Continuously pauses it, and the effort chart has a point per batch with its version.
All through the window: Ctrl+Enter in the text, Review Next's Space, the menu's action."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from ner_studio.core.text.document import Document, Status
from ner_studio.core.text.spans import Source, Span
from ner_studio.core.learning.training_set import ACCEPTED_SETTING, sentence_range
from ner_studio.gui.annotate.qt_edit_commands import ASK_UNSURE_SETTING
from ner_studio.gui.learning.continuous import EVERY_SETTING, ON_SETTING, LoopState, round_every, status_text
from ner_studio.gui.learning.learning_jobs import BACKGROUND_NICENESS, lower_thread_priority
from ner_studio.model.interface import FinetuneOptions
from tests.gui.conftest import TRAINING_SENTENCES
from tests.gui.test_learning_adoption import check_scores  # noqa: F401 - the fixture

K = 4
TINY = FinetuneOptions(epochs=2, batch_size=2, patience=2, learning_rate=0.01, singleton_unk=0.0, threads=1)
# Hannah Whitcombe's sentence is in the check set (core/learning/check_set.py), the next two are not.
ORDER = (4, 0, 1, 5, 2, 3)
OPEN_TEXT = "Daniel Okafor flew to Lisbon . Meridian Capital paid ."


@pytest.fixture
def loop_window(start_window, idle, qtbot):
    """A project whose loop runs every K reviewed sentences (the project's setting, read when
    it opens), with six one-sentence documents the model tagged, to review, and one left open,
    holding a human and a pattern entity."""
    first = start_window()
    first.workspace.project.set_setting(EVERY_SETTING, K)
    first.close()
    window = start_window()  # the same project again
    window.settings.set(ASK_UNSURE_SETTING, False)
    window.learning.min_sentences = 2
    window.learning.training_options = TINY
    docs = [Document.from_text(TRAINING_SENTENCES[k][0], name=f"doc {n}") for n, k in enumerate(ORDER)]
    open_doc = Document.from_text(OPEN_TEXT, name="open")
    window.workspace.add_documents([*docs, open_doc])
    idle(window)
    open_doc.edit(tuple(open_doc.spans_between(0, 13)), (Span(0, 13, "PER"),))  # "Daniel Okafor": the analyst's
    meridian = OPEN_TEXT.index("Meridian Capital")
    open_doc.edit(tuple(open_doc.spans_between(meridian, meridian + 16)),
                  (Span(meridian, meridian + 16, "ORG", Source.PATTERN),))
    window.show_document(docs[0].doc_id)
    return window, docs, open_doc


def review_shown_document(qtbot, window) -> None:
    """What an analyst does: fix an entity (Tab selects it, Del deletes it), then Ctrl+Enter."""
    before = len(window.doc.spans)
    qtbot.keyClick(window.view, Qt.Key.Key_Tab)
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert len(window.doc.spans) == before - 1, "the tiny model tags the names it was trained on"
    qtbot.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_after_k_reviewed_sentences_a_round_learns_retags_and_reranks(loop_window, qtbot, idle, check_scores):  # noqa: F811
    window, docs, open_doc = loop_window
    check_scores(new=0.70, current=0.60)
    learning, loop = window.learning, window.learning.loop
    assert window.actions_["learn_continuously"].isChecked()  # on by default
    assert loop.label.text() == "Continuous learning: the first round after 4 more reviewed sentences"
    tagged = []
    window.workspace.document_predicted.connect(tagged.append)
    for _ in range(3):
        review_shown_document(qtbot, window)
    assert [d.status for d in docs[:3]] == [Status.REVIEWED] * 3 and not learning.is_training()
    assert loop.label.text() == "Continuous learning: the first round after 1 more reviewed sentence"
    # The fourth sentence through Review Next: Space accepts the least sure one.
    window.actions_["review_mode"].trigger()
    review = learning.review
    head = review.current
    qtbot.keyClick(window.view, Qt.Key.Key_Space)
    kept = {s for s in open_doc.spans if s.source != Source.MODEL}  # human, accepted, pattern
    assert {Source.HUMAN} < {s.source for s in kept}
    assert learning.is_training()
    assert not window.actions_["train"].isEnabled()  # a manual run waits for the round
    assert loop.label.text().startswith("Learning from ") and "next round after 4 more" in loop.label.text()
    qtbot.waitUntil(lambda: not learning.is_training(), timeout=120_000)
    [version] = window.workspace.project.model_versions()
    verdict = version.metrics["verdict"]
    assert verdict["adopt"] is True and verdict["reason"].startswith("adopted: check F1 70.0 vs 60.0")
    assert str(window.model.path) == version.path
    assert window.current_status().startswith(f"Continuous learning: {window.model.name} adopted: check F1 70.0")
    idle(window)
    # Every document not reviewed was tagged again by the new version; the reviewed ones not.
    qtbot.waitUntil(lambda: open_doc.doc_id in tagged, timeout=10_000)
    assert not {d.doc_id for d in docs[:3]} & set(tagged)
    assert kept <= set(open_doc.spans)
    accepted_doc = window.workspace.document(head.doc_id)
    assert all(s.source == Source.ACCEPTED for s in accepted_doc.spans_between(
        *sentence_range(accepted_doc, head.sentence)))
    # The queue re-ranked on the new version's scores, the accepted sentence left out.
    qtbot.waitUntil(lambda: not review._rerank.isActive(), timeout=5000)
    scores = window.workspace.sentence_scores
    assert review.queue.items and all(item.scores is scores[item.doc_id][item.sentence] for item in review.queue.items)
    assert head.key not in {item.key for item in review.queue.items}
    learned_from = loop.state.learned_from
    assert learned_from >= 3
    assert loop.label.text() == f"Learned from {learned_from} reviewed sentences · next round after 4 more"
    # A batch under the new version: the chart marks where it took over.
    window.actions_["review_mode"].trigger()
    window.show_document(docs[3].doc_id)
    review_shown_document(qtbot, window)
    chart = learning.training_panel.effort
    assert [b.model for b in chart.batches] == ["tiny", window.model.name]
    assert chart.marks == [(1, "tiny"), (2, window.model.name)]
    assert chart.batches[0].sentences == 3


def test_learn_continuously_pauses_and_resumes_the_loop(loop_window, qtbot):
    window, docs, _ = loop_window
    learning, loop = window.learning, window.learning.loop
    action = window.actions_["learn_continuously"]
    action.trigger()  # pause
    assert not action.isChecked() and window.workspace.project.get_setting(ON_SETTING) is False
    for _ in range(5):
        review_shown_document(qtbot, window)
    assert not learning.is_training() and window.workspace.project.model_versions() == []
    assert loop.label.text().startswith("Continuous learning paused · 5 reviewed sentences wait for it")
    action.trigger()  # resume: the round that came due starts now
    assert action.isChecked() and learning.is_training()
    action.trigger()  # pause again: the round under way is cancelled, nothing is kept
    qtbot.waitUntil(lambda: not learning.is_training(), timeout=120_000)
    assert window.workspace.project.model_versions() == []
    assert loop.state.pending == 5  # what was reviewed still counts for the next round
    assert "cancelled" in loop.label.toolTip()


def test_undoing_a_ctrl_enter_takes_its_sentence_out_of_the_count_and_the_chart(loop_window, qtbot):
    window, docs, _ = loop_window
    loop, chart = window.learning.loop, window.learning.training_panel.effort
    for _ in range(3):
        review_shown_document(qtbot, window)
    assert loop.state.pending == 3 and sum(b.sentences for b in chart.batches) == 3
    qtbot.keyClick(window.view, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)  # back to the third
    assert window.doc is docs[2]
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert docs[2].status != Status.REVIEWED
    assert loop.state.pending == 2
    assert loop.label.text() == "Continuous learning: the first round after 2 more reviewed sentences"
    assert sum(b.sentences for b in chart.batches) == 2
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert docs[2].status == Status.REVIEWED and loop.state.pending == 3
    assert sum(b.sentences for b in chart.batches) == 3
    assert not window.learning.is_training()


def test_undoing_a_space_in_review_next_takes_back_the_acceptance_its_log_record_and_its_count(loop_window, qtbot):
    window, docs, _ = loop_window
    loop, chart, review = window.learning.loop, window.learning.training_panel.effort, window.learning.review
    project = window.workspace.project
    window.actions_["review_mode"].trigger()
    accepted = []
    for _ in range(3):
        qtbot.waitUntil(lambda: review.current is not None, timeout=10_000)
        item = review.current
        doc = window.workspace.document(item.doc_id)
        before = len(doc.spans)
        qtbot.keyClick(window.view, Qt.Key.Key_Delete)  # a correction: the entity the queue selected
        assert len(doc.spans) == before - 1, "the tiny model tags the names it was trained on"
        qtbot.keyClick(window.view, Qt.Key.Key_Space)
        accepted.append(item)
    assert loop.state.pending == 3 and sum(b.sentences for b in chart.batches) == 3
    third = accepted[-1]
    doc = window.workspace.document(third.doc_id)
    assert doc.status == Status.REVIEWED  # all its sentences accepted
    window.show_document(third.doc_id)  # back to it: Ctrl+Z takes back the shown document's steps
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert loop.state.pending == 2
    assert loop.label.text() == "Continuous learning: the first round after 2 more reviewed sentences"
    assert sum(b.sentences for b in chart.batches) == 2 and len(window.workspace.review_log()) == 2
    window.workspace.settings_later.flush()  # what waits to be written a moment later
    assert third.sentence not in project.get_setting(ACCEPTED_SETTING, {}).get(str(third.doc_id), [])
    in_third = doc.spans_between(*sentence_range(doc, third.sentence))
    assert doc.status != Status.REVIEWED and not any(s.source == Source.ACCEPTED for s in in_third)
    assert len(doc.spans) == before - 1  # one step: the correction before it stays
    qtbot.waitUntil(lambda: third.key in {i.key for i in review.queue.items}, timeout=5000)  # back in the queue
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert loop.state.pending == 3 and sum(b.sentences for b in chart.batches) == 3
    window.workspace.settings_later.flush()
    assert doc.status == Status.REVIEWED and third.sentence in project.get_setting(ACCEPTED_SETTING)[str(third.doc_id)]
    assert not window.learning.is_training()


def test_k_grows_with_the_data_and_the_state_survives_a_damaged_setting():
    assert [round_every(n) for n in (0, 100, 250, 1_000, 5_000)] == [50, 50, 50, 200, 1_000]
    assert round_every(5_000, fixed=4) == 4
    state = LoopState(250, 10)
    assert LoopState.from_setting(state.to_dict()) == state
    assert LoopState.from_setting({"learned_from": "x"}) == LoopState() == LoopState.from_setting(None)
    assert status_text(state, 50, on=True, running=True) == \
        "Learning from 250 reviewed sentences · next round after 40 more"
    assert status_text(state, 50, on=True, running=False) == \
        "Learned from 250 reviewed sentences · next round after 40 more"


def test_a_round_runs_at_low_priority_on_its_own_thread_only():
    import os
    import sys
    import threading

    if not sys.platform.startswith("linux"):
        pytest.skip("per-thread priority is Linux's")
    seen = {}

    def round_thread():
        me = threading.get_native_id()
        before = os.getpriority(os.PRIO_PROCESS, me)
        lowered = lower_thread_priority()
        seen.update(lowered=lowered, before=before, after=os.getpriority(os.PRIO_PROCESS, me))

    main_before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    thread = threading.Thread(target=round_thread)
    thread.start()
    thread.join()
    assert seen["lowered"] and seen["after"] == min(seen["before"] + BACKGROUND_NICENESS, 19)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == main_before  # the UI's thread keeps its own


def test_a_round_that_comes_due_during_a_manual_training_waits_for_its_end(loop_window, qtbot):
    window, docs, _ = loop_window
    learning, loop = window.learning, window.learning.loop
    for _ in range(3):
        review_shown_document(qtbot, window)
    learning.training_options = FinetuneOptions(epochs=200, batch_size=2, patience=200, singleton_unk=0.0, threads=1)
    assert learning.start_training()  # what Train starts once its dialog is answered
    assert not loop.running and loop.state.pending == 0  # that run learns from the three
    for _ in range(3):
        review_shown_document(qtbot, window)
    window.actions_["review_mode"].trigger()
    qtbot.keyClick(window.view, Qt.Key.Key_Space)
    assert loop.state.pending == K and learning.is_training() and not loop.running  # due, and waiting
    learning.training_options = TINY
    window.actions_["cancel_training"].trigger()
    qtbot.waitUntil(lambda: loop.running, timeout=120_000)  # the manual run ended: the round starts
    assert loop.state == LoopState(7, 0) and not window.actions_["train"].isEnabled()
    qtbot.waitUntil(lambda: not learning.is_training(), timeout=120_000)
    [version] = window.workspace.project.model_versions()  # the round's; the cancelled run kept nothing
    assert version.metrics["verdict"]["reason"]


def test_a_new_version_loads_the_documents_to_tag_again_a_slice_at_a_time(loop_window, qtbot, idle, monkeypatch):
    from ner_studio.gui.learning import qt_model_versions

    window, docs, open_doc = loop_window
    monkeypatch.setattr(qt_model_versions, "RETAG_SLICE_SECONDS", 0.0)  # one document per turn
    queued = []
    predict = window.workspace.predict
    monkeypatch.setattr(window.workspace, "predict", lambda batch: (queued.append([d.doc_id for d in batch]),
                                                                    predict(batch)))
    tagged = []
    window.workspace.document_predicted.connect(tagged.append)
    open_ids = [i for i in window.workspace.document_ids() if window.workspace.summary(i).status != Status.REVIEWED]
    window.learning.models_panel.switch_requested.emit(str(window.model.path))  # the Models panel's Switch
    assert queued == [open_ids[:1]]  # the first slice at once, the others in later turns
    idle(window)
    qtbot.waitUntil(lambda: set(tagged) >= set(open_ids), timeout=20_000)
    assert queued == [[i] for i in open_ids]


def test_closing_the_window_during_a_round_ends_it_quietly(loop_window, qtbot):
    window, _, _ = loop_window
    for _ in range(4):
        review_shown_document(qtbot, window)
    assert window.learning.loop.running
    worker = window.learning.worker
    window.close()  # cancels the round and waits for its thread
    assert not worker.is_running()
    qtbot.wait(100)  # its end arrives after the close: pytest-qt fails the test on any exception
    assert window.workspace.project.closed
