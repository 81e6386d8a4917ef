"""The details pane: what the selected entity is, who made it and last changed it, and how
sure the model was."""

from __future__ import annotations

import logging

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from ner_studio.core.errors import NerStudioError
from ner_studio.core.logs import log_failure
from ner_studio.core.text.document import Document
from ner_studio.core.formats.jsonl import token_bounds
from ner_studio.core.text.spans import Span
from ner_studio.gui.annotate.qt_highlighter import SpanStyle

log = logging.getLogger(__name__)


class ConfidenceBar(QWidget):
    """A thin bar and the number. (QProgressBar repaints synchronously on every setValue,
    which costs more than the edit that changed the selection.)"""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.value: float | None = None
        self.low = False
        self.marker = "#d9480f"
        self.setMinimumHeight(18)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(160, 18)

    def show_value(self, value: float | None, low: bool = False, marker: str = "#d9480f") -> None:
        """``low`` draws the bar in ``marker``, the colour that flags unsure entities."""
        self.value, self.low, self.marker = value, low, marker
        self.setToolTip("" if value is None else f"The model's probability for this entity: {value:.3f}")
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        track = QRectF(0, 5, max(self.width() - 46, 10), 8)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#e5e7eb"))
        painter.drawRoundedRect(track, 4, 4)
        if self.value is not None:
            filled = QRectF(track.x(), track.y(), track.width() * self.value, track.height())
            painter.setBrush(QColor(self.marker if self.low else "#2563eb"))
            painter.drawRoundedRect(filled, 4, 4)
        painter.setPen(QColor("#374151"))
        text = "—" if self.value is None else f"{self.value:.2f}"
        painter.drawText(QRectF(track.right() + 6, 0, 40, self.height()), Qt.AlignmentFlag.AlignVCenter, text)
        painter.end()


def link_text(doc: Document, span: Span, style: SpanStyle | None) -> str:
    """The entity's catalogue link in words: the entry's name, a suggestion, or "not linked"."""
    links = style.links if style is not None else None
    if links is None:
        return "—" if span.kb_id is None else span.kb_id
    if span.kb_id is not None:
        return links.name_of(span.kb_id) or f"{span.kb_id} (not in the catalogue)"
    suggested = links.suggestion(doc.text, span)
    if suggested is not None:
        return f"not linked — suggested: {links.name_of(suggested)} (Enter links)"
    return "not linked (K links it)"


class DetailsPane(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("detailsPane")
        form = QFormLayout(self)
        form.setContentsMargins(10, 8, 10, 8)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.label = QLabel()
        self.source = QLabel()
        self.confidence = ConfidenceBar()
        self.position = QLabel()
        self.history = QLabel()
        self.history.setToolTip("When the entity was made and last changed, and by whom (times in UTC)")
        self.link = QLabel()  # the catalogue entry the entity names (gui/catalogue)
        for label in (self.source, self.position, self.history, self.link):  # "characters 867–883, tokens 151–152" in a narrow dock
            label.setWordWrap(True)
        self.position.setToolTip("Counted as a JSONL export counts them: characters start–end (the end "
                                 "excluded), tokens token_start–token_end from 0")
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #6b7280;")
        form.addRow("Entity", self.text)
        form.addRow("Label", self.label)
        form.addRow("Source", self.source)
        form.addRow("Confidence", self.confidence)
        form.addRow("Position", self.position)
        form.addRow("History", self.history)
        form.addRow("Linked to", self.link)
        form.addRow(self.hint)
        self.setToolTip("The entity selected in the text")
        self.show_span(None, None, None)

    def add_section(self, widget: QWidget) -> None:
        """A tool's part of the pane below the entity's details (e.g. its notes, gui/notes)."""
        self.layout().addRow(widget)

    def show_span(self, doc: Document | None, span: Span | None, style: SpanStyle | None, project=None) -> None:
        """``project``: where the entity's history is read (none: not shown)."""
        rows = (self.text, self.label, self.source, self.position, self.history, self.link)
        if span is None or doc is None:
            for widget in rows:
                widget.setText("—")
            self.label.setStyleSheet("")
            self.confidence.show_value(None)
            self.hint.setText("Select tokens and press a label key (1–9), or click an entity.")
            return
        self.text.setText(doc.text[span.start : span.end])
        colour = style.colour(span.label).name() if style else "#dddddd"
        self.label.setText(span.label)
        self.label.setStyleSheet(f"background: {colour}; border-radius: 3px; padding: 1px 6px; font-weight: 600;")
        first, last = token_bounds(doc, span)  # counted as JSONL counts them, from 0
        tokens = f"token {first}" if first == last else f"tokens {first}–{last}"
        self.position.setText(f"characters {span.start}–{span.end}, {tokens}")
        self.history.setText(self._history(project, doc, span))
        self.link.setText(link_text(doc, span, style))
        if span.confirmed:
            self.source.setText(span.source.description)
            self.confidence.show_value(span.confidence)
            self.hint.setText("Press another label key to relabel, Del to delete.")
            return
        low = style is not None and style.is_low_confidence(span)
        self.source.setText(span.source.description + (" — low confidence, please check" if low else ""))
        self.confidence.show_value(span.confidence, low, style.marker if style is not None else "#d9480f")
        self.hint.setText("Enter accepts it, a label key relabels it, Del deletes it.")

    @staticmethod
    def _history(project, doc: Document, span: Span) -> str:
        """"created by ann at … · changed by bob at …", as the project stores it."""
        if project is None or doc.doc_id is None:
            return "—"
        try:
            history = project.span_history(doc.doc_id, span)
        except NerStudioError as error:  # a selection must not fail on it: the log keeps why
            log_failure(log, "reading an entity's history", error)
            return "—"
        return history.describe(span.source) if history is not None else "not saved yet"
