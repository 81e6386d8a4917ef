"""Errors that are bugs reach the person, not only the log: a dialog saying what failed, that
the edits are saved, where the log is, and a Copy Details button (the traceback, for a report).

Two roads lead here. A worker's ``failed`` signal, or a controller's ``host.show_error``, with
an exception that is not the user's (not a :class:`NerStudioError`): ``qt_dialogs.show_error``
hands it to :func:`show_bug`. And an exception nothing caught: PySide6 gives an exception
raised in a slot to ``sys.excepthook`` and carries on, so without :class:`CrashReporter` (the
app installs it, ``gui/app.py``) the analyst saw nothing while a command silently did nothing.

The reporter logs the traceback (``core/logs.py``) and chains to the hooks it found, so under
pytest, where pytest-qt puts its own hook in front for each test, an uncaught
exception still fails the test; the app installs the reporter, tests only when they ask.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QApplication, QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QPlainTextEdit, QStyle, QVBoxLayout, QWidget,
)

from ner_studio.core.logs import log_uncaught
from ner_studio.gui.shell.qt_dialogs import SAVED_AS_YOU_GO
from ner_studio.core.secrets import redact_secrets

QUIET_SECONDS = 3.0  # after the dialog closes, errors this soon after only reach the log and status bar

log = logging.getLogger(__name__)


def failure_details(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> str:
    """The traceback as text, without passwords: what Copy Details copies."""
    return redact_secrets("".join(traceback.format_exception(kind, error, tb)))


def where_it_failed(tb: TracebackType | None) -> str:
    """The function the failure started in (a command's handler, a slot), for the headline."""
    for frame in traceback.extract_tb(tb):
        if frame.name not in ("<lambda>", "<module>"):
            return frame.name.replace("_", " ").strip()
    return ""


class ErrorDialog(QDialog):
    """``message`` (what failed), ``saved`` (what is safe), where the log is, the details
    folded below, Copy Details and Close."""

    def __init__(self, parent: QWidget | None, title: str, message: str, saved: str, log_path: Path | None,
                 details: str):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.details = details
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(48, 48))
        self.message = QLabel(message)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        where = (f"The log, with the details, is {log_path} (Help > Show Log Folder); please attach it "
                 "to a bug report." if log_path is not None else "No log file could be written on this computer.")
        self.informative = QLabel(f"{saved}\n\n{where}")
        self.informative.setWordWrap(True)
        self.informative.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text = QPlainTextEdit(details)
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy = buttons.addButton("&Copy Details", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)
        head = QHBoxLayout()
        head.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        words = QVBoxLayout()
        words.addWidget(self.message)
        words.addWidget(self.informative)
        head.addLayout(words, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(640, 420)

    def copy_details(self) -> None:
        QApplication.clipboard().setText(self.details)
        self.copy.setText("Copied")


def log_path() -> Path | None:
    """The log file the ``ner_studio`` loggers write, or None (the folder was not writable)."""
    for handler in logging.getLogger("ner_studio").handlers:
        name = getattr(handler, "baseFilename", None)
        if name:
            return Path(name)
    return None


def show_bug(parent: QWidget | None, title: str, error: BaseException, saved: str = SAVED_AS_YOU_GO) -> None:
    """A bug met while doing ``title`` (a worker's failure, a handler's): the error dialog."""
    message = f"{title}: NER Studio met an error it did not expect ({type(error).__name__}: {redact_secrets(str(error))})."
    details = failure_details(type(error), error, error.__traceback__)
    ErrorDialog(parent, "Something went wrong", message, saved, log_path(), details).exec()


class CrashReporter(QObject):
    """``sys.excepthook`` and ``threading.excepthook`` that, after the hooks before them (the
    log), show the error dialog: once per burst (errors while it is open, or just after, only
    count in the log and the status bar), never from inside itself, always on the UI thread."""

    caught = Signal(str, str)  # what failed, the details; emitted from any thread

    def __init__(self, parent: QWidget, saved: Callable[[], str] = lambda: SAVED_AS_YOU_GO,
                 status: Callable[[str], None] | None = None):
        super().__init__(parent)
        self._parent = parent
        self._saved = saved
        self._status = status
        self._showing = False
        self._quiet_until = 0.0
        self.folded = 0  # errors not shown in a dialog of their own (the burst's others)
        self._previous: tuple | None = None
        # Queued even on the UI thread: the dialog opens once the failing slot has returned.
        self.caught.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        if self._previous is None:
            self._previous = (sys.excepthook, threading.excepthook)
            sys.excepthook = self._hook
            threading.excepthook = self._thread_hook

    def uninstall(self) -> None:
        """Put back the hooks found at install (those installed later are left alone)."""
        if self._previous is not None:
            previous, previous_thread = self._previous
            if sys.excepthook == self._hook:
                sys.excepthook = previous
            if threading.excepthook == self._thread_hook:
                threading.excepthook = previous_thread
            self._previous = None

    def _hook(self, kind, error, tb) -> None:
        shown = not issubclass(kind, (KeyboardInterrupt, SystemExit))
        if shown:
            log_uncaught(kind, error, tb)
        previous = self._previous[0] if self._previous else sys.__excepthook__
        previous(kind, error, tb)  # the log's hook; under pytest, pytest-qt's, which fails the test
        if shown:
            self._report(kind, error, tb)

    def _thread_hook(self, args) -> None:
        shown = args.exc_type is not SystemExit and args.exc_value is not None
        if shown:
            log_uncaught(args.exc_type, args.exc_value, args.exc_traceback, args.thread)
        previous = self._previous[1] if self._previous else threading.__excepthook__
        previous(args)
        if shown:
            self._report(args.exc_type, args.exc_value, args.exc_traceback)

    def _report(self, kind, error, tb) -> None:
        try:
            where = where_it_failed(tb)
            what = (f"{where[:1].upper()}{where[1:]} failed" if where else "A step failed")
            self.caught.emit(f"{what}: {type(error).__name__}: {redact_secrets(str(error))}",
                             failure_details(kind, error, tb))
        except Exception:  # noqa: BLE001 - a reporter that fails must not fail again in a loop
            log.exception("The error dialog could not be prepared")

    @Slot(str, str)
    def _show(self, what: str, details: str) -> None:
        """Never raises: a failure here would come back through the hook, and again."""
        try:
            if self._showing or time.monotonic() < self._quiet_until:
                self.folded += 1
                if self._status is not None:
                    self._status(f"Another error: {what} (details in the log)")
                return
            self._showing = True
            try:
                ErrorDialog(self._parent, "Something went wrong",
                            f"{what}.\n\nThe command did not finish; NER Studio goes on running.",
                            self._saved(), log_path(), details).exec()
            finally:
                self._showing = False
                self._quiet_until = time.monotonic() + QUIET_SECONDS
        except Exception:  # noqa: BLE001 - see the docstring; the log has the first error already
            log.exception("The error dialog could not be shown")
