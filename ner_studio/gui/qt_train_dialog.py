"""The Train dialog: what fine-tuning will learn from, an optional base CoNLL file mixed in (so
the model keeps what it knew), and how long to train."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
    QSpinBox, QWidget,
)


@dataclass(frozen=True)
class TrainChoice:
    base_path: Path | None
    epochs: int


class TrainDialog(QDialog):
    def __init__(self, parent: QWidget | None, summary: str, *, base: str = "", epochs: int = 10):
        super().__init__(parent)
        self.setWindowTitle("Fine-tune the model")
        form = QFormLayout(self)
        what = QLabel(summary)
        what.setWordWrap(True)
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
