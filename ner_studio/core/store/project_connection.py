"""Opening a project file safely, and turning sqlite3/OS failures into :class:`ProjectError`
subclasses whose messages say what happened and what to do: locked by another program,
read-only, disk full, damaged (with the newest good backup), foreign, or from a newer version.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from ner_studio.core.errors import (
    CorruptProjectError,
    DiskFullError,
    ProjectError,
    ProjectLockedError,
    ReadOnlyProjectError,
)
from ner_studio.core.store.project_check import summarise_check
from ner_studio.core.store.project_files import BACKUP_COUNT, SQLITE_HEADER, connect, newest_good_backup, rotate_backups
from ner_studio.core.store.project_schema import check_not_newer, migrate, schema_version

# What was going on when something failed; error messages give advice to match.
OPENING = "opening the project"
CREATING = "creating the project"


def open_connection(path: Path, *, timeout: float, read_only: bool) -> sqlite3.Connection:
    """A checked, configured, migrated connection to the existing project ``path``."""
    check_file(path)
    if not read_only and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        # Refuse before SQLite creates -wal/-shm files that would inherit the read-only mode
        # and keep the project read-only even after the user fixes the file's permissions.
        raise _read_only(path, OPENING)
    conn = None
    try:
        conn = connect_read_only(path, timeout) if read_only else connect(path, timeout=timeout, mode="rw")
        version = schema_version(conn)
        if version == 0:
            raise ProjectError("this is an SQLite database but not an NER Studio project", path)
        check_not_newer(version, path)
        check_integrity(conn, path)
        if not read_only:
            configure(conn)  # only now: never switch a foreign database to WAL
            probe_write(conn)
            migrate(conn)
        return conn
    except BaseException as error:
        if conn is not None:
            conn.close()
        if isinstance(error, (sqlite3.Error, OSError)):
            raise as_project_error(error, path, OPENING, timeout) from error
        raise


def connect_read_only(path: Path, timeout: float) -> sqlite3.Connection:
    """A read-only connection; in a folder that lets no ``-shm`` be made, the file as immutable."""
    conn = connect(path, timeout=timeout, mode="ro")
    try:
        conn.execute("PRAGMA schema_version").fetchone()  # opens the WAL index (-shm) if it can
        return conn
    except sqlite3.OperationalError as error:
        conn.close()
        wal = Path(f"{path}-wal")
        no_wal_content = not wal.exists() or wal.stat().st_size == 0
        if getattr(error, "sqlite_errorname", "").startswith("SQLITE_READONLY") and no_wal_content:
            # A read-only folder: SQLite cannot create the -shm file a WAL reader needs. With no
            # WAL content there is nothing it would miss, so read the file as immutable.
            return connect(path, timeout=timeout, mode="ro", immutable=True)
        raise


def create_connection(path: Path, *, timeout: float) -> sqlite3.Connection:
    """A connection to a new project file at ``path`` with the current schema; on failure
    nothing is left behind."""
    if path.exists():
        raise ProjectError("a file with this name already exists; open it or pick another name", path)
    conn = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = connect(path, timeout=timeout, mode="rwc")
        configure(conn)
        migrate(conn)
        return conn
    except BaseException as error:
        if conn is not None:
            conn.close()
        remove_project_files(path)
        if isinstance(error, (sqlite3.Error, OSError)):
            raise as_project_error(error, path, CREATING, timeout) from error
        raise


def remove_project_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def configure(conn: sqlite3.Connection) -> None:
    # WAL: readers never block the writer (two windows); FULL: a commit survives power loss.
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")


def probe_write(conn: sqlite3.Connection) -> None:
    """Find a read-only file or a held lock now, at open, rather than at the first edit
    (``BEGIN IMMEDIATE`` alone succeeds on a read-only file)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("UPDATE project_info SET value = value WHERE key = 'revision'")
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")


