"""The work the learning tools hand to worker threads, as plain functions without Qt.

A task is ``task(report, should_stop) -> result``: ``report(progress)`` sends an object to the
UI (through a signal, see ``qt_task_worker``), ``should_stop()`` is the cancel flag. torch is
imported inside the tasks, never at module level, so the window does not pay for it (and
does not freeze) until a worker needs it.
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
from ner_studio.core.logs import log_failure
from ner_studio.model.interface import FinetuneOptions, TrainingProgress

if TYPE_CHECKING:  # torch modules: named here for the types only
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


@dataclass(frozen=True)
class TrainingRequest:
    """Everything a fine-tuning run needs, fixed when the analyst presses Train."""

    parent_path: Path
    parent_version_id: int | None
    docs: list[Document]  # snapshots: the live documents may change while training runs
    document_names: list[str]
    base_path: Path | None = None
    options: FinetuneOptions = field(default_factory=FinetuneOptions)  # threads None: training_threads()
    models_folder: Path | None = None  # None: the per-user models folder
    # The texts of the project's other documents (immutable), read with the reviewed sentences
    # for the text vectors (FinetuneOptions.text_vectors)
    texts: tuple[DocumentText, ...] = ()
    # A continuous-learning round: one torch thread (options.threads) at low priority
    background: bool = False


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


def run_training(request: TrainingRequest, report: Callable[[TrainingProgress], None],
                 should_stop: Callable[[], bool]):
    """Fine-tune the parent model on the reviewed sentences outside the check set, save a new
    version, and score it and its parent on the check set; None when cancelled (nothing is
    saved then). Raises TrainingError, CheckpointError or FormatError with a clear message."""
    if request.background:
        lower_thread_priority()
    # The cyclic collector's full passes walk every object of the process while holding the
    # interpreter lock: during a run (its examples and text counts) they froze the window for
    # 0.6-1 s each (benchmarks/results/2026-12-07-stalls-label-all-training-switching.md).
    # Training makes no cycles that matter; reference counting frees its objects.
    with paused_gc():
        return _fine_tune(request, report, should_stop)


def _fine_tune(request: TrainingRequest, report: Callable[[TrainingProgress], None],
               should_stop: Callable[[], bool]):
    from ner_studio.core.learning.check_set import split_check
    from ner_studio.core.formats import read_documents
    from ner_studio.model.checkpoint import load_checkpoint
    from ner_studio.model.finetune import finetune
    from ner_studio.model.versions import Parent, compare_on_check, save_version

    parent = load_checkpoint(request.parent_path)
    train, check = split_check(request.docs)
    base = read_documents(request.base_path) if request.base_path is not None else []
    options = request.options
    if options.threads is None:
        options = replace(options, threads=training_threads())
    result = finetune(parent, train, base_docs=base, text=project_text(train, request.texts), options=options,
                      callback=throttled(report), should_stop=should_stop)
    if result.cancelled:
        return None
    lineage = Parent(str(request.parent_path), request.parent_version_id)
    names = list(request.document_names) + ([str(request.base_path)] if request.base_path else [])
    saved = save_version(result, lineage, names, request.models_folder)
    comparison = compare_on_check(saved.path, request.parent_path, check, lineage.name) if check else None
    return TrainingOutcome(saved, comparison)


def project_text(train: list[Document], texts: tuple[DocumentText, ...]) -> Iterator[list[str]]:
    """What the text vectors read: the training sentences, then the project's other documents
    in runs of words. The check sentences are not among them, so the check score stays a score
    on text the new version never saw."""
    from ner_studio.model.finetune import sentence_words

    yield from sentence_words(train)
    for text in texts:
        yield from text.word_runs()


def check_scores_task(paths: list[Path], check_docs: list[Document]):
    """A task scoring each model file on the check documents: ``{path: Evaluation}``; a file
    that cannot be loaded is left out (the panel shows it without a score)."""

    def run(report: Callable[[object], None], should_stop: Callable[[], bool]):
        from ner_studio.core.errors import NerStudioError
        from ner_studio.model.versions import check_scores

        scores = {}
        for path in paths:
            if should_stop():
                break
            try:
                scores[path] = check_scores(path, check_docs)
            except (NerStudioError, OSError) as error:
                log_failure(log, f"scoring {path.name} on the check set", error)
                report(f"{path.name}: {error}")
        return scores

    return run


def warm_up_training(report: Callable[[object], None], should_stop: Callable[[], bool]) -> None:
    """Import what training imports lazily. torch's first optimizer pulls in torch._dynamo
    (over a second of imports that hold the GIL for up to ~150 ms at a time); done while the
    analyst reads the Train dialog, that freeze does not land in the middle of training."""
    import torch

    import ner_studio.model.finetune  # noqa: F401
    import ner_studio.model.versions  # noqa: F401

    torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))])
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
