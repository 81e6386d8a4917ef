"""The window's log: bugs in workers leave a traceback, Help > Show Log Folder opens it."""

from __future__ import annotations

import logging

from PySide6.QtGui import QDesktopServices

from ner_studio.core.errors import FormatError
from ner_studio.core.logs import setup_logging
from ner_studio.gui.shell.qt_worker import Worker


def log_text(folder) -> str:
    for handler in logging.getLogger("ner_studio").handlers:
        handler.flush()
    path = folder / "ner-studio.log"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def run_job(qtbot, job) -> list:
    failures = []
    worker = Worker(job, "probe")
    worker.failed.connect(failures.append)
    with qtbot.waitSignal(worker.finished, timeout=10_000):
        worker.start()
    return failures


def test_a_bug_in_a_worker_is_logged_with_its_traceback(qtbot, log_folder):
    setup_logging()

    def job(report, should_stop):
        yield 1
        raise KeyError("no such column")

    failures = run_job(qtbot, job)
    assert len(failures) == 1
    text = log_text(log_folder)
    assert "probe job failed: KeyError" in text and "Traceback" in text and "no such column" in text


def test_a_user_error_in_a_worker_is_one_line(qtbot, log_folder):
    setup_logging()

    def job(report, should_stop):
        raise FormatError("not CoNLL", "x.conll", 2)
        yield  # a generator

    run_job(qtbot, job)
    text = log_text(log_folder)
    assert "x.conll, line 2: not CoNLL" in text and "Traceback" not in text


def test_help_show_log_folder_opens_the_log_folder(start_window, monkeypatch, log_folder):
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    window = start_window()
    action = window.actions_["log_folder"]
    assert action in window.menus["Help"].actions()
    action.trigger()
    assert opened == [str(log_folder)]
