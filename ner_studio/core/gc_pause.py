"""Pause the cyclic garbage collector while building millions of small objects.

Loading a corpus creates millions of lists and tuples that all stay alive; each automatic
collection walks every one of them, which made reading 1M CoNLL tokens four times slower.
None of these objects form cycles, so nothing is lost by collecting once afterwards.

:func:`set_aside` is the other half: what stays alive as long as the app (torch, its modules,
the loaded model: ~280k objects) is moved out of the collector's sight, since each full
collection walked all of it while holding the interpreter lock, a stall of the window.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0


@contextmanager
def paused_gc() -> Iterator[None]:
    """Disable automatic collection inside the block (re-entrant and thread-safe: the
    collector comes back on when the last block exits, if it was on before the first)."""
    pause()
    try:
        yield
    finally:
        resume()


def pause() -> None:
    """As entering :func:`paused_gc`, for a pause that spans several events (the app reading
    a big file a part at a time); each ``pause()`` needs one :func:`resume`."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1


def resume() -> None:
    global _depth
    with _lock:
        _depth -= 1
        if _depth == 0 and _was_enabled:
            gc.enable()


_was_enabled = True


def set_aside() -> None:
    """Once a process: collect the young generations, then move every object alive now out of
    the cyclic collector's sight (``gc.freeze``). A full collection after torch and a model loaded took 180 ms of CPU
    on a quiet machine, 0.3-0.4 s on a busy one, wherever it fell (the UI thread too); frozen,
    the same pass takes ~10 ms (benchmarks/results/2026-12-07-stalls-label-all-training-switching.md).
    Frozen objects are still freed when their last reference goes; only a cycle among them
    would stay, so it is done once, right after torch and the first model loaded; the young
    generations are collected first (5 ms; a full pass then found 10 more objects for 77 ms,
    itself a stall), later calls do nothing."""
    global _set_aside
    with _lock:
        if _set_aside:
            return
        _set_aside = True
    gc.collect(1)
    gc.freeze()


_set_aside = False
