"""The work the learning tools hand to worker threads, as plain functions without Qt.

A task is ``task(report, should_stop) -> result``: ``report(progress)`` sends an object to the
UI (through a signal, see ``qt_task_worker``), ``should_stop()`` is the cancel flag. torch is
imported inside the tasks, never at module level, so the window does not pay for it (and
does not freeze) until a worker needs it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from ner_studio.core.document import Document
from ner_studio.model.interface import FinetuneOptions, TrainingProgress

# Batch progress reaches the UI at most this often; epoch results always do.
PROGRESS_INTERVAL = 0.05


def training_threads() -> int:
    """Threads torch may use for training: all cores but one, so the UI keeps a core."""
    return max(1, (os.cpu_count() or 2) - 1)


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


def run_training(request: TrainingRequest, report: Callable[[TrainingProgress], None], should_stop: Callable[[], bool]):
    """Fine-tune the parent model and save a new version; None when cancelled (nothing is
    saved then). Raises TrainingError, CheckpointError or FormatError with a clear message."""
    from ner_studio.core.formats import read_documents
    from ner_studio.model.checkpoint import load_checkpoint
    from ner_studio.model.finetune import finetune
    from ner_studio.model.versions import Parent, save_version

    parent = load_checkpoint(request.parent_path)
    base = read_documents(request.base_path) if request.base_path is not None else []
    options = request.options
    if options.threads is None:
        options = replace(options, threads=training_threads())
    result = finetune(parent, request.docs, base_docs=base, options=options,
                      callback=throttled(report), should_stop=should_stop)
    if result.cancelled:
        return None
    lineage = Parent(str(request.parent_path), request.parent_version_id)
    names = list(request.document_names) + ([str(request.base_path)] if request.base_path else [])
    return save_version(result, lineage, names, request.models_folder)


def warm_up_training(report: Callable[[object], None], should_stop: Callable[[], bool]) -> None:
    """Import what training imports lazily. torch's first optimizer pulls in torch._dynamo
    (over a second of imports that hold the GIL for up to ~150 ms at a time); done while the
    analyst reads the Train dialog, that freeze does not land in the middle of training."""
    import torch

    import ner_studio.model.finetune  # noqa: F401
    import ner_studio.model.versions  # noqa: F401

    torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))])


def training_task(request: TrainingRequest):
    return partial(run_training, request)


def evaluation_task(model_path: Path, docs: list[Document] | None = None, conll_path: Path | None = None):
    """A task scoring the model at ``model_path`` on ``docs`` or on the file ``conll_path``;
    its result is ``(Evaluation, what was scored)``. Reports ``(done, total)`` sentences."""

    def run(report: Callable[[object], None], should_stop: Callable[[], bool]):
        from ner_studio.core.formats import read_documents
        from ner_studio.model.predict import Tagger
        from ner_studio.model.workflow import evaluate_tagger

        gold = docs if conll_path is None else read_documents(conll_path)
        tagger = Tagger.load(model_path)
        evaluation = evaluate_tagger(tagger, gold, progress=lambda done, total: report((done, total)))
        sentences = sum(len(doc.sentences) for doc in gold)
        source = conll_path.name if conll_path is not None else "the reviewed documents"
        return evaluation, f"{source}: {len(gold)} documents, {sentences} sentences"

    return run
