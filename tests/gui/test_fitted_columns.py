"""FittedColumns measures a column's natural width on a sample of rows (issue 29): fitting
Label All's preview of 990 rows asked the Python model for every row of every column and
held the UI thread for 100-230 ms; Find's 12,119 matches were measured again at each resize."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from ner_studio.gui.shell.qt_table_model import ColumnsTableModel
from ner_studio.gui.shell.qt_tables import LONGEST_ROWS, SCREEN_ROWS, SIZED_ROWS, FittedColumns


class CountingModel(ColumnsTableModel):
    columns = ("text", "label", "source")

    def __init__(self, rows: int):
        super().__init__()
        self.rows, self.asked = rows, set()  # rows measured (a delegate's sizeHint asks SizeHintRole; painting does not)

    def row_count(self) -> int:
        return self.rows

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.SizeHintRole:
            self.asked.add(index.row())
        if role == Qt.ItemDataRole.DisplayRole:
            return f"row {index.row()} col {index.column()}"
        return None


def fitted_after_a_reset(qtbot, model, width: int):
    """A shown table of ``model`` with fitted columns, after a reset of the model whose
    measuring has begun (``model.asked`` holds the rows measured since)."""
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(width, 300)
    columns = FittedColumns(view, stretch=(0,))
    view.show()
    qtbot.waitUntil(lambda: not columns._timer.isActive())
    model.asked.clear()
    model.beginResetModel()
    model.endResetModel()
    qtbot.waitUntil(lambda: bool(model.asked))
    return view, columns


def test_a_long_table_is_fitted_on_a_sample_of_its_rows(qtbot):
    model = CountingModel(5_000)
    view, columns = fitted_after_a_reset(qtbot, model, 400)
    assert 0 < len(model.asked) <= SIZED_ROWS + 1
    assert all(view.columnWidth(c) >= 36 for c in (1, 2))  # the short columns still get their width


class LongestKnown(CountingModel):
    """A model that names its widest rows: only those and a screenful are measured."""

    def longest_rows(self, column: int, count: int) -> list[int]:
        return [self.rows - 1][:count]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and index.row() == self.rows - 1:
            return "the one long value at the very end of the table"
        return super().data(index, role)


def test_the_rows_are_measured_once_and_a_resize_only_shares_the_widths_out(qtbot):
    model = LongestKnown(20_000)
    view, columns = fitted_after_a_reset(qtbot, model, 900)
    qtbot.waitUntil(lambda: not columns._timer.isActive())
    assert len(model.asked) <= SCREEN_ROWS + LONGEST_ROWS + 1 and model.rows - 1 in model.asked
    long = view.fontMetrics().horizontalAdvance("the one long value at the very end of the table")
    assert view.columnWidth(1) >= long  # the last row's value, far past the rows Qt samples
    model.asked.clear()
    view.resize(1100, 300)
    qtbot.waitUntil(lambda: view.viewport().width() > 900)
    qtbot.wait(20)
    assert model.asked == set() and view.columnWidth(1) >= long
