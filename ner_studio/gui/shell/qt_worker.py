"""Long work off the UI thread: a job runs in a QThread and reports only through signals.

``ThreadedWorker`` owns the thread and the cancel flag; its two kinds differ in what the job
is. ``Worker`` runs a generator ``job(report, should_stop)``: every item it yields reaches the
UI as ``yielded(item)`` (so results can be shown as they come), and ``report(done, total)``
becomes ``progress``. ``qt_task_worker.TaskWorker`` runs a function that returns one result.
``cancel()`` makes ``should_stop()`` true; the job decides how soon to honour it. The UI
thread never blocks on a worker.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from ner_studio.core.logs import log_failure

log = logging.getLogger(__name__)

Job = Callable[[Callable[[int, int], None], Callable[[], bool]], Iterable[Any]]


class ThreadedWorker(QObject):
    """A QObject living in its own QThread; subclasses define ``_run``. Connect the signals
    before calling :meth:`start` and keep a reference until ``finished``."""

    def __init__(self, name: str):
        super().__init__()
        self._stop = threading.Event()
        self._thread = QThread()
        self._thread.setObjectName(name)
        self.moveToThread(self._thread)
        self._thread.started.connect(self._run)
        # Emitted (in the thread that connects) once the thread has really ended: only then may
        # the last reference to the worker go, or Qt aborts on a QThread destroyed running.
        self.finished = self._thread.finished

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        self._stop.set()

    def cancelled(self) -> bool:
        return self._stop.is_set()

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until the thread ends (for shutdown and tests only). Sleeps in Python rather
        than in ``QThread.wait``, which keeps the GIL and so would stall the very job it waits
        for."""
        deadline = time.monotonic() + msecs / 1000
        while self._thread.isRunning() and time.monotonic() < deadline:
            time.sleep(0.005)
        return not self._thread.isRunning()

    def _run(self) -> None:
        raise NotImplementedError


class Worker(ThreadedWorker):
    """Runs one generator job in its own thread."""

    progress = Signal(int, int)
    yielded = Signal(object)
    failed = Signal(object)  # the exception
    done = Signal(bool)  # True when it ran to the end, False when cancelled or failed

    def __init__(self, job: Job, name: str = "worker"):
        super().__init__(name)
        self._job = job

    @Slot()
    def _run(self) -> None:
        completed = False
        try:
            for item in self._job(self.progress.emit, self._stop.is_set):
                self.yielded.emit(item)
            completed = not self._stop.is_set()
        except Exception as error:  # noqa: BLE001 - any failure must reach the UI, not kill the thread
            log_failure(log, f"{self._thread.objectName()} job failed", error)
            self.failed.emit(error)
        self.done.emit(completed)
        # Quit from here, not through a queued signal: the UI thread may be waiting in wait().
        self._thread.quit()
