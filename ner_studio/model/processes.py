"""Tagging on worker processes, for the big inputs of ``ner-studio predict`` and ``evaluate``.

Why: two tagging threads share one interpreter lock. Every torch call, the encoding of words
and the building of each sentence's entities hold it, so while one thread does that Python
work the other waits, and the main thread's encoding of the next group waits too. Worker
processes share nothing: each has its own interpreter, its own copy of the model (loaded from
the checkpoint file, single-threaded torch) and its own word table, and tags whole groups of
documents; the main process reads, cuts groups into words, sends them and turns the
entities that come back into spans. The cost is each worker's start (importing torch and
loading the model, ~1-2 s of CPU, paid while the main process reads its input), which only a
big input repays: the commands choose (commands/model_options.py). The app's tagging worker
keeps its threads (its documents are small, and it must start at once).
benchmarks/results/2026-12-07-tagging-speed-2.md measures both.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from ner_studio.core.errors import CheckpointError
from ner_studio.model.interface import PredictionDetail

# Spawned, never forked: forked workers hung where the parent had already run torch on its own
# thread pool (a benchmark at load 20: both children asleep at 0 s of CPU), and fork is
# absent on Windows. Each worker pays for importing torch again (~1.3 s of CPU).
_START = "spawn"

_tagger = None  # in a worker process: its own TorchPredictor
_generation = 0  # in a worker process: the main predictor's cache generation last seen


def _start(load: Callable, path: str, quantize: bool, bfloat16: bool) -> None:
    global _tagger
    _tagger = load(path, quantize=quantize, bfloat16=bfloat16, threads=1)


def _ready() -> bool:
    return True


def _predict(words: list[list[str]], documents: list[int], batch_size: int, detail: PredictionDetail,
             generation: int) -> list:
    global _generation
    if generation != _generation:  # the caller cleared its cache: so does every worker
        _tagger.clear_cache()
        _generation = generation
    return _tagger.predict_sentences(words, batch_size=batch_size, documents=documents, detail=detail)


class WorkerProcesses:
    """``count`` processes, each tagging one group of sentences at a time with its own copy of
    the model at ``path``, made by ``load`` (``TorchPredictor.load``, passed in so this module
    does not import the predictor that uses it). They start at once."""

    def __init__(self, load: Callable, path: str | Path, count: int, *, quantize: bool, bfloat16: bool):
        self.path = Path(path)
        self.count = count
        self._pool = ProcessPoolExecutor(count, mp_context=multiprocessing.get_context(_START),
                                         initializer=_start, initargs=(load, str(path), quantize, bfloat16))
        # One small task each, so every worker starts loading the model now, while the caller
        # reads its input.
        self._started = [self._pool.submit(_ready) for _ in range(count)]

    def wait_until_started(self) -> None:
        """Block until every worker has loaded its model (a benchmark's clock starts after)."""
        for future in self._started:
            self._result(future)

    def map(self, groups: Iterable[tuple[list[list[str]], list[int]]], *, batch_size: int,
            detail: PredictionDetail, generation: int) -> Iterator[list]:
        """``predict_sentences`` of each ``(sentences, documents)`` group, in order, with two
        groups per worker in flight (one tagged, the next one waiting), so none idles between them."""
        pending: deque = deque()
        try:
            for words, documents in groups:
                pending.append(self._pool.submit(_predict, words, documents, batch_size, detail, generation))
                if len(pending) >= 2 * self.count:
                    yield self._result(pending.popleft())
            while pending:
                yield self._result(pending.popleft())
        finally:
            for future in pending:  # the caller stopped early: drop what it will not read
                future.cancel()

    def _result(self, future) -> list:
        try:
            return future.result()
        except BrokenProcessPool:
            raise CheckpointError("a tagging worker process stopped unexpectedly (out of memory?); "
                                  "try again with --threads 1", self.path) from None

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
