"""A function that reports through a callback and returns one result, run in its own thread.

``qt_worker.Worker`` suits generators (one item per document); training is a loop that calls
back after every batch and returns a model at the end, so it gets this sibling: the task is
``task(report, should_stop) -> result``; ``report(obj)`` becomes ``progress(obj)``, the return
value ``succeeded(result)``, an exception ``failed(error)``. The worker object lives in the
thread (moved with ``moveToThread``) and the UI only sees signals.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal, Slot

from ner_studio.core.logs import log_failure
from ner_studio.gui.shell.qt_worker import ThreadedWorker

log = logging.getLogger(__name__)

Task = Callable[[Callable[[Any], None], Callable[[], bool]], Any]


class TaskWorker(ThreadedWorker):
    """Connect the signals, then :meth:`start`. Keep a reference until ``finished``."""

    progress = Signal(object)
    succeeded = Signal(object)
    failed = Signal(object)  # the exception

    def __init__(self, task: Task, name: str = "task"):
        super().__init__(name)
        self._task = task

    @Slot()
    def _run(self) -> None:
        try:
            result = self._task(self.progress.emit, self._stop.is_set)
        except Exception as error:  # noqa: BLE001 - every failure must reach the UI as a message
            log_failure(log, f"{self._thread.objectName()} job failed", error)
            self.failed.emit(error)
        else:
            self.succeeded.emit(result)
        self._thread.quit()
