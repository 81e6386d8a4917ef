"""Find's results as a table model: each row's cells are made when the table draws it, so the
list holds every match (39,000 of them, say) at no cost until scrolled to. Filling a table
widget's items for each match was a stall per search, and capped the list at 2,000 rows."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt

from ner_studio.core.corpus.find import Hit
from ner_studio.gui.corpus.find_search import FirstRows, first_rows
from ner_studio.gui.shell.qt_match_context import CONTEXT_ROLE, context_cell
from ner_studio.gui.shell.qt_table_model import ColumnsTableModel


class HitRows(ColumnsTableModel):
    """Document, the match in its context, the entity there; each cell's tooltip says it whole."""

    columns = ("Document", "Match", "Entity")

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.hits: list[Hit] = []
        self._names: dict[int, str] = {}
        self._firsts: FirstRows | None = None

    def show(self, hits: list[Hit], names: dict[int, str], firsts: FirstRows | None = None) -> None:
        """List ``hits``; ``names``: the documents' names by id; ``firsts``: their
        ``first_rows`` if known (Find's worker finds them), else found when needed."""
        self.beginResetModel()
        self.hits, self._names, self._firsts = hits, names, firsts
        self.endResetModel()

    def longest_rows(self, column: int, count: int) -> list[int]:
        """Rows showing the ``count`` longest texts of the document or entity column (few
        distinct: names, labels), for the table to fit them (shell/qt_tables.py) without
        measuring every row; none for the match, which is elided to fit."""
        if column == 1 or not self.hits:
            return []
        if self._firsts is None:
            self._firsts = first_rows(self.hits)
        documents, labels = self._firsts
        firsts = ({self._names.get(doc_id, f"document {doc_id}"): row for doc_id, row in documents.items()}
                  if column == 0 else {f"{label} ({source})": row for (label, source), row in labels.items()})
        return [firsts[text] for text in sorted(firsts, key=len, reverse=True)[:count]]

    def row_count(self) -> int:
        return len(self.hits)

    def cells(self, row: int) -> tuple[tuple[str, str, str], tuple[str, str, str], tuple[str, str, str]]:
        """``(texts, tips, context)`` of a row: what each column shows, its tooltip, and the match
        with the text either side."""
        hit = self.hits[row]
        before, after = hit.before, hit.after
        texts = (self._names.get(hit.doc_id, f"document {hit.doc_id}"), context_cell(before, hit.text, after),
                 f"{hit.label} ({hit.source})" if hit.label else "")
        context = f"{before}{hit.text}{after}"
        tips = (f"{texts[0]}\n{context}", context, f"{texts[2]}\n{context}" if texts[2] else context)
        return texts, tips, (before, hit.text, after)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, CONTEXT_ROLE):
            return None
        texts, tips, context = self.cells(index.row())
        if role == CONTEXT_ROLE:
            return context if index.column() == 1 else None
        return (texts if role == Qt.ItemDataRole.DisplayRole else tips)[index.column()]
