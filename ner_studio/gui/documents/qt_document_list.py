"""The document list: name, status (new / predicted / reviewed) and entity count per document,
sortable by any column and filtered by name, status, label or text (``DocumentFilter``); the
entities per label are in each row's tooltip. Several rows may be selected (Ctrl- and
Shift-click, Shift+arrows, Ctrl+A) for the commands on several documents
(``qt_selected_documents.py``); extending the selection never changes the document shown. In a team's project the documents a curator
assigned to you (core/store/assignment.py) come first, in bold."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QMenu, QTableView, QWidget

from ner_studio.core.text.document import Status
from ner_studio.core.errors import NerStudioError
from ner_studio.core.plural import plural
from ner_studio.gui.shell.qt_table_model import ColumnsTableModel
from ner_studio.gui.shell.qt_tables import FittedColumns, read_only

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
        self.assigned: set[int] = set()  # the documents assigned to whom the project is open as

    def set_workspace(self, workspace) -> None:
        self.beginResetModel()
        self._workspace = workspace
        self.assigned = _assigned(workspace)
        ids = workspace.document_ids() if workspace else []
        self._ids = sorted(ids, key=lambda doc_id: doc_id not in self.assigned)  # yours first, in order
        self.endResetModel()

    def refresh_assigned(self) -> bool:
        """Read the assignments again (a curator may have changed them in another instance):
        yours first again, the selection kept. Returns whether they changed."""
        assigned = _assigned(self._workspace)
        if assigned == self.assigned:
            return False
        order = {doc_id: k for k, doc_id in enumerate(self._workspace.document_ids())}
        self.layoutAboutToBeChanged.emit()
        kept = self.persistentIndexList()
        kept_ids = [self._ids[index.row()] for index in kept]
        self.assigned = assigned
        self._ids = sorted(self._ids, key=lambda doc_id: (doc_id not in assigned, order.get(doc_id, len(order))))
        row_of = {doc_id: row for row, doc_id in enumerate(self._ids)}
        self.changePersistentIndexList(kept, [self.index(row_of[doc_id], index.column())
                                              for doc_id, index in zip(kept_ids, kept)])
        self.layoutChanged.emit()
        return True

    def append(self, doc_ids: list[int]) -> None:
        new = [i for i in doc_ids if i not in set(self._ids)]
        if new:
            self.beginInsertRows(QModelIndex(), len(self._ids), len(self._ids) + len(new) - 1)
            self._ids.extend(new)
            self.endInsertRows()

    def remove(self, doc_id: int) -> None:
        row = self.row_of(doc_id)
        if row is not None:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._ids[row]
            self.endRemoveRows()

    def summary_at(self, row: int):
        return self._workspace.summary(self._ids[row])

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
        if role == Qt.ItemDataRole.FontRole and column == 0 and summary.doc_id in self.assigned:
            bold = QFont()
            bold.setBold(True)
            return bold
        if role == Qt.ItemDataRole.ForegroundRole and column == 1:
            return QBrush(QColor(STATUS_COLOURS[summary.status]))
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == SORT_ROLE:
            return (summary.name or "").lower() if column == 0 else STATUS_ORDER[summary.status] if column == 1 \
                else summary.entity_count
        if role == Qt.ItemDataRole.ToolTipRole:
            source = f"\nfrom {summary.source_path}" if summary.source_path else ""
            counts = self._workspace.project.label_counts(summary.doc_id)
            labels = ", ".join(f"{label} {n}" for label, n in counts.items()) or "no entities"
            yours = "\nassigned to you" if summary.doc_id in self.assigned else ""
            return (f"{summary.name}: {plural(summary.token_count, 'token')}, {plural(summary.entity_count, 'entity')} "
                    f"({summary.model_count} from the model, not yet confirmed)\nper label: {labels}{source}{yours}")
        return None


def _assigned(workspace) -> set[int]:
    if workspace is None:
        return set()
    try:
        return workspace.project.assigned_documents()
    except NerStudioError:  # the list still shows; only the order and the filter miss it
        return set()


SORT_ROLE = Qt.ItemDataRole.UserRole + 1
STATUS_ORDER = {Status.NEW: 0, Status.PREDICTED: 1, Status.REVIEWED: 2}


class DocumentFilter(QSortFilterProxyModel):
    """Rows whose name contains ``name``, whose status is ``status`` (None: any), and whose
    id is in ``ids`` (None: any; the label and text filters compute it from the project)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.name = ""
        self.status: Status | None = None
        self.ids: set[int] | None = None
        self.setSortRole(SORT_ROLE)

    def set_filter(self, name: str, status: Status | None, ids: set[int] | None) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.10 on; invalidateRowsFilter is deprecated there
            self.beginFilterChange()
            self.name, self.status, self.ids = name.lower(), status, ids
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.name, self.status, self.ids = name.lower(), status, ids
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, row: int, parent) -> bool:  # noqa: N802 - Qt override
        summary = self.sourceModel().summary_at(row)
        return ((not self.name or self.name in (summary.name or "").lower())
                and (self.status is None or summary.status == self.status)
                and (self.ids is None or summary.doc_id in self.ids))


