"""Field evidence of a frozen window: a watchdog that logs where the UI thread was stuck.

A benchmark finds the stalls we thought of; a user finds the others. As Chromium's jank reports
and VS Code's slow-operation warnings do, the app watches its own UI thread: the thread "pets"
:class:`StallWatch` from a timer (``qt_stall_watch.py``, every 50 ms), and a daemon thread
checks how long ago the last pet was. Past :attr:`StallRules.threshold_s` (250 ms: what a person
feels as a freeze) it takes the UI thread's stack with ``sys._current_frames()`` and logs one
WARNING "UI thread blocked for N ms" with that stack, once per stall; when the thread pets
again, one INFO line gives the stall's whole length. A bug report's log then shows where it
froze without anyone attaching a profiler.

What is logged is code only: file, line, function and the source line of each frame, never a
frame's local variables (they hold document text). At most :attr:`StallRules.max_reports`
stalls are reported per :attr:`StallRules.per_s`; the next report counts the ones left out, so
a machine that is slow all the time does not fill the log (it rotates at 1 MB).

No Qt here (the layer test checks it): the checks run on an explicit :meth:`StallWatch.check`
with an injectable clock, so tests need no sleeps and no window.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StallRules:
    threshold_s: float = 0.25  # no pet for longer than this is a stall
    poll_s: float = 0.05  # how often the watchdog thread looks
    max_reports: int = 3  # stalls reported with their stack ...
    per_s: float = 60.0  # ... per this many seconds
    max_frames: int = 40  # innermost frames of a stack kept (a deep recursion stays readable)


def format_stack(frame, max_frames: int = 40) -> str:
    """The stack ending at ``frame``, outermost first, as a traceback prints it: code lines and
    function names, never local variables (``capture_locals`` stays off)."""
    summary = traceback.StackSummary.extract(traceback.walk_stack(frame), limit=max_frames, capture_locals=False)
    summary.reverse()  # walk_stack goes from the innermost frame outwards
    return "".join(summary.format()).rstrip("\n")


class StallWatch:
    """Notices that the thread that created it (the UI thread) stopped calling :meth:`pet`.

    :meth:`pet` runs on the watched thread; :meth:`check` on the watchdog thread started by
    :meth:`start` (or in a test). Nothing is checked before the first pet: the time before the
    event loop runs is start-up, measured by ``benchmarks/gui_startup.py``."""

    def __init__(self, rules: StallRules = StallRules(), *, clock: Callable[[], float] = time.monotonic,
                 logger: logging.Logger = log, thread_id: int | None = None):
        self.rules = rules
        self._clock = clock
        self._log = logger
        self._thread_id = thread_id if thread_id is not None else threading.get_ident()
        self._last_pet: float | None = None
        self._long_gap = 0.0  # the last gap between pets over the threshold, measured by pet()
        self._stall_pet: float | None = None  # the last pet before the stall in progress
        self._stall_reported = False
        self._reports: deque[float] = deque()  # when recent stalls were reported
        self._left_out = 0  # stalls not reported since the last report
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- the watched thread -----------------------------------------------------------------
    def pet(self) -> None:
        """The watched thread is alive (a timer's tick: keep it cheap)."""
        now = self._clock()
        last = self._last_pet
        if last is not None and now - last > self.rules.threshold_s:
            self._long_gap = now - last  # the stall's whole length, for check() to report
        self._last_pet = now

    # --- the watchdog -----------------------------------------------------------------------
    def check(self) -> None:
        """Report a stall that began, or one that ended, since the last check."""
        # The clock first: a pet landing between the two reads then makes ``now - last``
        # smaller, never a stall that was not (this thread may wait long for the GIL).
        now = self._clock()
        last = self._last_pet
        if last is None:
            return
        if self._stall_pet is not None:
            if last == self._stall_pet:
                return  # still stuck, and said so already
            if self._stall_reported:
                self._log.info("UI thread responsive again: it was blocked for %d ms in all", round(self._long_gap * 1000))
            self._stall_pet = None
        if now - last > self.rules.threshold_s:
            self._stall_pet = last
            self._stall_reported = self._may_report(now)
            if self._stall_reported:
                self._report(now - last)

    def _may_report(self, now: float) -> bool:
        while self._reports and now - self._reports[0] >= self.rules.per_s:
            self._reports.popleft()
        if len(self._reports) >= self.rules.max_reports:
            self._left_out += 1
            return False
        self._reports.append(now)
        return True

    def _report(self, blocked_s: float) -> None:
        frame = sys._current_frames().get(self._thread_id)  # noqa: SLF001 - the documented way to see another thread
        stack = format_stack(frame, self.rules.max_frames) if frame is not None else "  (the thread has ended)"
        del frame  # a frame held here would keep the UI thread's locals alive
        left_out = ""
        if self._left_out:
            left_out = f" ({self._left_out} more stall{'s' if self._left_out > 1 else ''} since the last report " \
                       f"were not reported: at most {self.rules.max_reports} per {self.rules.per_s:.0f} s)"
            self._left_out = 0
        self._log.warning("UI thread blocked for %d ms%s; where it is (innermost last):\n%s",
                          round(blocked_s * 1000), left_out, stack)

    # --- the watchdog thread ----------------------------------------------------------------
    def start(self) -> None:
        """Check every ``rules.poll_s`` on a daemon thread until :meth:`stop`."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="ui-stall-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        self._stop.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def is_running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        while not self._stop.wait(self.rules.poll_s):
            try:
                self.check()
            except Exception:  # noqa: BLE001 - the watchdog must never take the app down
                self._log.exception("the UI stall watchdog failed; it stops")
                return
