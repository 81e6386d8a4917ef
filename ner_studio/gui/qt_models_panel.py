"""The Models dock: the bundled model and every fine-tuned version of this project, with their
dev scores; the analyst switches to any of them (or rolls back) with one button."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidget, QTableWidgetItem,
    QVBoxLayout, QWidget,
)

from ner_studio.core.project import ModelVersion

COLUMNS = ("", "Model", "Created", "Parent", "Dev F1", "Per label (dev F1)", "Trained on")


@dataclass(frozen=True)
class ModelRow:
    path: Path
    version_id: int | None
    cells: tuple[str, ...]
    tooltip: str


def _f1(scores: dict | None) -> str:
    return "—" if not scores else f"{100 * scores.get('f1', 0.0):.1f}"


def model_rows(versions: list[ModelVersion], default_path: Path | None, active: Path | None) -> list[ModelRow]:
    """One row per model, newest version first, the bundled model last."""
    names = {v.version_id: f"#{v.version_id}" for v in versions}
    rows = []
    for version in reversed(versions):
        path = Path(version.path)
        metrics = version.metrics or {}
        dev = metrics.get("dev", {})
        labels = " · ".join(f"{label} {_f1(s)}" for label, s in sorted(dev.get("per_label", {}).items()))
        parent = names.get(version.parent_id) or Path(metrics.get("parent_path") or "").stem or "—"
        trained = f"{metrics.get('train_sentences', '?')} sentences, {metrics.get('epochs', '?')} epochs"
        missing = "" if path.exists() else " (file missing)"
        cells = ("●" if active == path else "", f"#{version.version_id} {path.stem}{missing}",
                 version.created.replace("T", " ")[:16], parent, _f1(dev.get("overall")), labels, trained)
        documents = ", ".join(metrics.get("documents", [])[:10])
        tooltip = f"{path}\n{version.notes}\nDocuments: {documents or '—'}"
        rows.append(ModelRow(path, version.version_id, cells, tooltip))
    if default_path is not None:
        cells = ("●" if active == default_path else "", "bundled model", "", "—", "—", "", "CoNLL-2003")
        rows.append(ModelRow(default_path, None, cells, f"{default_path}\nThe model shipped with NER Studio"))
    return rows


class ModelsPanel(QWidget):
    switch_requested = Signal(object)  # the model file

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _index: self._switch())
        self.use = QPushButton("Use Selected Model")
        self.use.setToolTip("Make the selected model the current one (roll back or forward) and tag the "
                            "documents not reviewed yet with it; your own entities are kept")
        self.use.clicked.connect(self._switch)
        self.summary = QLabel()
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        row.addWidget(self.use)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        self.rows: list[ModelRow] = []

    def show_models(self, rows: list[ModelRow], active: Path | None) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        bold = QFont(self.table.font())
        bold.setBold(True)
        for r, row in enumerate(rows):
            for c, text in enumerate(row.cells):
                item = QTableWidgetItem(text)
                item.setToolTip(row.tooltip)
                if c == 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if row.path == active:
                    item.setFont(bold)
                self.table.setItem(r, c, item)
        self.summary.setText(f"Current model: {active.stem if active else 'none'}")

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)

    def _switch(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.rows):
            self.switch_requested.emit(self.rows[row].path)
