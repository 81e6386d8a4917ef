"""A task ``work(job, report, should_stop)`` run in a child process, so that the app's
interpreter lock is never the training's. No Qt: the child imports none of it.

Why (benchmarks/results/2026-12-07-stalls-training.md, ``benchmarks/stall_cause.py``): with the
fine-tune in a thread of the app, the UI thread spent its long stalls (100-400 ms) asleep on a
futex, waiting for the GIL, while the training thread held it between torch ops; on a busy
machine that thread, niced, was mostly *off* the CPU while it held the lock. A lower priority
cannot help a thread whose lock the UI needs. A child has its own interpreter: the window then
waits only for a core, and the child, niced, leaves the cores to the app first.

The child is started with 'spawn' (a fresh interpreter that imports torch itself; a fork of a
process running Qt and torch threads is not safe), so ``work`` and ``job`` must pickle (a
module-level function, frozen dataclasses of plain data; the job crosses in a temporary file,
deleted once read; one a killed app left is deleted at the next run: ``remove_stale_jobs``).
Through one pipe come
``("progress", object)``, ``("log", LogRecord)`` (the child's log lines land in the app's log),
then ``("result", value)`` or ``("error", exception)``; cancelling sets an Event the child's
``should_stop`` reads (a child cancelled before its first word is killed: it has made
nothing yet, and a window closing must not wait for torch's import). Files the work writes (a new model version) are its real result. A child
that dies (killed, out of memory) is a :class:`TrainingError`, never a wait without end; one that
ignores a cancel for ``CANCEL_GRACE`` seconds is killed. The packaged app needs
``multiprocessing.freeze_support()`` in its entry point (``ner_studio/__main__.py``).
"""

from __future__ import annotations

import logging
import logging.handlers
import multiprocessing
import os
import pickle
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ner_studio.core.atomic import process_alive
from ner_studio.core.errors import TrainingError

log = logging.getLogger(__name__)

# How much nicer than the app the child runs (a Train as a loop's round): the scheduler gives
# the window (and the tagging worker) the cores first. As a thread's round ran before
# (learning_jobs.BACKGROUND_NICENESS); 19 starved a round on a busy machine (6x slower at load 20).
CHILD_NICENESS = 10
POLL_SECONDS = 0.1  # how often the waiting thread looks at the cancel flag and the child
# A cancelled child ends after its batch; one that has not within this time is killed (it has
# saved nothing: a run checks its cancel flag once more before it saves). At nice 19 on a busy
# machine a batch can take seconds; a window closing must not wait longer.
CANCEL_GRACE = 5.0
# A job's temporary file: ``ner-studio-job-<the app's pid>-<random>.pickle``.
JOB_PREFIX = "ner-studio-job-"

Work = Callable[[Any, Callable[[Any], None], Callable[[], bool]], Any]


