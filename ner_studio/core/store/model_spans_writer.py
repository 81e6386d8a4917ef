"""Saving a tagged document's model spans from the tagging job (a thread beside the tagging
worker's, gui/shell/tagging_jobs.py), so the UI thread does not save them (issue 29: a
50k-token part has ~7,000 of them, 0.1-1 s of SQLite and lock waits on the UI thread of a busy
machine; benchmarks/results/2026-12-07-retag-and-1mb.md).

The job writes the merge the worker worked out (``Document.merge_model_spans``) as one
:class:`~ner_studio.core.store.project_rows.ModelSpansSwap`: one transaction (the project's
one, ``journal_writer.commit``) on a connection of its own (SQLite's file lock orders it with the UI's writes). The write does only what a
re-tagging does anyway (every model row of the document's version goes, the new predictions
come, what is not the model's stays), so the UI thread can always make the store match what it
shows:

* the merge still fits the document (no edit since its snapshot) and no edit waits in the
  project's journal: the UI applies it in memory and writes nothing
  (``Project.saved_elsewhere``);
* anything else (an edit came in between, a label was removed, the document was reviewed
  meanwhile): the UI does what it did before and then saves the document's own model spans
  again (``Project.save_model_spans``). Those rows replace the job's.

A failed write is logged and changes nothing: the UI thread saves as before. Only SQLite
project files that are open for writing take part. A server project's writes are pipelined and
stay on the UI thread; this connection would also need the password.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from ner_studio.core.store import project_rows as rows
from ner_studio.core.store.journal_writer import commit
from ner_studio.core.store.project_connection import configure
from ner_studio.core.store.project_dialect import SQLITE
from ner_studio.core.store.project_files import connect
from ner_studio.core.text.document import ModelMerge

log = logging.getLogger(__name__)


class ModelSpansWriter:
    """Writes model spans for one project from one other thread. Make it on the UI thread
    (``Project.model_spans_writer``); only that other thread calls :meth:`save` and
    :meth:`close`, and the connection is opened at the first save, in that thread."""

    def __init__(self, project, path: Path, annotator: str, timeout: float):
        self._project = project
        self._path = path
        self._annotator = annotator
        self._timeout = timeout
        self._conn: sqlite3.Connection | None = None

    def save(self, doc_id: int, merge: ModelMerge) -> bool:
        """Commit ``merge``'s model spans as ``doc_id``'s. Returns True if they are stored, False if
        nothing was written (edits waiting in the journal must be saved first, or the write
        failed): then the UI thread saves them."""
        project = self._project
        if project.closed or project.pending_count:  # the journal's edits go first, in order
            return False
        try:
            if self._conn is None:
                self._conn = connect(self._path, timeout=self._timeout, mode="rw")
                configure(self._conn)
            _, revision = commit(self._conn, SQLITE, [rows.ModelSpansSwap(doc_id, merge.added, self._annotator)],
                                 errors=(sqlite3.Error,))
        except (sqlite3.Error, OSError) as error:
            log.info("saving the model's spans from the tagging thread failed (the window saves them): %s", error)
            return False
        project.own_revisions.append(revision)  # ours, not another window's (deque.append: atomic)
        return True

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
