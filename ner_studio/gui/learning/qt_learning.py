"""Fine-tuning, model versions, the review queue and evaluation, added to the host by one
call: :func:`install_learning` (menu "Model", toolbar buttons, three docks; the review queue's
part is :class:`~ner_studio.gui.review.qt_review_controller.ReviewController`'s own).

Training runs in a child process (``training_process``: the window never waits for an
interpreter lock the training holds), driven by a :class:`TaskWorker`, on snapshots of the
labelled documents, so the analyst keeps editing; the UI hears only signals. It learns from the reviewed sentences outside the
check set (``core.learning.check_set``); a finished run is a new model file and project version, scored
with its parent on the check set, and it becomes the current model only if it is strictly
better there, a tie keeps the current one (``core.learning.adoption``; too few check sentences: the
analyst decides). Then the
documents not reviewed are tagged again in the background (``replace_model_spans`` keeps every
confirmed entity). Cancelling or a failure leaves the current model exactly as it was. Model
versions and their check scores are ``qt_model_versions``'. The continuous learning loop
(``qt_continuous``) starts the same runs on its own ("automatic": one torch thread at low
priority, no dialog: a version the check set cannot judge is kept aside); ``run_started`` and
``run_ended`` tell it about every run, so a manual one and the loop's never overlap.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from ner_studio.core.learning.adoption import Verdict, decided
from ner_studio.core.store.annotators import GOLD
from ner_studio.core.learning.check_set import CheckSplit
from ner_studio.core.text.document import Document, Status
from ner_studio.core.errors import NerStudioError, TrainingError
from ner_studio.core.plural import plural
from ner_studio.core.learning.review_log import batches
from ner_studio.core.learning.training_set import MIN_REVIEWED_SENTENCES, SnapshotCache, check_enough, count_sentences
from ner_studio.gui.shell import qt_dialogs
from ner_studio.gui.shell.qt_host import Host
from ner_studio.gui.learning.learning_jobs import (
    Collected, NotStarted, RunEnded, TrainingRequest, training_task, warm_up_training,
)
from ner_studio.gui.shell.qt_actions import Command
from ner_studio.gui.learning.qt_continuous import ContinuousLearning
from ner_studio.gui.learning.qt_model_versions import ModelVersions
from ner_studio.gui.learning.qt_models_panel import ModelsPanel
from ner_studio.gui.review.qt_review_controller import ReviewController
from ner_studio.gui.shell.qt_task_worker import TaskWorker
from ner_studio.gui.learning.qt_train_dialog import TrainDialog, TrainingSetCount, training_set_task
from ner_studio.model.interface import FinetuneOptions
from ner_studio.gui.learning.qt_training_panel import TrainingPanel

if TYPE_CHECKING:
    from ner_studio.gui.learning.qt_evaluation import EvaluationDialog

log = logging.getLogger(__name__)

BASE_SETTING = "learning.base_path"
EPOCHS_SETTING = "learning.epochs"

TRAINING_COMMANDS = (
    Command("train", "&Train / Fine-tune…", ("Ctrl+Shift+T",),
            "Fine-tune the current model on the reviewed documents, in the background", "train"),
    Command("cancel_training", "&Cancel Training", (),
            "Stop training after the current batch; the current model stays as it is", "cancel_training"),
)
MODELS_COMMANDS = (
    Command("evaluate", "&Evaluate Model…", ("Ctrl+Shift+E",),
            "Score the current model on a CoNLL file or on the reviewed documents", "evaluate"),
    Command("models", "Model &Versions", (), "Show every model version; switch or roll back", "show_models"),
)
TRAINING_MENU = ("train", "cancel_training")  # then the review queue's commands
MODELS_MENU = ("evaluate", "models")


class LearningController(QObject):
    """Training, model versions, review queue and evaluation on a :class:`~ner_studio.gui.shell.qt_host.Host`
    (kept as ``self.host``, the parent of this tool's dialogs)."""

    # Fine-tune in a child process (learning_jobs.TrainingRequest.in_child); tests that patch the
    # training in this process turn it off
    in_child = True
    run_started = Signal(int)  # a training run started, learning from this many reviewed sentences
    run_ended = Signal(object)  # RunEnded

    def __init__(self, host: Host):
        super().__init__(host)
        self.host = host
        self.worker: TaskWorker | None = None
        self.min_sentences = MIN_REVIEWED_SENTENCES
        self.training_options = FinetuneOptions()  # for every run (min_sentences: the attribute above)
        self.models_folder: Path | None = None  # None: the per-user models folder
        self.evaluation: EvaluationDialog | None = None
        self._run: dict = {}  # what the running training started from
        self._outcome = (False, "")  # how the last run ended: a version made?, one line on it
        self.asking = False  # the Train dialog is open
        self._warm_up: TaskWorker | None = None
        self._warmed = False
        self._counters: dict[TaskWorker, tuple] = {}  # the Train dialog's counts in their threads: (dialog, documents)
        self.training_panel = TrainingPanel()
        self.models_panel = ModelsPanel()
        self.actions = host.add_commands("&Model", TRAINING_COMMANDS, self, TRAINING_MENU, ("train",))
        self.review = ReviewController(host, self.warm_up)  # its menu part, dock
        self.docks = {"training": host.add_dock("Training", self.training_panel),
                      "models": host.add_dock("Models", self.models_panel)}
        self.actions.update(host.add_commands("&Model", MODELS_COMMANDS, self, MODELS_MENU))
        self.loop = ContinuousLearning(host, self)  # Model > Learn Continuously, its status label
        self.training_panel.cancel_requested.connect(self.cancel_training)
        self.check_split = CheckSplit()  # remembered cuts: the Train dialog and the Models panel ask again and again
        self._snapshots = SnapshotCache()  # and remembered snapshots of what they are cut from
        self.versions = ModelVersions(host, self.models_panel, lambda: self.labelled_documents()[0], self.check_split)
        # Brought to the front by its tab: recount the check set it describes.
        self.docks["models"].visibilityChanged.connect(self._on_models_visibility)
        host.workspace_changed.connect(self._bind_workspace)
        host.closed.connect(self.shutdown)
        self._bind_workspace()
        self._update_actions()

    # --- wiring -----------------------------------------------------------------------------
    def _bind_workspace(self) -> None:
        """Per-project state; called again (by ``workspace_changed``, synchronously, while
        the new workspace is alive and open) whenever the window opens another project."""
        self.host.workspace.review_logged.connect(self.refresh_effort)
        self.host.workspace.document_updated.connect(self.versions.documents_changed)
        self.refresh_models()
        self.refresh_effort()

    def refresh_effort(self) -> None:
        self.training_panel.effort.show_batches(batches(self.host.workspace.review_log()))

    def shutdown(self) -> None:
        """The window closed: stop training (threads must end before the window goes away)."""
        self.versions.shutdown()
        for worker in (self.worker, self._warm_up, *self._counters):
            if worker is not None:
                worker.cancel()
                worker.wait()

    def warm_up(self) -> None:
        """Do torch's one-time lazy imports in the background before training is likely."""
        if self._warmed or not self.host.model.available:
            return
        self._warmed = True
        self._warm_up = TaskWorker(warm_up_training, "warm-up")
        self._warm_up.finished.connect(self._on_warmed_up)
        self._warm_up.start()

    def _on_warmed_up(self) -> None:
        self._warm_up = None

    def _update_actions(self) -> None:
        training = self.is_training()
        self.actions["train"].setEnabled(not training)
        self.actions["cancel_training"].setEnabled(training)

    # --- training ---------------------------------------------------------------------------
    def is_training(self) -> bool:
        return self.worker is not None

    def labelled_documents(self) -> tuple[list[Document], list[str]]:
        """Snapshots of the reviewed documents and accepted sentences, and their names; a
        curated document is learned from as its gold version (core/store/project_versions.py)."""
        workspace = self.host.workspace
        ids = workspace.document_ids()
        curated = workspace.project.gold_documents()
        reviewed = [i for i in ids if workspace.summary(i).status == Status.REVIEWED or i in curated]
        chosen = set(reviewed)
        partly = [i for i in ids if i not in chosen and self.review.accepted.get(i)]
        docs = self._snapshots.labelled(
            [workspace.project.load_version(i, GOLD) if i in curated else workspace.document(i) for i in reviewed],
            self.review.accepted, [workspace.document(i) for i in partly])
        names = [workspace.summary(i).name or f"document {i}" for i in reviewed + partly]
        return docs, names

    def train(self) -> None:
        """The Train action: ask what to add and how long, then start."""
        if self.is_training():
            self.host.show_status("A model is being trained already.")
            return
        docs, names = self.labelled_documents()
        self.warm_up()
        project = self.host.workspace.project
        dialog = TrainDialog(self.host, base=project.get_setting(BASE_SETTING, "") or "",
                             epochs=int(project.get_setting(EPOCHS_SETTING, 10) or 10))
        self._count_for(dialog, docs, len(names))  # off the UI thread: the dialog says "Counting…" meanwhile
        self.asking = True  # the loop starts no round while the analyst chooses one
        try:
            if not dialog.exec():
                return
        finally:
            self.asking = False
        choice = dialog.choice()
        try:
            project.set_setting(BASE_SETTING, str(choice.base_path) if choice.base_path else "")
            project.set_setting(EPOCHS_SETTING, choice.epochs)
        except NerStudioError:
            pass  # only a convenience for next time
        self.start_training(base_path=choice.base_path, epochs=choice.epochs)

    def _count_for(self, dialog: TrainDialog, docs: list[Document], documents: int) -> None:
        """Count the training set of ``docs`` in a worker; the dialog shows it, or, too small,
        closes and the reason is said (as before it was counted first)."""
        known = self.host.model.loaded_labels
        labels = [label.name for label in self.host.workspace.labels]
        task = training_set_task(self.check_split, docs, labels, labels if known is None else known)
        worker = TaskWorker(task, "train counts")
        worker.succeeded.connect(self._on_counted)  # bound methods: run on the UI thread
        worker.failed.connect(self._on_count_failed)
        worker.finished.connect(self._on_counter_finished)
        self._counters[worker] = (dialog, documents)  # kept until its thread has ended
        worker.start()

    def _on_counted(self, count: TrainingSetCount) -> None:
        dialog, documents = self._counters.get(self.sender(), (None, 0))
        if dialog is None:
            return
        try:
            check_enough(count.train_sentences, self.min_sentences, held=count.check_sentences)
        except TrainingError as error:
            self._on_count_failed(error)
            return
        dialog.show_count(f"Fine-tune {self.host.model.name} on {plural(count.train_sentences, 'reviewed sentence')} "
                          f"from {plural(documents, 'document')}; {count.check_sentences:,} more form the check set "
                          "that judges the new version. Training runs in the background; keep working.", count.examples)

    def _on_count_failed(self, error: Exception) -> None:
        dialog, _ = self._counters.get(self.sender(), (None, 0))
        if dialog is not None and self.asking:  # the dialog is still open (Train waits for the counts)
            dialog.reject()
            self._report("Training cannot start", error, False)

    def _on_counter_finished(self) -> None:
        for worker in [w for w in self._counters if not w.is_running()]:
            del self._counters[worker]

    def start_training(self, *, base_path: Path | None = None, epochs: int | None = None,
                       automatic: bool = False) -> bool:
        """Fine-tune in a worker (``epochs`` overrides the options' for this run); False (with
        the reason shown) if it cannot start. The UI thread only snapshots what changed since
        the last ask (``SnapshotCache``) and the texts' list; the check split, the counts, the
        other texts and the examples per label are built by the run (``learning_jobs.collect``),
        which says what it learns from before its first batch (:meth:`_on_progress`)."""
        if self.is_training():
            return False
        model = self.host.model
        options = replace(self.training_options, min_sentences=self.min_sentences)
        if epochs is not None:
            options = replace(options, epochs=epochs)
        if automatic:  # in the background while the analyst works: one core is theirs
            options = replace(options, threads=1)
        try:
            if not model.available:
                raise TrainingError("there is no model to fine-tune; the bundled model is missing from this build")
            docs, names = self.labelled_documents()
            check_enough(count_sentences(docs), options.min_sentences)  # not even with the check set's
            texts = tuple(self.host.workspace.corpus.texts()) if options.text_vectors else ()
        except NerStudioError as error:
            self._report("Training cannot start", error, automatic)
            return False
        project = self.host.workspace.project
        parent_id = self._version_id(model.path)
        known = model.loaded_labels
        request = TrainingRequest(model.path, parent_id, docs, names, base_path, options, self.models_folder, texts,
                                  background=automatic, labels=tuple(label.name for label in self.host.workspace.labels),
                                  known=None if known is None else tuple(known), in_child=self.in_child)
        worker = TaskWorker(training_task(request), "train")
        worker.progress.connect(self._on_progress)
        worker.succeeded.connect(self._on_trained)
        worker.failed.connect(self._on_training_failed)
        worker.finished.connect(self._on_training_finished)
        self.worker = worker
        self._outcome = (False, "it ended without a word")  # replaced by each ending below
        self._run = {"project": project, "parent": model.path, "parent_id": parent_id, "automatic": automatic,
                     "model_name": model.name, "shortfalls": "", "base": base_path, "epochs": options.epochs}
        self.training_panel.started(f"Fine-tuning {model.name} on the reviewed sentences of "
                                    f"{plural(len(names), 'document')}"
                                    f"{' plus ' + base_path.name if base_path else ''}…", options.epochs)
        if not automatic:  # a round of the loop must not cover the dock the analyst works in
            self.docks["training"].show()
            self.docks["training"].raise_()
        self._update_actions()
        self.run_started.emit(count_sentences(docs))
        worker.start()
        return True

    def _on_progress(self, progress) -> None:
        """The run's first report says what it learns from (the panel's line, the log); then
        batches and epochs for the panel."""
        if not isinstance(progress, Collected):
            self.training_panel.show_progress(progress)
            return
        run, base = self._run, self._run.get("base")
        run["shortfalls"] = progress.shortfalls
        what = (f"{plural(progress.train_sentences, 'sentence')} from {plural(progress.documents, 'document')} "
                f"({progress.check_sentences:,} more kept for the check set)")
        few = f" {progress.shortfalls}" if progress.shortfalls else ""
        self.training_panel.describe(f"Fine-tuning {run['model_name']} on {what}{' plus ' + base.name if base else ''}…{few}")
        log.info("training started (%s): fine-tuning %s on %s%s, at most %d epochs",
                 "automatically" if run["automatic"] else "by you", run["model_name"], what,
                 f" plus {base.name}" if base else "", run["epochs"])

    def cancel_training(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.training_panel.cancelling()

    def _version_id(self, path: Path | None) -> int | None:
        for version in self.host.workspace.project.model_versions():
            if path is not None and Path(version.path) == Path(path):
                return version.version_id
        return None

    def _on_trained(self, outcome) -> None:
        name = self._run.get("model_name", "the model")
        if isinstance(outcome, NotStarted):  # too few training sentences once the check set is held out
            self._outcome = (False, f"not started: {outcome.error}")
            self._run["refused"] = True
            self.training_panel.ended(f"Not started: {outcome.error}", error=True)
            self._report("Training cannot start", outcome.error, self._run.get("automatic", False))
            return
        if outcome is None:
            log.info("training cancelled; the current model (%s) stays", name)
            self._outcome = (False, f"cancelled; the current model ({name}) stays")
            self.training_panel.ended(f"Cancelled. The current model ({name}) is unchanged.", cancelled=True)
            return
        saved = outcome.saved
        project = self.host.workspace.project
        if project is not self._run.get("project") or project.closed:
            # The analyst opened another project meanwhile: the model is kept, not imposed on it.
            log.info("training ended after its project was closed: model %s kept aside", saved.path.stem)
            self._outcome = (True, f"{saved.path.stem} kept aside: its project was closed")
            self.training_panel.ended(f"The model trained for the previous project is saved as {saved.path}.")
            return
        from ner_studio.model.versions import Parent, record_version  # imports no torch

        verdict = outcome.comparison.verdict if outcome.comparison else Verdict(
            None, "no reviewed sentence is in the check set yet, so nothing it never trained on can score it")
        automatic = self._run["automatic"]
        version_id = None
        try:
            version_id = record_version(project, saved, Parent(str(self._run["parent"]), self._run["parent_id"]),
                                        outcome.comparison)
        except NerStudioError as error:
            self._report("The new model could not be added to the project", error, automatic)
        if verdict.adopt is None and not automatic:
            verdict = decided(verdict, qt_dialogs.ask_adopt(self.host, saved.path.stem, verdict.reason))
        if version_id is not None:
            self._store_verdict(project, version_id, verdict)
        # A verdict's reason says "adopted" or "not adopted" itself; only an open one does not.
        log.info("training ended: model %s %s%s", saved.path.stem,
                 "kept aside: " if verdict.adopt is None else "", verdict.reason)
        self._outcome = (True, f"{saved.path.stem} {'kept aside, ' if verdict.adopt is None else ''}{verdict.reason}")
        few = self._run.get("shortfalls", "")
        if verdict.adopt:
            self.training_panel.ended(f"New model {saved.path.stem}: {verdict.reason}. Documents not reviewed are "
                                      f"being tagged again; roll back in the Models panel. {few}".strip())
            self.switch_model(saved.path)
            self.versions.update_check_scores()
            return
        self.training_panel.ended(f"New model {saved.path.stem} kept aside, the current model stays: {verdict.reason}. "
                                  f"It is in the Models panel if you want it anyway. {few}".strip())
        self.refresh_models()
        self.versions.update_check_scores()

    def _store_verdict(self, project, version_id: int, verdict: Verdict) -> None:
        try:
            project.update_model_version(version_id, metrics={"verdict": verdict.to_dict()})
        except NerStudioError as error:
            self.host.show_status(f"The verdict was not saved: {error}", 8000)

    def _on_training_failed(self, error) -> None:
        name = self._run.get("model_name", "the model")
        log.info("training failed; the current model (%s) stays", name)  # the error: _report
        self.training_panel.ended(f"Training failed: {error}. The current model ({name}) is unchanged.", error=True)
        self._outcome = (False, f"failed: {error}; the current model ({name}) stays")
        self._report("Training failed", error, self._run.get("automatic", False))

    def _on_training_finished(self) -> None:
        self.worker = None
        self._update_actions()
        self.run_ended.emit(RunEnded(bool(self._run.get("automatic")), *self._outcome,
                                     refused=bool(self._run.get("refused"))))

    def _report(self, title: str, error: BaseException, quietly: bool) -> None:
        """A dialog (a bug's: the error dialog, with its traceback), or for automatic runs
        (which must not interrupt reviewing) the status bar."""
        if quietly:
            shown = error if isinstance(error, NerStudioError) else TrainingError(f"{type(error).__name__}: {error}")
            self.host.show_status(f"{title}: {shown}", 15000)
        else:
            self.host.show_error(title, error)

    # --- model versions -------------------------------------------------------------------
    def refresh_models(self) -> None:
        self.versions.refresh()

    def show_models(self) -> None:
        self.docks["models"].show()
        self.docks["models"].raise_()  # shown first: the panel counts today's check set when visible
        self.versions.refresh()
        self.versions.update_check_scores()

    def _on_models_visibility(self, visible: bool) -> None:
        if visible:
            self.versions.documents_changed()

    def switch_model(self, path) -> None:
        self.versions.switch_model(path)

    # --- evaluation -----------------------------------------------------------------------
    def evaluate(self) -> None:
        model = self.host.model
        if not model.available:
            self.host.show_error("Nothing to evaluate", TrainingError("there is no current model"))
            return
        if self.evaluation is not None:
            self.evaluation.close()
        # The dialog and its error list are imported when first opened, not at start-up.
        from ner_studio.gui.learning.qt_evaluation import EvaluationDialog

        self.evaluation = EvaluationDialog(self.host, model.path, model.name, lambda: self.labelled_documents()[0],
                                           self.show_error_in_text)
        self.evaluation.show()

    def show_error_in_text(self, found) -> str | None:
        """Show an evaluation error (core/learning/error_analysis.py) in its document; None if shown,
        else why not."""
        workspace = self.host.workspace
        if found.doc_id is None or found.doc_id not in workspace.document_ids():
            return f"{found.document} is not a document of this project"
        from ner_studio.core.learning.error_analysis import located  # with the dialog, not at start-up

        where = located(found, workspace.document(found.doc_id).text)
        if where is None:
            return f"its sentence is no longer in {found.document}"
        self.host.show_range(found.doc_id, *where)
        return None


def install_learning(host: Host) -> LearningController:
    """Add training, model versions, the review queue and evaluation to ``host``."""
    return LearningController(host)
