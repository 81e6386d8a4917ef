"""Killed writes leave temporary files; the next write of the same target removes them."""

import os
import stat
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


def test_a_replaced_file_keeps_its_mode_and_a_new_one_follows_the_umask(tmp_path):
    kept = tmp_path / "shared.conll"
    kept.write_text("old")
    kept.chmod(0o640)
    atomic_write_text(kept, "new")
    assert kept.read_text() == "new" and stat.S_IMODE(kept.stat().st_mode) == 0o640
    umask = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "new.conll", "x")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.conll").stat().st_mode) == 0o644


def test_a_private_file_is_the_users_alone_new_or_replaced(tmp_path):
    fresh, older = tmp_path / "fresh.json", tmp_path / "older.json"
    older.write_text("{}")
    older.chmod(0o644)
    for path in (fresh, older):
        atomic_write_text(path, "{}", private=True)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
