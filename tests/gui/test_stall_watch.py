"""The UI stall watchdog: a frozen window leaves the frozen stack in the log (issue 29)."""

from __future__ import annotations

import logging
import re
import threading
import time

from PySide6.QtCore import QTimer

from ner_studio.core.logs import setup_logging
from ner_studio.gui.shell import qt_stall_watch
from ner_studio.gui.shell.stall_watch import StallRules, StallWatch
from tests.gui.test_logging import log_text


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def stuck_in_a_slow_step(text: str, release: threading.Event) -> None:
    """Stands for the UI thread busy in some function, holding document text in a local."""
    words = text.split()
    release.wait(10)
    assert words


def stuck_thread(text: str = "Karin Olsson visited Lisbon"):
    """``(thread_id, release)`` of a thread now blocked in :func:`stuck_in_a_slow_step`."""
    release, started = threading.Event(), threading.Event()

    def run():
        started.set()
        stuck_in_a_slow_step(text, release)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    started.wait(5)
    time.sleep(0.01)  # into the wait
    return thread.ident, release


def warnings_and_infos(caplog):
    records = [r for r in caplog.records if r.name == "ner_studio.gui.shell.stall_watch"]
    return ([r.getMessage() for r in records if r.levelno == logging.WARNING],
            [r.getMessage() for r in records if r.levelno == logging.INFO])


def test_a_stall_is_reported_once_with_the_stuck_stack_then_its_whole_length(caplog):
    caplog.set_level(logging.INFO, logger="ner_studio")
    thread_id, release = stuck_thread("Karin Olsson visited Lisbon")
    clock = FakeClock()
    watch = StallWatch(clock=clock, thread_id=thread_id)
    try:
        watch.pet()
        clock.now += 0.2
        watch.check()
        assert warnings_and_infos(caplog) == ([], [])  # 200 ms: not yet a stall
        clock.now += 0.1
        watch.check()
        clock.now += 0.2
        watch.check()  # still stuck: said already
        warnings, infos = warnings_and_infos(caplog)
        assert len(warnings) == 1 and not infos
        assert warnings[0].startswith("UI thread blocked for 300 ms")
        assert "in stuck_in_a_slow_step" in warnings[0] and "release.wait(10)" in warnings[0]
        assert "Lisbon" not in warnings[0]  # code lines and names only, never a frame's locals
        clock.now += 0.1
        watch.pet()
        watch.check()
        warnings, infos = warnings_and_infos(caplog)
        assert len(warnings) == 1
        assert infos == ["UI thread responsive again: it was blocked for 600 ms in all"]
    finally:
        release.set()


def test_nothing_is_checked_before_the_first_pet_nor_while_pets_keep_coming(caplog):
    caplog.set_level(logging.INFO, logger="ner_studio")
    clock = FakeClock()
    watch = StallWatch(clock=clock)
    clock.now += 5.0
    watch.check()  # start-up before the event loop runs
    for _ in range(20):
        watch.pet()
        clock.now += 0.24
        watch.check()
    assert warnings_and_infos(caplog) == ([], [])


def test_at_most_a_few_stalls_a_minute_are_reported_and_the_next_report_counts_the_rest(caplog):
    caplog.set_level(logging.INFO, logger="ner_studio")
    clock = FakeClock()
    watch = StallWatch(StallRules(max_reports=3, per_s=60.0), clock=clock)

    def one_stall():
        watch.pet()
        clock.now += 0.5
        watch.check()
        watch.pet()
        watch.check()
        clock.now += 1.0

    for _ in range(5):
        one_stall()
    warnings, infos = warnings_and_infos(caplog)
    assert len(warnings) == 3 and len(infos) == 3  # the two left out say nothing
    clock.now += 60.0
    one_stall()
    warnings, _ = warnings_and_infos(caplog)
    assert len(warnings) == 4
    assert "(2 more stalls since the last report were not reported: at most 3 per 60 s)" in warnings[3]


def napping_ui_step() -> None:
    time.sleep(0.15)


def test_the_watchdog_thread_catches_a_real_stall_and_stops(caplog):
    caplog.set_level(logging.INFO, logger="ner_studio")
    watch = StallWatch(StallRules(threshold_s=0.05, poll_s=0.01))
    watch.start()
    try:
        assert any(t.name == "ui-stall-watch" for t in threading.enumerate())
        watch.pet()
        napping_ui_step()
        watch.pet()
        deadline = time.monotonic() + 5
        while not warnings_and_infos(caplog)[1] and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        watch.stop()
    assert not watch.is_running()
    warnings, infos = warnings_and_infos(caplog)
    assert len(warnings) == 1 and "in napping_ui_step" in warnings[0] and "time.sleep(0.15)" in warnings[0]
    assert len(infos) == 1


def freeze_the_ui() -> None:
    time.sleep(0.4)


def test_a_frozen_window_leaves_the_frozen_stack_in_the_log(start_window, qtbot, log_folder, monkeypatch):
    setup_logging()
    # A busy test machine may stall the window's own start-up: room for those and ours.
    monkeypatch.setattr(qt_stall_watch, "RULES", StallRules(max_reports=100))
    window = start_window()
    assert any(t.name == "ui-stall-watch" for t in threading.enumerate())
    QTimer.singleShot(0, freeze_the_ui)  # a slot that blocks the event loop for 400 ms
    qtbot.waitUntil(lambda: "freeze_the_ui" in log_text(log_folder)
                    and "responsive again" in log_text(log_folder).split("freeze_the_ui", 1)[1], timeout=5000)
    records = re.split(r"\n(?=\d{4}-\d\d-\d\d )", log_text(log_folder))
    ours = next(i for i, r in enumerate(records) if "in freeze_the_ui" in r)
    warning = records[ours]
    after = next(r for r in records[ours + 1:] if "responsive again" in r)  # other threads may log between
    assert re.match(r"\S+ \S+ WARNING +ui-stall-watch ner_studio\.gui\.shell\.stall_watch: "
                    r"UI thread blocked for (\d+) ms", warning), warning
    assert "time.sleep(0.4)" in warning
    ended = re.search(r"INFO +ui-stall-watch .*: UI thread responsive again: it was blocked for (\d+) ms in all", after)
    assert ended and int(ended[1]) >= 400
    # Seen while it lasted, past the 250 ms threshold (said in whole ms: 250.4 ms reads "250").
    assert 250 <= int(re.search(r"blocked for (\d+) ms", warning)[1]) <= int(ended[1])
    window.close()
    qtbot.waitUntil(lambda: not any(t.name == "ui-stall-watch" for t in threading.enumerate()), timeout=2000)
