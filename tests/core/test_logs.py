"""Logging: a rotating file in the per-user log folder; tracebacks for bugs, one line for the
analyst's own errors."""

from __future__ import annotations

import logging

from ner_studio.core import logs
from ner_studio.core.errors import FormatError
from ner_studio.core.logs import LOG_FILE, RotatingFile, log_failure, setup_logging


def flush() -> None:
    for handler in logging.getLogger("ner_studio").handlers:
        handler.flush()


def raised(error: BaseException) -> BaseException:
    try:
        raise error
    except BaseException as caught:  # noqa: BLE001 - the test wants the traceback
        return caught


def test_logs_go_to_a_file_in_the_user_log_folder(log_folder):
    path = setup_logging()
    assert path == log_folder / LOG_FILE
    logging.getLogger("ner_studio.gui.something").info("hello from the test")
    flush()
    assert "hello from the test" in path.read_text(encoding="utf-8")


def test_the_log_rotates_and_keeps_a_few_old_files(log_folder, monkeypatch):
    monkeypatch.setattr(logs, "MAX_BYTES", 2000)
    path = setup_logging()
    log = logging.getLogger("ner_studio.test")
    for k in range(200):
        log.warning("line %d %s", k, "x" * 40)
    flush()
    assert path.stat().st_size <= 2000 + 200
    assert sorted(p.name for p in log_folder.iterdir()) == [LOG_FILE, f"{LOG_FILE}.1", f"{LOG_FILE}.2", f"{LOG_FILE}.3"]
    assert "line 199" in path.read_text(encoding="utf-8")


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
    handlers = [h for h in logging.getLogger("ner_studio").handlers if isinstance(h, RotatingFile)]
    assert len(handlers) == 1
    assert "moved" in second.read_text(encoding="utf-8")


def test_an_unwritable_folder_does_not_stop_the_app(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert setup_logging(blocker / "logs") is None


def test_the_log_file_is_the_users_alone_also_after_rotation(log_folder, monkeypatch):
    monkeypatch.setattr(logs, "MAX_BYTES", 500)
    old = log_folder / LOG_FILE
    log_folder.mkdir(parents=True, exist_ok=True)
    old.write_text("from an older version\n")
    old.chmod(0o644)
    path = setup_logging()
    log = logging.getLogger("ner_studio.test")
    for k in range(40):
        log.warning("line %d %s", k, "x" * 40)
    log.warning("after the last rotation")
    flush()
    files = sorted(log_folder.iterdir())
    assert len(files) == 4
    assert {p.name: oct(p.stat().st_mode & 0o777) for p in files} == {p.name: "0o600" for p in files}
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_password_that_slips_into_a_log_call_is_masked(log_folder):
    path = setup_logging()
    log = logging.getLogger("ner_studio.test")
    log.info("connecting to %s", "postgresql://ann:hunter2@db/news?password=hunter3")
    log_failure(log, "opening", raised(RuntimeError("bad conninfo: host=db password='hunter4'")))
    flush()
    text = path.read_text(encoding="utf-8")
    assert "connecting to postgresql://ann:***@db/news?password=***" in text
    assert "RuntimeError: bad conninfo: host=db password=***" in text
    assert not any(secret in text for secret in ("hunter2", "hunter3", "hunter4"))
