"""The Training dock: progress (epoch, batch, ETA), a live plot of train loss and of the loss
and F1 on the early-stopping hold-out per epoch, Cancel, what happened last (finished, cancelled, or the error), and below it what
each review batch cost the analyst (``qt_effort_chart``)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from ner_studio.gui.shell.qt_chart import Axis, Series, draw_chart
from ner_studio.gui.learning.qt_effort_chart import EffortChart
from ner_studio.model.interface import TrainingProgress

# The "dev" curves are scored on reviewed sentences fine-tuning holds back to pick its best epoch
# (``core.learning.check_set.split_band``), not on the check set that later judges the version: a tester
# read "dev F1" as the check-set score and found the Models panel disagreeing (issue 23).
TRAIN_LOSS, DEV_LOSS, DEV_F1 = "train loss", "hold-out loss", "hold-out F1"
PLOT_TITLE = "Hold-out: early stopping, not the check set"
PLOT_TIP = ("Hold-out: reviewed sentences fine-tuning keeps out of its training to decide when to stop "
            "(the best epoch is kept). It is not the check set: the check set judges the finished version "
            "against the current model, in the Models panel.")
EMPTY_TEXT = "No training yet: the curves appear here, epoch by epoch, once you train."


def format_eta(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


class TrainingPlot(QWidget):
    """Per-epoch curves; loss on the left axis, F1 (%) on the right."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setMinimumSize(240, 100)  # an 800x600 window must still fit its docks (issue 23)
        self.setToolTip(PLOT_TIP)
        self.series = {
            TRAIN_LOSS: Series(TRAIN_LOSS, "#2563eb"),
            DEV_LOSS: Series(DEV_LOSS, "#f59e0b", dashed=True),
            DEV_F1: Series(DEV_F1, "#16a34a", axis="right"),
        }
        self.epochs = 1

    def clear(self, epochs: int) -> None:
        for series in self.series.values():
            series.points.clear()
        self.epochs = max(epochs, 1)
        self.update()

    def add_epoch(self, epoch: int, train_loss: float, dev_loss: float | None, dev_f1: float | None) -> None:
        self.series[TRAIN_LOSS].points.append((epoch, train_loss))
        if dev_loss is not None:
            self.series[DEV_LOSS].points.append((epoch, dev_loss))
        if dev_f1 is not None:
            self.series[DEV_F1].points.append((epoch, dev_f1))
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        draw_chart(painter, QRectF(self.rect()), list(self.series.values()), x_label="epoch",
                   left=Axis("loss"), right=Axis("F1 %", 0.0, 1.0, percent=True), x_range=(0, self.epochs),
                   title=PLOT_TITLE, empty_text=EMPTY_TEXT)
        painter.end()


class TrainingPanel(QWidget):
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("Not training")
        self.cancel = QPushButton("Cancel")
        self.cancel.setToolTip("Stop training after the current batch; the current model stays active")
        self.cancel.setEnabled(False)
        self.cancel.clicked.connect(self.cancel_requested)
        self.status = QLabel("Train fine-tunes the current model on your reviewed documents.")
        self.status.setWordWrap(True)
        self.plot = TrainingPlot()
        self.effort = EffortChart()
        effort_title = QLabel("Is the model saving you work? Per review batch (one model version):")
        effort_title.setWordWrap(True)
        effort_title.setStyleSheet("color: #4b5563; margin-top: 6px;")
        row = QHBoxLayout()
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.plot, 1)
        layout.addWidget(effort_title)
        layout.addWidget(self.effort, 1)
        self.epochs_seen: list[int] = []
        self.running = False  # between started() and ended()

    def started(self, description: str, epochs: int) -> None:
        self.plot.clear(epochs)
        self.epochs_seen = []
        self.progress.setRange(0, 0)  # busy until the first batch reports
        self.progress.setFormat("Starting…")
        self.status.setText(description)
        self.status.setStyleSheet("")
        self.cancel.setEnabled(True)
        self.running = True

    def describe(self, description: str) -> None:
        """The run's line, once it knows what it learns from (before its first batch)."""
        if self.running and not self.epochs_seen:
            self.status.setText(description)

    def show_progress(self, progress: TrainingProgress) -> None:
        """Progress from the worker (ignored once the run has ended, and what is not a batch's or
        an epoch's: a run's first report says what it learns from, see :meth:`describe`)."""
        if not self.running or not isinstance(progress, TrainingProgress):
            return
        total = progress.epochs * progress.batches
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue((progress.epoch - 1) * progress.batches + progress.batch)
        self.progress.setFormat(f"Epoch {progress.epoch}/{progress.epochs} · batch {progress.batch}/"
                                f"{progress.batches} · ETA ≤ {format_eta(progress.eta_seconds)}")
        if progress.phase == "epoch":
            self.epochs_seen.append(progress.epoch)
            self.plot.add_epoch(progress.epoch, progress.loss, progress.dev_loss, progress.dev_f1)
            f1 = "" if progress.dev_f1 is None else f", hold-out F1 {100 * progress.dev_f1:.1f}"
            self.status.setText(f"Epoch {progress.epoch}: train loss {progress.loss:.3f}, hold-out loss "
                                f"{progress.dev_loss:.3f}{f1} (best epoch {progress.best_epoch})")

    def cancelling(self) -> None:
        self.cancel.setEnabled(False)
        self.progress.setFormat("Cancelling after this batch…")

    def ended(self, message: str, *, error: bool = False, cancelled: bool = False) -> None:
        """The run is over: finished, ``cancelled`` by the analyst, or failed (``error``)."""
        self.running = False
        self.cancel.setEnabled(False)
        self.progress.setRange(0, 1)
        self.progress.setValue(1 if not (error or cancelled) else 0)
        self.progress.setFormat("Failed" if error else "Cancelled" if cancelled else "Done")
        self.status.setText(message)
        self.status.setStyleSheet("color: #b42318; font-weight: 600;" if error else "")
