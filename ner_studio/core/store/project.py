"""The project store: documents, spans, labels, model versions, settings, in one SQLite file
(the default) or in a database on a PostgreSQL server for a team (core/store/project_store.py).

Usage (what the GUI does)::

    project = Project.open(path)            # or Project.create(default_project_path("News"))
    project = Project.open("postgresql://ann@db.example.org/news")   # a server project
    ids = project.add_documents(docs, source_path="news.conll")   # one transaction
    rows = project.document_summaries()     # id, name, status, counts: no text is loaded
    doc = project.load_document(ids[0], track=True)
    doc.add_span(Span(0, 5, "PER"))         # committed to disk before add_span returns
    project.close()

**Every write is its own committed transaction** (WAL, ``synchronous=FULL``): once a call or an
edit of a tracked Document returns, a crash or a kill loses nothing, so there is no autosave.
The one exception is asked for: ``edit_documents(..., in_background=True)`` (a project-wide step)
is committed by a writer thread (core/store/journal_writer.py) a moment later; until it lands
its edits wait in the journal, and every read, write and :meth:`close` waits for it first.
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
:meth:`load_version` (core/store/project_versions.py, core/store/annotators.py).

**Two windows or processes** may open the same project: SQLite's locking (on a server, a lock
on the revision row) serialises writes (waiting up to ``lock_timeout``) and nothing corrupts.
Edits are saved row by row, never as a rewrite of a document from one window's copy: if two
windows edit one version of a document, both keep their edits, and the later one wins where
they overlap. Each commit tells the other instances what changed (core/store/project_changes.py);
:meth:`catch_up` brings an open document up to what is stored.

Use a Project from the thread that opened it. Renaming or removing labels rewrites spans of
tracked documents in memory too (their ``changed`` signal fires); undo stacks holding the old
labels should be cleared then.
"""

from __future__ import annotations

import logging
import sqlite3
from collections import deque
from collections.abc import Iterable
from pathlib import Path

from ner_studio.core.text.document import Document
from ner_studio.core.errors import CorruptProjectError, ProjectError, ReadOnlyProjectError
from ner_studio.core.formats.outputs import check_output
from ner_studio.core.plural import plural
from ner_studio.core.events import Signal
from ner_studio.core.text.labels import LabelSet
from ner_studio.core.locations import default_project_path, default_projects_dir  # noqa: F401
from ner_studio.core.store import project_rows as rows
from ner_studio.core.store.project_connection import as_project_error, corrupt_error, remove_project_files
from ner_studio.core.store.project_edits import BIG_EDIT, EditJournal
from ner_studio.core.store.annotators import GOLD, default_annotator
from ner_studio.core.store.assignment import ProjectAssignments
from ner_studio.core.store.history import ProjectHistory
from ner_studio.core.store.project_catalogue import ProjectCatalogue
from ner_studio.core.store.project_metadata import ProjectMetadata
from ner_studio.core.store.project_notes import ProjectNotes, insert_imported_notes
from ner_studio.core.store.project_versions import ProjectVersions, with_annotator
from ner_studio.core.store.project_files import connect as connect_file
from ner_studio.core.store.project_files import (
    BACKUP_COUNT, backup_paths, install_copy, is_healthy, move_aside, newest_good_backup,
    project_path_of_backup,
)
from ner_studio.core.store.project_rows import DocumentSummary, ModelVersion  # noqa: F401
from ner_studio.core.store.journal_writer import commit
from ner_studio.core.store.project_changes import ProjectChange, new_origin
from ner_studio.core.store.document_reader import DocumentReader, ReadDocument, is_current
from ner_studio.core.store.project_store import Location, Store, create_store, is_server_url, open_store


log = logging.getLogger(__name__)


