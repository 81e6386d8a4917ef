"""The document list: name, status (new / predicted / reviewed) and entity count per document."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from ner_studio.core.document import Status
from ner_studio.gui.annotate.qt_table_model import ColumnsTableModel

COLUMNS = ("Document", "Status", "Entities")
STATUS_COLOURS = {Status.NEW: "#6b7280", Status.PREDICTED: "#b45309", Status.REVIEWED: "#15803d"}
STATUS_TEXT = {Status.NEW: "○ new", Status.PREDICTED: "◐ predicted", Status.REVIEWED: "● reviewed"}


class DocumentListModel(ColumnsTableModel):
    """Rows come from the workspace's summaries; ``refresh_row`` redraws one document."""

    columns = COLUMNS

    def __init__(self, parent=None):
        super().__init__(parent)
        self._workspace = None
        self._ids: list[int] = []

    def set_workspace(self, workspace) -> None:
        self.beginResetModel()
        self._workspace = workspace
        self._ids = workspace.document_ids() if workspace else []
        self.endResetModel()

    def append(self, doc_ids: list[int]) -> None:
        new = [i for i in doc_ids if i not in set(self._ids)]
        if new:
            self.beginInsertRows(QModelIndex(), len(self._ids), len(self._ids) + len(new) - 1)
            self._ids.extend(new)
            self.endInsertRows()

    def refresh_row(self, doc_id: int) -> None:
        row = self.row_of(doc_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def row_of(self, doc_id: int) -> int | None:
        try:
            return self._ids.index(doc_id)
        except ValueError:
            return None

    def doc_id(self, row: int) -> int:
        return self._ids[row]

    def row_count(self) -> int:
        return len(self._ids)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        summary = self._workspace.summary(self._ids[index.row()])
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return summary.name or f"Document {summary.doc_id}"
            if column == 1:
                return STATUS_TEXT[summary.status]
            return summary.entity_count
        if role == Qt.ItemDataRole.ForegroundRole and column == 1:
            return QBrush(QColor(STATUS_COLOURS[summary.status]))
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            source = f"\nfrom {summary.source_path}" if summary.source_path else ""
            return (f"{summary.name}: {summary.token_count} tokens, {summary.entity_count} entities "
                    f"({summary.model_count} from the model, not yet confirmed){source}")
        return None


class DocumentList(QTableView):
    """``document_chosen`` fires with the id of the document the analyst picks."""

    document_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.list_model = DocumentListModel(self)
        self.setModel(self.list_model)
        self.setObjectName("documentList")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(24)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.setToolTip("Documents of this project: click one to annotate it")
        self.selectionModel().currentRowChanged.connect(self._on_current_changed)

    def _on_current_changed(self, current, _previous) -> None:
        if current.isValid():
            self.document_chosen.emit(self.list_model.doc_id(current.row()))

    def show_document(self, doc_id: int) -> None:
        """Select ``doc_id``'s row without emitting ``document_chosen`` again."""
        row = self.list_model.row_of(doc_id)
        if row is None:
            return
        self.selectionModel().blockSignals(True)
        self.selectRow(row)
        self.setCurrentIndex(self.list_model.index(row, 0))
        self.selectionModel().blockSignals(False)
        self.viewport().update()
        self.scrollTo(self.list_model.index(row, 0))
