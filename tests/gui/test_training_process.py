"""The fine-tune runs in a child process (gui/learning/training_process.py), so the window never
waits for an interpreter lock the training holds: started from Model > Train it runs to its
verdict there, Cancel stops it, a child that dies is an error and never a hang, an error in
the child arrives as itself, and the child is niced."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import replace

import pytest

from ner_studio.core.errors import FormatError, PartlyOpened, TrainingError
from ner_studio.gui.learning import learning_jobs, qt_train_dialog
from ner_studio.gui.learning.training_process import CHILD_NICENESS, JOB_PREFIX, run_in_child
from ner_studio.model.interface import TrainingProgress
from ner_studio.gui.learning.continuous import LoopState
from tests.core.project_fixtures import start_python
from tests.gui.test_continuous_learning import K, loop_window, review_shown_document  # noqa: F401 - the fixture
from tests.gui.test_learning_training import trainable  # noqa: F401 - the fixture


def children(name: str = "ner-studio-training") -> list:
    """This process's children of that name (the Models panel scores versions in others)."""
    return [child for child in multiprocessing.active_children() if child.name == name]


def start_from_the_menu(window, monkeypatch) -> list:
    """Model > Train, its dialog accepted as it stands; the progress reports seen."""
    monkeypatch.setattr(qt_train_dialog.TrainDialog, "exec", lambda dialog: True)
    window.actions_["train"].trigger()
    learning = window.learning
    assert learning.is_training() and learning.in_child
    seen: list = []
    learning.worker.progress.connect(seen.append)
    return seen


def test_train_from_the_menu_runs_in_a_child_process_to_its_verdict(trainable, qtbot, monkeypatch, caplog):  # noqa: F811
    window, _, _ = trainable
    caplog.set_level(logging.INFO)
    seen = start_from_the_menu(window, monkeypatch)
    qtbot.waitUntil(lambda: bool(children()), timeout=10_000)
    qtbot.waitUntil(lambda: not window.learning.is_training(), timeout=120_000)
    assert any(isinstance(p, TrainingProgress) and p.phase == "epoch" for p in seen)  # the live plot's points
    assert window.learning.training_panel.epochs_seen
    [version] = window.workspace.project.model_versions()
    assert version.metrics["verdict"]["reason"]
    assert window.learning.training_panel.status.text().startswith("New model ")
    assert window.learning.training_panel.progress.format() == "Done"
    # The training's own log lines came from the child and landed in the app's log
    from_child = [r for r in caplog.records if r.process != os.getpid()]
    assert any("read" in r.getMessage() for r in from_child)
    assert any("training started (by you): fine-tuning" in r.getMessage() for r in caplog.records)
    assert not children()  # the run's process is gone (joined)


def test_cancel_from_the_menu_stops_the_child_and_keeps_the_model(trainable, qtbot, monkeypatch, user_dirs):  # noqa: F811
    window, _, _ = trainable
    window.learning.training_options = replace(window.learning.training_options, epochs=500, patience=500)
    old_model = window.model
    seen = start_from_the_menu(window, monkeypatch)
    qtbot.waitUntil(lambda: any(isinstance(p, TrainingProgress) for p in seen), timeout=120_000)  # mid-way
    window.actions_["cancel_training"].trigger()
    qtbot.waitUntil(lambda: not window.learning.is_training(), timeout=30_000)
    assert window.learning.training_panel.progress.format() == "Cancelled"
    assert window.model is old_model and window.workspace.project.model_versions() == []
    assert not list((user_dirs / "data").rglob("*.pt"))
    qtbot.waitUntil(lambda: not children(), timeout=10_000)
    assert window.actions_["train"].isEnabled() and not window.actions_["cancel_training"].isEnabled()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX's")
