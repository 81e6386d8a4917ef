"""Project files on disk: connecting, vetting and rotating backups, copying, moving aside.

Backups sit next to the project: ``<name>.bak1`` (newest) to ``<name>.bak3``. Each is a
complete, self-contained SQLite file (rollback-journal mode, no ``-wal`` side file) written
with the sqlite3 backup API, so it is consistent even while another window writes.
"""

from __future__ import annotations

import os
import re
import sqlite3
from datetime import datetime
from pathlib import Path

from ner_studio.core.atomic import fsync_directory
from ner_studio.core.errors import ProjectError
from ner_studio.core.store.project_check import full_check
from ner_studio.core.store.project_schema import is_project_database, revision

SQLITE_HEADER = b"SQLite format 3\x00"
BACKUP_COUNT = 3
_BACKUP_SUFFIX = re.compile(r"\.bak\d+$")


def connect(path: Path, *, timeout: float, mode: str, immutable: bool = False) -> sqlite3.Connection:
    """An autocommit connection; ``mode`` is ``ro``, ``rw`` or ``rwc`` (create)."""
    uri = f"{Path(path).resolve().as_uri()}?mode={mode}" + ("&immutable=1" if immutable else "")
    return sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)


def backup_paths(path: Path, count: int = BACKUP_COUNT) -> list[Path]:
    return [path.with_name(f"{path.name}.bak{i}") for i in range(1, count + 1)]


def project_path_of_backup(backup: Path) -> Path:
    return backup.with_name(_BACKUP_SUFFIX.sub("", backup.name))


def is_healthy(path: Path) -> bool:
    """True if ``path`` is an undamaged NER Studio project, every document readable (used
    to vet backups; see ``project_check``)."""
    return health_problem(path) is None


def health_problem(path: Path) -> str | None:
    """``None`` if ``path`` is an undamaged NER Studio project, else what is wrong (one line)."""
    try:
        with open(path, "rb") as stream:
            if stream.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                return "not a project file"
        conn = connect(path, timeout=1.0, mode="ro")
        try:
            return full_check(conn) if is_project_database(conn) else "not an NER Studio project"
        finally:
            conn.close()
    except (OSError, sqlite3.Error) as error:
        return f"cannot be read ({error})"


def newest_good_backup(path: Path) -> Path | None:
    return next((b for b in backup_paths(path) if b.exists() and is_healthy(b)), None)


def copy_database(conn: sqlite3.Connection, target: Path) -> None:
    """Write a consistent, self-contained copy of ``conn``'s database to ``target`` (atomic:
    a temporary file renamed into place)."""
    temporary = target.with_name(target.name + ".tmp")
    temporary.unlink(missing_ok=True)
    try:
        copy = sqlite3.connect(temporary, isolation_level=None)
        try:
            conn.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")
        finally:
            copy.close()
        fsync_file(temporary)
        os.replace(temporary, target)
        fsync_directory(target.parent)
    finally:
        temporary.unlink(missing_ok=True)


def rotate_backups(conn: sqlite3.Connection, path: Path, count: int = BACKUP_COUNT) -> str | None:
    """Copy the (healthy) project to ``.bak1``, shifting older backups down; skipped when
    ``.bak1`` already holds this revision. Returns a warning instead of raising: a missing
    backup must not stop anyone from working."""
    paths = backup_paths(path, count)
    if not paths:
        return None
    try:
        if paths[0].exists() and _revision_of(paths[0]) == revision(conn):
            return None
        problem = full_check(conn)
        if problem is not None:  # a damaged copy must never push a good backup out
            return (f"{path.name} was not backed up, as it failed a full check ({problem}); "
                    f"the backups were kept as they were{_newest_backup_note(paths)}. Backups stay "
                    f"stopped until the damage is gone: export the readable documents with "
                    f"'ner-studio project export --skip-damaged', or restore a backup with "
                    f"'ner-studio project restore'")
        fresh = path.with_name(f"{path.name}.bak-new")
        copy_database(conn, fresh)
        for older, newer in zip(reversed(paths[:-1]), reversed(paths[1:])):
            if older.exists():
                os.replace(older, newer)
        os.replace(fresh, paths[0])
        fsync_directory(path.parent)
    except (OSError, sqlite3.Error) as error:
        return f"could not write a backup of {path.name}: {error}"
    return None


def check_restorable(backup: Path, target: Path, *, force: bool = False) -> None:
    """Raise :class:`ProjectError` (saying what to do) unless ``backup`` may be put in place
    of the project file ``target``: the backup is a healthy project, not ``target`` itself,
    and ``target`` is missing, damaged, or holds no edits the backup lacks (a revision
    number not above the backup's), unless ``force``. The replaced file is always kept."""
    if not backup.is_file():
        raise ProjectError("there is no such backup file" if not backup.exists() else "this is not a file", backup)
    if target.exists() and os.path.samefile(backup, target):
        raise ProjectError("this is the project itself; give a backup file (e.g. .bak1, or one made "
                           "by 'ner-studio project backup')", backup)
    problem = health_problem(backup)
    if problem is not None:
        raise ProjectError(f"this backup cannot be restored: {problem}; choose another backup", backup)
    if not target.exists():
        return
    if not target.is_file():
        raise ProjectError("this is not a project file", target)
    with open(target, "rb") as stream:
        if stream.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise ProjectError("this is not a project file; restoring would replace it", target)
    current, restored = _revision_of(target), _revision_of(backup)
    if not force and current is not None and restored is not None and current > restored and is_healthy(target):
        raise ProjectError(
            f"the project holds newer work than the backup (revision {current}, the backup's "
            f"{restored}); restoring would set those edits aside. Add --force to restore anyway "
            f"(the project is kept beside it as {target.name}.corrupt-TIME)", target)


def _newest_backup_note(paths: list[Path]) -> str:
    """``" (the newest, NAME, is from DATE)"``, or a note that there is none."""
    for backup in paths:
        try:
            stamp = datetime.fromtimestamp(backup.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
        except OSError:
            continue
        return f" (the newest, {backup.name}, is from {stamp})"
    return " (there is none yet)"


def _revision_of(backup: Path) -> int | None:
    try:
        conn = connect(backup, timeout=1.0, mode="ro")
        try:
            return revision(conn)
        finally:
            conn.close()
    except (sqlite3.Error, ValueError):
        return None


def move_aside(path: Path) -> Path:
    """Rename a damaged project (and its ``-wal``/``-shm`` files, which must stay with it) to
    ``<name>.corrupt-<time>``; returns the new name. Nothing is deleted."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{path}{suffix}")
        if source.exists():
            os.replace(source, Path(f"{aside}{suffix}"))
    return aside


def install_copy(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` atomically (temp file, fsync, rename)."""
    temporary = target.with_name(target.name + ".tmp")
    try:
        with open(source, "rb") as reader, open(temporary, "wb") as writer:
            while chunk := reader.read(1 << 20):
                writer.write(chunk)
            writer.flush()
            os.fsync(writer.fileno())
        os.replace(temporary, target)
        fsync_directory(target.parent)
    finally:
        temporary.unlink(missing_ok=True)


def fsync_file(path: Path) -> None:
    with open(path, "rb+") as stream:
        os.fsync(stream.fileno())
