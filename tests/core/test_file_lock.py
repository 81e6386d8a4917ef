"""The settings' lock across processes: held, it makes another writer wait, then time out."""

import os
import stat
import subprocess
import sys
import time

import pytest

from ner_studio.core.file_lock import LockTimeout, locked

HOLDER = """
import sys, time
from ner_studio.core.file_lock import locked
with locked(sys.argv[1], 5):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def hold_in_another_process(path, seconds):
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "held"
    return child


def test_a_lock_held_elsewhere_times_out_then_is_free_once_let_go(tmp_path):
    path = tmp_path / "settings.json.lock"
    child = hold_in_another_process(path, 1.5)
    began = time.monotonic()
    with pytest.raises(LockTimeout):
        with locked(path, 0.2):
            pass
    assert time.monotonic() - began >= 0.2
    with locked(path, 10):  # waits for the other process to let go
        assert child.poll() is not None or time.monotonic() - began >= 1.0
    child.wait(timeout=10)


def test_the_lock_file_is_the_users_alone(tmp_path):
    path = tmp_path / "x.lock"
    with locked(path, 1):
        pass
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_the_lock_is_let_go_when_the_block_fails(tmp_path):
    path = tmp_path / "x.lock"
    with pytest.raises(RuntimeError):
        with locked(path, 1):
            raise RuntimeError("in the block")
    with locked(path, 0.1):
        pass