class DocumentList(QTableView):
    """``document_chosen`` fires with the id of the document the analyst picks (a click, the
    arrow keys, the filter leaving another row current): it is shown, the keyboard stays here.
    ``document_opened`` fires on Enter or a double-click: to work on it, in the text. A click
    or an arrow key with Ctrl or Shift (or a drag) extends the selection instead: the document
    shown stays the one shown."""

    document_chosen = Signal(int)
    document_opened = Signal(int)
    rename_requested = Signal(int)
    delete_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.list_model = DocumentListModel(self)
        self.filter = DocumentFilter(self)
        self.filter.setSourceModel(self.list_model)
        self.setModel(self.filter)
        self.setSortingEnabled(True)
        self.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # list order until a header is clicked
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.setObjectName("documentList")
        read_only(self, pick_rows=False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self._extending = False  # the event moving the current row extends the selection
        self.context_actions: list = []  # commands on the selected documents (None: a separator)
        self.setShowGrid(False)
        self.verticalHeader().setDefaultSectionSize(24)
        # A long name is elided in the middle (its tooltip has it whole, and the entity count,
        # the column a narrow dock hides first).
        self.columns = FittedColumns(self, stretch=(0,), drop=(2,))
        self.setToolTip("Documents of this project: click one to see it, Enter or a double-click to annotate it; "
                        "Ctrl- or Shift-click selects several for the Document menu")
        self.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.activated.connect(lambda index: self.document_opened.emit(self.doc_id_at(index)))

    def doc_id_at(self, index) -> int:
        return self.list_model.doc_id(self.filter.mapToSource(index).row())

    def selected_ids(self) -> list[int]:
        """The selected documents' ids, in the order the list shows them."""
        rows = sorted(self.selectionModel().selectedRows(), key=lambda index: index.row())
        return [self.doc_id_at(index) for index in rows]

    def _extend_with(self, event, handle) -> None:
        """Let Qt handle a click, drag or key; while it does, whether it extends the selection
        (Ctrl or Shift held, or a drag): then moving the current row shows no document."""
        held = event.modifiers() & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier)
        self._extending = bool(held) or event.type() == QEvent.Type.MouseMove
        try:
            handle(event)
        finally:
            self._extending = False

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt override
        self._extend_with(event, super().mousePressEvent)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt override
        self._extend_with(event, super().mouseMoveEvent)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        self._extend_with(event, super().keyPressEvent)

    def _on_current_changed(self, current, _previous) -> None:
        if current.isValid() and not self._extending:
            self.document_chosen.emit(self.doc_id_at(current))

    def _context_menu(self, position) -> None:
        index = self.indexAt(position)
        if not index.isValid():
            return
        doc_id = self.doc_id_at(index)
        menu = QMenu(self)
        rename = menu.addAction("Rename…", lambda: self.rename_requested.emit(doc_id))
        rename.setEnabled(len(self.selected_ids()) <= 1)
        if not self.context_actions:
            menu.addAction("Delete from Project…", lambda: self.delete_requested.emit(doc_id))
        for action in self.context_actions:
            menu.addSeparator() if action is None else menu.addAction(action)
        menu.exec(self.viewport().mapToGlobal(position))

    def show_document(self, doc_id: int) -> None:
        """Select ``doc_id``'s row without emitting ``document_chosen`` again."""
        row = self.list_model.row_of(doc_id)
        if row is None:
            return
        index = self.filter.mapFromSource(self.list_model.index(row, 0))
        if not index.isValid():  # filtered out: nothing to select
            return
        selection = self.selectionModel()
        selection.blockSignals(True)
        self.selectRow(index.row())
        selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                  | QItemSelectionModel.SelectionFlag.Rows)
        selection.blockSignals(False)
        self.viewport().update()
        self.scrollTo(index)
