"""Copying a project between stores row by row: a server project saved as a project file
(Save As, save a copy, ``ner-studio project backup``). A file is copied to a file with
SQLite's backup API instead (core/store/project_files.py), which is faster and copies pages.

The copy reads one consistent snapshot of the source (a read-only transaction) and writes
every table the schema defines, in the order the migrations created them, so rows that
reference others come after them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ner_studio.core.atomic import fsync_directory
from ner_studio.core.store.project_connection import create_connection, remove_project_files
from ner_studio.core.store.project_dialect import Connection, Dialect
from ner_studio.core.store.project_files import fsync_file
from ner_studio.core.store.project_schema import MIGRATIONS

# Written by the target's own schema set-up, not copied.
_BOOKKEEPING = {"schema_version", "project_info"}
_BATCH = 500


def schema_tables() -> list[str]:
    """The tables of the current schema, in the order they were created."""
    tables: list[str] = []
    for migration in MIGRATIONS:
        for statement in migration:
            if created := re.match(r"\s*CREATE TABLE (\w+)", statement):
                tables.append(created[1])
            elif dropped := re.match(r"\s*DROP TABLE (\w+)", statement):
                tables.remove(dropped[1])
            elif renamed := re.match(r"\s*ALTER TABLE (\w+) RENAME TO (\w+)", statement):
                tables[tables.index(renamed[1])] = renamed[2]
    return tables


def copy_rows(source: Connection, source_dialect: Dialect, target: Connection) -> None:
    """Copy every row of ``source`` into the empty project ``target`` (same schema version,
    SQLite) in one transaction of ``target``."""
    source_dialect.begin_snapshot(source)
    try:
        target.execute("BEGIN IMMEDIATE")
        for table in schema_tables():
            if table in _BOOKKEEPING:
                continue
            target.execute(f"DELETE FROM {table}")  # e.g. a fresh project's default labels
            cursor = source.execute(f"SELECT * FROM {table} ORDER BY 1")
            columns = [column[0] for column in cursor.description]
            insert = (f"INSERT INTO {table} ({', '.join(columns)}) "
                      f"VALUES ({', '.join('?' * len(columns))})")
            while rows := cursor.fetchmany(_BATCH):
                target.executemany(insert, [tuple(_plain(v) for v in row) for row in rows])
        (revision,) = source.execute("SELECT value FROM project_info WHERE key = 'revision'").fetchone()
        target.execute("UPDATE project_info SET value = ? WHERE key = 'revision'", (int(revision),))
        target.execute("COMMIT")
    except BaseException:
        if target.in_transaction:
            target.execute("ROLLBACK")
        raise
    finally:
        if source.in_transaction:
            source.execute("ROLLBACK")


def _plain(value):
    return bytes(value) if isinstance(value, memoryview) else value


def copy_to_file(source: Connection, source_dialect: Dialect, target: Path) -> None:
    """Write the project on ``source`` to the new project file ``target`` (atomic: a
    temporary file renamed into place)."""
    temporary = target.with_name(target.name + ".tmp")
    remove_project_files(temporary)
    try:
        conn = create_connection(temporary, timeout=5.0)
        try:
            copy_rows(source, source_dialect, conn)
            conn.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            conn.close()
        fsync_file(temporary)
        os.replace(temporary, target)
        fsync_directory(target.parent)
    finally:
        remove_project_files(temporary)

