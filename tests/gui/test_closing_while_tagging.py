"""Closing the window while it tags a file: the window does not wait for the whole file, the
tagging worker and its threads end, and no process is left behind."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from tests.gui.test_big_files import PARAGRAPHS


def _children() -> list[int]:
    """This process's child processes (Linux ``/proc``)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == os.getpid():
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def test_closing_the_window_while_it_tags_ends_the_tagging_at_once(start_window, qtbot, tmp_path):
    window = start_window()
    children = set(_children())
    path = tmp_path / "report.txt"
    path.write_text("\n\n".join(PARAGRAPHS * 20) + "\n", encoding="utf-8")  # ~36k tokens
    window.files.open_paths([path])
    qtbot.waitUntil(lambda: window.workspace.tagging.working(), timeout=10_000)
    assert window.workspace.is_predicting()

    started = time.monotonic()
    window.close()
    assert time.monotonic() - started < 10  # the part under way at most, never the whole file
    assert not window.workspace.tagging.working()
    # The job's threads (tagging_jobs._Saving); the model's own pool ("tagger") stays with the
    # loaded model, idle, for the next tagging.
    tagging = {"tag", "save model spans"}
    deadline = time.monotonic() + 5
    while any(t.name.split("_")[0] in tagging for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [t.name for t in threading.enumerate() if t.name.split("_")[0] in tagging]
    assert set(_children()) <= children  # no process started by the open stays
