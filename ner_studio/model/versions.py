"""Every finished fine-tuning run becomes a new model file; none is ever overwritten.

Files live in ``<user data dir>/models`` and are named by time (``model-20240501-142233.pt``,
then ``-2``, ``-3``... if that name is taken); the name is reserved with an exclusive create
before the atomic save, so two windows training at once cannot pick the same file. The
checkpoint's metadata says where the model came from (parent file and project version), what
it learned from (documents, sentences), how long (epochs) and how well (dev scores per label).

:func:`save_version` runs in the training worker; :func:`record_version` writes the project and
so runs in the thread that opened it. Importing this module imports no torch: the app unpickles
a run's :class:`SavedVersion` and :class:`CheckComparison`, and records them, without it.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ner_studio.core.learning.adoption import Verdict, judge
from ner_studio.core.text.document import Document
from ner_studio.core.locations import user_data_dir
from ner_studio.core.learning.metrics import Evaluation
from ner_studio.core.store.project import Project

if TYPE_CHECKING:  # torch modules, imported where used: the app reads a run's outcome and
    # records it on the UI thread without importing them (the run itself is in a child process)
    from ner_studio.model.finetune import FinetuneResult

MODELS_FOLDER = "models"


@dataclass(frozen=True)
class Parent:
    path: str | None
    version_id: int | None = None  # in the project's model_versions, if it is one

    @property
    def name(self) -> str:
        return Path(self.path).stem if self.path else "new model"


@dataclass(frozen=True)
class SavedVersion:
    path: Path
    metadata: dict
    metrics: dict  # what the project stores: dev scores, parent, data, epochs


def models_dir() -> Path:
    return user_data_dir() / MODELS_FOLDER


def reserve_model_path(folder: Path | None = None, *, stamp: str | None = None) -> Path:
    """A new, empty file in ``folder`` that nobody else will pick (created exclusively)."""
    folder = folder if folder is not None else models_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = stamp or time.strftime("%Y%m%d-%H%M%S")
    number = 1
    while True:
        path = folder / (f"model-{stamp}.pt" if number == 1 else f"model-{stamp}-{number}.pt")
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
            return path
        except FileExistsError:
            number += 1


def version_metrics(result: FinetuneResult, parent: Parent, documents: list[str]) -> dict:
    """The summary the Models panel shows; also stored in the checkpoint's metadata."""
    data = result.loaded.metadata.get("data", {})
    return {
        "parent_path": parent.path,
        "parent_version": parent.version_id,
        "documents": documents,
        "train_sentences": data.get("train_sentences"),
        "dev_sentences": data.get("dev_sentences"),
        "base_sentences": data.get("base_sentences"),
        "new_labels": result.new_labels,
        "epochs": result.training.epochs_run,
        "best_epoch": result.training.best_epoch,
        "seconds": round(result.training.seconds, 1),
        "created": result.loaded.metadata.get("created"),
        "dev": result.dev_scores.to_dict(),
    }


def save_version(result: FinetuneResult, parent: Parent, documents: list[str],
                 folder: Path | None = None) -> SavedVersion:
    """Write the fine-tuned model to a new file (never an existing one)."""
    from ner_studio.model.checkpoint import save_checkpoint

    metrics = version_metrics(result, parent, documents)
    metadata = {**result.loaded.metadata, "parent": {"path": parent.path, "version_id": parent.version_id},
                "documents": documents}
    path = reserve_model_path(folder)
    loaded = result.loaded
    try:
        save_checkpoint(path, loaded.model, loaded.vocabs, loaded.labels, loaded.scheme, metadata)
    except BaseException:
        path.unlink(missing_ok=True)  # the reserved empty file is no model: do not leave it
        raise
    return SavedVersion(path, metadata, metrics)


def record_version(project: Project, saved: SavedVersion, parent: Parent,
                   comparison: CheckComparison | None = None) -> int:
    """Add the saved model to the project's versions (with its check scores and verdict, if
    it was compared); returns its version id."""
    metrics = {**saved.metrics, **(comparison.to_metrics() if comparison else {})}
    return project.add_model_version(saved.path, parent_id=parent.version_id, metrics=metrics,
                                     notes=f"fine-tuned from {parent.name}")


@dataclass(frozen=True)
class CheckComparison:
    """A new version and the one it was fine-tuned from, scored on the same check sentences."""

    sentences: int
    new: Evaluation
    current: Evaluation
    verdict: Verdict

    def to_metrics(self) -> dict:
        return {"check": {"sentences": self.sentences, **self.new.to_dict()},
                "parent_check": {"sentences": self.sentences, **self.current.to_dict()},
                "verdict": self.verdict.to_dict()}


def check_scores(path: str | Path, docs: list[Document]) -> Evaluation:
    """Entity-level scores of the model file at ``path`` on check documents (float32, so two
    versions are compared as trained, not as quantised)."""
    from ner_studio.model.predict import TorchPredictor
    from ner_studio.model.workflow import evaluate_tagger

    return evaluate_tagger(TorchPredictor.load(path), docs, per_sentence=True)


def compare_on_check(new_path: Path, current_path: Path, check_docs: list[Document],
                     current_name: str) -> CheckComparison:
    sentences = sum(len(doc.sentences) for doc in check_docs)
    new = check_scores(new_path, check_docs)
    current = check_scores(current_path, check_docs)
    verdict = judge(new.overall.f1, current.overall.f1, sentences, new.overall.support, current_name=current_name,
                    paired=(new.sentence_counts, current.sentence_counts))
    return CheckComparison(sentences, new, current, verdict)