def test_a_child_that_dies_is_reported_as_an_error_not_a_hang(trainable, qtbot, monkeypatch, dialogs):  # noqa: F811
    window, _, _ = trainable
    window.learning.training_options = replace(window.learning.training_options, epochs=500, patience=500)
    old_model = window.model
    seen = start_from_the_menu(window, monkeypatch)
    qtbot.waitUntil(lambda: any(isinstance(p, TrainingProgress) for p in seen), timeout=120_000)
    [child] = children()
    os.kill(child.pid, signal.SIGKILL)  # as the out-of-memory killer would
    qtbot.waitUntil(lambda: not window.learning.is_training(), timeout=10_000)
    assert any("the training process ended unexpectedly (killed by signal 9)" in text for text in dialogs)
    assert "Failed" == window.learning.training_panel.progress.format()
    assert window.model is old_model and window.workspace.project.model_versions() == []
    assert window.actions_["train"].isEnabled()


def failing(job, report, should_stop):
    """A child's work that reports once, then fails with one of the app's own errors."""
    report(job)
    raise FormatError("a line with 3 columns where 2 were expected", "reviewed.conll", 12)


def exiting(job, report, should_stop):
    os._exit(job)


def niceness(job, report, should_stop):
    return os.getpriority(os.PRIO_PROCESS, 0)


def failing_part_way(request, report, should_stop):
    """A run whose input fails part-way: an app error whose ``__init__`` takes more than a message."""
    raise PartlyOpened(FormatError("a tag without a token", "reviewed.conll", 12), 3)


def test_an_error_in_the_child_arrives_as_itself_with_its_file_and_line():
    seen = []
    with pytest.raises(FormatError) as raised:
        run_in_child(failing, "first report", seen.append, lambda: False)
    assert seen == ["first report"]
    assert str(raised.value) == "reviewed.conll, line 12: a line with 3 columns where 2 were expected"
    assert (raised.value.path, raised.value.line) == ("reviewed.conll", 12)  # fields, not folded into the text
    assert raised.value.reason == "a line with 3 columns where 2 were expected"


def test_an_error_from_the_training_child_is_shown_with_its_file_and_line(trainable, qtbot, monkeypatch, dialogs):  # noqa: F811
    """Model > Train, the run in its child failing on bad input: the dialog is the one for
    that error (its type and fields crossed the pipe), not a TrainingError's."""
    window, _, _ = trainable
    monkeypatch.setattr(learning_jobs, "train_here", failing_part_way)  # pickled by name: the child runs it
    start_from_the_menu(window, monkeypatch)
    qtbot.waitUntil(lambda: not window.learning.is_training(), timeout=120_000)
    [shown] = [text for text in dialogs if "reviewed.conll, line 12: a tag without a token" in text]
    assert "The 3 documents before this point were added to the project" in shown  # PartlyOpened's own words


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="POSIX priorities")
def test_the_child_runs_nicer_than_the_app():
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    assert run_in_child(niceness, None, lambda _: None, lambda: False) == min(mine + CHILD_NICENESS, 19)


