"""FittedColumns measures a column's natural width on a sample of rows (issue 29): fitting
Label All's preview of 990 rows asked the Python model for every row of every column and
held the UI thread for 100-230 ms."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from ner_studio.gui.shell.qt_table_model import ColumnsTableModel
from ner_studio.gui.shell.qt_tables import SIZED_ROWS, FittedColumns


class CountingModel(ColumnsTableModel):
    columns = ("text", "label", "source")

    def __init__(self, rows: int):
        super().__init__()
        self.rows, self.asked = rows, set()

    def row_count(self) -> int:
        return self.rows

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole:
            self.asked.add(index.row())
            return f"row {index.row()} col {index.column()}"
        return None


def test_a_long_table_is_fitted_on_a_sample_of_its_rows(qtbot):
    model = CountingModel(5_000)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(400, 300)
    columns = FittedColumns(view, stretch=(0,))
    view.show()
    model.asked.clear()
    columns.fit()
    assert 0 < len(model.asked) <= SIZED_ROWS + 1
    assert all(view.columnWidth(c) >= 36 for c in (1, 2))  # the short columns still get their width