def as_project_error(error: BaseException, path: Path, doing: str, timeout: float | None = None):
    """The :class:`ProjectError` that explains ``error`` (raised while ``doing`` something)."""
    if isinstance(error, ProjectError):
        return error
    if isinstance(error, sqlite3.Error):
        name = getattr(error, "sqlite_errorname", "") or ""
        text = str(error)
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "is locked" in text:
            waited = f" (waited {timeout:g} s)" if timeout is not None else ""
            return ProjectLockedError(
                f"another program is using this project{waited} while {doing}. Close other "
                "NER Studio windows on it, or try again in a moment.", path)
        if name.startswith("SQLITE_READONLY") or "readonly database" in text:
            return _read_only(path, doing)
        if name == "SQLITE_FULL" or "disk is full" in text:
            return _disk_full(path, doing)
        if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in text:
            return corrupt_error(path, text)
        if name.startswith("SQLITE_CANTOPEN") and not os.access(path.parent, os.W_OK):
            return _read_only(path, doing)
    if isinstance(error, OSError):
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            return _disk_full(path, doing)
        if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return _read_only(path, doing)
    return ProjectError(f"{doing} failed: {error}", path)


def _read_only(path: Path, doing: str) -> ReadOnlyProjectError:
    advice = {
        OPENING: "Copy it to a writable folder, or open it read-only to look at it.",
        CREATING: "Choose a folder you can write to.",
    }.get(doing, "Your edits are kept in memory; use Save As to store the project in a "
                 "writable folder.")
    return ReadOnlyProjectError(
        f"cannot write while {doing}: the project file or its folder is read-only. {advice}", path)


def _disk_full(path: Path, doing: str) -> DiskFullError:
    advice = {
        OPENING: "Free some space and open it again.",
        CREATING: "Free some space or choose another disk.",
    }.get(doing, "Your edits are kept in memory and saved with the next edit once space is "
                 "freed; or use Save As to store the project on another disk.")
    return DiskFullError(f"the disk is full while {doing}. {advice}", path)


def corrupt_error(path: Path, detail: str) -> CorruptProjectError:
    backup = newest_good_backup(path)
    advice = (f"Its newest good backup is {backup.name}; restore it to continue."
              if backup else "No good backup of it was found.")
    return CorruptProjectError(f"the project file is damaged ({detail}). {advice}", path, backup)


def check_file(path: Path) -> None:
    """Raise unless ``path`` is a readable file that starts like an SQLite database."""
    if not path.exists():
        raise ProjectError("there is no such project file", path)
    if path.is_dir():
        raise ProjectError("this is a folder, not an NER Studio project file", path)
    try:
        with open(path, "rb") as stream:
            header = stream.read(len(SQLITE_HEADER))
    except OSError as error:
        raise ProjectError(f"cannot read the file: {error.strerror}", path) from error
    if header == SQLITE_HEADER:
        return
    reason = "the file is empty" if not header else "the file is not an SQLite database"
    if newest_good_backup(path) is not None:
        raise corrupt_error(path, reason)
    raise ProjectError(f"{reason}, so it is not an NER Studio project", path)


def check_integrity(conn: sqlite3.Connection, path: Path) -> None:
    """``PRAGMA quick_check`` (structure, not index contents: fast enough for every open)."""
    rows = conn.execute("PRAGMA quick_check(100)").fetchall()
    if rows != [("ok",)]:
        raise corrupt_error(path, summarise_check([row[0] for row in rows]) or "integrity check failed")

def back_up(path: str | Path, count: int = BACKUP_COUNT, *, lock_timeout: float = 5.0) -> str | None:
    """Rotate the backups of the project at ``path`` over a connection of the calling thread
    (so a worker can do it while the project is open and being edited: SQLite's backup copies
    one consistent state); returns a warning, never raises for a failed backup."""
    path = Path(path)
    try:
        conn = open_connection(path, timeout=lock_timeout, read_only=True)
    except ProjectError as error:
        return f"{path.name} was not backed up: {error}"
    try:
        return rotate_backups(conn, path, count)
    finally:
        conn.close()