# An app killed (SIGKILL) after writing a run's job file, before its child read it: the child's
# start holds until the kill.
KILLED_APP = """
    import multiprocessing.context, sys, threading
    from ner_studio.gui.learning.training_process import run_in_child
    from tests.gui.test_training_process import niceness

    def start(process):
        print("written", flush=True)
        threading.Event().wait()

    multiprocessing.context.SpawnProcess.start = start
    run_in_child(niceness, "the analyst's texts", print, lambda: False)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX's")
def test_a_job_file_a_killed_app_left_is_deleted_by_the_next_run(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again, here and in the children
    app = start_python(KILLED_APP)
    try:
        assert app.stdout.readline().strip() == "written", app.stderr.read()
    finally:
        os.kill(app.pid, signal.SIGKILL)
        app.wait(10)
    [left] = list(tmp_path.glob(f"{JOB_PREFIX}{app.pid}-*.pickle"))
    assert oct(left.stat().st_mode & 0o777) == "0o600"
    mine = tmp_path / f"{JOB_PREFIX}{os.getpid()}-running.pickle"  # a live app's job: in use
    mine.write_bytes(b"")
    run_in_child(niceness, None, lambda _: None, lambda: False)  # the next run
    assert not left.exists() and mine.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [mine.name]  # its own job file deleted too


def test_review_next_warms_up_training_and_deletes_a_killed_apps_job_file(start_window, qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    left = tmp_path / f"{JOB_PREFIX}{gone.stdout.strip()}-abc.pickle"  # its app is gone
    left.write_bytes(b"the analyst's texts")
    window = start_window()
    window.actions_["review_mode"].trigger()  # the loop may fine-tune soon: training warms up
    qtbot.waitUntil(lambda: not left.exists(), timeout=20_000)


def test_a_child_that_cannot_start_its_work_is_a_training_error():
    with pytest.raises(TrainingError, match="ended unexpectedly"):
        run_in_child(exiting, 3, lambda _: None, lambda: False)  # the child exits without a word


def test_the_loops_round_fires_after_k_reviewed_sentences_and_runs_in_a_child(loop_window, qtbot):  # noqa: F811
    window, _, _ = loop_window
    learning, loop = window.learning, window.learning.loop
    for _ in range(K):  # Ctrl+Enter in the text, K times
        review_shown_document(qtbot, window)
    assert loop.running and learning.is_training()
    qtbot.waitUntil(lambda: bool(children()), timeout=10_000)
    qtbot.waitUntil(lambda: not learning.is_training(), timeout=120_000)
    [version] = window.workspace.project.model_versions()
    assert version.metrics["verdict"]["reason"]
    assert loop.last and window.current_status().startswith("Continuous learning: ")
    assert loop.state == LoopState(K, 0)


def test_a_round_refused_once_the_check_set_is_held_out_waits_for_another_batch(loop_window, qtbot):  # noqa: F811
    """Four reviewed sentences reach the minimum, but two of them belong to the check set: the
    run (in its process) finds two to learn from and does not start; the loop does not try
    again at once, and the count starts over."""
    window, _, _ = loop_window
    learning, loop = window.learning, window.learning.loop
    learning.min_sentences = K
    for _ in range(K):
        review_shown_document(qtbot, window)
    assert loop.running
    qtbot.waitUntil(lambda: not learning.is_training(), timeout=120_000)
    assert window.current_status().startswith(
        "Continuous learning: not started: fine-tuning needs at least 4 reviewed sentences to learn from (2 more are "
        "kept for the check set)")
    qtbot.wait(500)
    assert not learning.is_training() and not loop.running
    assert loop.state.pending == 0 and window.workspace.project.model_versions() == []


def test_what_a_run_collects_keeps_the_check_set_out_of_what_it_learns_and_reads():
    """The run builds its training set from the snapshots itself (off the UI thread): the check
    sentences are in neither the training sentences nor the texts the word vectors read."""
    from ner_studio.core.corpus.corpus_text import DocumentText
    from ner_studio.core.learning.check_set import document_hashes, split_check
    from ner_studio.core.text.document import Document, Status
    from ner_studio.gui.learning.learning_jobs import TrainingRequest, collect, project_text
    from ner_studio.model.interface import FinetuneOptions
    from tests.gui.conftest import training_documents

    docs = training_documents()
    for number, doc in enumerate(docs, 1):
        doc.status, doc.doc_id = Status.REVIEWED, number  # as the project numbers them
    other = Document.from_text("Daniel Okafor flew to Lisbon .")
    other.doc_id = 99
    texts = tuple(DocumentText.of(doc) for doc in [*docs, other])
    request = TrainingRequest(None, None, docs, [d.name for d in docs], options=FinetuneOptions(min_sentences=1),
                              texts=texts, labels=("PER", "LOC", "ORG"))
    train, check, read, collected = collect(request)
    expected = split_check(docs)
    assert [[d.text for d in part] for part in (train, check)] == [[d.text for d in part] for part in expected]
    assert check
    assert [text.doc_id for text in read] == [99]  # the labelled documents' texts are not read again
    held = {h for doc in check for h in document_hashes(doc)}
    assert not held & {h for doc in train for h in document_hashes(doc)}
    words = [" ".join(run) for run in project_text(train, read)]
    assert not any(" ".join(doc.sentence_words(0)) in words for doc in check)
    assert (collected.train_sentences, collected.check_sentences) == (
        sum(len(d.sentences) for d in train), sum(len(d.sentences) for d in check))
    assert collected.documents == len(docs)
