"""Project settings that every review changes, written together a moment later.

Each Space in Review Next wrote three project settings (the review log, the accepted sentences,
the learning loop's count), each in its own transaction: three commits on the UI thread per
sentence, and the simulated analyst found the UI thread inside those commits 98 times 100 ms
into a stall (benchmarks/results/2026-12-07-analyst-loop.md). :class:`DeferredSettings` keeps
the newest value of each key and writes them all in one transaction ``FLUSH_MS`` after the
first change (the timer is not restarted, so steady reviewing writes once per ``FLUSH_MS``,
not once per key), and at once when the project closes (``Workspace.close``) or another key
asks for it (:meth:`flush`). A read through :meth:`get` sees the value not written yet.

What a crash can lose: the last ``FLUSH_MS`` of these records (a few review-log entries,
accepted marks, the loop's count), never an edit: span edits are written as they happen.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer

from ner_studio.core.errors import NerStudioError

log = logging.getLogger(__name__)

FLUSH_MS = 3000  # about one write per sentence an analyst reads in 5-10 s


class DeferredSettings(QObject):
    """Settings of ``project`` written in one transaction a moment after they change."""

    def __init__(self, project, parent: QObject | None = None, delay_ms: int = FLUSH_MS):
        super().__init__(parent)
        self.project = project
        self._pending: dict[str, object] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.flush)

    def set(self, key: str, value) -> None:
        self._pending[key] = value
        if not self._timer.isActive():
            self._timer.start()

    def get(self, key: str, default=None):
        if key in self._pending:
            return self._pending[key]
        return self.project.get_setting(key, default)

    def pending(self) -> bool:
        return bool(self._pending)

    def flush(self) -> None:
        """Write what waits, in one transaction (a convenience: a failure is logged, not raised)."""
        self._timer.stop()
        values, self._pending = self._pending, {}
        if not values or self.project.read_only or self.project.closed:
            return
        try:
            self.project.set_settings(values)
        except NerStudioError as error:
            log.warning("settings not saved (%s): %s", ", ".join(values), error)
