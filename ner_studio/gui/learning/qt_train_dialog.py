"""The Train dialog: what fine-tuning will learn from (with each label's example count, a
warning for labels with too few to be predicted yet and the labels the check set cannot
judge), an optional base CoNLL file mixed in (so the model keeps what it knew), and how long
to train."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import html

from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
    QSpinBox, QWidget,
)

from ner_studio.core.learning.label_examples import LabelExamples, unchecked


def examples_html(rows: list[LabelExamples]) -> str:
    """A small table: label, examples to learn from, in the check set, and any problem."""
    cells = ["<tr><th align=left>Label</th><th>Examples</th><th>In check set</th><th align=left></th></tr>"]
    for row in rows:
        problem = row.problem or ""
        style = ' style="color:#b45309"' if problem else ""
        cells.append(f"<tr><td>{html.escape(row.label)}</td><td align=center>{row.train}</td>"
                     f"<td align=center>{row.check}</td><td{style}>{html.escape(problem)}</td></tr>")
    return f"<table cellspacing=0 cellpadding=3>{''.join(cells)}</table>"


@dataclass(frozen=True)
class TrainChoice:
    base_path: Path | None
    epochs: int


class TrainDialog(QDialog):
    def __init__(self, parent: QWidget | None, summary: str, *, base: str = "", epochs: int = 10,
                 examples: list[LabelExamples] = ()):
        super().__init__(parent)
        self.setWindowTitle("Fine-tune the model")
        form = QFormLayout(self)
        what = QLabel(summary)
        what.setWordWrap(True)
        self.examples = QLabel(examples_html(list(examples)))
        self.examples.setToolTip("Confirmed entities per label in what fine-tuning learns from, and in the check "
                                 "set that scores the new version (never learned from)")
        self.unchecked = QLabel(unchecked(examples))
        self.unchecked.setWordWrap(True)
        self.unchecked.setStyleSheet("color:#b45309")
        self.base = QLineEdit(base)
        self.base.setPlaceholderText("optional: e.g. the CoNLL training file of the current model")
        self.base.setToolTip("Sentences from this file are mixed into training (up to 2000), so the model "
                             "does not forget what it knew while it learns your corrections")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.base, 1)
        row.addWidget(browse)
        self.epochs = QSpinBox()
        self.epochs.setRange(1, 200)
        self.epochs.setValue(epochs)
        self.epochs.setToolTip("At most this many passes; training stops earlier when the held-out "
                               "reviewed sentences stop improving")
        form.addRow(what)
        if examples:
            form.addRow(self.examples)
        if self.unchecked.text():
            form.addRow(self.unchecked)
        form.addRow("Base CoNLL file", row)
        form.addRow("Epochs (at most)", self.epochs)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Train")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(560, self.sizeHint().height())

    def _browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Base training file", self.base.text(),
                                              "CoNLL (*.conll *.txt *.iob *.bio *.bioes *.tsv);;All files (*)")
        if name:
            self.base.setText(name)

    def choice(self) -> TrainChoice:
        text = self.base.text().strip()
        return TrainChoice(Path(text).expanduser() if text else None, self.epochs.value())
