"""Big documents read before they are shown, in a thread of their own (issue 29).

The first show of a 50k-token part read it on the UI thread: its text, tokens, sentences and
~12,000 entities, 20-30 ms of CPU and 100-300 ms on a busy machine
(benchmarks/results/2026-12-07-stalls-switching.md). Now:

* :class:`ReadAhead` reads the neighbours (in list order) of the document shown, if they are
  big and not in memory, in its worker (core/store/document_reader.py: a connection of its own,
  either store). The workspace takes what it read (``Project.adopt_read``: only if nothing was
  written to it since) instead of reading on the UI thread.
* :class:`DocumentSwitch` lets the window show a big document it has not read yet when it
  arrives: the read goes first in the worker's queue and the window keeps the document it
  shows until then. Whatever the analyst shows next, before it arrives, wins.

Documents under ``READ_AHEAD_TOKENS`` are read when shown, as before: a few ms.
"""

from __future__ import annotations

import itertools
import queue
from collections import OrderedDict
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

from ner_studio.core.store.document_reader import DocumentReader, ReadDocument
from ner_studio.core.store.project import Project
from ner_studio.core.text.document import Document
from ner_studio.gui.shell.qt_worker import Worker

READ_AHEAD_TOKENS = 20_000
KEEP = 3  # documents read and not shown yet, at most (the oldest go first)
NOW, AHEAD = 0, 1  # priorities in the worker's queue: a document the analyst waits for goes first


def _reading(reader: DocumentReader, requests: queue.PriorityQueue, current: Callable[[int, int], bool],
             _report, should_stop):
    """The worker's job: read each document asked for until told to stop (``None``), skipping a
    request a later one replaced (``current``: asked for again, first)."""
    try:
        while not should_stop():
            _priority, order, doc_id = requests.get()
            if doc_id is None:
                return
            if current(doc_id, order):
                yield doc_id, reader.read(doc_id)
    finally:
        reader.close()


class ReadAhead(QObject):
    """Reads documents of one project in a worker; ``arrived(doc_id)`` when one was read
    (or could not be: then :meth:`take` gives None and :meth:`load` reads it here).
    ``loaded(doc_id)``: the workspace has it in memory; ``tokens(doc_id)``: its size."""

    arrived = Signal(int)

    def __init__(self, project: Project, parent: QObject | None = None, *, loaded: Callable[[int], bool],
                 tokens: Callable[[int], int]):
        super().__init__(parent)
        self._project = project
        self.loaded, self.tokens = loaded, tokens
        self._read: OrderedDict[int, ReadDocument | None] = OrderedDict()
        self._asked: dict[int, int] = {}  # doc id -> its latest request's place in the queue
        self._requests: queue.PriorityQueue = queue.PriorityQueue()
        self._order = itertools.count()
        self._worker: Worker | None = None
        self._ended: Worker | None = None  # kept after stop: a QThread must not go while it runs
        reader = project.document_reader()
        if reader is not None:
            self._worker = Worker(lambda report, stop: _reading(reader, self._requests, self._is_current, report, stop),
                                  "read ahead")
            self._worker.yielded.connect(self._on_read)
            self._worker.start()

    def load(self, doc_id: int) -> Document:
        """The document, tracked: as read ahead if that is still current, else read now
        (``Project.load_document``, whose errors it raises)."""
        read = self.take(doc_id)
        doc = self._project.adopt_read(read, track=True) if read is not None else None
        return doc if doc is not None else self._project.load_document(doc_id, track=True)

    def _is_current(self, doc_id: int, order: int) -> bool:  # the worker's thread: one dict look-up
        return self._asked.get(doc_id) == order

    @property
    def available(self) -> bool:
        return self._worker is not None

    def ask(self, doc_ids: list[int], *, now: bool = False) -> None:
        """Read ``doc_ids`` (not those read already, nor those asked for, unless ``now``:
        then before the rest)."""
        if self._worker is None:
            return
        for doc_id in doc_ids:
            if doc_id not in self._read and (now or doc_id not in self._asked):
                self._asked[doc_id] = order = next(self._order)
                self._requests.put((NOW if now else AHEAD, order, doc_id))

    def worth_reading(self, doc_id: int) -> bool:
        """Big, not in memory, not read yet (and in the project: the window reports one that is not)."""
        if self.loaded(doc_id) or doc_id in self._read:
            return False
        try:
            return self.tokens(doc_id) >= READ_AHEAD_TOKENS
        except KeyError:
            return False

    def around(self, doc_id: int, order: list[int]) -> None:
        """Read ahead the documents after and before ``doc_id`` in ``order``, if worth it."""
        if self._worker is None or doc_id not in order:
            return
        at = order.index(doc_id)
        self.ask([other for other in (order[(at + 1) % len(order)], order[at - 1])
                  if other != doc_id and self.worth_reading(other)])

    def take(self, doc_id: int) -> ReadDocument | None:
        return self._read.pop(doc_id, None)

    @Slot(object)
    def _on_read(self, item) -> None:
        if self._worker is None:  # stopped (the project is closing): nothing more arrives
            return
        doc_id, read = item
        self._asked.pop(doc_id, None)
        self._read[doc_id] = read
        while len(self._read) > KEEP:
            self._read.popitem(last=False)
        self.arrived.emit(doc_id)

    def stop(self) -> None:
        """End the worker (it finishes the read under way). Safe to call twice."""
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.cancel()
            self._requests.put((NOW, -1, None))
            worker.wait(10_000)
            self._ended = worker
        self._read.clear()


class DocumentSwitch:
    """The window's decision on each show: now, or when the document arrives (see the module
    docstring). ``show(doc_id)`` is the window's own show, called again once it has arrived."""

    def __init__(self, show: Callable[..., None]):
        self._show = show
        self._read_ahead: ReadAhead | None = None
        self._wanted: tuple[int, Callable[[], None] | None] | None = None

    def follow(self, read_ahead: ReadAhead) -> None:
        """The open workspace's reader (another project: another reader)."""
        self._wanted = None
        self._read_ahead = read_ahead
        read_ahead.arrived.connect(self._on_arrived)

    def later(self, doc_id: int | None, then: Callable[[], None] | None = None) -> bool:
        """True if ``doc_id`` is shown when it arrives (``then`` runs after it is), False if
        now. Either way, a document asked for before is no longer wanted."""
        read_ahead = self._read_ahead
        self._wanted = None
        if doc_id is None or read_ahead is None or not read_ahead.available or not read_ahead.worth_reading(doc_id):
            return False
        read_ahead.ask([doc_id], now=True)
        self._wanted = (doc_id, then)
        return True

    def forget(self, doc_id: int) -> None:
        """``doc_id`` is gone (deleted, here or elsewhere): not shown when its read arrives."""
        if self.waiting_for() == doc_id:
            self._wanted = None

    def waiting_for(self) -> int | None:
        """The document to be shown when it arrives, if any."""
        return self._wanted[0] if self._wanted is not None else None

    def _on_arrived(self, doc_id: int) -> None:
        if self._wanted is None or self._wanted[0] != doc_id:
            return
        self._show(doc_id, then=self._wanted[1])  # read now: shown at once (and ``then`` run)
