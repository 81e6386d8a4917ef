"""Logging to a rotating file in the per-user log folder, with the standard library.

The app (``gui/app.py``) and the command line (``cli.py``) call :func:`setup_logging` once at
start; every module logs through ``logging.getLogger(__name__)``, under the ``ner_studio``
logger. What goes to the file: what support needs to follow a session (versions at start,
projects opened and closed, imports and exports with their counts, training and its verdict,
shutdown: never a document's text nor a password), one line per problem shown to the analyst,
and the traceback of every exception that is not a user error (:class:`NerStudioError` subclasses are
the analyst's: a bad file, a full disk; anything else is a bug to find later). Exceptions that
nothing catches (in a Qt slot or a thread) are logged too, through the interpreter's hooks.

The file is the user's alone (mode 0600: it names their projects and folders), and every
record passes through :class:`~ner_studio.core.secrets.RedactingFilter` on its way there: the
callers leave passwords out already; the filter catches one that slipped through.

A folder that cannot be written never stops the app: logging then goes nowhere.
"""

from __future__ import annotations

import logging
import os
import platform
import sys
import threading
from pathlib import Path

from ner_studio.core.errors import NerStudioError
from ner_studio.core.locations import user_log_dir
from ner_studio.core.secrets import RedactingFilter

LOG_FILE = "ner-studio.log"
MAX_BYTES = 1_000_000
BACKUPS = 3  # ner-studio.log.1 .. .3: a few sessions back, never more than 4 MB
FORMAT = "%(asctime)s %(levelname)-7s %(threadName)s %(name)s: %(message)s"
ROOT = "ner_studio"
FILE_MODE = 0o600

log = logging.getLogger(__name__)


def log_file() -> Path:
    return user_log_dir() / LOG_FILE


class RotatingFile(logging.FileHandler):
    """A log file that moves to ``.1`` (``.1`` to ``.2``, ...) once it passes MAX_BYTES.

    logging.handlers.RotatingFileHandler does the same, but importing logging.handlers pulls
    in socket, pickle and queue: milliseconds of every start-up for nothing used here.
    Created (and, if an older version made it readable by others, kept) with mode 0600."""

    def _open(self):
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
        try:
            if os.fstat(fd).st_mode & 0o077:
                os.fchmod(fd, FILE_MODE)
        except OSError:
            pass  # not ours to change (a shared folder): still write to it
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)

    def emit(self, record: logging.LogRecord) -> None:
        super().emit(record)
        if self.stream is not None and self.stream.tell() > MAX_BYTES:
            self.close()  # reopened by the next emit
            rotate(Path(self.baseFilename))


def rotate(path: Path, backups: int = BACKUPS) -> None:
    """``path`` becomes ``path.1``, ``path.1`` becomes ``path.2``, ... the oldest goes."""
    try:
        for k in range(backups - 1, 0, -1):
            older = path.with_name(f"{path.name}.{k}")
            if older.exists():
                os.replace(older, path.with_name(f"{path.name}.{k + 1}"))
        if path.exists():
            os.replace(path, path.with_name(f"{path.name}.1"))
    except OSError:
        pass  # the log keeps growing rather than the app failing over it


def setup_logging(folder: Path | None = None, *, level: int = logging.INFO) -> Path | None:
    """Send the ``ner_studio`` loggers to ``folder/ner-studio.log`` (default: the per-user
    log folder), rotating at 1 MB; returns the file, or None if it cannot be written. Calling
    it again with another folder moves the log there (tests do)."""
    path = (Path(folder) if folder is not None else user_log_dir()) / LOG_FILE
    logger = logging.getLogger(ROOT)
    for handler in list(logger.handlers):
        if isinstance(handler, RotatingFile):
            if Path(handler.baseFilename) == path.resolve():
                return path
            logger.removeHandler(handler)
            handler.close()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not os.access(path.parent, os.W_OK):
            return None
        handler = RotatingFile(path, encoding="utf-8", delay=True)
    except OSError:
        return None
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RedactingFilter())
    logger.addHandler(handler)
    logger.setLevel(level)
    _install_hooks()
    return path


def versions() -> str:
    """The app's, Python's and the system's versions, for the first line of a run (the GUI adds
    Qt's; torch's is logged when the first model loads, not imported for this)."""
    from ner_studio import __version__

    return f"NER Studio {__version__}, Python {platform.python_version()}, {platform.platform()}"


def is_user_error(error: BaseException) -> bool:
    return isinstance(error, NerStudioError)


def log_failure(logger: logging.Logger, what: str, error: BaseException) -> None:
    """``what`` failed with ``error``: a user error as one line, anything else with its
    traceback (the error may come from another thread: its own traceback is used)."""
    if is_user_error(error):
        logger.info("%s: %s", what, error)
    else:
        logger.error("%s: %s: %s", what, type(error).__name__, error,
                     exc_info=(type(error), error, error.__traceback__))


_last_uncaught: list[BaseException] = []  # the last one logged: two hooks in a chain log it once


def log_uncaught(kind, error, traceback, thread: threading.Thread | None = None) -> None:
    """An exception nothing caught, with its traceback (once, whichever hook meets it first:
    the GUI's error dialog logs it too, see ``gui/shell/qt_error_dialog.py``)."""
    if error is not None and _last_uncaught and _last_uncaught[0] is error:
        return
    _last_uncaught[:] = [error] if error is not None else []
    where = f" in thread {thread.name}" if thread is not None else ""
    log.critical("Uncaught exception%s", where, exc_info=(kind, error, traceback))


_hooks_installed = False


def _install_hooks() -> None:
    """Log exceptions nothing caught, then let the previous hooks do what they did."""
    global _hooks_installed
    if _hooks_installed:
        return
    _hooks_installed = True
    previous_hook, previous_thread_hook = sys.excepthook, threading.excepthook

    def hook(kind, error, traceback) -> None:
        if not issubclass(kind, KeyboardInterrupt):
            log_uncaught(kind, error, traceback)
        previous_hook(kind, error, traceback)

    def thread_hook(args) -> None:
        if args.exc_type is not SystemExit:
            log_uncaught(args.exc_type, args.exc_value, args.exc_traceback, args.thread)
        previous_thread_hook(args)

    sys.excepthook = hook
    threading.excepthook = thread_hook
