"""Killed writes leave temporary files; the next write of the same target removes them."""

import os
import subprocess
import sys
import time

from ner_studio.core.atomic import atomic_write_text, remove_stale_temporaries


def age(path, seconds):
    then = time.time() - seconds
    os.utime(path, (then, then))


def dead_pid():
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_killed_writes_leftover_is_removed_by_the_next_write(tmp_path):
    target = tmp_path / "data.conll"
    leftover = tmp_path / f".data.conll.{dead_pid()}-abcd1234.tmp"
    leftover.write_text("half a file")
    age(leftover, 120)
    atomic_write_text(target, "new")
    assert target.read_text() == "new" and not leftover.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.conll"]


def test_old_style_leftovers_go_after_a_day(tmp_path):
    old_style = tmp_path / ".data.conll.q1w2e3.tmp"  # written before temporary names had a pid
    old_style.write_text("x")
    age(old_style, 2 * 24 * 3600)
    assert remove_stale_temporaries(tmp_path / "data.conll") == [old_style]


def test_live_or_fresh_or_other_temporaries_are_kept(tmp_path):
    target = tmp_path / "data.conll"
    fresh = tmp_path / f".data.conll.{dead_pid()}-fresh.tmp"  # touched just now: maybe in use
    live = tmp_path / f".data.conll.{os.getppid()}-live.tmp"  # a running process
    other = tmp_path / f".other.conll.{dead_pid()}-x.tmp"  # another target's
    for path in (fresh, live, other):
        path.write_text("x")
    age(live, 3600)
    age(other, 3600)
    assert remove_stale_temporaries(target) == []
    assert fresh.exists() and live.exists() and other.exists()
