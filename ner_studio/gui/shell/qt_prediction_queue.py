"""The documents waiting to be tagged and the one worker tagging them, for the workspace.

One worker at a time. It tags what was queued when it started, then takes what was queued
meanwhile (:meth:`PredictionQueue.take_queued`, for the same model only), so the parts of a
big file follow each other in one worker: the save of one part runs while the next is tagged,
instead of the worker ending with that save and the next one starting only then (4 x ~0.1-0.2 s
of idle cores on a 1 MB file, benchmarks/results/2026-12-07-1mb-report.md). Results come back
as ``tagged`` (a part of a document's spans, or its final ones), and the workspace decides what
to apply: the queue knows nothing of reviews or undo stacks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

from ner_studio.core.store.model_spans_writer import ModelSpansWriter
from ner_studio.core.text.document import Document
from ner_studio.gui.shell.qt_worker import Worker
from ner_studio.gui.shell.tagging_jobs import ModelHandle, prediction_job


class PredictionQueue(QObject):
    tagged = Signal(object)  # a TaggedDocument from the worker
    failed = Signal(object)  # the error that stopped the worker
    let_go = Signal(list)  # the documents the finished worker had (tagged or not)
    progress = Signal(int, int)
    running = Signal(bool)

    def __init__(self, model: Callable[[], ModelHandle], parent: QObject | None = None,
                 writer: Callable[[], ModelSpansWriter | None] = lambda: None):
        super().__init__(parent)
        self._model = model  # read at each start: the workspace's current model
        self._writer = writer  # a new one for each worker (it saves final results: tagging_jobs.saved)
        # The worker thread takes from the queue too (take_queued): every use holds the lock.
        self._lock = threading.Lock()
        self._queue: list[Document] = []
        self._worker: Worker | None = None
        self._held = False
        self._tagging: list[Document] = []  # what the running worker tags
        self._whole_only: set[int] = set()  # ids of queued documents nobody looks at: no first screens

    def add(self, docs: list[Document], *, first_screens: bool = True) -> None:
        """Queue ``docs`` (each once) and start a worker if none runs. ``first_screens``: a
        long document's first sentences are tagged (and shown) first; False for documents not
        shown (the later parts of a big file), which are then tagged once, whole."""
        with self._lock:
            queued = {id(doc) for doc in self._queue}
            for doc in docs:
                if first_screens:
                    self._whole_only.discard(id(doc))
                elif id(doc) not in queued:
                    self._whole_only.add(id(doc))
            self._queue.extend(doc for doc in docs if id(doc) not in queued)
        self._start()

    def busy(self) -> bool:
        """True while documents are being tagged or wait for it."""
        return self._worker is not None or bool(self._queue)

    def working(self) -> bool:
        """True while a worker runs (documents may also wait with none: see :meth:`hold`)."""
        return self._worker is not None

    def has(self, doc: Document) -> bool:
        """True while ``doc`` waits or is being tagged."""
        with self._lock:
            return doc in self._queue or doc in self._tagging

    def discard(self, doc: Document) -> None:
        """``doc`` no longer waits (the one being tagged comes back all the same)."""
        with self._lock:
            if doc in self._queue:
                self._queue.remove(doc)
                self._whole_only.discard(id(doc))

    def hold(self, held: bool) -> None:
        """While held, documents wait and no worker starts."""
        self._held = held
        if not held:
            self._start()

    def stop(self) -> None:
        """Cancel the worker, wait for it, forget what waits. Safe to call twice."""
        if self._worker is not None:
            self._worker.cancel()
            self._worker.wait()
        self._worker = None
        with self._lock:
            self._queue.clear()
            self._whole_only.clear()

    def take_queued(self, model: ModelHandle) -> list[Document]:
        """For the running worker (its thread): what was queued since, if the current model is
        still ``model`` (after a switch the next worker tags them, with the new one)."""
        with self._lock:
            if self._held or self._model() is not model or not self._queue:
                return []
            docs, self._queue = self._queue, []
            self._tagging.extend(docs)
            return docs

    def _first_screens(self, doc: Document) -> bool:
        return id(doc) not in self._whole_only

    def _start(self) -> None:
        if self._worker is not None or not self._queue or self._held:
            return
        model = self._model()
        with self._lock:
            docs, self._queue = self._queue, []
            self._tagging = list(docs)
        job = prediction_job(model, docs, self._writer(), more=lambda: self.take_queued(model),
                             first_screens=self._first_screens)
        worker = Worker(job, "predict")
        worker.progress.connect(self.progress)
        worker.yielded.connect(self.tagged)
        worker.failed.connect(self.failed)
        worker.finished.connect(self._on_finished)
        self._worker = worker
        self.running.emit(True)
        worker.start()

    @Slot()
    def _on_finished(self) -> None:
        self._worker = None
        with self._lock:
            docs, self._tagging = self._tagging, []
            self._whole_only.difference_update(id(doc) for doc in docs)
        self.let_go.emit(docs)
        self.running.emit(False)
        self._start()
