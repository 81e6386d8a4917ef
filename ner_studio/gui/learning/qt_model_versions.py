"""Model versions: which model is current, switching (and rolling back), and every version's
score on the check set, computed in the background so the Models panel compares them all (the
bundled model too) on the same reviewed sentences none of them trained on. While the panel is
shown, its footnote follows the check set as documents are reviewed (recounted after a pause)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from ner_studio.core.learning.check_set import CheckSplit
from ner_studio.core.text.document import Document, Status
from ner_studio.core.errors import NerStudioError, TrainingError
from ner_studio.core.logs import is_user_error
from ner_studio.gui.learning.learning_jobs import check_scores_task, check_set_task
from ner_studio.gui.shell.tagging_jobs import ModelHandle
from ner_studio.gui.learning.qt_models_panel import ModelsPanel, check_note, model_rows
from ner_studio.gui.shell.qt_task_worker import TaskWorker
from ner_studio.resources import bundled_model_path
from ner_studio.gui.shell.qt_host import Host

CHECK_SCORES_SETTING = "learning.check_scores"  # {"key", "sentences", "scores": {model path: scores}}
# After the last change of a document: a burst of reviews recounts once. Recounting reads every
# reviewed document, so it waits for a pause in the reviewing: at 800 ms it ran after every
# sentence of a steady analyst (one each 2-3 s), 53-101 of the analyst benchmark's stall stacks
# (benchmarks/results/2026-12-07-analyst-loop.md); the footnote may lag a few seconds instead.
RECOUNT_DELAY_MS = 4000
# Loading documents to tag them again, per turn of the event loop: well under the 100 ms a
# person notices, with room for the rest of the turn.
RETAG_SLICE_SECONDS = 0.03


class ModelVersions(QObject):
    in_child = True  # score in a child process (learning_jobs.check_scores_task); tests patching scores: False

    def __init__(self, host: Host, panel: ModelsPanel, labelled_documents: Callable[[], list[Document]],
                 check_split: CheckSplit):
        """``check_split`` is the controller's, so the Train dialog and this panel cut each
        document once (a run cuts its own snapshots in its process)."""
        super().__init__(host)
        self.host = host
        self.panel = panel
        self._labelled_documents = labelled_documents
        self.check_split = check_split
        self._scoring: TaskWorker | None = None
        self._counting: TaskWorker | None = None  # the check set's count (_count)
        self._counting_for: tuple = (None, False)  # the project it counts for, and whether to score then
        self._count_again = False  # asked to count while a count ran
        self._score_after = False  # and to score after it
        self._today: tuple = (None, None)  # the project and its last counted check set (sentences, key)
        self._scoring_for: tuple = (None, {})  # the project and stored scores being completed
        self._retag: tuple = (None, [])  # the workspace and the ids still to load for tagging again
        self._recount = QTimer(self)
        self._recount.setSingleShot(True)
        self._recount.setInterval(RECOUNT_DELAY_MS)
        self._recount.timeout.connect(self._on_recount)
        panel.switch_requested.connect(self.switch_model)

    def documents_changed(self) -> None:
        """A document's status or entities changed: the check set may have too."""
        if self.panel.isVisible():
            self._recount.start()

    def _on_recount(self) -> None:
        if self.panel.isVisible():
            self._count(score=True)

    def _count(self, *, score: bool) -> None:
        """Cut today's check set out of the labelled snapshots (taken here: kept while a document
        is unchanged, cheap) in a worker thread, then redraw the panel and, ``score``, score the
        versions it has no score of. On the UI thread, cutting the documents reviewed since the
        last count stalled the window 170-190 ms for 20 of them on a busy machine
        (benchmarks/results/2026-12-07-stalls-training.md). One count at a time: asked again
        meanwhile, it counts once more when this one is done."""
        project = self.host.workspace.project
        self._score_after = self._score_after or score
        if project.closed:
            return
        if self._counting is not None:
            self._count_again = True
            return
        score, self._score_after, self._count_again = self._score_after, False, False
        worker = TaskWorker(check_set_task(self.check_split, self._labelled_documents()), "check set")
        worker.succeeded.connect(self._on_counted)
        worker.finished.connect(self._on_counting_finished)
        self._counting, self._counting_for = worker, (project, score)
        worker.start()

    def _on_counted(self, check_docs: list[Document]) -> None:
        project, score = self._counting_for
        if project is not self.host.workspace.project or project.closed:
            return
        self.refresh(check_docs)
        if score:
            self.update_check_scores(check_docs)

    def _on_counting_finished(self) -> None:
        self._counting = None
        if self._count_again:
            self._count(score=False)  # a score asked meanwhile is still asked (_score_after)

    def shutdown(self) -> None:
        for worker in (self._scoring, self._counting):
            if worker is not None:
                worker.cancel()
                worker.wait()

    def refresh(self, check_docs: list[Document] | None = None) -> None:
        """Redraw the panel; shown, with today's check set (hidden, that waits until it is shown:
        reading every reviewed document is not for the start of the app): ``check_docs`` if the
        caller has them, else the last count while a new one runs in the background."""
        project = self.host.workspace.project
        check = project.get_setting(CHECK_SCORES_SETTING, None) or {}
        today = None
        if self.panel.isVisible():
            if check_docs is None:
                today = self._today[1] if self._today[0] is project else None
                self._count(score=False)
            else:
                today = (sum(len(d.sentences) for d in check_docs), self.check_split.fingerprint(check_docs))
                self._today = (project, today)
        rows = model_rows(project.model_versions(), bundled_model_path(), self.host.model.path, check)
        self.panel.show_models(rows, self.host.model.path, check_note(check, today))

    def update_check_scores(self, check_docs: list[Document] | None = None) -> None:
        """Score, in the background, every model not yet scored on the current check set
        (``check_docs`` if the caller has them, else counted first), so the panel compares all
        versions (the bundled model too) on the same sentences."""
        if check_docs is None:  # counted in the background first
            self._count(score=True)
            return
        if self._scoring is not None:
            return
        project = self.host.workspace.project
        key = self.check_split.fingerprint(check_docs)
        stored = project.get_setting(CHECK_SCORES_SETTING, None) or {}
        if stored.get("key") != key:
            stored = {"key": key, "sentences": sum(len(d.sentences) for d in check_docs), "scores": {}}
        paths = [Path(v.path) for v in project.model_versions()] + [bundled_model_path()]
        missing = [p for p in paths if p is not None and p.is_file() and str(p) not in stored["scores"]]
        if not check_docs or not missing:
            return
        worker = TaskWorker(check_scores_task(missing, check_docs, in_child=self.in_child), "check scores")
        # Bound methods of this QObject, so the worker thread's signals are queued to the UI.
        worker.succeeded.connect(self._on_check_scored)
        worker.failed.connect(self._on_check_scoring_failed)
        worker.finished.connect(self._on_scoring_finished)
        self._scoring, self._scoring_for = worker, (project, stored)
        worker.start()

    def _on_check_scored(self, scores) -> None:
        project, stored = self._scoring_for
        if project.closed:
            return
        stored["scores"].update({str(path): evaluation.to_dict() for path, evaluation in scores.items()})
        try:
            project.set_setting(CHECK_SCORES_SETTING, stored)
        except NerStudioError as error:
            self.host.show_status(f"Check scores not saved: {error}", 8000)
        if project is self.host.workspace.project:
            self.refresh()

    def _on_check_scoring_failed(self, error) -> None:
        if is_user_error(error):
            self.host.show_status(f"Check scores could not be computed: {error}", 8000)
        else:  # a bug: the error dialog, with the traceback for a report
            self.host.show_error("Check scores could not be computed", error)

    def _on_scoring_finished(self) -> None:
        self._scoring = None

    def switch_model(self, path) -> None:
        """Make ``path`` the current model and tag the documents not reviewed with it."""
        path = Path(path)
        if not path.is_file():
            self.host.show_error("The model cannot be used", TrainingError(f"{path}: the model file is missing"))
            return
        handle = ModelHandle(path)
        workspace = self.host.workspace
        workspace.set_model(handle)
        self.refresh()
        self._retag = (workspace, [i for i in workspace.document_ids() if workspace.summary(i).status != Status.REVIEWED])
        self._retag_slice()  # the first slice now: tagging is under way when this returns
        self.host.show_status(f"Now tagging with {handle.name}", 5000)

    def _retag_slice(self) -> None:
        """Queue the next documents not reviewed for tagging, loading them for at most
        ``RETAG_SLICE_SECONDS``; the rest in later turns of the event loop, so a project of
        many documents (a loop round's adopted version tags them all) never freezes the window."""
        workspace, ids = self._retag
        if workspace is not self.host.workspace or workspace.project.closed:
            self._retag = (None, [])
            return
        deadline = time.monotonic() + RETAG_SLICE_SECONDS
        docs = []
        while ids and (not docs or time.monotonic() < deadline):  # one at least: progress
            try:
                docs.append(workspace.document(ids.pop(0)))
            except NerStudioError:  # gone or unreadable: the workspace has said so
                continue
        workspace.predict(docs)
        if ids:
            QTimer.singleShot(0, self, self._retag_slice)
