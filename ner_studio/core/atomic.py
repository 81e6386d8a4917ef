"""Atomic file replacement: a reader sees the old file or the new one, never half of either.

The new content goes to a hidden temporary file beside the target (``.NAME.PID-XXXX.tmp``),
is fsynced and renamed over the target. A write that is killed (power cut, ``kill -9``)
leaves its temporary file behind; the next write of the same target removes such leftovers
once they are stale: their process is gone, or nothing touched them for a day.

The new file keeps the permissions of the one it replaces (a new one gets the usual mode of
the user's umask); a ``private`` file (settings, anything that names the user's projects) is
the user's alone, mode 0600, whatever the old file's mode was.
"""

from __future__ import annotations

import os
import stat
import tempfile
import time
from pathlib import Path
from typing import IO

from ner_studio.core.errors import OutputError

# A temporary file still being written is touched constantly; one untouched this long whose
# process is gone is a leftover. A day covers temporary files of other machines (network
# folders), whose process numbers mean nothing here.
_STALE_SECONDS = 60.0
_ABANDONED_SECONDS = 24 * 3600.0
PRIVATE_MODE = 0o600


_SPECIAL = ((stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
            (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"))


def special_file(path: str | Path) -> str | None:
    """What ``path`` is (``"a character device"``, ...) if it exists and is neither a regular
    file nor a folder (links followed); ``None`` otherwise."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None
    return next((name for test, name in _SPECIAL if test(mode)), None)


def check_not_special(path: str | Path) -> None:
    """Raise :class:`OutputError` if ``path`` is a device, a FIFO or a socket. Why: writing
    there "works" and loses the output (``/dev/null``), hangs (a FIFO nobody reads), or, by
    renaming a new file over it, replaces the device itself when run as root (issue 24)."""
    kind = special_file(path)
    if kind is not None:
        raise OutputError(f"this is {kind}, not a regular file; NER Studio writes only regular "
                          f"files. Give a file name", path)


def atomic_write_bytes(path: str | Path, data: bytes, *, private: bool = False) -> None:
    """Write ``data`` to a temporary file beside ``path``, fsync it, rename it over ``path``
    and fsync the directory so the rename itself survives a crash."""
    with AtomicWriter(path, binary=True, private=private) as handle:
        handle.write(data)


def atomic_write_text(path: str | Path, text: str, newline: str = "\n", *, private: bool = False) -> None:
    """UTF-8 text, line breaks written as ``newline``."""
    if newline != "\n":
        text = text.replace("\n", newline)
    atomic_write_bytes(path, text.encode("utf-8"), private=private)


class AtomicWriter:
    """``with AtomicWriter(path) as out: out.write(...)`` writes piece by piece (memory stays
    small however large the file) and replaces ``path`` only when the block ends without an
    exception; otherwise the temporary file is removed and ``path`` is untouched."""

    def __init__(self, path: str | Path, *, binary: bool = False, private: bool = False):
        self.path = Path(path)
        self._binary = binary
        self._private = private
        self._temp: str | None = None
        self._handle: IO | None = None

    def __enter__(self) -> IO:
        check_not_special(self.path)
        directory = _directory(self.path)
        remove_stale_temporaries(self.path)
        fd, self._temp = tempfile.mkstemp(prefix=f".{self.path.name}.{os.getpid()}-", suffix=".tmp",
                                          dir=directory)
        if self._binary:
            self._handle = os.fdopen(fd, "wb")
        else:
            self._handle = os.fdopen(fd, "w", encoding="utf-8", newline="")
        return self._handle

    def __exit__(self, kind, error, trace) -> None:
        try:
            if kind is not None:
                self._handle.close()
                return
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()
            if self._private:
                os.chmod(self._temp, PRIVATE_MODE)  # what mkstemp gave it; said, not assumed
            elif self.path.exists():
                # mkstemp creates 0600 files; keep the permissions the user gave the old file.
                os.chmod(self._temp, self.path.stat().st_mode & 0o7777)
            else:
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(self._temp, 0o666 & ~umask)
            os.replace(self._temp, self.path)
            self._temp = None
        finally:
            if self._temp is not None:
                try:
                    os.unlink(self._temp)
                except FileNotFoundError:
                    pass
        fsync_directory(_directory(self.path))


def remove_stale_temporaries(path: str | Path) -> list[Path]:
    """Delete leftover temporary files of earlier, killed writes of ``path``; returns them.
    Never touches another target's files nor one a live process may still be writing."""
    path = Path(path)
    directory = _directory(path)
    prefix = f".{path.name}."
    removed = []
    try:
        names = os.listdir(directory)
    except OSError:
        return removed
    now = time.time()
    for name in names:
        if not (name.startswith(prefix) and name.endswith(".tmp")):
            continue
        middle = name[len(prefix) : -len(".tmp")]
        candidate = directory / name
        try:
            age = now - candidate.stat().st_mtime
        except OSError:
            continue
        if age < _STALE_SECONDS:
            continue
        pid = middle.split("-", 1)[0]
        if age < _ABANDONED_SECONDS and pid.isdigit() and process_alive(int(pid)):
            continue
        try:
            candidate.unlink()
            removed.append(candidate)
        except OSError:
            pass
    return removed


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` may still be running (this one is; no way to tell: yes)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process, or no way to tell: keep its file
    return True


def _directory(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


def fsync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # e.g. Windows cannot open directories; the rename is still atomic there
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
