"""One probe of the UI thread's event loop, shared by the benchmarks that measure stalls.

A QTimer fires every ``interval_ms`` on the UI thread; a gap between two ticks much longer
than the interval is a time the event loop could not react: a click, a key or a repaint
waited that long. ``gui_big_document.py``, ``training_ui_stall.py`` and ``ui_stalls.py``
measure with it, so their figures mean the same thing. (The app's own watchdog,
``ner_studio/gui/shell/stall_watch.py``, is the field version: it logs where a stall was.)
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import QEventLoop, QTimer

STALL_TARGET_MS = 100  # issue 29: no stall a person feels


@dataclass(frozen=True)
class GapSummary:
    """Gaps between probe ticks, in ms (the raw gaps: an idle loop shows the interval)."""

    ticks: int
    p50: float
    p99: float
    max: float
    over_target: int  # gaps longer than STALL_TARGET_MS
    over_250: int  # gaps the app's watchdog would log

    def row(self) -> str:
        return f"{self.p50:7.1f} {self.p99:8.1f} {self.max:8.1f} {self.over_target:6d} {self.over_250:6d}"


def percentile(ordered: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of sorted values, nearest rank; 0 for none."""
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class EventLoopProbe:
    """Ticks of a timer on the UI thread; :meth:`gaps_ms` between them since :meth:`start`."""

    def __init__(self, interval_ms: int = 5):
        self.interval_ms = interval_ms
        self.ticks: list[float] = []
        self._timer = QTimer()
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(lambda: self.ticks.append(time.perf_counter()))

    def start(self) -> None:
        """(Re)start counting from now; the timer keeps the loop waking up meanwhile."""
        self.ticks = [time.perf_counter()]
        if not self._timer.isActive():
            self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self.ticks.append(time.perf_counter())  # a stall still going on counts to its end

    def gaps_ms(self) -> list[float]:
        return [(b - a) * 1000 for a, b in zip(self.ticks, self.ticks[1:])]

    def summary(self) -> GapSummary:
        gaps = sorted(self.gaps_ms())
        return GapSummary(len(self.ticks), percentile(gaps, 0.5), percentile(gaps, 0.99), gaps[-1] if gaps else 0.0,
                          sum(g > STALL_TARGET_MS for g in gaps), sum(g > 250 for g in gaps))


def wait(app, condition, timeout: float = 120.0) -> None:
    """Run the event loop until ``condition()``. It sleeps until events come, as the app's own
    loop does: polling here would compete with the workers for the interpreter. (A timer must
    be running, or nothing may wake it: the probe is one.)"""
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the window did not finish in time")
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)


def run_for(app, seconds: float) -> None:
    """Let the event loop run ``seconds`` (repaints, queued signals)."""
    until = time.perf_counter() + seconds
    wait(app, lambda: time.perf_counter() >= until, timeout=seconds + 60)
