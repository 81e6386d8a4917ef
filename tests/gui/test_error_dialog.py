"""Errors reach the person: a bug in a command or a worker shows the error dialog (what failed,
what is saved, where the log is, Copy Details) besides the log; and in the tests, an exception
nothing caught fails the test (pytest-qt's capture stays on, our hook does not swallow it)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from ner_studio.core.logs import setup_logging
from ner_studio.gui import app
from ner_studio.gui.shell import qt_prediction_queue
from ner_studio.gui.shell.qt_error_dialog import ErrorDialog

ROOT = Path(__file__).resolve().parents[2]
SECRET = "s3cretpw"


def log_text(folder) -> str:
    import logging

    for handler in logging.getLogger("ner_studio").handlers:
        handler.flush()
    path = folder / "ner-studio.log"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def record_error_dialogs(monkeypatch) -> list[dict]:
    """Error dialogs recorded (with Copy Details pressed) instead of shown; each records the
    thread it was opened on."""
    shown: list[dict] = []

    def record(dialog) -> int:
        dialog.copy.click()
        shown.append({"message": dialog.message.text(), "informative": dialog.informative.text(),
                      "details": dialog.details, "clipboard": QApplication.clipboard().text(),
                      "ui_thread": QThread.currentThread() is QApplication.instance().thread()})
        return 0

    monkeypatch.setattr(ErrorDialog, "exec", record)
    return shown


def failing_font_size(window):
    """Zooming fails from now on, with a server URL (and its password) in the message."""
    def fail(points):
        raise RuntimeError(f"postgresql://ann:{SECRET}@db.example.org/news went away")
    window.view.set_font_size = fail


def test_a_bug_in_a_menu_command_shows_the_error_dialog_and_the_log_has_it(start_window, qtbot, monkeypatch,
                                                                          log_folder):
    setup_logging()
    shown = record_error_dialogs(monkeypatch)
    window = start_window()
    failing_font_size(window)
    with qtbot.capture_exceptions() as caught:  # pytest-qt's hook, before ours: the test asks
        reporter = app.install_crash_reporter(window)
        try:
            window.actions_["zoom_in"].trigger()
            qtbot.waitUntil(lambda: bool(shown), timeout=5000)
        finally:
            reporter.uninstall()
    assert len(caught) == 1 and caught[0][0] is RuntimeError  # not swallowed: pytest-qt saw it
    [dialog] = shown
    assert dialog["message"].startswith("Zoom in failed: RuntimeError: postgresql://ann:***@db.example.org/news")
    assert "saved in the project as you make them" in dialog["informative"]
    assert window.workspace.project.name in dialog["informative"]
    assert str(log_folder / "ner-studio.log") in dialog["informative"]
    assert "Traceback" in dialog["details"] and "in zoom_in" in dialog["details"]
    assert dialog["clipboard"] == dialog["details"]
    assert SECRET not in dialog["details"] + dialog["message"] + dialog["informative"]
    text = log_text(log_folder)
    assert text.count("Uncaught exception") == 1 and "in zoom_in" in text


def test_a_burst_of_errors_shows_one_dialog_never_one_from_inside_another(start_window, qtbot, monkeypatch):
    window = start_window()
    failing_font_size(window)
    shown: list[str] = []

    def record(dialog) -> int:
        shown.append(dialog.message.text())
        window.actions_["zoom_out"].trigger()  # fails again while the dialog is open
        QApplication.processEvents()
        return 0

    monkeypatch.setattr(ErrorDialog, "exec", record)
    with qtbot.capture_exceptions() as caught:
        reporter = app.install_crash_reporter(window)
        try:
            for _ in range(3):
                window.actions_["zoom_in"].trigger()
            qtbot.waitUntil(lambda: reporter.folded == 3, timeout=5000)
            window.actions_["zoom_reset"].trigger()  # just after the dialog closed: the status bar
            qtbot.waitUntil(lambda: reporter.folded == 4, timeout=5000)
        finally:
            reporter.uninstall()
    assert len(caught) == 5
    assert len(shown) == 1
    assert window.current_status().startswith("Another error: Zoom reset failed")


def test_an_exception_in_a_thread_shows_the_dialog_on_the_ui_thread(start_window, qtbot, monkeypatch):
    shown = record_error_dialogs(monkeypatch)
    seen_before: list = []
    monkeypatch.setattr(threading, "excepthook", seen_before.append)  # the hook ours must chain to
    window = start_window()
    reporter = app.install_crash_reporter(window)
    try:
        thread = threading.Thread(target=lambda: {}["missing column"], name="reader")
        thread.start()
        thread.join()
        qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    finally:
        reporter.uninstall()
    assert len(seen_before) == 1 and seen_before[0].exc_type is KeyError
    assert shown[0]["ui_thread"] and "KeyError" in shown[0]["message"]


def test_a_bug_in_a_worker_shows_the_error_dialog(start_window, qtbot, monkeypatch):
    shown = record_error_dialogs(monkeypatch)
    window = start_window()

    def broken_job(model, docs, writer=None, **_options):
        def job(report, should_stop):
            yield from ()
            raise KeyError("emissions")
        return job

    monkeypatch.setattr(qt_prediction_queue, "prediction_job", broken_job)
    window.actions_["predict"].trigger()  # Document > Tag with Model
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert shown[0]["message"].startswith(f"The model {window.model.name} could not tag the documents")
    assert "KeyError" in shown[0]["message"] and "Traceback" in shown[0]["details"]
    assert "saved in the project" in shown[0]["informative"]


INNER_TEST = '''
from PySide6.QtWidgets import QWidget

from ner_studio.gui.shell.qt_actions import Command, create_actions
from ner_studio.gui.shell.qt_error_dialog import CrashReporter, ErrorDialog


class Target:
    def boom(self):
        raise RuntimeError("a bug in a slot")


def action(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget, create_actions(widget, [Command("boom", "Boom", (), "", "boom")], Target())["boom"]


def test_plain(qtbot):
    widget, boom = action(qtbot)
    boom.trigger()


def test_with_the_apps_hook(qtbot, monkeypatch):
    shown = []
    monkeypatch.setattr(ErrorDialog, "exec", lambda dialog: shown.append(dialog) or 0)
    widget, boom = action(qtbot)
    reporter = CrashReporter(widget)
    reporter.install()
    boom.trigger()
    qtbot.waitUntil(lambda: bool(shown))
    reporter.uninstall()
'''


def test_an_exception_in_a_slot_fails_the_test_even_with_our_hook_installed(tmp_path):
    (tmp_path / "test_inner.py").write_text(INNER_TEST, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-o", "qt_api=pyside6",
                          "--rootdir", str(tmp_path), "-q", str(tmp_path / "test_inner.py")],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert "2 failed" in run.stdout, run.stdout + run.stderr
    assert run.stdout.count("RuntimeError: a bug in a slot") >= 2


def test_no_configuration_turns_pytest_qts_exception_capture_off():
    setting = "qt_no_" + "exception_capture"
    files = [ROOT / name for name in ("pyproject.toml", "setup.cfg", "pytest.ini", "tox.ini")]
    files += sorted((ROOT / "tests").rglob("*.py"))
    assert [str(f) for f in files if f.is_file() and setting in f.read_text(encoding="utf-8")] == []


def test_the_app_installs_the_reporter_and_a_window_alone_does_not(start_window, qtbot, monkeypatch, tiny_model_path):
    before = sys.excepthook
    window = start_window()
    assert sys.excepthook is before  # tests get pytest-qt's hook, not the dialog, unless they ask
    seen = {}

    def exec_once(application) -> int:
        """``app.exec()``: the hooks as the running app has them after the event loop's first
        turn (the reporter is installed then), then quit at once."""
        QApplication.processEvents()
        seen["hook"] = getattr(sys.excepthook, "__self__", None)
        seen["thread_hook"] = getattr(threading.excepthook, "__self__", None)
        seen["window"] = next(w for w in QApplication.topLevelWidgets() if w is not window and w.isVisible()
                              and type(w).__name__ == "MainWindow")
        return 0

    monkeypatch.setattr(app, "bundled_model_path", lambda: tiny_model_path)
    monkeypatch.setattr(QApplication, "exec", exec_once)
    assert app.run_app([]) == 0
    started = seen["window"]
    qtbot.addWidget(started)
    assert type(seen["hook"]).__name__ == "CrashReporter" and seen["thread_hook"] is seen["hook"]
    started.close()  # closing the window puts the hooks back
    assert getattr(sys.excepthook, "__self__", None) is not seen["hook"]
    assert getattr(threading.excepthook, "__self__", None) is not seen["hook"]


def test_the_details_never_carry_a_password():
    from ner_studio.core.secrets import redact_secrets as redact_text

    text = (f"connecting to postgresql://ann:{SECRET}@db:5432/news failed; retried postgresql://ann:{SECRET}@db:port/x "
            f"with host=db password={SECRET} and password = '{SECRET} 2'")
    clean = redact_text(text)
    assert SECRET not in clean
    assert "postgresql://ann:***@db:5432/news" in clean and "host=db password=***" in clean
