"""Logging: a rotating file in the per-user log folder; tracebacks for bugs, one line for the
analyst's own errors."""

from __future__ import annotations

import logging
import logging.handlers

from ner_studio.core.errors import FormatError
from ner_studio.core.logs import LOG_FILE, log_failure, setup_logging


def flush() -> None:
    for handler in logging.getLogger("ner_studio").handlers:
        handler.flush()


def raised(error: BaseException) -> BaseException:
    try:
        raise error
    except BaseException as caught:  # noqa: BLE001 - the test wants the traceback
        return caught


def test_logs_go_to_a_rotating_file_in_the_user_log_folder(log_folder):
    path = setup_logging()
    assert path == log_folder / LOG_FILE
    handlers = [h for h in logging.getLogger("ner_studio").handlers
                if isinstance(h, logging.handlers.RotatingFileHandler)]
    assert len(handlers) == 1 and handlers[0].maxBytes > 0 and handlers[0].backupCount > 0
    logging.getLogger("ner_studio.gui.something").info("hello from the test")
    flush()
    assert "hello from the test" in path.read_text(encoding="utf-8")


def test_a_bug_logs_its_traceback_and_a_user_error_one_line(log_folder):
    path = setup_logging()
    log = logging.getLogger("ner_studio.test")
    log_failure(log, "tagging", raised(RuntimeError("index out of range")))
    log_failure(log, "opening", raised(FormatError("not CoNLL", "a.conll", 3)))
    flush()
    text = path.read_text(encoding="utf-8")
    assert "tagging: RuntimeError: index out of range" in text
    assert "Traceback (most recent call last)" in text and "raise error" in text
    assert "opening: a.conll, line 3: not CoNLL" in text
    assert text.count("Traceback") == 1


def test_setting_up_twice_keeps_one_handler_and_follows_the_folder(tmp_path):
    first = setup_logging(tmp_path / "one")
    assert setup_logging(tmp_path / "one") == first
    second = setup_logging(tmp_path / "two")
    logging.getLogger("ner_studio.test").warning("moved")
    flush()
    handlers = [h for h in logging.getLogger("ner_studio").handlers
                if isinstance(h, logging.handlers.RotatingFileHandler)]
    assert len(handlers) == 1
    assert "moved" in second.read_text(encoding="utf-8")


def test_an_unwritable_folder_does_not_stop_the_app(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert setup_logging(blocker / "logs") is None
