"""The label palette: one button per label with its colour and shortcut key (1-9); hovering
one shows the label's guideline (its description and examples, see Edit Labels)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from ner_studio.core.text.labels import Label, LabelSet


def guideline_tooltip(label: Label, what: str) -> str:
    """A rich tooltip: the label and its key, its guideline if it has one, then ``what`` a
    click does. Rich text (Qt shows a string starting with a tag as HTML), so the
    description's lines and the examples read as written, and nothing in them is markup."""
    key = f" (key {html.escape(label.key)})" if label.key else ""
    parts = [f"<b>{html.escape(label.name)}</b>{key}"]
    if label.description:
        parts.append("<p>" + html.escape(label.description).replace("\n", "<br>") + "</p>")
    if label.examples:
        items = "".join(f"<li>{html.escape(example)}</li>" for example in label.examples)
        parts.append(f"<p>Examples:</p><ul style='margin-top:0'>{items}</ul>")
    parts.append(f"<p style='color:#6b7280'>{html.escape(what)}</p>")
    return "<qt>" + "".join(parts) + "</qt>"


def _text_colour(background: str) -> str:
    """Black on light colours, white on dark ones (perceived brightness)."""
    red, green, blue = (int(background[i : i + 2], 16) for i in (1, 3, 5))
    return "#111827" if 0.299 * red + 0.587 * green + 0.114 * blue > 140 else "#ffffff"


class LabelPalette(QWidget):
    """``label_chosen(name)`` fires when a label button is clicked."""

    label_chosen = Signal(str)
    edit_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("labelPalette")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(8, 8, 8, 8)
        self._layout.setSpacing(5)
        self.buttons: dict[str, QPushButton] = {}

    def show_labels(self, labels: LabelSet) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.buttons = {}
        for label in labels:
            button = QPushButton(self)
            key = f"  {label.key}" if label.key else ""
            button.setText(f"{label.name}{key}")
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keep the keyboard in the text
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.setStyleSheet(
                f"QPushButton {{ background: {label.colour}; color: {_text_colour(label.colour)};"
                " border: 1px solid rgba(0,0,0,0.18); border-radius: 5px; padding: 5px 10px;"
                " text-align: left; font-weight: 600; }"
                " QPushButton:hover { border: 1px solid #374151; }"
            )
            button.setToolTip(guideline_tooltip(label, "Click: label the selected tokens, or relabel the "
                                                       f"selected entity, as {label.name}"))
            button.clicked.connect(lambda _checked=False, name=label.name: self.label_chosen.emit(name))
            self._layout.addWidget(button)
            self.buttons[label.name] = button
        edit = QPushButton("Edit labels…", self)
        edit.setFlat(True)
        edit.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        edit.setToolTip("Add, rename, recolour or remove labels and change their keys")
        edit.clicked.connect(self.edit_requested)
        self._layout.addWidget(edit)
        hint = QLabel("Filled: yours · dashed: the model's · red dot: unsure", self)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #6b7280; font-size: 11px;")
        self._layout.addWidget(hint)
        self._layout.addStretch(1)


def scrolling(pane: QWidget) -> QScrollArea:
    """``pane`` (the palette, the details pane) in a scroll area: a project may have any number
    of labels (Few-NERD has 66), an entity its history, link and notes, and none of that must
    make the window taller than the screen."""
    area = QScrollArea()
    area.setWidget(pane)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return area
