"""The Catalogue dock's counts (mentions and documents per entry), counted off the UI thread.

Why a worker: on a 1M-token project with 77,000 links the GROUP BY reads every linked span and
took 0.3-1.1 s (benchmarks/results/2026-12-07-catalogue.md), on the UI thread, after every K.
Every edit is committed before it returns (core/store/project.py), so a read-only connection of
the worker's own (as Team > Agreement does: a connection belongs to its thread) sees what the
window shows. Requests are debounced (a burst of edits, a Link All over 300 documents, a live
update: one count) and never pile up: one runs at a time, and a request made meanwhile runs
once more when it ends, so the last figures shown always follow the last change.
"""

from __future__ import annotations

import logging
from functools import partial

from PySide6.QtCore import QObject, QTimer, Signal

from ner_studio.core.catalogue.entries import EntryCounts
from ner_studio.core.logs import log_failure
from ner_studio.core.store.project import Project
from ner_studio.gui.shell.qt_task_worker import TaskWorker

log = logging.getLogger(__name__)

DELAY_MS = 120  # after the last change: a burst of edits is counted once


def count_task(location, annotator: str, report, should_stop) -> dict[str, EntryCounts]:
    """Mentions and documents per entry in ``annotator``'s version of the project at
    ``location`` (read-only, the version is settled as the window's project settles it)."""
    project = Project.open(location, read_only=True, annotator=annotator)
    try:
        return project.entry_counts()
    finally:
        project.close(discard_pending=True)


class EntryCountsWorker(QObject):
    """``request()`` after anything that can change a link; ``counted`` brings the figures of
    the project that asked (a result for a project closed meanwhile is dropped)."""

    counted = Signal(object)  # dict[str, EntryCounts]

    def __init__(self, parent: QObject, project_of):
        super().__init__(parent)
        self._project_of = project_of  # () -> the workspace's current Project
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self._start)
        self._worker: TaskWorker | None = None
        self._counting: Project | None = None  # the project the running count reads
        self._again = False
        self._closed = False

    @property
    def busy(self) -> bool:
        """A count is due or running (tests wait for this to end)."""
        return self._timer.isActive() or self._worker is not None

    def request(self) -> None:
        if not self._closed:
            self._timer.start()

    def _start(self) -> None:
        if self._worker is not None:
            self._again = True
            return
        project = self._project_of()
        worker = self._worker = TaskWorker(
            partial(count_task, project.reopen_location, project.annotator), "entry counts")
        self._counting = project
        worker.succeeded.connect(self._deliver)
        worker.failed.connect(self._on_failed)
        worker.finished.connect(self._on_finished)
        worker.start()

    def _deliver(self, counts: dict[str, EntryCounts]) -> None:
        if self._counting is self._project_of() and not self._closed:
            self.counted.emit(counts)

    def _on_failed(self, error: Exception) -> None:
        log_failure(log, "counting the catalogue's links", error)

    def _on_finished(self) -> None:
        self._worker = None
        if self._again and not self._closed:
            self._again = False
            self._start()

    def shutdown(self) -> None:
        self._closed = True
        self._timer.stop()
        if self._worker is not None:
            self._worker.cancel()
            self._worker.wait()
