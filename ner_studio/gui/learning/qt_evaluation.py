"""The Evaluate dialog: score the current model on the check set (reviewed sentences no
version trained on; the default, as only it is honest), on all reviewed documents, or on a
CoNLL file (entity-level precision, recall, F1 per label). The result says what it was
computed on and warns when that overlaps the model's training data; below the scores, every
error behind them (qt_error_list.py), a click showing it in the text. Scoring runs in a
worker; the dialog stays responsive and can be closed at any time."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QProgressBar,
    QPushButton, QRadioButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from ner_studio.core.learning.check_set import CHECK_SHARE, split_check
from ner_studio.core.text.document import Document
from ner_studio.core.logs import is_user_error
from ner_studio.gui.learning.learning_jobs import evaluation_task
from ner_studio.gui.learning.qt_error_list import ErrorList
from ner_studio.gui.shell.qt_dialogs import show_error
from ner_studio.gui.shell.qt_tables import read_only
from ner_studio.gui.shell.qt_task_worker import TaskWorker

COLUMNS = ("Label", "Precision", "Recall", "F1", "Entities")


class _Survivors(QObject):
    """Workers of closed dialogs, kept until their threads end. A QObject of the UI thread, so
    the release runs there: a lambda connected to a worker's signal runs in the worker's thread."""

    def __init__(self):
        super().__init__()
        self.workers: set[TaskWorker] = set()

    def keep(self, worker: TaskWorker) -> None:
        self.workers.add(worker)
        worker.finished.connect(self._release)

    @Slot()
    def _release(self) -> None:
        self.workers = {worker for worker in self.workers if worker.is_running()}


_SURVIVORS: list[_Survivors] = []  # made on first use, in the UI thread


def score_rows(evaluation) -> list[tuple[str, ...]]:
    """Table rows (percentages) of an ``Evaluation``, one per label, then the overall row."""
    rows = []
    for label, s in [*sorted(evaluation.per_label.items()), ("overall", evaluation.overall)]:
        rows.append((label, f"{100 * s.precision:.1f}", f"{100 * s.recall:.1f}", f"{100 * s.f1:.1f}", str(s.support)))
    return rows


class EvaluationDialog(QDialog):
    def __init__(self, parent: QWidget | None, model_path: Path, model_name: str,
                 reviewed_documents: Callable[[], list[Document]],
                 show_error: Callable[[object], str | None] = lambda found: "not in the project"):
        """``show_error(found)`` shows an ErrorInContext in the text; it returns None, or why
        it cannot (e.g. the error is in a CoNLL file, not in the project)."""
        super().__init__(parent)
        self.setWindowTitle(f"Evaluate {model_name}")
        self.model_path = model_path
        self._reviewed_documents = reviewed_documents
        self._show_error = show_error
        self.worker: TaskWorker | None = None
        self.on_check = QRadioButton("The check set: reviewed sentences no model version trained on")
        self.on_reviewed = QRadioButton("All reviewed documents (also what the model may have trained on)")
        self.on_file = QRadioButton("A CoNLL file:")
        self.on_check.setChecked(True)
        self.path = QLineEdit()
        self.path.setPlaceholderText("test.conll")
        self.path.textEdited.connect(lambda _t: self.on_file.setChecked(True))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self.run = QPushButton("Evaluate")
        self.run.setDefault(True)
        self.run.clicked.connect(self.start)
        self.progress = QProgressBar()
        self.progress.hide()
        self.status = QLabel(f"Scores the current model ({model_name}) against gold entities.")
        self.status.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        read_only(self.table, pick_rows=False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.errors = ErrorList()
        self.errors.chosen.connect(self._on_error_chosen)
        file_row = QHBoxLayout()
        file_row.addWidget(self.on_file)
        file_row.addWidget(self.path, 1)
        file_row.addWidget(browse)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.on_check)
        layout.addWidget(self.on_reviewed)
        layout.addLayout(file_row)
        layout.addWidget(self.run)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.errors, 2)
        layout.addWidget(close)
        self.resize(760, 620)

    def _browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Gold annotations", self.path.text(),
                                              "CoNLL (*.conll *.txt *.iob *.bio *.bioes *.tsv);;All files (*)")
        if name:
            self.path.setText(name)
            self.on_file.setChecked(True)

    def start(self) -> None:
        if self.worker is not None:
            return
        if self.on_file.isChecked():
            path = Path(self.path.text().strip()).expanduser()
            if not self.path.text().strip():
                self.status.setText("Choose a CoNLL file to score against.")
                return
            task = evaluation_task(self.model_path, conll_path=path)
        else:
            docs = self._reviewed_documents()
            what = "the reviewed documents"
            if self.on_check.isChecked():
                docs, what = split_check(docs)[1], "the check set"
            if not docs:
                self.status.setText("Nothing to score yet: mark documents reviewed (Ctrl+Enter); a fixed "
                                    f"{100 * CHECK_SHARE:.0f}% of their sentences form the check set. Or choose "
                                    "a CoNLL file.")
                return
            task = evaluation_task(self.model_path, docs=docs, what=what)
        self.worker = TaskWorker(task, "evaluate")
        self.worker.progress.connect(self._on_progress)
        self.worker.succeeded.connect(self._on_scored)
        self.worker.failed.connect(self._on_failed)
        self.worker.finished.connect(self._on_finished)
        self.run.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.status.setText("Scoring…")
        self.worker.start()

    def _on_progress(self, counts) -> None:
        done, total = counts
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _on_scored(self, scored) -> None:
        self.show_scores(scored.evaluation)
        self.errors.set_errors(scored.errors)
        if scored.warning:
            self.status.setText(f"Entity-level scores on {scored.what}.\nWarning: {scored.warning}.")
            self.status.setStyleSheet("color: #b45309;")
        else:
            self.status.setText(f"Entity-level scores on {scored.what}.")
            self.status.setStyleSheet("")

    def show_scores(self, evaluation) -> None:
        rows = score_rows(evaluation)
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))

    def _on_error_chosen(self, found) -> None:
        why_not = self._show_error(found)
        if why_not:
            self.status.setText(f"Cannot show this error in the text: {why_not}.")

    def _on_failed(self, error) -> None:
        self.status.setText(f"Evaluation failed: {error}")
        self.status.setStyleSheet("color: #b42318;")
        if not is_user_error(error):  # a bug: the error dialog, with the traceback for a report
            show_error(self, "Evaluation failed", error)

    def _on_finished(self) -> None:
        self.worker = None
        self.run.setEnabled(True)
        self.progress.hide()

    def done(self, result: int) -> None:
        # Closing while scoring: the answer is no longer wanted, but the thread must not be
        # destroyed while it runs, so the worker is kept alive until it ends on its own.
        worker, self.worker = self.worker, None
        if worker is not None:
            for signal in (worker.progress, worker.succeeded, worker.failed, worker.finished):
                signal.disconnect()
            worker.cancel()
            if not _SURVIVORS:
                _SURVIVORS.append(_Survivors())
            _SURVIVORS[0].keep(worker)
        super().done(result)
