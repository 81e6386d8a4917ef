"""Reading files into the open project in a worker: the workspace's importer.

Each file's documents are added as it finishes; a big file arrives a part at a time
(``importing.py``): the first part is shown, later ones are listed, and each part leaves memory
once it is stored and tagged. The status bar hears what happened (``Workspace.notice``).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Slot

from ner_studio.core import gc_pause
from ner_studio.core.errors import NerStudioError, PartlyOpened, ProjectError
from ner_studio.core.formats import names_apart
from ner_studio.core.plural import plural
from ner_studio.gui.documents.importing import (
    SENTENCE_PARAMS_SETTING, UNFINISHED_SETTING, Imported, PartsGate, import_job, unfinished_imports,
    warm_up_reading,
)
from ner_studio.gui.shell.qt_worker import Worker

log = logging.getLogger(__name__)


class DocumentImporter(QObject):
    """Owned by one workspace; adds documents through it and speaks through its signals."""

    def __init__(self, workspace):
        super().__init__(workspace)
        self._workspace = workspace
        self._reader: Worker | None = None
        self._warmer: Worker | None = None
        self._gate = PartsGate()
        self._added: dict[Path, int] = {}  # documents added so far per big file being read
        self._gc_paused = False
        self._last_part_tagging = False  # a big file's last part is read, not tagged yet

    def import_paths(self, paths: list[Path]) -> None:
        """Read ``paths`` (new to the project, or big files whose opening stopped: the parts
        after those stored) in a worker."""
        workspace = self._workspace
        project, unfinished = workspace.project, unfinished_imports(workspace.project)
        self._gate = PartsGate()
        earlier = {path: workspace.counts.documents_from(str(path)) for path in paths if str(path) in unfinished}
        stored = {path: unfinished[str(path)][0] for path, documents in earlier.items() if documents}
        self._added.update((path, earlier[path]) for path in stored)
        worker = Worker(import_job(paths, project.get_setting(SENTENCE_PARAMS_SETTING), self._gate, stored=stored),
                        "import")
        worker.yielded.connect(self._on_imported)
        worker.failed.connect(self._on_failed)
        worker.finished.connect(self._on_finished)
        self._reader = worker
        worker.start()

    def warm_up(self) -> None:
        """Load the sentence splitter in the background (see ``importing.warm_up_reading``)."""
        if not self.is_warming_up() and self._reader is None:  # cheap once loaded: it is cached
            self._warmer = Worker(warm_up_reading, "warm-up")
            self._warmer.start()

    def is_warming_up(self) -> bool:
        return self._warmer is not None and self._warmer.is_running()

    def is_importing(self) -> bool:
        return self._reader is not None

    def stop(self) -> None:
        """Cancel and wait for the workers (closing the project)."""
        for worker in (self._reader, self._warmer):
            if worker is not None:
                worker.cancel()
                worker.wait()
        self._reader = self._warmer = None
        self._last_part_tagging = False
        self._resume_gc()

    @Slot(object)
    def _on_imported(self, result: Imported) -> None:
        workspace = self._workspace
        if result.error is not None:
            added = self._added.pop(result.path, 0)
            name = Path(result.path).name
            if added:
                workspace.problem.emit(f"Cannot read all of {name}", PartlyOpened(result.error, added))
            else:
                workspace.problem.emit(f"Cannot open {name}", result.error)
            return
        self._name_apart(result)
        if result.parts > 1:
            self._pause_gc()
            self._add_part(result)
        elif workspace.add_documents(result.docs, source_path=result.path) and result.sentence_params:
            self._store_sentence_params(result.sentence_params)

    def _name_apart(self, result: Imported) -> None:
        """tagged.conll and tagged.jsonl would both give "tagged": see ``names_apart``."""
        workspace, source = self._workspace, str(result.path)
        others, earlier = set(), []
        for doc_id in workspace.document_ids():
            summary = workspace.summary(doc_id)
            if summary.source_path == source:
                earlier.append(summary.name)
            else:
                others.add(summary.name)
        names_apart(result.docs, result.path, others, earlier)

    def _add_part(self, result: Imported) -> None:
        """One part of a big file: stored and listed (only the first is shown), tagged, then
        let go (``Workspace.take_part``)."""
        workspace, name = self._workspace, Path(result.path).name
        ids = workspace.add_documents(result.docs, source_path=result.path, show=result.part == 1)
        added = self._added[result.path] = self._added.get(result.path, 0) + len(ids)
        last = result.part == result.parts or not ids
        if last:  # said once the last part is tagged too, so "Tagging finished" does not hide it
            del self._added[result.path]
        if ids:
            self._note_progress(result, last)
        note = (f"{name} was split into {plural(added, 'document')}" if ids else f"{name}: {plural(added, 'document')} added")
        self._last_part_tagging = self._last_part_tagging or last

        def tagged() -> None:  # the file's last part is stored and tagged too
            self._last_part_tagging = False
            if self._reader is None:
                self._resume_gc()
            workspace.notice.emit(note)

        workspace.take_part(self._gate, result.docs, ids, tagged if last else None)
        if not ids:  # the project refused it (its error is shown): stop reading
            if self._reader is not None:
                self._reader.cancel()
            return
        if not last:
            workspace.notice.emit(f"Opening {name}: part {result.part} of {result.parts}…")
        elif result.sentence_params:
            self._store_sentence_params(result.sentence_params)

    def _note_progress(self, result: Imported, last: bool) -> None:
        """How far a big file's opening got, kept in the project (``importing.UNFINISHED_SETTING``)."""
        project, path = self._workspace.project, str(result.path)
        try:
            unfinished = dict(project.get_setting(UNFINISHED_SETTING, {}))
            if last:
                unfinished.pop(path, None)
            else:
                unfinished[path] = [result.part, result.parts]
            project.set_setting(UNFINISHED_SETTING, unfinished)
        except NerStudioError as error:  # the parts are stored: only the resuming is lost
            log.warning("keeping how far %s was opened: %s", path, error)

    def _pause_gc(self) -> None:
        """No cyclic collection while a big file is read and tagged: each full pass walks every
        live object (the parts in flight, the scores of every part tagged) holding the interpreter
        lock, and stalled the UI up to 1 s (77 passes over a 50 MB file, benchmarks/results/2026-12-01-big-files.md). What a
        part leaves behind is freed by reference counting; the collector resumes once the reader
        has ended and the last part is tagged. (Resumed when the reader ended, it ran ~130 times
        more while the last parts of 1 MB were tagged, a 15 ms and an 11 ms pass among them, on
        whichever thread allocated: each pass holds the lock the window waits for, up to 370 ms
        when a busy machine preempted the thread mid-pass; benchmarks/stall_cause.py --mode open.)"""
        if not self._gc_paused:
            self._gc_paused = True
            gc_pause.pause()

    def _resume_gc(self) -> None:
        if self._gc_paused:
            self._gc_paused = False
            gc_pause.resume()

    def _store_sentence_params(self, params: dict) -> None:
        try:
            self._workspace.project.set_setting(SENTENCE_PARAMS_SETTING, params)
        except ProjectError as error:
            self._workspace.problem.emit("What the documents taught the sentence splitter was not saved", error)

    @Slot(object)
    def _on_failed(self, error) -> None:
        self._workspace.problem.emit("Opening files failed", error)

    @Slot()
    def _on_finished(self) -> None:
        self._reader = None
        self._added.clear()
        if not self._last_part_tagging:
            self._resume_gc()
        self._workspace.import_finished.emit()
