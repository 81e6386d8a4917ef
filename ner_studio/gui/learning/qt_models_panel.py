"""The Models dock: the bundled model and every fine-tuned version of this project side by
side, each scored on the same check sentences (reviewed sentences no version trained on), with
the verdict that adopted it or kept it aside; the analyst switches to any of them (or rolls
back) with one button."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidget, QTableWidgetItem,
    QVBoxLayout, QWidget,
)

from ner_studio.core.learning.check_set import CHECK_SHARE
from ner_studio.core.plural import plural
from ner_studio.core.store.project import ModelVersion
from ner_studio.gui.shell.qt_tables import read_only

COLUMNS = ("", "Model", "Check F1", "Verdict")
CHECK_TIP = "Entity F1 on the check set: reviewed sentences that no version trained on"


@dataclass(frozen=True)
class ModelRow:
    path: Path
    version_id: int | None
    cells: tuple[str, ...]
    tooltip: str


def _f1(scores: dict | None) -> str:
    return "—" if not scores else f"{100 * scores.get('f1', 0.0):.1f}"


def _per_label(scores: dict | None) -> str:
    per_label = (scores or {}).get("per_label", {})
    return " · ".join(f"{label} {_f1(s)}" for label, s in sorted(per_label.items())) or "—"


def model_rows(versions: list[ModelVersion], default_path: Path | None, active: Path | None,
               check: dict | None = None) -> list[ModelRow]:
    """One row per model, newest version first, the bundled model last. ``check`` is the
    stored check-set scores: ``{"sentences": n, "scores": {path: Evaluation dict}}``."""
    scores = (check or {}).get("scores", {})
    names = {v.version_id: f"#{v.version_id}" for v in versions}
    rows = []
    for version in reversed(versions):
        path = Path(version.path)
        metrics = version.metrics or {}
        scored = scores.get(str(path))
        parent = names.get(version.parent_id) or Path(metrics.get("parent_path") or "").stem or "—"
        verdict = (metrics.get("verdict") or {}).get("reason", "—")
        missing = "" if path.exists() else " (file missing)"
        created = version.created.replace("T", " ")[:16]
        cells = ("●" if active == path else "", f"#{version.version_id} · {created[5:]}{missing}",
                 _f1((scored or {}).get("overall")), verdict)
        documents = ", ".join(metrics.get("documents", [])[:10])
        tooltip = (f"{path}\nCreated {created}\nFine-tuned from {parent} on {metrics.get('train_sentences', '?')} sentences, "
                   f"{metrics.get('epochs', '?')} epochs\nCheck F1 per label: {_per_label(scored)}\n"
                   f"Verdict: {verdict}\nDocuments: {documents or '—'}")
        rows.append(ModelRow(path, version.version_id, cells, tooltip))
    if default_path is not None:
        scored = scores.get(str(default_path))
        cells = ("●" if active == default_path else "", "bundled", _f1((scored or {}).get("overall")),
                 "shipped with NER Studio (CoNLL-2003 news)")
        tooltip = f"{default_path}\nThe model shipped with NER Studio\nCheck F1 per label: {_per_label(scored)}"
        rows.append(ModelRow(default_path, None, cells, tooltip))
    return rows


def check_note(stored: dict, today: tuple[int, str] | None) -> str:
    """The footnote under the table. ``today`` is ``(sentences, fingerprint)`` of the check
    set as it is now (None: not counted, the stored count stands): the tester saw a count from
    an older check set while the scores above it were being redone on a new one (issue 23)."""
    share = f"a fixed {100 * CHECK_SHARE:.0f}% of what you review"
    sentences = stored.get("sentences", 0) if today is None else today[0]
    if not sentences:
        return f"Check F1 appears once reviewed sentences fall in the check set ({share}, never trained on)."
    if today is not None and stored.get("scores") and stored.get("key") != today[1]:
        return (f"Check F1 below was measured on the {plural(stored.get('sentences', 0), 'check sentence')} of before; "
                f"the check set has {sentences} now ({share}, never trained on), and the models are being scored on them.")
    return f"Check F1: entity F1 on {plural(sentences, 'reviewed sentence')} no version trained on ({share})."


class ModelsPanel(QWidget):
    switch_requested = Signal(object)  # the model file

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.horizontalHeaderItem(2).setToolTip(CHECK_TIP)
        read_only(self.table)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        # Readable in a narrow dock without scrolling sideways: the verdict takes what is left
        # and is elided (its full text is the tooltip).
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        for column in (0, 1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self._switch())
        self.use = QPushButton("Use Selected Model")
        self.use.setToolTip("Make the selected model the current one (roll back or forward) and tag the "
                            "documents not reviewed yet with it; your own entities are kept")
        self.use.clicked.connect(self._switch)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.check_note = QLabel()
        self.check_note.setWordWrap(True)
        self.check_note.setStyleSheet("color: #6b7280;")
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        row.addWidget(self.use)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.check_note)
        layout.addLayout(row)
        self.rows: list[ModelRow] = []

    def show_models(self, rows: list[ModelRow], active: Path | None, check_note: str = "") -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        bold = QFont(self.table.font())
        bold.setBold(True)
        for r, row in enumerate(rows):
            for c, text in enumerate(row.cells):
                item = QTableWidgetItem(text)
                item.setToolTip(row.tooltip if c != 3 else f"{text}\n\n{row.tooltip}")
                if c in (0, 2):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if row.path == active:
                    item.setFont(bold)
                self.table.setItem(r, c, item)
        self.summary.setText(f"Current model: {active.stem if active else 'none'}")
        self.check_note.setText(check_note)

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)

    def _switch(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.rows):
            self.switch_requested.emit(self.rows[row].path)
