"""An exclusive lock on a file shared by processes, with a timeout, from the standard library
(``fcntl.flock`` on Linux and macOS, ``msvcrt.locking`` on Windows).

Why not the ``filelock`` package, which does the same: importing it costs ~18 ms (it brings its
asynchronous variants along), and the app takes this lock while it opens its first window
(the settings' recent projects), where every millisecond shows (issue 23: start-up no slower).
The lock is advisory and released when the process ends, however it ends.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

POLL_SECONDS = 0.01


class LockTimeout(Exception):
    """The lock was still held by someone else when the time ran out."""


@contextmanager
def locked(path: str | Path, timeout: float, mode: int = 0o600) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created with ``mode`` if missing) inside the block;
    :class:`LockTimeout` if another holder keeps it longer than ``timeout`` seconds."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, mode)
    try:
        deadline = time.monotonic() + timeout
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                raise LockTimeout(str(path))
            time.sleep(POLL_SECONDS)
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


if os.name == "nt":  # pragma: no cover - Windows
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
