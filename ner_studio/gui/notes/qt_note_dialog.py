"""The small dialog a note is typed in (multi-line). What is typed is never lost: OK saves
before the dialog closes, and a save that fails says why and keeps the dialog open with the
text; Cancel (or Esc, or closing the window) with a typed or changed text asks first."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtGui import QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QMessageBox, QPlainTextEdit, QVBoxLayout, QWidget

from ner_studio.core.errors import NerStudioError
from ner_studio.core.secrets import redact_secrets
from ner_studio.gui.shell.qt_dialogs import discard_confirmed

log = logging.getLogger(__name__)


class NoteDialog(QDialog):
    """``save(text)`` runs on OK; a :class:`NerStudioError` from it keeps the dialog open."""

    def __init__(self, parent: QWidget, title: str, about: str, save: Callable[[str], object], text: str = ""):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("noteDialog")
        self._save = save
        self._original = text
        self.saved = None  # what ``save`` returned, once it succeeded
        self.about = QLabel(about)
        self.about.setWordWrap(True)
        self.editor = QPlainTextEdit(text)
        self.editor.setObjectName("noteText")
        self.editor.setPlaceholderText("Your note for the team (Ctrl+Enter saves)")
        self.editor.setTabChangesFocus(True)
        self.editor.moveCursor(QTextCursor.MoveOperation.End)  # editing goes on where the note ends
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Save Note")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.about)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.buttons)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):  # Enter alone is a new line of the note
            QShortcut(QKeySequence(keys), self, self.accept)
        self.resize(420, 220)
        self.editor.setFocus()

    def text(self) -> str:
        return self.editor.toPlainText()

    def accept(self) -> None:
        if not self.text().strip():
            QMessageBox.warning(self, self.windowTitle(), "The note is empty: type what the team should know, or Cancel.")
            return
        try:
            self.saved = self._save(self.text())
        except NerStudioError as error:  # the text stays here, to try again or copy
            reason = redact_secrets(str(error))
            log.warning("a note could not be saved: %s", reason)  # never the note's text
            QMessageBox.warning(self, self.windowTitle(), f"The note could not be saved: {reason}\n\n"
                                "Your text is still in the dialog.")
            return
        super().accept()

    def reject(self) -> None:
        typed = self.text()
        if typed.strip() and typed != self._original and not discard_confirmed(self, "Discard the note you typed?"):
            return
        super().reject()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override: the window's close button
        event.ignore()
        self.reject()
