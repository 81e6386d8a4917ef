"""Taking in the project's background writes on the UI thread as soon as each is done.

A project-wide step (Label All and the like) is committed by the project's writer thread
(core/store/journal_writer.py) while the window goes on; the edits wait in the project's
journal until ``Project.land_write`` takes the outcome. Anything that reads or writes the
project lands it first (waiting, if it is not done), but an idle window would hold the edits
made meanwhile, and a failure, until then. :class:`WriteLanding` lands each write from the
event loop once its thread has finished it: the edits made meanwhile are saved then, and a
failure reaches the user (``write_failed``, a dialog) at once.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, Signal, Slot

log = logging.getLogger(__name__)


class WriteLanding(QObject):
    """Lands ``project``'s background writes on the UI thread when they are done."""

    _done = Signal()  # emitted in the writer's thread; queued to this object's (the UI) thread

    def __init__(self, project, parent: QObject | None = None):
        super().__init__(parent)
        self.project = project
        self._done.connect(self._land, Qt.ConnectionType.QueuedConnection)
        project.write_sent.connect(self._watch)
        project.start_writer()  # now, not at the first Label All (a thread's start: 103 ms once under load)

    def _watch(self, flight) -> None:
        flight.add_done_callback(lambda _flight: self._done.emit())

    @Slot()
    def _land(self) -> None:
        if not self.project.closed:
            self.project.land_write(wait=False)  # a failure: write_failed, which the window shows
