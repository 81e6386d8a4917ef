"""The window's tagger in a process of its own: :class:`ProcessPredictor` is the
:class:`~ner_studio.model.interface.Predictor` the tagging worker calls, and a child process
loads the model once and tags what it is sent. No Qt and no torch here (the child imports
torch itself).

Why (benchmarks/results/2026-12-08-open-gil.md): while a 1 MB file was opened and tagged, the
window's gaps of 200-290 ms were waits, not work: the UI thread was on a CPU 0-30 ms of each gap
and asleep on the interpreter lock 38-58 % of the time, while the tagger's threads ran Python
(batches, decoding, spans) beside it. In a child they run on another interpreter's lock; the
tagging worker sleeps in ``poll`` (not holding the lock) until a part's spans come back.

What crosses: a document as its text, token offsets and sentences (plain lists: pickled at C
speed); back, spans as ``(start, end, label, confidence)`` tuples and the sentences' scores.
The child is forked from a server process that imported torch once (``forkserver``), so a
window's tagger starts in a fraction of a second after the first (on Windows and in a frozen
app: ``spawn``, each child importing torch). It ends when :meth:`ProcessPredictor.close` is
called (the window closes, the model is switched), when the predictor is dropped, or when the
app is gone (its end of the pipe closes: the child sees EOF). A child that dies is a
:class:`~ner_studio.core.errors.CheckpointError` naming the model, never a wait without end.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import pickle
import sys
import weakref
from collections.abc import Callable
from pathlib import Path

from ner_studio.core.errors import CheckpointError
from ner_studio.core.text.document import Document
from ner_studio.core.text.spans import Source, Span
from ner_studio.core.text.tokens import Sentence, TokenList
from ner_studio.model.interface import DocumentPrediction, SentenceUncertainty

log = logging.getLogger(__name__)

POLL_SECONDS = 0.05  # how often a waiting worker looks at its cancel flag and the child
STOP_SECONDS = 0.02  # a child that has not ended this long after its pipe closed is killed
# What the fork server imports once, so that every tagging child starts with torch loaded.
PRELOAD = ["ner_studio.model.predict", __name__]

Loader = Callable[[Path], object]  # a path -> an in-process Predictor (tagging_jobs.load_in_thread)


def _context() -> multiprocessing.context.BaseContext:
    if sys.platform != "win32" and not getattr(sys, "frozen", False):
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


def start_server() -> None:
    """Start the fork server now rather than at the first tagging: it imports torch (seconds)
    in its own process meanwhile, so the first tagging process forks from it at once."""
    if _context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


class ProcessPredictor:
    """A model loaded and run in a child process (see the module docstring). Like the
    in-process predictor it replaces, used by one worker at a time."""

    def __init__(self, path: Path, loader: Loader, *, should_stop: Callable[[], bool] = lambda: False):
        """Starts the child and waits (in ``poll``) until it has loaded ``path`` with
        ``loader``; raises its error (a CheckpointError for a damaged file), or
        CheckpointError if it dies first. If ``should_stop`` comes first, the child is ended
        and ``cancelled`` is True (a window closing does not wait for torch's import)."""
        self.path = Path(path)
        context = _context()
        self._conn, child_end = context.Pipe()
        self._child = context.Process(target=_serve, args=(self.path, loader, child_end), name="ner-studio-tagger",
                                      daemon=True)
        self._child.start()
        child_end.close()  # only the child holds it: the pipe says EOF once the child is gone
        self._ended = weakref.finalize(self, _end, self._child, self._conn)
        self._requests = itertools.count()
        try:
            message = self._receive(None, should_stop)
        except BaseException:
            self.close()
            raise
        self.cancelled = message is None  # told to stop while the child was starting: closed
        if self.cancelled:
            self.close()
            return
        kind, *payload = message
        if kind == "error":
            self.close()
            raise payload[0]
        self.labels, self._pools_documents = payload

    @property
    def pid(self) -> int | None:
        return self._child.pid

    @property
    def pools_documents(self) -> bool:
        return self._pools_documents

    def predict_documents(self, docs: list[Document], *, progress: Callable[[int, int], None] | None = None,
                          should_stop: Callable[[], bool] | None = None) -> list[DocumentPrediction]:
        """One prediction per document, as the in-process predictor gives; [] once
        ``should_stop`` (the child's answer to this request is then dropped when it comes)."""
        request = next(self._requests)
        self._send(("predict", request, [_plain(doc) for doc in docs]))
        while True:
            message = self._receive(request, should_stop or (lambda: False))
            if message is None:
                return []
            kind, *payload = message
            if kind == "progress":
                if progress is not None:
                    progress(*payload)
            elif kind == "error":
                raise payload[0]
            else:
                return [_prediction(*result) for result in payload[0]]

    def close(self) -> None:
        """End the child (at once if it is busy: what it tags is nobody's any more). Safe twice."""
        self._ended()

    def _send(self, message: tuple) -> None:
        try:
            self._conn.send(message)
        except (OSError, ValueError):
            raise self._gone() from None

    def _receive(self, request: int | None, should_stop: Callable[[], bool]) -> tuple | None:
        """The next message for ``request`` (None: the start-up's), None once ``should_stop``.
        Answers to requests given up on are dropped."""
        while True:
            if should_stop():
                return None
            try:
                if not self._conn.poll(POLL_SECONDS):
                    if not self._child.is_alive() and not self._conn.poll(0):
                        raise self._gone()
                    continue
                message = self._conn.recv()
            except (EOFError, OSError, ValueError):
                raise self._gone() from None
            kind, *payload = message
            if request is None:
                return message
            if payload[0] == request:  # else the answer to a request given up on
                return (kind, *payload[1:])

    def _gone(self) -> CheckpointError:
        self._child.join(0.1)
        code = self._child.exitcode
        how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        return CheckpointError(f"{self.path}: the tagging process ended unexpectedly ({how}); "
                               "if it keeps happening, the machine may be short of memory")


def _end(child, conn) -> None:
    """Close the pipe (an idle child ends on EOF), then make sure the child ended: killed if
    it has not at once (it writes nothing; what it tags is nobody's any more, and a window
    closing must not wait for it: at load 20 an idle child took 0.3 s to see its EOF)."""
    conn.close()
    child.join(STOP_SECONDS)
    if child.is_alive():
        child.kill()
        child.join()


def _plain(doc: Document) -> tuple:
    tokens = TokenList.of(doc.tokens)
    return doc.text, tokens.starts, tokens.ends, [tuple(s) for s in doc.sentences]


def _prediction(spans: list[tuple], scores: list[tuple]) -> DocumentPrediction:
    return DocumentPrediction([Span(start, end, label, Source.MODEL, confidence)
                               for start, end, label, confidence in spans],
                              [SentenceUncertainty(*score) for score in scores])


# --- the child ---------------------------------------------------------------------------------
def _serve(path: Path, loader: Loader, conn) -> None:
    """The child: load the model, then tag each request until the app's end closes."""
    try:
        predictor = loader(path)
    except BaseException as error:  # every failure must reach the app
        log.exception("loading %s in the tagging process failed", path)
        _answer(conn, ("error", _portable(error)))
        return
    if not _answer(conn, ("ready", list(predictor.labels), predictor.pools_documents)):
        return
    while True:
        try:
            kind, request, plain = conn.recv()
        except (EOFError, OSError):
            return  # the app closed its end (the window closed, the app ended)
        try:
            docs = [Document(text, TokenList(starts, ends), [Sentence(*s) for s in sentences])
                    for text, starts, ends, sentences in plain]
            results = predictor.predict_documents(
                docs, progress=lambda done, total: _answer(conn, ("progress", request, done, total)))
            answer = ("result", request, [([(s.start, s.end, s.label, s.confidence) for s in r.spans],
                                           [(u.least_confidence, u.mnlp, u.entropy) for u in r.sentence_scores])
                                          for r in results])
        except Exception as error:  # noqa: BLE001 - the app reports it: the worker's failure
            log.exception("tagging in the tagging process failed")
            answer = ("error", request, _portable(error))
        if not _answer(conn, answer):
            return


def _answer(conn, message: tuple) -> bool:
    """Send ``message``; False if the app is gone."""
    try:
        conn.send(message)
        return True
    except OSError:
        return False


def _portable(error: BaseException) -> BaseException:
    """``error`` if it crosses the pipe as itself (an app error keeps its fields), else a
    CheckpointError with its type and message."""
    try:
        copy = pickle.loads(pickle.dumps(error))
        if type(copy) is type(error) and str(copy) == str(error):
            return error
    except Exception:  # noqa: BLE001 - an exception class with its own __init__ may not rebuild
        pass
    return CheckpointError(f"{type(error).__name__}: {error}")
