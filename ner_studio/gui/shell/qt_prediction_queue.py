"""The documents waiting to be tagged and the one worker tagging them, for the workspace.

One worker at a time tags what was queued when it started; documents queued meanwhile wait for
the next. Results come back as ``tagged`` (a part of a document's spans, or its final ones),
and the workspace decides what to apply: the queue knows nothing of reviews or undo stacks.
"""

from __future__ import annotations

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
        self._queue: list[Document] = []
        self._worker: Worker | None = None
        self._held = False
        self._tagging: list[Document] = []  # what the running worker tags

    def add(self, docs: list[Document]) -> None:
        """Queue ``docs`` (each once) and start a worker if none runs."""
        queued = {id(doc) for doc in self._queue}
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
        return doc in self._queue or doc in self._tagging

    def discard(self, doc: Document) -> None:
        """``doc`` no longer waits (the one being tagged comes back all the same)."""
        if doc in self._queue:
            self._queue.remove(doc)

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
        self._queue.clear()

    def _start(self) -> None:
        if self._worker is not None or not self._queue or self._held:
            return
        docs, self._queue = self._queue, []
        self._tagging = docs
        worker = Worker(prediction_job(self._model(), docs, self._writer()), "predict")
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
        docs, self._tagging = self._tagging, []
        self.let_go.emit(docs)
        self.running.emit(False)
        self._start()
