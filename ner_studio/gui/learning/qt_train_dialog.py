"""The Train dialog: what fine-tuning will learn from (with each label's example count, a
warning for labels with too few to be predicted yet and the labels the check set cannot
judge), an optional base CoNLL file mixed in (so the model keeps what it knew), and how long
to train.

The dialog shows at once, saying "Counting…": the training set is counted in a worker thread
(:func:`training_set_task`). Counted on the UI thread, the check split, the counts and each
label's examples held the window 175-191 ms before the dialog showed, on a project of 4,000
reviewed sentences, 80% of it the check split; now 20 ms (benchmarks/train_dialog.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import html

from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
    QSpinBox, QWidget,
)

from ner_studio.core.learning.check_set import CheckSplit
from ner_studio.core.learning.label_examples import LabelExamples, label_examples, unchecked
from ner_studio.core.learning.training_set import count_sentences
from ner_studio.core.text.document import Document

COUNTING = "Counting the reviewed sentences…"


@dataclass(frozen=True)
class TrainingSetCount:
    """What the dialog says of the training set: sentences to learn from, sentences of the
    check set, and each label's examples in both."""

    train_sentences: int
    check_sentences: int
    examples: list[LabelExamples]


def training_set_task(split: CheckSplit, docs: Sequence[Document], labels: Sequence[str], known: Sequence[str]):
    """A task (for a TaskWorker) counting the training set of ``docs`` (labelled snapshots:
    immutable, safe in another thread). ``split`` is the controller's: it replaces its
    remembered cuts in one assignment, so a cut asked meanwhile costs a cut again, never a
    wrong one (as the Models panel's count, learning_jobs.check_set_task)."""
    docs, labels, known = list(docs), list(labels), list(known)

    def run(report: Callable[[object], None], should_stop: Callable[[], bool]) -> TrainingSetCount:
        train, check = split.split(docs)
        return TrainingSetCount(count_sentences(train), count_sentences(check), label_examples(labels, train, check, known))

    return run


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
    """Shown while the training set is counted (``counting``): Train is enabled once the
    counts arrive (:meth:`show_count`)."""

    def __init__(self, parent: QWidget | None, *, base: str = "", epochs: int = 10):
        super().__init__(parent)
        self.setWindowTitle("Fine-tune the model")
        self.counting = True
        self.rows: list[LabelExamples] = []  # each label's examples, once counted
        form = QFormLayout(self)
        self.what = what = QLabel(COUNTING)
        what.setWordWrap(True)
        self.examples = QLabel()
        self.examples.setToolTip("Confirmed entities per label in what fine-tuning learns from, and in the check "
                                 "set that scores the new version (never learned from)")
        self.examples.hide()
        self.unchecked = QLabel()
        self.unchecked.setWordWrap(True)
        self.unchecked.setStyleSheet("color:#b45309")
        self.unchecked.hide()
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
        form.addRow(self.examples)
        form.addRow(self.unchecked)
        form.addRow("Base CoNLL file", row)
        form.addRow("Epochs (at most)", self.epochs)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.train_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.train_button.setText("Train")
        self.train_button.setEnabled(False)  # once counted
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(560, self.sizeHint().height())

    def show_count(self, summary: str, examples: list[LabelExamples]) -> None:
        """The counts arrived: what training learns from, each label's examples; Train enabled."""
        self.counting = False
        self.rows = examples
        self.what.setText(summary)
        self.examples.setText(examples_html(examples))
        self.examples.setVisible(bool(examples))
        self.unchecked.setText(unchecked(examples))
        self.unchecked.setVisible(bool(self.unchecked.text()))
        self.train_button.setEnabled(True)
        self.resize(self.width(), self.sizeHint().height())

    def _browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Base training file", self.base.text(),
                                              "CoNLL (*.conll *.txt *.iob *.bio *.bioes *.tsv);;All files (*)")
        if name:
            self.base.setText(name)

    def choice(self) -> TrainChoice:
        text = self.base.text().strip()
        return TrainChoice(Path(text).expanduser() if text else None, self.epochs.value())
