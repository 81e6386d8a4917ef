"""Reading the next piece of a file and writing the last one while the caller works on this one.

Why: ``ner-studio predict`` read a piece, tagged it, wrote it, one after the other, so the
cores idled while it parsed and wrote (half the tagger's own speed on 1M tokens). Torch
releases the GIL inside its operations, so a parser or writer thread gets real work done
while the network runs. Order is kept and at most one piece waits on each side, so memory
still holds a few pieces, not the file; an error on either thread is raised in the caller's,
unchanged (it names the file and line as before).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
_DONE = object()


def read_ahead(items: Iterable[T]) -> Iterator[T]:
    """The items of ``items`` in order, the next one produced on a background thread while the
    caller handles the current one. Leaving the loop early stops the thread."""
    ready: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                if not _put(ready, (item, None), stop):
                    return
            _put(ready, (_DONE, None), stop)
        except BaseException as error:  # raised again in the caller's thread
            _put(ready, (_DONE, error), stop)

    thread = threading.Thread(target=produce, name="read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item, error = ready.get()
            if error is not None:
                raise error
            if item is _DONE:
                return
            yield item
            item = None  # the caller decides how long an item lives
    finally:
        stop.set()
        thread.join()


def _put(ready: queue.Queue, entry: tuple, stop: threading.Event) -> bool:
    """Put ``entry`` unless the consumer has gone; False if it has."""
    while not stop.is_set():
        try:
            ready.put(entry, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False


class WriteBehind:
    """``write(item)`` hands ``item`` to ``sink`` on a background thread and returns; the
    previous write finishes first, so items are written in order with at most one pending.
    ``finish()`` waits for the last one; an error of any write is raised by the next call."""

    def __init__(self, sink: Callable[[T], None]):
        self._sink = sink
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="write-behind")
        self._pending: Future | None = None

    def __enter__(self) -> WriteBehind:
        return self

    def __exit__(self, kind, error, trace) -> None:
        try:
            self.finish()
        except Exception:
            if kind is None:
                raise
            # The error on its way out is the one to report; the output is not replaced.

    def write(self, item: T) -> None:
        self._wait()
        self._pending = self._pool.submit(self._sink, item)

    def finish(self) -> None:
        try:
            self._wait()
        finally:
            self._pool.shutdown(wait=True)

    def _wait(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()
