"""The project store: one SQLite file with documents, spans, labels, model versions, settings.

Usage (what the GUI does)::

    project = Project.open(path)            # or Project.create(default_project_path("News"))
    ids = project.add_documents(docs, source_path="news.conll")   # one transaction
    rows = project.document_summaries()     # id, name, status, counts: no text is loaded
    doc = project.load_document(ids[0], track=True)
    doc.add_span(Span(0, 5, "PER"))         # committed to disk before add_span returns
    project.close()

**Every write is its own committed transaction** (WAL, ``synchronous=FULL``): once a call or an
edit of a tracked Document returns, a crash or a kill loses nothing, so there is no autosave.
A failed write raises a :class:`ProjectError` subclass and leaves the file as it was:
``ProjectLockedError`` (another program held the lock past ``lock_timeout``),
``ReadOnlyProjectError``, ``DiskFullError``, ``CorruptProjectError`` (``.backup`` = newest good
backup, for :meth:`Project.restore_backup`).

**Edits of tracked documents never get lost.** The Document has already changed (and the views
redrawn) when it tells the project, so an edit that cannot be committed is kept in an
in-memory journal instead of being undone behind the user's back: ``write_failed`` emits the
error (show it), ``pending_changed`` emits the number of unsaved edits (0 once saved). Every
later write replays the journal first, in the same transaction; :meth:`save_pending` retries on
demand, :meth:`save_as` writes the project plus the journal to a new file (another disk, a
writable folder), and :meth:`close` refuses to drop unsaved edits unless told to.

**Annotators.** A project is opened as one annotator (``annotator=``; by default the login
name): documents load, list and save as that annotator's version, so one person's edits never
overwrite another's. Other versions and the curated gold version are read with
:meth:`load_version` (core/project_versions.py, core/annotators.py).

**Two windows or processes** may open the same project: SQLite's locking serialises writes
(waiting up to ``lock_timeout``) and the file never corrupts. Open documents are not live-synced;
if both windows edit one document, the last edit wins where spans overlap.

Use a Project from the thread that opened it. Renaming or removing labels rewrites spans of
tracked documents in memory too (their ``changed`` signal fires); undo stacks holding the old
labels should be cleared then.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from ner_studio.core.document import Document, SpansChanged, Status
from ner_studio.core.errors import CorruptProjectError, ProjectError, ReadOnlyProjectError
from ner_studio.core.outputs import check_output
from ner_studio.core.events import Signal
from ner_studio.core.labels import LabelSet
from ner_studio.core.locations import default_project_path, default_projects_dir  # noqa: F401
from ner_studio.core import project_rows as rows
from ner_studio.core.project_connection import (
    as_project_error, corrupt_error, create_connection, open_connection, remove_project_files,
)
from ner_studio.core.annotators import default_annotator
from ner_studio.core.project_metadata import ProjectMetadata
from ner_studio.core.project_versions import ProjectVersions, with_annotator
from ner_studio.core.project_files import (
    BACKUP_COUNT, backup_paths, copy_database, install_copy, is_healthy, move_aside, newest_good_backup,
    project_path_of_backup, rotate_backups,
)
from ner_studio.core.project_rows import DocumentSummary, ModelVersion  # noqa: F401
from ner_studio.core.project_schema import bump_revision
from ner_studio.core.stored_edits import check_stored_edits

# Tracked edits touching more spans than this are saved as a full snapshot of the document's
# spans (one DELETE + bulk INSERT beats thousands of single-row deltas).
BIG_EDIT = 256


class Project(ProjectMetadata, ProjectVersions):
    """An open project file. Make one with :meth:`create`, :meth:`open` or :meth:`restore_backup`."""

    def __init__(self, path: Path, conn: sqlite3.Connection, *, read_only: bool, lock_timeout: float,
                 annotator: str | None = None):
        self.path = path
        self.annotator = default_annotator(annotator)  # whose version this project reads and writes
        self.read_only = read_only
        self.lock_timeout = lock_timeout
        self.warnings: list[str] = []  # non-fatal problems found while opening (e.g. no backup)
        self.write_failed = Signal()  # emits the ProjectError of a tracked edit kept in memory
        self.pending_changed = Signal()  # emits the number of edits not yet on disk
        self._conn: sqlite3.Connection | None = conn
        self._pending: list = []
        self._tracked: dict[int, tuple[Document, object, object]] = {}
        self._muted = False
        self._batching = False
        # The ``spans.annotator`` of this project's version: the annotator's name, '' when read
        # only before anyone claimed the old spans, None in a read-only pre-annotator project.
        self._version: str | None = None
        self._settle_version()

    # --- opening and closing -------------------------------------------------------------
    @classmethod
    def create(cls, path: str | Path, labels: LabelSet | None = None, *, lock_timeout: float = 5.0,
               annotator: str | None = None) -> Project:
        """A new, empty project at ``path`` (folders are created) with ``labels`` (CoNLL-2003
        by default), opened as ``annotator``."""
        path = Path(path)
        conn = create_connection(path, timeout=lock_timeout)
        project = cls(path, conn, read_only=False, lock_timeout=lock_timeout, annotator=annotator)
        try:
            initial = (labels or LabelSet.conll2003()).copy()
            project._write("saving the labels", lambda conn: rows.write_labels(conn, initial))
        except BaseException:
            project.close(discard_pending=True)
            remove_project_files(path)
            raise
        return project

    @classmethod
    def open(cls, path: str | Path, *, lock_timeout: float = 5.0, read_only: bool = False,
             keep_backups: int = BACKUP_COUNT, defer_backup: bool = False,
             annotator: str | None = None) -> Project:
        """Open an existing project, check it, migrate it, and back it up (rotating
        ``.bak1``..``.bak3``; see ``warnings`` if that failed). ``read_only=True`` never writes:
        edits then stay pending (use :meth:`save_as`). ``defer_backup``: leave the backup to a
        call of :func:`back_up` (in a worker thread: its full check decodes every document,
        seconds on a big project); ``backup_due`` says how many copies to keep. ``annotator``:
        whose version to show and edit (see module doc)."""
        path = Path(path)
        conn = open_connection(path, timeout=lock_timeout, read_only=read_only)
        try:
            project = cls(path, conn, read_only=read_only, lock_timeout=lock_timeout, annotator=annotator)
        except BaseException:
            conn.close()
            raise
        if not read_only and keep_backups > 0:
            if defer_backup:
                project.backup_due = keep_backups
            else:
                warning = rotate_backups(conn, path, keep_backups)
                if warning:
                    project.warnings.append(warning)
        return project

    backup_due = 0  # backups still to rotate (``open(defer_backup=True)``), for ``back_up``

    @classmethod
    def restore_backup(cls, backup: str | Path, project_path: str | Path | None = None, *,
                       lock_timeout: float = 5.0, annotator: str | None = None) -> Project:
        """Put ``backup`` in place of its project (the damaged file is kept as
        ``<name>.corrupt-<time>``, never deleted) and open it."""
        backup = Path(backup)
        target = Path(project_path) if project_path else project_path_of_backup(backup)
        if not is_healthy(backup):
            raise CorruptProjectError(f"the backup {backup.name} is damaged too", backup,
                                      newest_good_backup(target))
        try:
            aside = move_aside(target) if target.exists() else None
            install_copy(backup, target)
        except OSError as error:
            raise as_project_error(error, target, "restoring a backup") from error
        project = cls.open(target, lock_timeout=lock_timeout, annotator=annotator)
        if aside is not None:
            project.warnings.append(f"the damaged project was kept as {aside.name}")
        return project

    def save_as(self, path: str | Path) -> Project:
        """Copy the project and its unsaved edits to a new file and continue there: tracked
        documents move to the returned project and this one is closed. Raises (and changes
        nothing) if the copy cannot be written either."""
        target = Path(path)
        if target.exists():
            raise ProjectError("a file with this name already exists; pick another name", target)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            copy_database(self._connection(), target)
        except (sqlite3.Error, OSError) as error:
            raise as_project_error(error, target, "saving a copy of the project") from error
        copy = Project.open(target, lock_timeout=self.lock_timeout, keep_backups=0, annotator=self.annotator)
        try:
            copy._pending = [with_annotator(edit, copy._version) for edit in self._pending]
            copy.save_pending()
        except BaseException:
            copy.close(discard_pending=True)
            remove_project_files(target)
            raise
        for doc, _, _ in list(self._tracked.values()):
            self.untrack(doc)
            copy.track(doc)
        self._pending.clear()
        self.close()
        return copy

    def save_copy(self, path: str | Path, *, force: bool = False) -> int:
        """Write a consistent copy of the project to ``path`` and keep working here. SQLite's
        backup API reads the latest committed state, edits still in the ``-wal`` file
        included (a plain file copy taken while the app runs can miss them). Edits not yet
        saved are saved first if possible; returns how many could not be and are missing
        from the copy. ``path`` may replace another project file, nothing else (unless
        ``force``), and never this project or its backups."""
        target = check_output(path, "sqlite", inputs=[self.path, *backup_paths(self.path)], force=force)
        if self._pending and not self.read_only:
            try:
                self.save_pending()
            except ProjectError:
                pass  # the copy still holds everything saved so far
        try:
            copy_database(self._connection(), target)
        except (sqlite3.Error, OSError) as error:
            raise as_project_error(error, target, "saving a copy of the project") from error
        return len(self._pending)

    def close(self, *, discard_pending: bool = False) -> None:
        """Close the file. Raises the last ProjectError (and stays open) if edits are still
        pending and cannot be saved, unless ``discard_pending``."""
        if self._conn is None:
            return
        if self._pending and not discard_pending:
            self.save_pending()
        for doc, _, _ in list(self._tracked.values()):
            self.untrack(doc)
        self._pending.clear()
        self._conn.close()
        self._conn = None

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @property
    def closed(self) -> bool:
        return self._conn is None

    # --- documents -----------------------------------------------------------------------
    def add_documents(self, docs: Iterable[Document], *, source_path: str | Path | None = None) -> list[int]:
        """Store ``docs`` in one transaction (labels not in the label set are added to it);
        sets each document's ``doc_id`` and returns the ids. Documents are not tracked."""
        docs = list(docs)
        source = str(source_path) if source_path is not None else None

        def add(conn):
            rows.add_unknown_labels(conn, docs)
            return [rows.insert_document(conn, doc, source, self._version) for doc in docs]

        ids = self._write(f"adding {len(docs)} document(s)", add)
        for doc, doc_id in zip(docs, ids):
            doc.doc_id = doc_id
        return ids

    def document_summaries(self) -> list[DocumentSummary]:
        """Every document in list order, with counts; fast because no text is read."""
        return self._read("listing the documents", lambda conn: rows.summaries(conn, self._version))

    def load_document(self, doc_id: int, *, track: bool = False) -> Document:
        """The document with ``doc_id``; the tracked instance if there is one, so one document
        never has two diverging copies in memory."""
        if doc_id in self._tracked:
            return self._tracked[doc_id][0]
        try:
            doc = self._read("loading a document", lambda conn: rows.read_document(conn, doc_id, self._version))
        except ProjectError:
            raise
        # Damaged bytes can break decoding anywhere; the newest good backup is the way out.
        except Exception as error:  # noqa: BLE001
            raise corrupt_error(self.path, f"document {doc_id} cannot be read: {error}") from error
        if doc is None:
            raise ProjectError(f"there is no document {doc_id} in this project", self.path)
        if track:
            self.track(doc)
        return doc

    def delete_document(self, doc_id: int) -> None:
        self._write("deleting a document",
                    lambda conn: conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,)))
        if doc_id in self._tracked:
            self.untrack(self._tracked[doc_id][0])

    def rename_document(self, doc_id: int, name: str) -> None:
        self._write("renaming a document", lambda conn: conn.execute(
            "UPDATE documents SET name = ? WHERE id = ?", (name, doc_id)))
        if doc_id in self._tracked:
            self._tracked[doc_id][0].name = name

    # --- committing every edit as it happens ---------------------------------------------
    def track(self, doc: Document) -> None:
        """Commit every span and status change of ``doc`` as it happens (see module doc)."""
        if doc.doc_id is None:
            raise ProjectError("add the document to the project before tracking it", self.path)
        entry = self._tracked.get(doc.doc_id)
        if entry is not None:
            if entry[0] is doc:
                return
            raise ProjectError(f"document {doc.doc_id} is already open as another object; "
                               f"use load_document({doc.doc_id}) to get it", self.path)
        if not self._read("opening a document", lambda c: rows.document_exists(c, doc.doc_id)):
            raise ProjectError(f"there is no document {doc.doc_id} in this project", self.path)

        def on_spans(change: SpansChanged) -> None:
            if len(change.removed) + len(change.added) > BIG_EDIT:
                self._record(rows.SpansSnapshot(doc.doc_id, doc.spans, self._version))
            else:
                self._record(rows.SpansDelta(doc.doc_id, change.removed, change.added, self._version))

        def on_status(status: Status) -> None:
            self._record(rows.StatusEdit(doc.doc_id, status))

        doc.changed.connect(on_spans)
        doc.status_changed.connect(on_status)
        self._tracked[doc.doc_id] = (doc, on_spans, on_status)

    def untrack(self, doc: Document) -> None:
        """Stop saving ``doc``'s edits (unsaved ones already made stay in the journal)."""
        entry = self._tracked.pop(doc.doc_id, None)
        if entry is not None:
            doc.changed.disconnect(entry[1])
            doc.status_changed.disconnect(entry[2])

    def tracked_documents(self) -> list[Document]:
        return [entry[0] for entry in self._tracked.values()]

    @property
    def pending_count(self) -> int:
        """Edits of tracked documents kept in memory because they could not be committed."""
        return len(self._pending)

    def save_pending(self) -> None:
        """Commit the journal of unsaved edits now; raises the ProjectError if it still fails."""
        if self._pending:
            self._write("saving earlier edits")

    def edit_documents(self, edits: Iterable[rows.SpansDelta]) -> None:
        """Apply span edits of many documents as one committed transaction ("label all
        occurrences"; its undo is the same call with removed and added swapped). Tracked
        documents change in memory too (their ``changed`` signal fires); the others change
        on disk only. All or nothing: a SpanError (an edit gone stale: core/stored_edits.py)
        changes no document; a failed write keeps the edits in the journal like any tracked
        edit."""
        edits = [with_annotator(edit, self._version) for edit in edits]
        if not edits:
            return
        untracked = [edit for edit in edits if edit.doc_id not in self._tracked]
        self._read("checking the edits", lambda conn: check_stored_edits(conn, untracked))
        mark = len(self._pending)
        done: list[tuple[Document, tuple, tuple]] = []
        self._batching = True  # _record journals without writing; one write at the end
        try:
            for edit in edits:
                entry = self._tracked.get(edit.doc_id)
                if entry is None:
                    self._pending.append(edit)
                else:
                    stored = entry[0].edit(edit.removed, edit.added)
                    done.append((entry[0], tuple(edit.removed), stored))
        except BaseException:
            self._muted = True
            try:
                for doc, removed, stored in reversed(done):
                    doc.edit(stored, removed)
            finally:
                self._muted = False
            del self._pending[mark:]
            raise
        finally:
            self._batching = False
        self._record(None)

    def _record(self, edit) -> None:
        if self._muted:
            return
        if edit is not None:
            self._pending.append(edit)
        if self._batching:
            return
        try:
            self._write("saving an edit")
        except ProjectError as error:
            self.pending_changed.emit(len(self._pending))
            self.write_failed.emit(error)

    # --- transactions --------------------------------------------------------------------
    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ProjectError("the project is closed", self.path)
        return self._conn

    def query(self, doing: str, query):
        """``query(conn)`` on the project's connection, for core modules that read in bulk
        (core/corpus_*.py); it must not write. sqlite3 errors become ProjectErrors."""
        return self._read(doing, query)

    def _read(self, doing: str, query):
        try:
            return query(self._connection())
        except sqlite3.Error as error:
            raise as_project_error(error, self.path, doing, self.lock_timeout) from error

    def _write(self, doing: str, action=None):
        """Replay the journal, run ``action(conn)``, commit: all or nothing."""
        conn = self._connection()
        if self.read_only:
            raise ReadOnlyProjectError(
                f"the project was opened read-only, so {doing} cannot be saved; "
                "use Save As to keep your edits in a new project", self.path)
        try:
            conn.execute("BEGIN IMMEDIATE")
            for edit in self._pending:
                edit.apply(conn)
            result = action(conn) if action is not None else None
            bump_revision(conn)
            conn.execute("COMMIT")
        except BaseException as error:
            if conn.in_transaction:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # the failed COMMIT already ended it
            if isinstance(error, (sqlite3.Error, OSError)):
                raise as_project_error(error, self.path, doing, self.lock_timeout) from error
            raise
        if self._pending:
            self._pending.clear()
            self.pending_changed.emit(0)
        return result


__all__ = ["Project", "DocumentSummary", "ModelVersion", "default_projects_dir",
           "default_project_path", "newest_good_backup", "BIG_EDIT"]

