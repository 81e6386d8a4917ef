"""Rotating the open project's backups in a worker once it is open: the full check before a
copy decodes every document (seconds on a big project), which must not hold up opening."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from ner_studio.core.store.project import Project
from ner_studio.core.store.project_connection import back_up
from ner_studio.gui.shell.qt_task_worker import TaskWorker

log = logging.getLogger(__name__)


class Backups(QObject):
    warning = Signal(str)  # a backup could not be made or checked: worth the status bar

    def __init__(self, open_project: Callable[[], Project | None], parent: QObject | None = None):
        super().__init__(parent)
        self._open_project = open_project  # the project open now (None: none)
        self._worker: TaskWorker | None = None

    def later(self, project: Project) -> None:
        """Back ``project`` up in the background if it is due (one at a time)."""
        if not project.backup_due or self._worker is not None:
            return
        path, count = project.path, project.backup_due
        project.backup_due = 0
        self._worker = TaskWorker(lambda report, should_stop: back_up(path, count), "backup")
        self._worker.succeeded.connect(self._on_backed_up)
        self._worker.finished.connect(self._on_finished)
        self._worker.start()

    def _on_backed_up(self, warning: str | None) -> None:
        if warning:
            log.warning("%s", warning)
            self.warning.emit(warning)

    def _on_finished(self) -> None:
        self._worker = None
        project = self._open_project()
        if project is not None and not project.closed:
            self.later(project)  # one opened while this ran

    def running(self) -> bool:
        return self._worker is not None

    def wait(self) -> None:
        """Block until the running backup ends (its thread must end before the window goes)."""
        if self._worker is not None:
            self._worker.wait()