def run_in_child(work: Work, job: Any, report: Callable[[Any], None], should_stop: Callable[[], bool],
                 *, what: str = "training") -> Any:
    """``work(job, report, should_stop)`` in a child process; its result (None once cancelled
    and ended). Raises what ``work`` raised, or TrainingError if the child died. Called from a
    worker thread, which sleeps in ``poll`` (not holding the GIL) between messages."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    cancel = context.Event()
    # The job (a round's snapshots and texts: megabytes) goes through a file: as an argument it
    # is written into the child's start-up pipe, and start() would block until the child had
    # imported enough to read it (9-16 s on a busy machine), deaf to a cancel meanwhile.
    remove_stale_jobs()
    with tempfile.NamedTemporaryFile("wb", prefix=f"{JOB_PREFIX}{os.getpid()}-", suffix=".pickle", delete=False) as file:
        pickle.dump(job, file, protocol=pickle.HIGHEST_PROTOCOL)
    niceness = _child_niceness()
    child = context.Process(target=_child_main, args=(work, file.name, sender, cancel, niceness),
                            name=f"ner-studio-{what}", daemon=True)
    try:
        child.start()
    except BaseException:
        os.unlink(file.name)
        raise
    _renice(child.pid, niceness)  # at once: its imports (torch's) run niced too
    sender.close()  # only the child writes: the pipe says EOF once it is gone
    cancelled_at = None
    heard = False  # the child has reported: its work is under way
    try:
        while True:
            if cancelled_at is None and should_stop():
                if not heard:  # still starting (importing torch: seconds): it has made nothing yet
                    child.kill()
                    return None
                cancel.set()
                cancelled_at = time.monotonic()
            if cancelled_at is not None and time.monotonic() - cancelled_at > CANCEL_GRACE:
                log.warning("the %s process did not stop %.0f s after a cancel: killed", what, CANCEL_GRACE)
                child.kill()
                return None
            if not receiver.poll(POLL_SECONDS):
                if not child.is_alive() and not receiver.poll(0):
                    break
                continue
            try:
                kind, payload = receiver.recv()
            except (EOFError, OSError):
                break
            heard = True
            if kind == "progress":
                report(payload)
            elif kind == "log":
                logging.getLogger(payload.name).handle(payload)
            elif kind == "result":
                return payload
            else:
                raise payload
    finally:
        receiver.close()
        child.join(5)
        if child.is_alive():
            child.kill()
            child.join()
        Path(file.name).unlink(missing_ok=True)  # the child deletes it once read; not if it died first
    raise TrainingError(f"the {what} process ended unexpectedly ({_how(child.exitcode)}); "
                        "nothing was saved. If it keeps happening, the machine may be short of memory")


def remove_stale_jobs(folder: str | None = None) -> list[Path]:
    """Delete the job files (0600, the analyst's texts) that a killed app left in the temporary
    folder: the child deletes its job once read, the app once the child is gone, but a kill of
    both in between left it. A job file names the app's process; one still running is using it.
    Returns the files deleted."""
    folder = Path(folder or tempfile.gettempdir())
    removed = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        pid = name[len(JOB_PREFIX):].split("-", 1)[0]
        if not (name.startswith(JOB_PREFIX) and name.endswith(".pickle") and pid.isdigit()) or process_alive(int(pid)):
            continue
        path = folder / name
        try:
            if hasattr(os, "getuid") and path.stat().st_uid != os.getuid():
                continue  # another user's (a shared temporary folder): theirs to clean
            path.unlink()
            removed.append(path)
        except OSError:
            continue
    if removed:
        log.info("removed %d training job file(s) a killed app left: %s", len(removed), ", ".join(map(str, removed)))
    return removed


def _how(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        return f"killed by signal {-exitcode}"
    return f"exit code {exitcode}"


class _AppGone(BaseException):
    """The app's end of the pipe is closed (it ended, or crashed): nobody waits for this work."""


def _send(sender, message: tuple) -> None:
    try:
        sender.send(message)
    except OSError:  # BrokenPipeError
        raise _AppGone from None


class _Pipe:
    """The queue a QueueHandler puts the child's log records on: the pipe to the app."""

    def __init__(self, sender):
        self.sender = sender

    def put_nowait(self, record: logging.LogRecord) -> None:
        try:
            self.sender.send(("log", record))
        except OSError:
            pass  # the app is gone; the next progress report ends the child


def _child_niceness() -> int | None:
    """The niceness the child runs at: the app's plus CHILD_NICENESS; None where there is none."""
    if not hasattr(os, "getpriority"):
        return None
    return min(os.getpriority(os.PRIO_PROCESS, 0) + CHILD_NICENESS, 19)


def _renice(pid: int, niceness: int | None) -> None:
    """Set the niceness of ``pid`` (on Linux: of that thread; threads it starts later inherit it)."""
    if niceness is None:
        return
    try:
        os.setpriority(os.PRIO_PROCESS, pid, niceness)
    except OSError as error:  # runs at normal priority: still off the app's interpreter lock
        log.info("the training process runs at normal priority: %s", error)


def _child_main(work: Work, job_file: str, sender, cancel, niceness: int | None) -> None:
    """The child: niced, logging into the pipe, runs ``work`` on the job the file holds and
    sends how it ended; it ends quietly at its next report once the app is gone (a crashed app
    leaves no orphan training)."""
    _renice(0, niceness)  # this thread, should the app's renice have come too late for it
    root = logging.getLogger()
    root.handlers[:] = [logging.handlers.QueueHandler(_Pipe(sender))]  # formatted, exc_info as text
    root.setLevel(logging.INFO)
    try:
        with open(job_file, "rb") as file:
            job = pickle.load(file)
        os.unlink(job_file)
        result = work(job, lambda progress: _send(sender, ("progress", progress)), cancel.is_set)
        _send(sender, ("result", result))
    except _AppGone:
        pass
    except BaseException as error:  # every failure must reach the app
        log.exception("%s failed in the child process", getattr(work, "__name__", "work"))
        try:
            _send(sender, ("error", _portable(error)))
        except _AppGone:
            pass
    finally:
        sender.close()


def _portable(error: BaseException) -> BaseException:
    """``error`` if it survives pickling with its fields (the app then shows it as it is, an
    app error's file and line as fields: core/errors.py), else a TrainingError with its type
    and message."""
    try:
        copy = pickle.loads(pickle.dumps(error))
        if type(copy) is type(error) and str(copy) == str(error) and vars(copy).keys() == vars(error).keys():
            return error
    except Exception as unpicklable:  # noqa: BLE001 - an exception class with its own __init__ may not rebuild
        log.info("%s does not cross to the app as itself: %s", type(error).__name__, unpicklable)
    return TrainingError(f"{type(error).__name__}: {error}")


def probe(job: Any, report: Callable[[Any], None], should_stop: Callable[[], bool]) -> str:
    """A child's smallest work, for the self-test: it started (a packaged app runs itself for
    it) and imports torch."""
    import torch

    return f"process {os.getpid()} runs torch {torch.__version__} at niceness {os.nice(0) if hasattr(os, 'nice') else 0}"
