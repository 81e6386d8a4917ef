"""The status bar's permanent part: tagging progress, the review count, whether every edit is
saved, and the current model. The window tells it what changed; it only shows.

A passing message comes first: in an 800-pixel window the permanent labels left it ~370
pixels, and "New versions start empty (Tag with Model, Ctrl+T, tags" was all one read of a
menu item's help. While a message needs the room, the labels that say nothing urgent (the
review count, the model, "All edits saved") step aside; unsaved edits stay said."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar

from ner_studio.core.plural import plural


class StatusLine:
    def __init__(self, bar: QStatusBar):
        self._bar = bar
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.setFormat("tagging %p%")
        self.progress.hide()
        self.review_label = QLabel()
        self.model_label = QLabel()
        self.saved_label = QLabel("All edits saved")
        for widget in (self.progress, self.review_label, self.saved_label, self.model_label):
            bar.addPermanentWidget(widget)
        self.review_label.setToolTip("Documents reviewed / all documents in the project")
        self.model_label.setToolTip("The model that tags new text")
        self.saved_label.setToolTip("Every edit is written to the project file as you make it")
        self._pending = 0
        bar.messageChanged.connect(self._make_room)

    def _make_room(self, message: str) -> None:
        quiet = [self.review_label, self.model_label] + ([] if self._pending else [self.saved_label])
        for label in quiet:
            label.setVisible(True)
        if not message:
            return
        shown = [w for w in (self.progress, self.review_label, self.saved_label, self.model_label) if w.isVisible()]
        taken = sum(w.sizeHint().width() + 12 for w in shown)  # 12: the bar's spacing and padding
        if self._bar.fontMetrics().horizontalAdvance(message) + 24 > self._bar.width() - taken:
            for label in quiet:
                label.setVisible(False)

    def show_model(self, name: str) -> None:
        self.model_label.setText(f"Model: {name}")

    def show_reviewed(self, reviewed: int, total: int) -> None:
        self.review_label.setText(f"Reviewed {reviewed} / {total}")

    def show_pending(self, pending: int) -> None:
        self._pending = pending
        if pending:
            self.saved_label.setVisible(True)
        self.saved_label.setText(f"{plural(pending, 'edit')} NOT saved — see File > Save" if pending else "All edits saved")
        self.saved_label.setStyleSheet("color: #b42318; font-weight: 600;" if pending else "")

    def show_saving(self, _flight=None) -> None:
        """A step (Label All, a pattern...) is on its way to the project from the writer thread:
        not "saved" until it lands, when ``show_pending`` says so."""
        if not self._pending:
            self.saved_label.setText("Saving…")

    def show_tagging(self, running: bool) -> None:
        self.progress.setVisible(running)
        self.progress.setValue(0)
        if running:
            self._bar.showMessage("Tagging with the model…")
        elif self._bar.currentMessage() in ("", "Tagging with the model…"):  # keep other news
            self._bar.showMessage("Tagging finished", 3000)

    def show_tagged(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)
