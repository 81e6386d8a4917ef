"""The "Review next" dock: the sentence the model is least sure of, with its predicted entities
and their confidences; Accept (Space) or Skip (S) and the next one comes up. The analyst
corrects in the main text view, where the sentence is shown and its first entity selected.

Below: the strategy that orders the queue, what the continuous learning loop is doing
(``gui/learning/qt_continuous.py``), and the upcoming sentences.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QFormLayout, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout,
    QWidget,
)

from ner_studio.core.learning.active_learning import STRATEGIES
from ner_studio.core.text.document import Document
from ner_studio.core.plural import plural
from ner_studio.core.text.spans import Source, Span
from ner_studio.core.learning.training_set import sentence_range

SHOWN_ITEMS = 200  # the list shows the head of the queue; the rest waits its turn


def sentence_html(doc: Document, index: int, colour_of: Callable[[str], str]) -> str:
    """The sentence with each entity underlined in its label's colour and tagged with the
    label and, for model entities, the confidence."""
    start, end = sentence_range(doc, index)
    parts, position = [], start
    for span in doc.spans_between(start, end):
        parts.append(html.escape(doc.text[position:span.start]))
        tag = span.label if span.confirmed else f"{span.label} {100 * (span.confidence or 0):.0f}%"
        colour = colour_of(span.label)
        parts.append(f'<span style="background: {_lighter(colour)};">'
                     f"{html.escape(doc.text[span.start:span.end])}</span>"
                     f'<sup style="color: {colour};"> {html.escape(tag)}</sup>')
        position = span.end
    parts.append(html.escape(doc.text[position:end]))
    return "".join(parts)


def _lighter(colour: str) -> str:
    """``#rrggbb`` blended halfway into white (Qt's rich text has no alpha colours)."""
    channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{(c + 255) // 2:02x}" for c in channels)


def entity_lines(doc: Document, index: int) -> list[str]:
    start, end = sentence_range(doc, index)
    lines = []
    for span in doc.spans_between(start, end):
        who = _who(span)
        lines.append(f"{doc.text[span.start:span.end]} — {span.label} ({who})")
    return lines or ["no entities predicted"]


def _who(span: Span) -> str:
    sure = "" if span.confidence is None else f", {100 * span.confidence:.0f}% sure"
    return {Source.HUMAN: "yours", Source.ACCEPTED: "accepted"}.get(span.source, str(span.source)) + sure


class ReviewPanel(QWidget):
    strategy_changed = Signal(str)
    accept_requested = Signal()
    skip_requested = Signal()
    item_chosen = Signal(int)  # row in the upcoming list

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.strategy = QComboBox()
        for name, text in STRATEGIES.items():
            self.strategy.addItem(text, name)
        self.strategy.setToolTip("How the queue decides which sentence the model is least sure of")
        self.strategy.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.strategy.setMinimumContentsLength(12)
        self.strategy.currentIndexChanged.connect(lambda _i: self.strategy_changed.emit(self.strategy.currentData()))
        self.where = QLabel()
        self.sentence = QLabel()
        self.sentence.setWordWrap(True)
        self.sentence.setTextFormat(Qt.TextFormat.RichText)
        self.sentence.setStyleSheet("font-size: 14px; padding: 6px; background: #f9fafb;")
        self.entities = QLabel()
        self.entities.setWordWrap(True)
        self.accept = QPushButton("Accept (Space)")
        self.accept.setToolTip("The sentence is right as shown (after your corrections): confirm its entities")
        self.skip = QPushButton("Skip (S)")
        self.skip.setToolTip("Not now: this sentence goes to the back of the queue")
        for button in (self.accept, self.skip):  # a click leaves the keyboard where it was (the text)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.accept.clicked.connect(self.accept_requested)
        self.skip.clicked.connect(self.skip_requested)
        self.count = QLabel()
        self.count.setWordWrap(True)
        self.where.setWordWrap(True)
        self.upcoming = QListWidget()
        self._keys: list = []  # the queue key of each row of ``upcoming``
        self.upcoming.itemActivated.connect(lambda item: self.item_chosen.emit(self.upcoming.row(item)))
        self.upcoming.itemClicked.connect(lambda item: self.item_chosen.emit(self.upcoming.row(item)))
        form = QFormLayout()
        form.addRow("Order by", self.strategy)
        buttons = QHBoxLayout()
        buttons.addWidget(self.accept, 1)
        buttons.addWidget(self.skip)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.where)
        layout.addWidget(self.sentence)
        layout.addWidget(self.entities)
        layout.addLayout(buttons)
        layout.addWidget(self.count)
        layout.addWidget(self.upcoming, 1)

    def set_options(self, strategy: str) -> None:
        """Show the stored choice without echoing it back as a change."""
        self.strategy.blockSignals(True)
        self.strategy.setCurrentIndex(max(self.strategy.findData(strategy), 0))
        self.strategy.blockSignals(False)

    def show_current(self, where: str, sentence: str, entities: list[str]) -> None:
        self.where.setText(where)
        self.sentence.setText(sentence)
        self.entities.setText("\n".join(entities))
        self.accept.setEnabled(bool(sentence))
        self.skip.setEnabled(bool(sentence))

    def show_upcoming(self, rows: list[tuple[object, str, str]], waiting: int, status: str, *,
                      dry: bool = False) -> None:
        """The head of the queue: ``(key, text, tooltip)`` per sentence. Rows are changed in
        place, so a Space (the head leaves, one sentence comes into view at the end) takes one
        row out and puts one in: rebuilding all of them at every Space, with ~1,300 sentences
        waiting, was one of the review path's stalls (benchmarks/results/2026-12-07-analyst-loop.md)."""
        rows = rows[:SHOWN_ITEMS]
        wanted = {key for key, _, _ in rows}
        for row in range(len(self._keys) - 1, -1, -1):  # what left the queue
            if self._keys[row] not in wanted:
                del self._keys[row]
                self.upcoming.takeItem(row)
        # Then row by row: a mismatch gets the right row put in (what it displaced is further
        # down and is met again, or trimmed at the end), so each row ends up right.
        for row, (key, text, tip) in enumerate(rows):
            if row < len(self._keys) and self._keys[row] == key:
                item = self.upcoming.item(row)
                if item.text() != text:
                    item.setText(text)
                if item.toolTip() != tip:
                    item.setToolTip(tip)
                continue
            item = QListWidgetItem(text)
            item.setToolTip(tip)
            self.upcoming.insertItem(row, item)
            self._keys.insert(row, key)
        while len(self._keys) > len(rows):
            self._keys.pop()
            self.upcoming.takeItem(len(self._keys))
        self.show_count(waiting, status, dry=dry)

    def show_count(self, waiting: int, status: str, *, dry: bool = False) -> None:
        """``dry``: none of the sentences waiting is one the model is unsure of."""
        what = f"{plural(waiting, 'sentence')} waiting"
        if dry and waiting:
            what = f"{plural(waiting, 'settled sentence')} waiting (none the model is unsure of)"
        self.count.setText(f"{what}{' · ' + status if status else ''}")
