"""Fine-tuning from the window: progress, a live UI, cancel, failures, versions, switching."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QTimer

from ner_studio.core.learning.check_set import split_check
from ner_studio.core.corpus.corpus_text import WORD_RUN, DocumentText
from ner_studio.core.text.document import Document, Status
from ner_studio.core.text.spans import Span
from ner_studio.gui.learning import qt_learning
from ner_studio.gui.learning.learning_jobs import collect, project_text, training_task
from ner_studio.gui.learning.qt_training_panel import DEV_F1
from ner_studio.model.interface import FinetuneOptions, TrainingProgress
from tests.gui.conftest import training_documents

# Tiny runs: a handful of batches per epoch, so every test finishes in a few seconds.
TINY_TRAINING = {"epochs": 3, "batch_size": 2, "patience": 3, "learning_rate": 0.01, "singleton_unk": 0.0,
                 "threads": 1}
UNREVIEWED_TEXT = "Daniel Okafor flew to Lisbon . Meridian Capital paid ."


@pytest.fixture
def trainable(start_window, idle):
    """A window with six reviewed documents and one that is not reviewed (with one entity the
    analyst made and the rest from the model)."""
    window = start_window()
    learning = window.learning
    learning.min_sentences = 3
    learning.training_options = FinetuneOptions(**TINY_TRAINING)
    docs = training_documents()[:6]
    window.workspace.add_documents(docs)
    for doc in docs:
        window.workspace.mark_reviewed(doc)
    open_doc = Document.from_text(UNREVIEWED_TEXT, name="open")
    window.workspace.add_documents([open_doc])
    idle(window)
    open_doc.edit(tuple(open_doc.spans_between(0, 13)), (Span(0, 13, "PER"),))  # "Daniel Okafor"
    return window, docs, open_doc


def train(qtbot, window, timeout=120_000):
    """Start training and wait until its thread has ended; returns the progress seen."""
    learning = window.learning
    seen = []
    assert learning.start_training()
    learning.worker.progress.connect(lambda progress: isinstance(progress, TrainingProgress) and seen.append(progress))
    worker = learning.worker
    with qtbot.waitSignal(worker.finished, timeout=timeout):
        pass
    qtbot.waitUntil(lambda: not learning.is_training(), timeout=5000)
    return seen


def test_training_reports_progress_and_adds_a_version_that_retags_only_open_documents(trainable, qtbot, idle):
    window, reviewed, open_doc = trainable
    before = {doc.doc_id: doc.spans for doc in reviewed}
    old_model = window.model
    seen = train(qtbot, window)
    assert [p.epoch for p in seen if p.phase == "epoch"] == [1, 2, 3]
    assert any(p.phase == "batch" for p in seen)
    versions = window.workspace.project.model_versions()
    assert len(versions) == 1 and versions[0].parent_id is None
    assert versions[0].metrics["epochs"] == 3 and "overall" in versions[0].metrics["dev"]
    assert window.model is not old_model and str(window.model.path) == versions[0].path
    assert window.workspace.model is window.model
    panel = window.learning.models_panel
    assert panel.rows[0].version_id == versions[0].version_id and panel.rows[0].cells[0] == "●"
    assert window.learning.training_panel.plot.series[DEV_F1].points
    idle(window)  # the open document is tagged again by the new model
    assert {doc.doc_id: doc.spans for doc in reviewed} == before
    assert Span(0, 13, "PER") in open_doc.spans
    assert open_doc.status == Status.PREDICTED


def test_a_second_run_starts_from_the_new_version_and_rolling_back_retags(trainable, qtbot, idle, tiny_model_path):
    window, reviewed, open_doc = trainable
    train(qtbot, window)
    idle(window)
    train(qtbot, window)
    idle(window)
    first, second = window.workspace.project.model_versions()
    assert second.parent_id == first.version_id and second.path != first.path
    panel = window.learning.models_panel
    panel.select_row([r.version_id for r in panel.rows].index(first.version_id))
    panel.use.click()  # roll back to the first version
    assert str(window.model.path) == first.path and window.workspace.is_predicting()
    assert panel.rows[[r.version_id for r in panel.rows].index(first.version_id)].cells[0] == "●"
    idle(window)
    window.learning.switch_model(tiny_model_path)
    assert window.model.path == tiny_model_path
    assert window.workspace.is_predicting()
    idle(window)
    assert Span(0, 13, "PER") in open_doc.spans
    assert window.settings.last_model_path == str(tiny_model_path)
    # The workspace owns the current model and announces it: the status bar follows.
    assert window.workspace.model is window.model and window.status_line.model_label.text() == f"Model: {tiny_model_path.stem}"


def test_the_ui_keeps_processing_events_while_training(trainable, qtbot):
    window, _, _ = trainable
    window.learning.training_options = replace(window.learning.training_options, epochs=6)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(window.learning.is_training()))
    timer.start(5)
    while_running = []
    assert window.learning.start_training()
    window.learning.worker.progress.connect(lambda _p: while_running.append(window.learning.worker.is_running()))
    qtbot.waitUntil(lambda: not window.learning.is_training(), timeout=120_000)
    timer.stop()
    assert sum(ticks) >= 3  # the timer fired again and again while the worker trained
    assert while_running and all(while_running)


def test_cancel_stops_training_and_keeps_the_current_model(trainable, qtbot, user_dirs):
    window, _, _ = trainable
    window.learning.training_options = replace(window.learning.training_options, epochs=200)
    old_model = window.model
    assert window.learning.start_training()
    worker = window.learning.worker
    qtbot.waitUntil(lambda: window.learning.training_panel.progress.maximum() > 1, timeout=120_000)  # the child imports torch first
    window.learning.cancel_training()
    with qtbot.waitSignal(worker.finished, timeout=30_000):
        pass
    qtbot.waitUntil(lambda: not window.learning.is_training(), timeout=5000)
    assert window.model is old_model
    assert window.workspace.project.model_versions() == []
    assert not list((user_dirs / "data").rglob("*.pt"))
    assert "Cancelled" in window.learning.training_panel.status.text()


def test_an_injected_failure_is_shown_and_changes_nothing(trainable, qtbot, dialogs, monkeypatch):
    window, reviewed, _ = trainable
    import ner_studio.model.finetune as finetune

    def broken(*args, **kwargs):
        raise RuntimeError("injected failure")

    monkeypatch.setattr(finetune, "train_model", broken)
    window.learning.in_child = False  # the failure is injected in this process
    old_model, before = window.model, [d.spans for d in reviewed]
    train(qtbot, window)
    assert any("injected failure" in text for text in dialogs)
    assert "unchanged" in window.learning.training_panel.status.text()
    assert window.model is old_model and window.workspace.project.model_versions() == []
    assert [d.spans for d in reviewed] == before


def test_the_end_of_a_run_does_not_hash_the_reviewed_sentences_again_on_the_ui_thread(trainable, qtbot, monkeypatch):
    """The check set is cut once per document version, never on the UI thread: the Models
    panel counts in a worker thread, the run cuts its own snapshots (in its process), and the
    count after a review (and after the run) cuts only the document reviewed meanwhile."""
    import threading

    from ner_studio.core.learning import check_set

    window, reviewed, open_doc = trainable
    hashed, elsewhere = [], []
    real = check_set.document_hashes

    def counted(doc):
        (hashed if threading.current_thread() is threading.main_thread() else elsewhere).append(doc.doc_id)
        return real(doc)

    monkeypatch.setattr(check_set, "document_hashes", counted)
    window.actions_["models"].trigger()  # the Models panel counts today's check set
    qtbot.waitUntil(lambda: sorted(elsewhere) == sorted(doc.doc_id for doc in reviewed), timeout=30_000)
    assert window.learning.start_training()
    window.workspace.mark_reviewed(open_doc)  # reviewed while the model trains
    qtbot.waitUntil(lambda: not window.learning.is_training(), timeout=120_000)
    qtbot.waitUntil(lambda: open_doc.doc_id in elsewhere, timeout=30_000)  # counted again, in a worker
    qtbot.wait(500)
    assert hashed == [] and sorted(elsewhere) == sorted([doc.doc_id for doc in reviewed] + [open_doc.doc_id])


def test_the_cyclic_collector_rests_while_a_model_trains_and_is_back_after(trainable, qtbot, monkeypatch):
    """Its full passes held the interpreter lock for up to a second in a run: paused in the
    run, on again when it ends (started with the Train action, its dialog accepted)."""
    import gc

    import ner_studio.model.finetune as finetune
    from ner_studio.gui.learning import qt_train_dialog

    window, _, _ = trainable
    during = []
    real = finetune.train_model

    def watched(*args, **kwargs):
        during.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(finetune, "train_model", watched)
    window.learning.in_child = False  # watched in this process (a child process has its own collector)
    monkeypatch.setattr(qt_train_dialog.TrainDialog, "exec", lambda dialog: True)
    assert gc.isenabled()
    window.actions_["train"].trigger()
    assert window.learning.is_training()
    qtbot.waitUntil(lambda: not window.learning.is_training(), timeout=120_000)
    assert during == [False]
    # Back on: at once, or once re-tagging with the new version (it pauses it too) is done.
    qtbot.waitUntil(gc.isenabled, timeout=60_000)
    assert len(window.workspace.project.model_versions()) == 1


def test_a_nan_loss_is_a_clear_message_and_the_model_stays(trainable, qtbot, dialogs, monkeypatch):
    window, _, _ = trainable
    from ner_studio.model.network import BiLSTMNetwork

    monkeypatch.setattr(BiLSTMNetwork, "loss", lambda self, emissions, tags, mask: emissions.sum() * float("nan"))
    window.learning.in_child = False  # the NaN is injected in this process
    old_model = window.model
    train(qtbot, window)
    assert any("training diverged" in text and "unchanged" in text for text in dialogs)
    assert window.model is old_model and window.workspace.project.model_versions() == []


def test_too_few_reviewed_sentences_explain_what_is_missing(start_window, dialogs):
    window = start_window()
    window.learning.min_sentences = 10
    assert not window.learning.start_training()
    assert not window.learning.is_training()
    assert any("needs at least 10 reviewed sentences and there are 0: review 10 more" in text for text in dialogs)


def test_training_reads_the_unlabelled_documents_text_for_its_word_vectors(trainable, qtbot, monkeypatch):
    window, reviewed, open_doc = trainable
    requests = []

    def recording(request):
        requests.append(request)
        return training_task(request)

    monkeypatch.setattr(qt_learning, "training_task", recording)
    train(qtbot, window)
    # The open document is not reviewed: its text is what the word vectors learn from besides the
    # training sentences; the reviewed documents are not read twice.
    read = {text.doc_id for text in collect(requests[0])[2]}  # what the run reads, in its process
    assert open_doc.doc_id in read and not read & {doc.doc_id for doc in reviewed}
    assert read == set(window.workspace.document_ids()) - {doc.doc_id for doc in reviewed}
    window.learning.training_options = FinetuneOptions(**TINY_TRAINING, text_vectors=False)
    train(qtbot, window)
    assert requests[1].texts == () and collect(requests[1])[2] == ()


def test_the_text_vectors_read_training_sentences_then_runs_of_other_documents_never_check_sentences():
    docs = [Document.from_text(f"Sentence {i} of the reviewed set . And {i} more .") for i in range(40)]
    for i, doc in enumerate(docs):
        doc.doc_id = i
    train, check = split_check(docs)
    assert check  # 40 documents: some sentences fall in the check share
    other = DocumentText.of(Document.from_text(" ".join(f"w{i}" for i in range(95))))
    read = list(project_text(train, [other]))
    trained = [words for doc in train for words in (doc.sentence_words(k) for k in range(len(doc.sentences)))]
    assert read[: len(trained)] == trained
    assert read[len(trained):] == [[f"w{i}" for i in range(j, min(j + WORD_RUN, 95))] for j in range(0, 95, WORD_RUN)]
    held = {" ".join(doc.sentence_words(k)) for doc in check for k in range(len(doc.sentences))}
    assert held and not held & {" ".join(words) for words in read}
