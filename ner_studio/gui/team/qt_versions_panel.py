"""Another annotator's version of the shown document, read-only: the app shows and edits
yours; this dock shows theirs (or the gold version) beside it, and nothing here can change it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ner_studio.core.store.annotators import display_name
from ner_studio.core.text.document import Document
from ner_studio.core.plural import plural
from ner_studio.gui.annotate.qt_highlighter import SpanStyle
from ner_studio.gui.annotate.qt_text_view import EntityTextView


class VersionsPanel(QWidget):
    def __init__(self, style: SpanStyle, load_version: Callable[[int, str], Document]):
        super().__init__()
        self._load = load_version
        self._doc_id: int | None = None
        self.active = True  # False while the dock is hidden: nothing is loaded then
        self.combo = QComboBox()
        self.combo.setToolTip("Whose version of this document to show (read-only)")
        self.view = EntityTextView(style)
        self.note = QLabel()
        row = QHBoxLayout()
        row.addWidget(QLabel("Annotator:"))
        row.addWidget(self.combo, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.note)
        self.combo.currentIndexChanged.connect(self.refresh)

    def set_annotators(self, names: list[str]) -> None:
        """Offer ``names`` (keeping the current one if still there)."""
        current = self.combo.currentData()
        self.combo.blockSignals(True)
        self.combo.clear()
        for name in names:
            self.combo.addItem(display_name(name), name)
        self.combo.setCurrentIndex(max(0, self.combo.findData(current)))
        self.combo.blockSignals(False)
        self.refresh()

    def annotator(self) -> str | None:
        return self.combo.currentData()

    def show_document(self, doc_id: int | None) -> None:
        self._doc_id = doc_id
        self.refresh()

    def set_active(self, active: bool) -> None:
        self.active = active
        self.refresh()

    def refresh(self) -> None:
        if not self.active:
            return
        name = self.annotator()
        if self._doc_id is None or name is None:
            self.view.show_document(None)
            self.note.setText("No other annotator has a version yet." if name is None else "")
            return
        doc = self._load(self._doc_id, name)
        self.view.show_document(doc)
        self.note.setText(f"{display_name(name)}: {plural(len(doc.spans), 'entity')} (read-only)")
