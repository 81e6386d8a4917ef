"""Where a project lives: an SQLite file (the default, one person) or a database on a
PostgreSQL server (a team). :func:`open_store` and :func:`create_store` take either a path or a
``postgresql://`` URL and return a store with one interface; the
:class:`~ner_studio.core.store.project.Project` works on that and never asks which it is.

What only makes sense for a file has a server meaning or says why not:

* backups: a file keeps ``.bak1``..``.bak3`` beside it; a server's database is backed up by
  the server's own tools (``pg_dump``), so the server store keeps none;
* integrity checks: SQLite's ``quick_check`` at open; the server checks its own pages;
* locking: SQLite's file lock; on the server writers take turns on the revision row
  (``Dialect.write_transaction``), waiting at most the lock timeout either way;
* save a copy / save as: SQLite's backup API for a file; a server project is copied row by
  row from one consistent snapshot into a new project file (core/store/project_copy.py);
* restore a backup: files only.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ner_studio.core.secrets import url_without_secrets
from ner_studio.core.store import project_postgres as server
from ner_studio.core.store.project_postgres import is_server_url
from ner_studio.core.store.project_connection import (
    as_project_error, create_connection, open_connection, remove_project_files,
)
from ner_studio.core.store.project_dialect import POSTGRES, SQLITE, Connection, Dialect
from ner_studio.core.store.project_files import copy_database, rotate_backups

Location = str | Path


class FileStore:
    """A project in one SQLite file (``.nerstudio``)."""

    dialect: Dialect = SQLITE
    errors: tuple[type[BaseException], ...] = (sqlite3.Error, OSError)
    keeps_backups = True

    def __init__(self, path: Path, conn: Connection):
        self.path = path
        self.location: Location = path
        self.reopen_location: Location = path
        self.name = path.stem
        self.where = str(path)  # what error messages name
        self.conn = conn

    def as_project_error(self, error: BaseException, doing: str, timeout: float | None = None):
        return as_project_error(error, self.path, doing, timeout)

    def rotate_backups(self, count: int) -> str | None:
        return rotate_backups(self.conn, self.path, count)

    def copy_to(self, target: Path) -> None:
        """A consistent, self-contained copy of the project in the new file ``target``."""
        copy_database(self.conn, target)

    def discard(self) -> None:
        """Remove what a failed :func:`create_store` left behind."""
        remove_project_files(self.path)

    def close(self) -> None:
        self.conn.close()


class ServerStore:
    """A project in a database on a PostgreSQL server."""

    dialect: Dialect = POSTGRES
    keeps_backups = False
    path = None  # no file: see ``location``

    def __init__(self, url: str, conn: Connection):
        self._url = url  # with the password, if the URL has one: kept for reconnecting only
        self.location: Location = url_without_secrets(url)
        # For opening the same project again in this session (as another annotator, say):
        # the URL as given, password included. Never shown, logged or stored.
        self.reopen_location: Location = url
        self.name = server.database_name(url)
        self.where = self.location
        self.conn = conn
        self.errors = server.database_errors()

    def as_project_error(self, error: BaseException, doing: str, timeout: float | None = None):
        if isinstance(error, sqlite3.Error | OSError):  # from the file side of a copy
            return as_project_error(error, Path(self.where), doing, timeout)
        return server.server_error(error, self._url, doing, timeout)

    def rotate_backups(self, count: int) -> str | None:
        return None  # the server's own backups (pg_dump, base backups) keep a database

    def copy_to(self, target: Path) -> None:
        from ner_studio.core.store.project_copy import copy_to_file

        copy_to_file(self.conn, self.dialect, target)

    def discard(self) -> None:
        pass  # a database is the server owner's to drop; its tables hold nothing yet

    def close(self) -> None:
        self.conn.close()


Store = FileStore | ServerStore


def open_store(location: Location, *, timeout: float, read_only: bool) -> Store:
    """The checked, migrated project at ``location`` (a path or a ``postgresql://`` URL)."""
    if is_server_url(location):
        return ServerStore(location, server.open_server_connection(location, timeout=timeout, read_only=read_only))
    path = Path(location)
    return FileStore(path, open_connection(path, timeout=timeout, read_only=read_only))


def create_store(location: Location, *, timeout: float) -> Store:
    """A new, empty project (current schema) at ``location``: a new file, or an existing
    database on a server that holds no project yet."""
    if is_server_url(location):
        return ServerStore(location, server.create_server_connection(location, timeout=timeout))
    path = Path(location)
    return FileStore(path, create_connection(path, timeout=timeout))
