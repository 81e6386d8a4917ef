"""The open project as the window sees it: documents (loaded on demand and tracked, so every
edit is committed), one undo stack per document, imports and tagging in worker threads.

Views never touch the project directly; they call the workspace and listen to its signals.
Errors become ``problem(title, error)`` for the window to show; nothing here opens a dialog.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QUndoGroup, QUndoStack

from ner_studio.core.store.annotators import GOLD
from ner_studio.core.store.assignment import next_in_turn
from ner_studio.core.corpus.corpus_text import CorpusText
from ner_studio.core.text.document import Document, Status
from ner_studio.core.errors import CorruptProjectError, NerStudioError, ProjectError
from ner_studio.core.formats import parse_documents
from ner_studio.core.text.labels import LabelSet
from ner_studio.core.store.project import DocumentSummary, Project
from ner_studio.core.store.project_export import export_documents
from ner_studio.core.learning.review_log import REVIEW_LOG_SETTING, ReviewLogBook, ReviewRecord
from ner_studio.gui.annotate.editing import SpanEdit, accept_all
from ner_studio.gui.documents.importing import PartsGate, PartsInFlight
from ner_studio.gui.documents.qt_importer import DocumentImporter
from ner_studio.gui.shell.qt_deferred_settings import DeferredSettings
from ner_studio.gui.shell.qt_prediction_queue import PredictionQueue
from ner_studio.gui.shell.tagging_jobs import ModelHandle, take_tagged
from ner_studio.gui.annotate.qt_undo import NoticeCommand, StatusCommand, apply_edit
from ner_studio.gui.learning.review_effort import ReviewEffort
from ner_studio.gui.window.qt_read_ahead import ReadAhead

log = logging.getLogger(__name__)
# The document shown last, so the project reopens where the analyst was.
SHOWN_SETTING = "shown_document"


class Workspace(QObject):
    documents_opened = Signal(list)  # ids of documents just added (or already there), in order
    documents_added = Signal(list)  # ids of later parts of a big file: listed, not shown
    notice = Signal(str)  # one line for the status bar ("report.txt was split into 48 documents")
    document_updated = Signal(int)  # status or entity count of one document changed
    labels_changed = Signal()
    import_finished = Signal()
    prediction_progress = Signal(int, int)
    prediction_running = Signal(bool)
    document_predicted = Signal(int)
    problem = Signal(str, object)  # dialog title, the error (its str says what and where)
    review_logged = Signal()  # a review step was added to the project's review log
    marked_reviewed = Signal(int)  # a person marked this document reviewed (Ctrl+Enter), not reviewed before
    review_undone = Signal(int)  # that marking was undone (Ctrl+Z)
    model_changed = Signal(object)  # the new current model (a ModelHandle)
    document_removed = Signal(int)  # a document was deleted from the project

    def __init__(self, project: Project, model: ModelHandle, undo_group: QUndoGroup):
        super().__init__()
        self.project = project
        self._model = model
        # The window's group outlives workspaces, so its Undo/Redo actions stay valid.
        self.undo_group = undo_group
        self.labels: LabelSet = project.labels()
        self.sentence_scores: dict[int, list] = {}  # doc id -> the last prediction's scores
        self.tagged_settled: dict[int, frozenset | None] = {}  # and its settled sentences (Tagged.settled_as_shown)
        self._summaries = {s.doc_id: s for s in project.document_summaries()}
        self._docs: dict[int, Document] = {}
        self._listeners: list = []  # (document, callbacks...) to disconnect on release
        self._stacks: dict[int, QUndoStack] = {}
        self.tagging = PredictionQueue(lambda: self._model, self, project.model_spans_writer)
        self.tagging.tagged.connect(self._on_predicted)
        self.tagging.failed.connect(self._on_prediction_failed)
        self.tagging.let_go.connect(self._on_tagging_let_go)
        self.tagging.progress.connect(self.prediction_progress)
        self.tagging.running.connect(self.prediction_running)
        self.importer = DocumentImporter(self)
        self.read_ahead = ReadAhead(project, self, loaded=self._docs.__contains__, tokens=lambda i: self._summaries[i].token_count)
        self._in_flight = PartsInFlight()  # parts of big files not finished with yet
        self._interim: set[int] = set()  # documents showing first screens' spans not saved yet
        self._warned_unsaved = False
        self.effort = ReviewEffort()
        # What every review changes (review log, accepted sentences, the loop's count): written
        # together a moment later, and on closing (gui/shell/qt_deferred_settings.py).
        self.settings_later = DeferredSettings(project, self)
        self.review_book = ReviewLogBook(lambda: project.get_setting(REVIEW_LOG_SETTING, []),
                                         lambda entries: self.settings_later.set(REVIEW_LOG_SETTING, entries),
                                         read_only=project.read_only)
        self._corpus: CorpusText | None = None
        self._stored_shown = project.get_setting(SHOWN_SETTING)
        self._shown = self._stored_shown
        self.live = None  # gui/shell/qt_live.LiveUpdates, which the window starts
        self.exported_beside = None  # the catalogue the last export wrote beside its file (export)
        project.write_failed.connect(self._on_write_failed)
        project.pending_changed.connect(self._on_pending_changed)

    @property
    def model(self) -> ModelHandle:
        """The current model: this workspace is its one owner (see :meth:`set_model`)."""
        return self._model

    def set_model(self, model: ModelHandle) -> None:
        """Tag with ``model`` from now on; what it should re-tag is the caller's choice."""
        self._model = model
        self.model_changed.emit(model)

    @property
    def corpus(self) -> CorpusText:
        """The project's texts for the corpus tools (find, label all, inconsistencies, the
        document filter): read once, then kept current (``CorpusText.refresh``), shared by all."""
        if self._corpus is None:
            self._corpus = CorpusText(self.project, self._docs.get)  # open documents: their spans
        return self._corpus

    def _on_write_failed(self, error) -> None:
        # One dialog per failure streak: the status bar keeps counting the unsaved edits.
        if not self._warned_unsaved:
            self._warned_unsaved = True
            self.problem.emit("Your edits are not saved yet", error)

    def _on_pending_changed(self, pending: int) -> None:
        self._warned_unsaved = self._warned_unsaved and pending != 0

    # --- documents -----------------------------------------------------------------------
    def document_ids(self) -> list[int]:
        return list(self._summaries)

    def summary(self, doc_id: int) -> DocumentSummary:
        """Name, status and counts (kept current for documents in memory)."""
        return self._summaries[doc_id]

    def document(self, doc_id: int) -> Document:
        """The document, loaded and tracked on first use (raises ProjectError)."""
        doc = self._docs.get(doc_id)
        if doc is None:
            try:
                doc = self.read_ahead.load(doc_id)  # read ahead in a worker, if it was
            except CorruptProjectError as error:  # the window offers the newest good backup
                known = self._summaries.get(doc_id)
                self.problem.emit(f"{known.name if known and known.name else f'Document {doc_id}'} cannot be read", error)
                raise
            self._adopt(doc)
        return doc

    def rename_document(self, doc_id: int, name: str) -> bool:
        try:
            self.project.rename_document(doc_id, name)
        except NerStudioError as error:
            self.problem.emit("The document could not be renamed", error)
            return False
        self._summaries[doc_id] = self._summaries[doc_id]._replace(name=name)  # the project renames the open one
        self.document_updated.emit(doc_id)
        return True

    def delete_document(self, doc_id: int) -> bool:
        """Remove a document from the project for good (the caller has asked the analyst)."""
        try:
            self.project.delete_document(doc_id)
        except NerStudioError as error:
            self.problem.emit("The document could not be deleted", error)
            return False
        self._forget(doc_id)
        return True

    def _forget(self, doc_id: int) -> None:
        """A document gone from the project (here or elsewhere): out of memory and the list."""
        self._unload(doc_id)
        self._in_flight.finish(doc_id)
        del self._summaries[doc_id]
        self.sentence_scores.pop(doc_id, None)
        self.document_removed.emit(doc_id)

    def _unload(self, doc_id: int) -> None:
        """Let go of a document in memory (it stays in the project; :meth:`document` loads
        it again): no more listening, tracking, tagging or undo for it."""
        doc = self._docs.pop(doc_id, None)
        self._interim.discard(doc_id)  # the file keeps the tagging before those first screens
        if doc is not None:
            self._disconnect([entry for entry in self._listeners if entry[0] is doc])
            self._listeners = [entry for entry in self._listeners if entry[0] is not doc]
            self.project.untrack(doc)
            self.tagging.discard(doc)
        stack = self._stacks.pop(doc_id, None)
        if stack is not None:
            self.undo_group.removeStack(stack)

    def _finish_part(self, doc_id: int) -> None:
        """A big file's part is stored and tagged: unless shown, it leaves memory (room for the next)."""
        if self._in_flight.finish(doc_id) and doc_id != self._shown:
            self._unload(doc_id)

    def take_summaries(self, summaries: list[DocumentSummary]) -> list[int]:
        """The list as others left it (gui/shell/qt_live.py): documents deleted elsewhere go, names and
        counts of those not in memory follow (unless edits of them wait in the journal); returns new ids."""
        fresh, project = {s.doc_id: s for s in summaries}, self.project
        for doc_id in [i for i in self._summaries if i not in fresh]:
            self._forget(doc_id)
        added = [i for i in fresh if i not in self._summaries]
        for doc_id, summary in fresh.items():
            old = self._summaries.get(doc_id)
            if doc_id in self._docs or old is not None and project.pending_count and project.has_pending(doc_id):
                summary = old._replace(name=summary.name)  # its counts follow its edits (catch_up included)
            if summary != old:
                self._summaries[doc_id] = summary
                if old is not None:
                    self.document_updated.emit(doc_id)
        return added

    @staticmethod
    def _disconnect(entries: list) -> None:
        for doc, on_spans, on_status in entries:
            doc.changed.disconnect(on_spans)
            doc.status_changed.disconnect(on_status)

    def _adopt(self, doc: Document) -> None:
        self._docs[doc.doc_id] = doc
        self._refresh_summary(doc)

        def on_spans(change) -> None:
            self.count_change(doc.doc_id, change)

        def on_status(_status) -> None:
            self._refresh_summary(doc)

        doc.changed.connect(on_spans)
        doc.status_changed.connect(on_status)
        self._listeners.append((doc, on_spans, on_status))

    def _refresh_summary(self, doc: Document) -> None:
        model = sum(1 for s in doc.spans if not s.confirmed)
        self._summaries[doc.doc_id] = self._summaries[doc.doc_id]._replace(
            status=doc.status, entity_count=len(doc.spans), model_count=model)
        self.document_updated.emit(doc.doc_id)

    def count_change(self, doc_id: int, change) -> None:
        """An edit in ``doc_id``'s list counts (a step's part in one not in memory too: qt_project_steps)."""
        self._summaries[doc_id] = self._summaries[doc_id].after(change.removed, change.added)
        self.document_updated.emit(doc_id)

    def undo_stack(self, doc_id: int) -> QUndoStack:
        stack = self._stacks.get(doc_id)
        if stack is None:
            stack = self._stacks[doc_id] = QUndoStack(self)
            self.undo_group.addStack(stack)
        return stack

    def activate(self, doc_id: int) -> None:
        """Make ``doc_id``'s undo stack the one Ctrl+Z acts on; it is the document shown
        when the project opens next (stored on closing: switching documents writes nothing)."""
        self.undo_group.setActiveStack(self.undo_stack(doc_id))
        self._shown = doc_id
        self.effort.shown(doc_id)
        self.read_ahead.around(doc_id, self.document_ids())  # the next switch: read by then

    def _store_shown(self) -> None:
        if self._shown == self._stored_shown or self._shown is None or self.project.read_only:
            return
        try:
            self.project.set_setting(SHOWN_SETTING, self._shown)
            self._stored_shown = self._shown
        except NerStudioError as error:  # a convenience: the edits' own saving reports problems
            log.info("remembering the shown document: %s", error)

    def first_document(self) -> int | None:
        """The document to show on opening: the one shown last, else the first."""
        if self._shown in self._summaries:
            return self._shown
        return next(iter(self._summaries), None)

    # --- editing -------------------------------------------------------------------------
    def apply_edit(self, doc: Document, edit: SpanEdit | None) -> bool:
        if not edit:
            return False
        try:
            apply_edit(self.undo_stack(doc.doc_id), doc, edit)
        except NerStudioError as error:
            self.problem.emit("This edit is not possible", error)
            return False
        return True

    def set_status(self, doc: Document, status: Status) -> None:
        if doc.status != status:
            self.undo_stack(doc.doc_id).push(StatusCommand(doc, status))

    def mark_reviewed(self, doc: Document, *, log: bool = True, suggest=None) -> None:
        """Accept the remaining model spans and mark the document reviewed, as one undo step;
        with ``log`` (a person's Ctrl+Enter), note in the review log what it took (if the model
        had tagged it) and, if it was not reviewed before, say so (``marked_reviewed``); undoing
        the step takes both back (``review_undone``), redoing it tells them again. ``suggest``:
        the catalogue links shown as suggestions are accepted too (editing.accept_all)."""
        stack, newly, record = self.undo_stack(doc.doc_id), doc.status != Status.REVIEWED, None
        stack.beginMacro(f"Mark {doc.name or 'document'} reviewed")
        try:
            self.apply_edit(doc, accept_all(doc, suggest))
            self.set_status(doc, Status.REVIEWED)
            if log:
                record = self.effort.reviewed(doc)
                stack.push(NoticeCommand(lambda: self._tell_review(doc, record, newly, False),
                                         lambda: self._tell_review(doc, record, newly, True)))
        finally:
            stack.endMacro()
        if log:
            self._tell_review(doc, record, newly, True)

    def _tell_review(self, doc: Document, record: ReviewRecord | None, newly: bool, done: bool) -> None:
        (self.log_review if done else self.unlog_review)(record)
        if newly:
            (self.marked_reviewed if done else self.review_undone).emit(doc.doc_id)

    def log_review(self, record: ReviewRecord | None) -> None:
        """Append a review step to the project's review log (a convenience: never an error)."""
        if self.review_book.note(record):
            self.review_logged.emit()

    def unlog_review(self, record: ReviewRecord | None) -> None:
        """Take a review step back out of the review log: the review was undone."""
        if self.review_book.note(record, undone=True):
            self.review_logged.emit()

    def review_log(self) -> list[ReviewRecord]:
        return self.review_book.readable_records()

    def next_document(self, doc_id: int | None, *, unreviewed: bool = True, step: int = 1) -> int | None:
        """After ``doc_id`` (``step`` -1: before), not yet reviewed if asked, yours if assigned (next_in_turn)."""
        yours: set[int] = set()  # if they cannot be read, every document takes its turn
        try:
            yours = self.project.assigned_documents()
        except NerStudioError as error:
            log.warning("reading your assigned documents: %s", error)
        return next_in_turn(self.document_ids(), doc_id, yours, step=step,
                            skip=lambda other: unreviewed and self.summary(other).status == Status.REVIEWED)

    # --- adding documents ----------------------------------------------------------------
    def import_paths(self, paths: list[Path]) -> list[Path]:
        """Read files in a worker; each file's documents are added as it finishes. A file
        already in the project is shown, not added twice: those files are returned."""
        known = {s.source_path: s.doc_id for s in self._summaries.values() if s.source_path}
        paths = [Path(p).resolve() for p in paths]
        already = [p for p in paths if str(p) in known]
        paths = [p for p in paths if str(p) not in known]
        if already:
            self.documents_opened.emit([known[str(p)] for p in already])
        if not paths:
            self.import_finished.emit()
            return already
        self.importer.import_paths(paths)
        return already

    def warm_up_reading(self) -> None:
        self.importer.warm_up()

    def is_warming_up(self) -> bool:
        return self.importer.is_warming_up()

    def is_importing(self) -> bool:
        return self.importer.is_importing()

    def take_part(self, gate: PartsGate, docs: list[Document], ids: list[int], then=None) -> None:
        """The documents of a big file's part were added (``ids``; none if the project refused them):
        each leaves memory once tagged, or now if there is nothing to tag in it, and ``gate`` lets
        the reader go on once all are done (see ``importing.PartsGate``), then ``then()`` runs."""
        self._in_flight.hand_over(gate, ids, then)
        for doc in docs:
            if doc.doc_id is not None and not self.tagging.has(doc):
                self._finish_part(doc.doc_id)

    def add_text(self, text: str, name: str) -> list[int]:
        """Paste: the text becomes a new document (raises FormatError for empty text)."""
        return self.add_documents(parse_documents(text, "txt", name=name))

    def add_documents(self, docs: list[Document], *, source_path: Path | None = None, show: bool = True) -> list[int]:
        """Store ``docs``, keep them in memory (tracked) and tag the new ones; ``show``: the
        window shows the first (``documents_opened``), else only lists them."""
        try:
            ids = self.project.add_documents(docs, source_path=source_path)
            # Built here, not read back: listing the project's counts costs more the bigger it
            # is, and a big file adds ~100 parts one after another (``_adopt`` sets the counts).
            source = str(source_path) if source_path is not None else None
            summaries = {doc.doc_id: DocumentSummary(doc.doc_id, doc.name, doc.status, 0, 0, len(doc.tokens), source)
                         for doc in docs}
            for doc in docs:
                self.project.track(doc)
        except ProjectError as error:
            self.problem.emit("The documents could not be added to the project", error)
            return []
        labels, self.labels = self.labels, self.project.labels()  # imports may bring new labels
        if self.labels != labels:  # the palette, the colours and the label keys follow them
            self.labels_changed.emit()
        self._summaries.update((doc_id, summaries[doc_id]) for doc_id in ids)
        for doc in docs:
            self._adopt(doc)
        # Tagging starts first, so the worker runs while the window lays out the new text.
        self.predict([doc for doc in docs if doc.status == Status.NEW and not doc.spans], first_screens=show)
        (self.documents_opened if show else self.documents_added).emit(ids)
        return ids

    # --- tagging -------------------------------------------------------------------------
    def predict(self, docs: list[Document], *, first_screens: bool = True) -> None:
        """Tag ``docs`` with the current model in a worker; human spans are never replaced.
        ``first_screens``: a long document's first sentences first (False: not shown, whole)."""
        if docs and self.model.available:
            self.tagging.add(docs, first_screens=first_screens)

    def is_predicting(self) -> bool:
        """True while documents are being tagged or wait for it."""
        return self.tagging.busy()

    def hold_tagging(self, held: bool) -> None:
        """While held, documents wait in the queue and no worker starts. At start-up the window
        paints first: the worker's first act, importing torch, holds the interpreter a second."""
        self.tagging.hold(held)

    @Slot(object)
    def _on_predicted(self, tagged) -> None:
        doc = tagged.doc
        if self.project.closed or self._docs.get(doc.doc_id) is not doc:
            if tagged.saved and doc.doc_id in self._docs:  # loaded again meanwhile: it shows what is stored
                self.project.catch_up(doc.doc_id)
            return
        if not tagged.final and doc.doc_id in self._in_flight and doc.doc_id != self._shown:
            return  # first screens of a part nobody looks at: its final spans come soon
        try:
            # Reviewed while tagged: its entities stay, and its undo (tagging_jobs.take_tagged).
            if take_tagged(self.project, tagged, {label.name for label in self.labels}, self._interim):
                self.undo_stack(doc.doc_id).clear()  # its commands no longer fit the document
        except NerStudioError as error:
            self.problem.emit(f"Tagging {doc.name} failed", error)
            return
        self._in_flight.shown(doc.doc_id)  # the next part may be read now (importing.PartsGate)
        if tagged.final:
            self.effort.proposed(doc, self.model.name)
            self.sentence_scores[doc.doc_id] = tagged.sentence_scores
            self.tagged_settled[doc.doc_id] = tagged.settled_as_shown()
            self.document_predicted.emit(doc.doc_id)
            self._finish_part(doc.doc_id)

    @Slot(object)
    def _on_prediction_failed(self, error) -> None:
        self.problem.emit(f"The model {self.model.name} could not tag the documents", error)

    @Slot(list)
    def _on_tagging_let_go(self, docs: list[Document]) -> None:
        for doc in docs:  # those it did not finish (cancelled, failed) are let go too
            if doc.doc_id in self._interim:  # first screens shown, final spans never came: save those
                self._interim.discard(doc.doc_id)
                if self._docs.get(doc.doc_id) is doc and not self.project.closed:
                    self.project.save_model_spans(doc)
            if doc.doc_id is not None:
                self._finish_part(doc.doc_id)

    # --- labels and export ---------------------------------------------------------------
    def save_labels(self, labels: LabelSet, *, delete_spans_of_removed: bool = False) -> bool:
        """Store an edited label set; renamed labels relabel every span in one transaction."""
        try:
            self.project.save_labels(labels, delete_spans_of_removed=delete_spans_of_removed)
        except NerStudioError as error:
            self.problem.emit("The labels could not be saved", error)
            return False
        self.labels = self.project.labels()
        # Undo commands that hold old label names could not be undone any more.
        for stack in self._stacks.values():
            stack.clear()
        self.labels_changed.emit()
        return True

    def export(self, doc_ids: list[int], path: Path, fmt: str, scheme: str, *, gold: Collection[int] = (),
               kb_column: bool = False) -> bool:
        """Write ``doc_ids`` to ``path`` (those in ``gold`` as curated gold versions; ``kb_column``:
        CoNLL's column of links), and the catalogue beside a corpus (``exported_beside``: where)."""
        try:
            docs = [self.project.load_version(i, GOLD) if i in gold else self._docs.get(i) or self.project.load_document(i)
                    for i in doc_ids]
            self.exported_beside = export_documents(self.project, docs, path, fmt, scheme, kb_column=kb_column)
        except NerStudioError as error:
            self.problem.emit("Export failed", error)
            return False
        return True

    def release(self) -> None:
        """Stop the workers and let go of the documents (they may live on in another
        workspace, e.g. after Save Project As). Safe to call twice."""
        self.importer.stop()
        self.tagging.stop()
        self.read_ahead.stop()
        if self.live is not None:
            self.live.stop()
        self._disconnect(self._listeners)
        self._listeners.clear()

    def close(self) -> None:
        """Release, then close the project (unsaved edits raise ProjectError)."""
        if not self.project.closed:
            self.settings_later.flush()
            self._store_shown()
        self.release()
        self.project.close()
        for stack in self._stacks.values():
            self.undo_group.removeStack(stack)
        self._stacks.clear()
