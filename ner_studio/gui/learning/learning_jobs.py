"""The work the learning tools hand to worker threads, as plain functions without Qt.

A task is ``task(report, should_stop) -> result``: ``report(progress)`` sends an object to the
UI (through a signal, see ``qt_task_worker``), ``should_stop()`` is the cancel flag. torch is
imported inside the tasks, never at module level, so the window does not pay for it (and
does not freeze) until a worker needs it. The app's fine-tunes and check scoring run their
work in a child process (``training_process``; the worker thread only waits on its pipe): in
a thread they held the interpreter lock the window needs (the UI thread asleep on it for
100-700 ms at a time, benchmarks/results/2026-12-07-stalls-training.md).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from ner_studio.core.corpus.corpus_text import DocumentText
from ner_studio.core.text.document import Document
from ner_studio.core.gc_pause import paused_gc, set_aside
from ner_studio.core.errors import TrainingError
from ner_studio.core.logs import log_failure
from ner_studio.model.interface import FinetuneOptions, TrainingProgress

if TYPE_CHECKING:  # torch-free, but not needed at run time here
    from ner_studio.core.learning.check_set import CheckSplit
    from ner_studio.model.versions import CheckComparison, SavedVersion

log = logging.getLogger(__name__)
# Batch progress reaches the UI at most this often; epoch results always do.
PROGRESS_INTERVAL = 0.05


def training_threads() -> int:
    """Threads torch may use for training: all cores but one, so the UI keeps a core."""
    return max(1, (os.cpu_count() or 2) - 1)


# How much nicer than the app a background round runs: the scheduler then gives the UI and
# the tagging worker the cores first, and the round what is left.
BACKGROUND_NICENESS = 10


def lower_thread_priority() -> bool:
    """Make the calling thread yield the CPU to the rest of the app (a continuous-learning
    round). On Linux a thread has its own nice value, so this touches no other thread; where
    that is not possible (other systems, or not allowed) the round runs at normal priority,
    still on one torch thread. True if it was lowered."""
    native_id = threading.get_native_id()
    if not sys.platform.startswith("linux") or not hasattr(os, "setpriority"):
        return False
    try:
        os.setpriority(os.PRIO_PROCESS, native_id, min(os.getpriority(os.PRIO_PROCESS, native_id)
                                                       + BACKGROUND_NICENESS, 19))
    except OSError as error:
        log.info("a background round runs at normal priority: %s", error)
        return False
    return True


@dataclass(frozen=True)
class RunEnded:
    """How a training run ended, for whoever waits on it (the continuous-learning loop)."""

    automatic: bool  # a continuous-learning round, not the analyst's Train
    completed: bool  # a new version was made (adopted or not); False: cancelled or failed
    message: str  # one line: the version and its verdict, or why nothing came of it
    refused: bool = False  # it did not start: too few training sentences once the check set is held out


@dataclass(frozen=True)
class TrainingRequest:
    """Everything a fine-tuning run needs, fixed when the analyst presses Train: snapshots the
    UI thread takes in a moment; the rest of the training set (the check split, the counts, the
    texts the word vectors read, the examples per label) is built from them by the run itself
    (:func:`collect`), off the UI thread, where it cost 25-150 ms growing with the data."""

    parent_path: Path
    parent_version_id: int | None
    docs: list[Document]  # snapshots: the live documents may change while training runs
    document_names: list[str]
    base_path: Path | None = None
    options: FinetuneOptions = field(default_factory=FinetuneOptions)  # threads None: training_threads()
    models_folder: Path | None = None  # None: the per-user models folder
    # The texts of the project's documents (immutable; the labelled ones among them are left out
    # by the run), read with the reviewed sentences for the text vectors (FinetuneOptions.text_vectors)
    texts: tuple[DocumentText, ...] = ()
    # A continuous-learning round: one torch thread (options.threads) at low priority
    background: bool = False
    labels: tuple[str, ...] = ()  # the project's labels, for the examples counted per label
    known: tuple[str, ...] | None = None  # the labels the parent model knows (None: ``labels``)
    # Run in a child process (training_process.py): the app's UI thread then never waits for the
    # interpreter lock the training holds. The CLI, and tests that patch the training, run in-process.
    in_child: bool = False


@dataclass(frozen=True)
class Collected:
    """What a run learns from, reported before its first batch (the panel's line, the log)."""

    train_sentences: int
    check_sentences: int
    documents: int
    shortfalls: str  # labels with too few examples, "" if none (core.learning.label_examples)


@dataclass(frozen=True)
class NotStarted:
    """A run's result when its training set is too small once the check set is held out."""

    error: TrainingError


def throttled(report: Callable[[TrainingProgress], None],
              interval: float = PROGRESS_INTERVAL) -> Callable[[TrainingProgress], None]:
    """``report`` for epoch results and for at most one batch update per ``interval``."""
    last = [0.0]

    def send(progress: TrainingProgress) -> None:
        now = time.monotonic()
        if progress.phase != "batch" or now - last[0] >= interval or progress.batch == progress.batches:
            last[0] = now
            report(progress)

    return send


@dataclass(frozen=True)
class TrainingOutcome:
    """A finished run: the saved version and, when there were check sentences, how it and its
    parent scored on them (``CheckComparison``, with the adoption verdict)."""

    saved: SavedVersion
    comparison: CheckComparison | None


def run_training(request: TrainingRequest, report: Callable[[object], None], should_stop: Callable[[], bool]):
    """Fine-tune the parent model on the reviewed sentences outside the check set, save a new
    version, and score it and its parent on the check set: a :class:`TrainingOutcome`; None
    when cancelled (nothing is saved then), :class:`NotStarted` when too little is left to
    learn from. Reports :class:`Collected` first, then ``TrainingProgress``. Raises
    TrainingError, CheckpointError or FormatError with a clear message. ``request.in_child``:
    all of it in a child process (``training_process.run_in_child``)."""
    if request.in_child:
        from ner_studio.gui.learning.training_process import run_in_child

        return run_in_child(train_here, request, report, should_stop)
    return train_here(request, report, should_stop)


def train_here(request: TrainingRequest, report: Callable[[object], None], should_stop: Callable[[], bool]):
    """:func:`run_training` in this process (the child's work, or a thread's)."""
    if request.background and not request.in_child:  # a child is niced as a whole (training_process)
        lower_thread_priority()
    # The cyclic collector's full passes walk every object of the process while holding the
    # interpreter lock: during a run (its examples and text counts) they froze the window for
    # 0.6-1 s each (benchmarks/results/2026-12-07-stalls-label-all-training-switching.md).
    # Training makes no cycles that matter; reference counting frees its objects.
    with paused_gc():
        return _fine_tune(request, report, should_stop)


def collect(request: TrainingRequest) -> tuple[list[Document], list[Document], tuple[DocumentText, ...], Collected]:
    """``(train, check, other texts, what was collected)`` from the request's snapshots; raises
    TrainingError if too few training sentences are left. The check sentences are never among
    the training ones nor among the texts the word vectors read, so the check score stays a
    score on text the new version never saw."""
    from ner_studio.core.learning.check_set import split_check
    from ner_studio.core.learning.label_examples import label_examples, shortfalls
    from ner_studio.core.learning.training_set import check_enough, count_sentences

    train, check = split_check(request.docs)
    check_enough(count_sentences(train), request.options.min_sentences, held=count_sentences(check))
    labelled = {doc.doc_id for doc in request.docs}
    texts = tuple(text for text in request.texts if text.doc_id not in labelled) if request.options.text_vectors else ()
    labels = list(request.labels)
    few = shortfalls(label_examples(labels, train, check, labels if request.known is None else list(request.known)))
    return train, check, texts, Collected(count_sentences(train), count_sentences(check),
                                          len(request.document_names), few)


def _fine_tune(request: TrainingRequest, report: Callable[[object], None], should_stop: Callable[[], bool]):
    from ner_studio.core.formats import read_documents
    from ner_studio.model.checkpoint import load_checkpoint
    from ner_studio.model.finetune import finetune
    from ner_studio.model.versions import Parent, compare_on_check, save_version

    try:
        train, check, texts, collected = collect(request)
    except TrainingError as error:
        return NotStarted(error)
    report(collected)
    parent = load_checkpoint(request.parent_path)
    base = read_documents(request.base_path) if request.base_path is not None else []
    options = request.options
    if options.threads is None:
        options = replace(options, threads=training_threads())
    result = finetune(parent, train, base_docs=base, text=project_text(train, texts), options=options,
                      callback=throttled(report), should_stop=should_stop)
    if result.cancelled or should_stop():  # a cancel during the last batch: nothing is saved either
        return None
    lineage = Parent(str(request.parent_path), request.parent_version_id)
    names = list(request.document_names) + ([str(request.base_path)] if request.base_path else [])
    saved = save_version(result, lineage, names, request.models_folder)
    comparison = compare_on_check(saved.path, request.parent_path, check, lineage.name) if check else None
    prepare_window_runtime(saved.path)
    return TrainingOutcome(saved, comparison)


def prepare_window_runtime(path: Path) -> None:
    """Build a new version's ONNX graph here, where the round ran (the training process), into
    the cache the window's tagger reads (gui/shell/tagging_jobs.py). Built by the window when
    the version was adopted, its ~0.6 s of Python held the interpreter lock: re-tagging after
    a switch froze the window 631 ms against 58 with a cached graph (quiet machine,
    benchmarks/results/2026-12-08-quiet-end.md). A failure only costs that: it is logged."""
    from ner_studio.gui.shell.tagging_jobs import QUANTIZE, RUNTIME

    if RUNTIME != "onnx":
        return
    try:
        from ner_studio.model.predict import TorchPredictor

        # The window's own loading (tagging_jobs.load_predictor) but its threads: the same
        # choice of runtime (torch for a model with a character LM) and the same cached graph.
        TorchPredictor.load(path, quantize=QUANTIZE, runtime=RUNTIME, lean=True)
    except Exception as error:  # noqa: BLE001 - the window builds it then, as before
        log_failure(log, f"preparing {path.name} for the window's tagger", error)


def project_text(train: list[Document], texts: tuple[DocumentText, ...]) -> Iterator[list[str]]:
    """What the text vectors read: the training sentences, then the project's other documents
    in runs of words. The check sentences are not among them, so the check score stays a score
    on text the new version never saw."""
    from ner_studio.model.finetune import sentence_words

    yield from sentence_words(train)
    for text in texts:
        yield from text.word_runs()


def check_scores_task(paths: list[Path], check_docs: list[Document], *, in_child: bool = True):
    """A task scoring each model file on the check documents: ``{path: Evaluation}``; a file
    that cannot be loaded is left out (the panel shows it without a score). In a child process
    (``in_child``): after a round the check set has usually grown, so every version is scored
    again, model after model, while the documents are being tagged again; in a thread of the
    app that work held the interpreter lock the window needs."""
    if in_child:
        from ner_studio.gui.learning.training_process import run_in_child

        return partial(run_in_child, score_on_check, (list(paths), list(check_docs)), what="scoring")
    return partial(score_on_check, (list(paths), list(check_docs)))


def check_set_task(split: CheckSplit, docs: list[Document]):
    """A task cutting the check set out of labelled snapshots (``split.split(docs)[1]``), for the
    Models panel's recount. ``CheckSplit`` replaces its remembered cuts in one assignment, so a
    cut asked meanwhile on the UI thread (the Train dialog) costs a cut again, never a wrong one."""

    def run(report: Callable[[object], None], should_stop: Callable[[], bool]) -> list[Document]:
        return split.split(docs)[1]

    return run


def score_on_check(job: tuple[list[Path], list[Document]], report: Callable[[object], None],
                   should_stop: Callable[[], bool]) -> dict:
    """:func:`check_scores_task`'s work, in whichever process runs it."""
    from ner_studio.core.errors import NerStudioError
    from ner_studio.model.versions import check_scores

    paths, check_docs = job
    scores = {}
    with paused_gc():
        for path in paths:
            if should_stop():
                break
            try:
                scores[path] = check_scores(path, check_docs)
            except (NerStudioError, OSError) as error:
                log_failure(log, f"scoring {path.name} on the check set", error)
                report(f"{path.name}: {error}")
    return scores


def warm_up_training(report: Callable[[object], None], should_stop: Callable[[], bool]) -> None:
    """Import, in the background while the analyst still reviews, what the end of a run needs
    in the app (``model.versions``, torch-free: the outcome that comes back from the training
    process, recording the version), so no import lands on the UI thread when a round ends. The
    training's own lazy imports (torch's first optimizer pulls in torch._dynamo: over a second
    of imports that hold the GIL for up to ~150 ms at a time) happen in its child process.
    Job files a killed app left in the temporary folder go now too, not only at the next run."""
    import ner_studio.model.versions  # noqa: F401
    from ner_studio.gui.learning.training_process import remove_stale_jobs

    remove_stale_jobs()

    set_aside()  # what these imports made lives as long as the app (core/gc_pause.py)


def training_task(request: TrainingRequest):
    return partial(run_training, request)


@dataclass(frozen=True)
class Scored:
    evaluation: object  # core.learning.metrics.Evaluation
    what: str  # what the score was computed on
    warning: str | None  # the scored sentences overlap the model's training data
    errors: tuple = ()  # core.learning.error_analysis.ErrorInContext, every mistake behind the scores


def evaluation_task(model_path: Path, docs: list[Document] | None = None, conll_path: Path | None = None,
                    what: str = "the reviewed documents"):
    """A task scoring the model at ``model_path`` on ``docs`` or on the file ``conll_path``;
    its result is a :class:`Scored`. Reports ``(done, total)`` sentences."""

    def run(report: Callable[[object], None], should_stop: Callable[[], bool]):
        from ner_studio.core.learning.check_set import describe_scored
        from ner_studio.core.formats import read_documents
        from ner_studio.model.predict import TorchPredictor
        from ner_studio.core.learning.error_analysis import tagged_errors
        from ner_studio.model.workflow import evaluate_tagger

        gold = docs if conll_path is None else read_documents(conll_path)
        tagger = TorchPredictor.load(model_path)
        errors = []
        evaluation = evaluate_tagger(tagger, gold, progress=lambda done, total: report((done, total)),
                                     tagged=lambda scored, tags: errors.extend(tagged_errors(scored, tags)))
        source = conll_path.name if conll_path is not None else what
        text, warning = describe_scored(gold, source, tagger.metadata.get("trained_on"))
        return Scored(evaluation, text, warning, tuple(errors))

    return run