class Project(EditJournal, ProjectMetadata, ProjectVersions, ProjectAssignments, ProjectHistory,
              ProjectCatalogue, ProjectNotes):
    """An open project: a file or a database on a server (core/store/project_store.py). Make one
    with :meth:`create`, :meth:`open` or :meth:`restore_backup`."""

    def __init__(self, store: Store, *, read_only: bool, lock_timeout: float, annotator: str | None = None):
        # Whose version this project reads and writes: a person, or GOLD for a curator editing it.
        self.annotator = GOLD if annotator == GOLD else default_annotator(annotator)
        self.editor = self.annotator  # who edits, recorded as ``modified_by``: the curator on GOLD
        self.path: Path | None = store.path  # the project file; None on a server
        self.location: Location = store.location  # the path, or the URL without a password
        self.name = store.name  # for titles: the file's stem or the database's name
        self.where = store.where  # what error messages name
        self.read_only = read_only
        self.lock_timeout = lock_timeout
        self.warnings: list[str] = []  # non-fatal problems found while opening (e.g. no backup)
        self.write_failed = Signal()  # emits the ProjectError of a tracked edit kept in memory
        self.pending_changed = Signal()  # emits the number of edits not yet on disk
        self.write_sent = Signal()  # emits the Future of a write sent to the writer thread (land_write)
        self._store = store
        self._conn = store.conn
        self._pending: list = []
        # This instance's token in change notifications and its own committed revisions, so
        # that it can tell its own writes from others' (core/store/project_changes.py).
        self.origin = new_origin()
        self.own_revisions: deque[int] = deque(maxlen=256)
        self._tracked: dict[int, tuple[Document, object, object]] = {}
        self._muted = False
        self._batching = False
        # The ``spans.annotator`` of this project's version: the annotator's name, '' when read
        # only before anyone claimed the old spans, None in a read-only pre-annotator project.
        self._version: str | None = None

    @property
    def on_server(self) -> bool:
        return self.path is None

    @property
    def reopen_location(self) -> Location:
        """Where to open this project again in this session: :attr:`location`, but with the
        password of a URL that had one (typed once in the connection dialog). Never show,
        log or store it: :attr:`location` is for that."""
        return self._store.reopen_location

    # --- opening and closing -------------------------------------------------------------
    @classmethod
    def create(cls, location: Location, labels: LabelSet | None = None, *,
               lock_timeout: float = 5.0, annotator: str | None = None) -> Project:
        """A new, empty project with ``labels`` (CoNLL-2003 by default) at ``location``: a
        path (folders are created) or a ``postgresql://`` URL of an existing database; opened
        as ``annotator``."""
        store = create_store(location, timeout=lock_timeout)
        project = cls(store, read_only=False, lock_timeout=lock_timeout, annotator=annotator)
        try:
            project._settle_version()
            initial = (labels or LabelSet.conll2003()).copy()
            project._write("saving the labels", lambda conn: rows.write_labels(conn, initial))
        except BaseException:
            project.close(discard_pending=True)
            store.discard()
            raise
        log.info("project created: %s (as %s)", project.where, project.annotator)  # no password in ``where``
        return project

    @classmethod
    def open(cls, location: Location, *, lock_timeout: float = 5.0, read_only: bool = False,
             keep_backups: int = BACKUP_COUNT, defer_backup: bool = False,
             annotator: str | None = None) -> Project:
        """Open an existing project (a path or a ``postgresql://`` URL), check it, migrate
        it, and back up a file (rotating ``.bak1``..``.bak3``; see ``warnings`` if that
        failed). ``read_only=True`` never writes: edits then stay pending (use
        :meth:`save_as`). ``defer_backup``: leave the backup to a call of :func:`back_up` (in
        a worker thread: its full check decodes every document, seconds on a big project);
        ``backup_due`` says how many copies to keep. ``annotator``: whose version to show
        and edit (see module doc)."""
        store = open_store(location, timeout=lock_timeout, read_only=read_only)
        project = cls(store, read_only=read_only, lock_timeout=lock_timeout, annotator=annotator)
        try:
            project._settle_version()
            project._recover_steps(read_only=read_only)  # what a kill left unsaved (core/store/step_files.py)
        except BaseException:
            project.close(discard_pending=True)
            raise
        if not read_only and keep_backups > 0 and store.keeps_backups:
            if defer_backup:
                project.backup_due = keep_backups
            else:
                warning = store.rotate_backups(keep_backups)
                if warning:
                    project.warnings.append(warning)
        log.info("project opened%s: %s (as %s)", " read-only" if read_only else "", project.where, project.annotator)
        return project

    backup_due = 0  # backups still to rotate (``open(defer_backup=True)``), for ``back_up``

    @classmethod
    def restore_backup(cls, backup: str | Path, project_path: str | Path | None = None, *,
                       lock_timeout: float = 5.0, annotator: str | None = None) -> Project:
        """Put ``backup`` in place of its project (the file it replaces, damaged or not, is
        kept as ``<name>.corrupt-<time>``, never deleted) and open it."""
        if is_server_url(backup) or is_server_url(project_path):
            raise ProjectError("backups are files; a server's database is restored with the "
                               "server's own tools (pg_restore)", str(project_path or backup))
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
            project.warnings.append(f"the damaged project was kept as {aside.name}"
                                    if not is_healthy(aside) else f"the project it replaced was kept as {aside.name}")
        return project

    def save_as(self, path: str | Path) -> Project:
        """Copy the project and its unsaved edits to a new file and continue there: tracked
        documents move to the returned project and this one is closed. Raises (and changes
        nothing) if the copy cannot be written either."""
        target = self._file_target(path)
        if target.exists():
            raise ProjectError("a file with this name already exists; pick another name", target)
        self._copy_to(target)
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
        inputs = [self.path, *backup_paths(self.path)] if self.path else []
        target = check_output(self._file_target(path), "sqlite", inputs=inputs, force=force)
        if self._pending and not self.read_only:
            try:
                self.save_pending()
            except ProjectError:
                pass  # the copy still holds everything saved so far
        self._copy_to(target)
        return len(self._pending)

    def _file_target(self, path: Location) -> Path:
        if is_server_url(path):
            raise ProjectError("a copy of a project is written to a project file; to put a project "
                               "on a server, create it there and import its documents", str(path))
        return Path(path)

    def _copy_to(self, target: Path) -> None:
        """A consistent copy of the project in the new file ``target`` (a server project too)."""
        self._connection()  # refuses when closed
        self.land_write()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._store.copy_to(target)
        except (sqlite3.Error, OSError) as error:
            raise as_project_error(error, target, "saving a copy of the project") from error
        except self._store.errors as error:
            raise self._store.as_project_error(error, "saving a copy of the project") from error

    def close(self, *, discard_pending: bool = False) -> None:
        """Close the file. Raises the last ProjectError (and stays open) if edits are still
        pending and cannot be saved, unless ``discard_pending``."""
        if self._conn is None:
            return
        self.land_write()  # closing while a write is in flight waits for it
        if self._pending and not discard_pending:
            self.save_pending()
        self._stop_writer()
        self._forget_step()  # its edits are saved, or discarded as asked
        for doc, _, _ in list(self._tracked.values()):
            self.untrack(doc)
        self._pending.clear()
        self._store.close()
        self._conn = None
        log.info("project closed: %s", self.where)

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
            ids = [rows.insert_document(conn, doc, source, self._version) for doc in docs]
            for doc, doc_id in zip(docs, ids):  # notes a file brought (JSONL meta.notes)
                insert_imported_notes(conn, doc_id, doc, self.annotator)
            return ids

        ids = self._write(f"adding {len(docs)} document(s)", add)
        for doc, doc_id in zip(docs, ids):
            doc.doc_id = doc_id
        log.info("added %s (%s) from %s", plural(len(docs), "document"),
                 plural(sum(len(d.spans) for d in docs), "entity"), source or "the app")
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
            reason = f"document {doc_id} cannot be read: {error}"
            raise (corrupt_error(self.path, reason) if self.path else ProjectError(reason, self.where)) from error
        if doc is None:
            raise ProjectError(f"there is no document {doc_id} in this project", self.where)
        if track:
            self.track(doc)
        return doc

    def document_reader(self) -> DocumentReader | None:
        """A reader of this project's documents for another thread (core/store/document_reader.py);
        None where none reads: closed, or opened read only (a file it may not add a ``-shm`` to)."""
        if self.closed or self.read_only:
            return None
        location, timeout = self.reopen_location, self.lock_timeout
        if self.on_server:
            from ner_studio.core.store.project_postgres import connect_server

            def connect():
                return connect_server(location, timeout=timeout, read_only=True)
        else:
            def connect():
                return connect_file(location, timeout=timeout, mode="ro")
        return DocumentReader(connect, self._version, self._store.errors)

    def adopt_read(self, read: ReadDocument, *, track: bool = False) -> Document | None:
        """``read``'s document (read by a :class:`DocumentReader`), if it is still what this
        project holds; None if it may not be (a write since, edits waiting in the journal):
        then :meth:`load_document` reads it. The tracked instance if there is one."""
        doc_id = read.doc.doc_id
        if doc_id in self._tracked:
            return self._tracked[doc_id][0]
        if self.closed or self._pending or read.annotator != self._version:
            return None
        if not self._read("checking a document read ahead", lambda conn: is_current(conn, read)):
            return None
        if track:
            self.track(read.doc)
        return read.doc

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

    # --- transactions --------------------------------------------------------------------
    def _connection(self):
        if self._conn is None:
            raise ProjectError("the project is closed", self.where)
        return self._conn

    def query(self, doing: str, query):
        """``query(conn)`` on the project's connection, for core modules that read in bulk
        (core/corpus_*.py); it must not write, and its SQL must suit both stores
        (core/store/project_dialect.py). Database errors become ProjectErrors."""
        return self._read(doing, query)

    def _read(self, doing: str, query, *, settled: bool = True):
        """``query(conn)``, once the write in flight (``land_write``) has landed: what it writes
        is not there before. ``settled=False``: now, for a display that may lag a moment."""
        if settled:
            self.land_write()
        try:
            return query(self._connection())
        except self._store.errors as error:
            raise self._store.as_project_error(error, doing, self.lock_timeout) from error

    def _write(self, doing: str, action=None, *, changed: tuple[str | None, Iterable[int]] | None = None,
               notes: bool = False, step: str | None = None):
        """Replay the journal, run ``action(conn)``, commit: all or nothing. On a server, the
        commit tells other instances what changed (core/store/project_changes.py): the journal's
        documents in this version, ``changed`` = ``(annotator, document ids)`` of the action
        (None: anything), or with ``notes`` only notes (and the journal). ``step``: a side
        file's step id to mark written (core/store/step_files.py); the journal's own, if any."""
        conn = self._connection()
        self.land_write()  # the write in flight first: the journal below is what it left
        if self.read_only:
            raise ReadOnlyProjectError(
                f"the project was opened read-only, so {doing} cannot be saved; "
                "use Save As to keep your edits in a new project", self.where)
        store = self._store
        try:
            result, revision = commit(conn, store.dialect, self._pending, action,
                                      lambda: self._change(action, changed, notes), store.errors,
                                      step or self._written_step())
        except store.errors as error:
            raise store.as_project_error(error, doing, self.lock_timeout) from error
        self.own_revisions.append(revision)
        if step is None:
            self._forget_step()  # the journal it held is written
        if self._pending:
            self._pending.clear()
            self.pending_changed.emit(0)
        return result

    def _change(self, action, changed, notes: bool = False) -> ProjectChange:
        """What this write changed, for other instances (its revision is filled in by ``announce``)."""
        journal = {edit.doc_id for edit in self._pending}
        if notes:
            return ProjectChange(None, self._version if journal else None, frozenset(journal), self.origin, notes=True)
        if action is None:
            return ProjectChange(None, self._version, frozenset(journal), self.origin)
        if changed is None:
            return ProjectChange(None, None, None, self.origin)
        annotator, documents = changed
        if journal and annotator != self._version:
            return ProjectChange(None, None, frozenset(journal.union(documents)), self.origin)
        return ProjectChange(None, annotator, frozenset(journal.union(documents)), self.origin)


__all__ = ["Project", "DocumentSummary", "ModelVersion", "default_projects_dir",
           "default_project_path", "newest_good_backup", "BIG_EDIT", "is_server_url"]
