"""The Qt half of the UI stall watchdog (``stall_watch.py`` says why and what it logs): a
timer on the UI thread pets the watch while the event loop runs, and the watchdog thread
stops when the window closes."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMainWindow

from ner_studio.gui.shell.stall_watch import StallRules, StallWatch

PET_MS = 50  # a fifth of the 250 ms threshold: a late tick or two is not a stall
RULES = StallRules()


def watch_ui_thread(window: QMainWindow, rules: StallRules | None = None) -> StallWatch:
    """Start watching the UI thread (call on it) for as long as ``window`` is open; the
    window needs a ``closed`` signal (``MainWindow`` has one)."""
    watch = StallWatch(rules or RULES)
    timer = QTimer(window)
    timer.setInterval(PET_MS)
    timer.timeout.connect(watch.pet)
    timer.start()
    watch.start()
    window.closed.connect(timer.stop)
    window.closed.connect(watch.stop)
    window.destroyed.connect(watch.stop)  # a window deleted without closing: no false stall reports
    return watch
