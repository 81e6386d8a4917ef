"""A worker's signals reach the UI thread only through bound methods of UI-thread objects.

PySide6 runs a lambda (or a ``functools.partial``) connected to a signal in the thread that emits
it: on a worker's ``succeeded``/``failed``/``progress``/``finished`` that is the worker's own
thread, where a message box or a widget update crashes or races the window. A bound method of a
QObject living in the UI thread is queued to the UI thread instead. The first test shows the
difference, the second keeps the source free of such connections."""

from __future__ import annotations

import ast
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from ner_studio.gui.shell.qt_task_worker import TaskWorker

GUI = Path(__file__).resolve().parents[2] / "ner_studio" / "gui"
WORKER_SIGNALS = {"succeeded", "failed", "progress", "yielded", "done", "finished"}


class _Receiver(QObject):
    arrived = Signal()

    def __init__(self):
        super().__init__()
        self.thread_ids: list[int] = []

    @Slot(object)
    def take(self, _result) -> None:
        self.thread_ids.append(threading.get_ident())
        self.arrived.emit()


def test_a_lambda_on_a_workers_signal_runs_in_the_worker_a_bound_method_in_the_ui_thread(qtbot):
    receiver, lambda_threads = _Receiver(), []
    worker = TaskWorker(lambda report, stop: 1, "probe")
    worker.succeeded.connect(lambda _result: lambda_threads.append(threading.get_ident()))
    worker.succeeded.connect(receiver.take)
    with qtbot.waitSignal(receiver.arrived, timeout=5000):
        worker.start()
    worker.wait()
    assert receiver.thread_ids == [threading.get_ident()]
    assert lambda_threads and lambda_threads != [threading.get_ident()]


def connections_to_worker_signals() -> list[str]:
    found = []
    for path in sorted(GUI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "connect" and node.args):
                continue
            signal = node.func.value
            slot = node.args[0]
            is_anonymous = isinstance(slot, ast.Lambda) or (
                isinstance(slot, ast.Call) and getattr(slot.func, "id", getattr(slot.func, "attr", "")) == "partial")
            if isinstance(signal, ast.Attribute) and signal.attr in WORKER_SIGNALS and is_anonymous:
                found.append(f"{path.relative_to(GUI)}:{node.lineno}")
    return found


def test_no_lambda_or_partial_is_connected_to_a_workers_signal():
    assert connections_to_worker_signals() == []
