"""The loop's effect, shown to the analyst: per review batch (every ten sentences looked at, a
new one when the model changes; ``core.learning.review_log``), span corrections per 100 tokens and
seconds per sentence, with a dotted line and its name where each model version took over.
Falling lines mean the fine-tuned versions are saving work; flat ones, that they are not (yet)."""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QWidget

from ner_studio.core.plural import plural
from ner_studio.core.learning.review_log import BatchEffect
from ner_studio.gui.shell.qt_chart import Axis, Series, draw_chart

CORRECTIONS, SECONDS = "corrections / 100 tokens", "seconds / sentence"
EMPTY_TEXT = "Review documents the model tagged (Ctrl+Enter or Review Next): what each batch cost you appears here."


class EffortChart(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setMinimumSize(240, 80)  # an 800x600 window must still fit its docks (issue 23)
        self.series = {CORRECTIONS: Series(CORRECTIONS, "#dc2626"),
                       SECONDS: Series(SECONDS, "#7c3aed", dashed=True, axis="right")}
        self.batches: list[BatchEffect] = []
        self.marks: list[tuple[float, str]] = []  # (batch number, model) where a version took over

    def show_batches(self, batches: list[BatchEffect]) -> None:
        self.batches = batches
        self.series[CORRECTIONS].points[:] = [(k, b.corrections_per_100_tokens) for k, b in enumerate(batches, 1)]
        self.series[SECONDS].points[:] = [(k, b.seconds_per_sentence) for k, b in enumerate(batches, 1)]
        self.marks = [(k, b.model) for k, b in enumerate(batches, 1) if k == 1 or batches[k - 2].model != b.model]
        lines = [f"batch {k} ({b.model}): {plural(b.sentences, 'sentence')}, {b.corrections_per_100_tokens:.1f} corrections "
                 f"per 100 tokens, {b.seconds_per_sentence:.1f} s per sentence"
                 f"{'; ' + plural(b.glanced, 'sentence') + ' marked reviewed without a look, not counted' if b.glanced else ''}"
                 for k, b in enumerate(batches, 1)]
        self.setToolTip("\n".join(lines) or EMPTY_TEXT)
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        draw_chart(painter, QRectF(self.rect()), list(self.series.values()), x_label="review batch (model version)",
                   left=Axis("corrections", 0.0, None), right=Axis("s / sentence", 0.0, None),
                   x_range=(0, max(len(self.batches), 1) + 1), empty_text=EMPTY_TEXT, marks=self.marks)
        painter.end()
