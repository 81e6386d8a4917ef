"""While a fine-tune runs in the background, is the UI thread waiting for the interpreter lock or
for a core? (Issue 29 item 1: the training stalls whose innermost frame is the event loop.)

    QT_QPA_PLATFORM=offscreen python benchmarks/stall_cause.py [--sentences 800] [--epochs 2]
        [--mode thread|process|c-burn] [--background]

Runs ``training_ui_stall.py --synthetic``'s measured run (the Train action's worker, the panel,
a 5 ms probe timer) while a *separate process* samples the UI thread and the training thread
every millisecond from ``/proc/PID/task/TID/``: the scheduler state (``stat``), the system call
a sleeping thread is blocked in (``syscall``: 202 = futex, a lock such as the GIL; 7 / 271 =
poll / ppoll, the event loop idle) and ``schedstat`` (time on a CPU, time runnable but waiting
for one). A separate process, so the sampler itself never waits for this process's GIL.

For every probe gap over 100 ms it says how the UI thread spent it: on a CPU, runnable
waiting for a core (the machine is busy), or asleep in a futex (a lock: with one other Python
thread, the GIL); and where the training thread was meanwhile. ``--mode c-burn`` replaces the
training by a thread burning the same CPU in C without the GIL (``hashlib`` on 1 MB blocks
releases it), at the same priority: the stalls CPU contention alone makes; ``--mode idle``:
nothing but the probe for 20 s, the stalls the machine's load alone makes. ``--mode process``
runs the fine-tune in a child process, as the app does (``gui/learning/training_process.py``):
the UI thread is then sampled alone.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402,F401 - imported before the probe, as in the app once anything was tagged
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from ner_studio.gui.learning import learning_jobs  # noqa: E402
from ner_studio.gui.learning.learning_jobs import TrainingRequest, training_task  # noqa: E402
from ner_studio.gui.learning.qt_training_panel import TrainingPanel  # noqa: E402
from ner_studio.gui.shell.qt_task_worker import TaskWorker  # noqa: E402
from ner_studio.model.interface import FinetuneOptions  # noqa: E402
from ner_studio.resources import bundled_model_path  # noqa: E402

from event_loop_probe import STALL_TARGET_MS, EventLoopProbe  # noqa: E402
from training_speed import first_sentences  # noqa: E402
from training_ui_stall import synthetic_documents  # noqa: E402

FUTEX, POLLS = 202, {7, 271, 232, 281}  # x86_64: futex; poll, ppoll, epoll_wait, epoll_pwait
SAMPLER = r"""
import os, sys, time
pid, out = sys.argv[1], open(sys.argv[2], "w")
task = f"/proc/{pid}/task"
while os.path.exists(task):
    now = time.monotonic()
    try:
        tids = os.listdir(task)
    except OSError:
        break
    for tid in tids:
        try:
            with open(f"{task}/{tid}/comm") as f:
                name = f.read().strip()
            if tid != pid and name not in ("train", "c-burn"):
                continue
            with open(f"{task}/{tid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
            with open(f"{task}/{tid}/syscall") as f:
                call = f.read().split()[0]
            with open(f"{task}/{tid}/schedstat") as f:
                run, delay = f.read().split()[:2]
        except OSError:
            continue
        out.write(f"{now:.6f} {'ui' if tid == pid else 'worker'} {state} {call} {run} {delay}\n")
    time.sleep(0.001)
"""


def burn(stop: threading.Event, nice: bool) -> None:
    """CPU in C without the GIL, as long as the training would take."""
    if nice:
        learning_jobs.lower_thread_priority()
    block = os.urandom(1 << 20)
    while not stop.is_set():
        hashlib.sha256(block).digest()


def run(app, request, mode: str, background: bool, probe_ms: int = 5) -> tuple[list[tuple[float, float]], float]:
    """One run; the gaps as (start, end) in time.monotonic seconds, and its length."""
    panel = TrainingPanel()
    panel.started("stall cause", request.options.epochs)
    probe = EventLoopProbe(probe_ms)
    stamps: list[float] = []
    probe._timer.timeout.connect(lambda: stamps.append(time.monotonic()))
    started = time.monotonic()
    probe.start()
    stamps.append(time.monotonic())
    if mode in ("c-burn", "idle"):
        stop = threading.Event()
        thread = threading.Thread(target=burn, args=(stop, background), name="c-burn")
        if mode == "c-burn":
            thread.start()
        QTimer.singleShot(20_000, app.quit)
        app.exec()
        stop.set()
        if mode == "c-burn":
            thread.join()
    else:
        worker = TaskWorker(training_task(request), "train")
        worker.progress.connect(panel.show_progress)  # a QObject's slot: queued to the UI thread
        worker.failed.connect(lambda error: print("failed:", error))
        worker.finished.connect(app.quit)
        worker.start()
        app.exec()
    probe.stop()
    stamps.append(time.monotonic())
    gaps = [(a, b) for a, b in zip(stamps, stamps[1:]) if (b - a) * 1000 - probe_ms > STALL_TARGET_MS]
    return gaps, time.monotonic() - started


def classify(samples: list[tuple], gaps: list[tuple[float, float]]) -> None:
    """How the UI thread (and the worker) spent each long gap."""
    total = Counter()
    for start, end in gaps:
        # schedstat is brought up to date when a thread is scheduled: read it until just after
        within = [s for s in samples if start <= s[0] <= end]
        after = [s for s in samples if end < s[0] <= end + 0.03]
        ui = [s for s in within if s[1] == "ui"]
        worker = [s for s in within if s[1] == "worker"]
        ui_end = next((s for s in after if s[1] == "ui"), ui[-1] if ui else None)
        worker_end = next((s for s in after if s[1] == "worker"), worker[-1] if worker else None)
        if len(ui) < 2:
            continue
        run_ms = (ui_end[4] - ui[0][4]) / 1e6
        delay_ms = (ui_end[5] - ui[0][5]) / 1e6
        kinds = Counter("futex" if s[2] == "S" and s[3] == FUTEX else "poll" if s[2] == "S" and s[3] in POLLS
                        else "R" if s[2] == "R" else f"{s[2]}:{s[3]}" for s in ui)
        total.update(kinds)
        w_run = (worker_end[4] - worker[0][4]) / 1e6 if worker else 0.0
        w_delay = (worker_end[5] - worker[0][5]) / 1e6 if worker else 0.0
        w_kinds = Counter(s[2] for s in worker)
        print(f"  gap {(end - start) * 1000:6.0f} ms: UI on a CPU {run_ms:5.0f} ms, waiting for a core {delay_ms:5.0f} ms, "
              f"samples {dict(kinds)}; worker on a CPU {w_run:5.0f} ms, waiting for a core {w_delay:5.0f} ms, "
              f"states {dict(w_kinds)}")
    share = sum(total.values()) or 1
    print("  UI thread's samples in all long gaps: " + ", ".join(f"{k} {v / share:.0%}" for k, v in total.most_common()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=800)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--mode", choices=("thread", "process", "c-burn", "idle"), default="thread")
    parser.add_argument("--background", action="store_true", help="as a loop round: one torch thread, niced")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    print(f"switch interval {sys.getswitchinterval() * 1000:.0f} ms; load average {os.getloadavg()[0]:.1f}; "
          f"mode {args.mode}{', background' if args.background else ''}")
    model = bundled_model_path()
    docs, sentences = first_sentences(synthetic_documents(model, args.sentences), args.sentences)
    with tempfile.TemporaryDirectory(prefix="ner-cause-") as temporary:
        folder = Path(temporary)
        options = FinetuneOptions(epochs=args.epochs, patience=args.epochs, min_sentences=1,
                                  threads=1 if args.background else None)
        request = TrainingRequest(model, None, docs, [d.name for d in docs], options=options, models_folder=folder,
                                  background=args.background)
        if args.mode == "process":
            request = TrainingRequest(**{**request.__dict__, "in_child": True})  # the child: not sampled
        for number in range(1, args.runs + 1):
            log = folder / f"samples-{number}.txt"
            sampler = subprocess.Popen([sys.executable, "-c", SAMPLER, str(os.getpid()), str(log)])
            time.sleep(0.3)
            gaps, seconds = run(app, request, args.mode, args.background)
            sampler.terminate()
            sampler.wait()
            samples = [(float(t), who, state, int(call) if call.lstrip("-").isdigit() else -1, int(r), int(d))
                       for t, who, state, call, r, d in (line.split() for line in log.read_text().splitlines())]
            print(f"run {number} ({'cold' if number == 1 else 'warm'}): {seconds:.1f} s, {len(gaps)} gaps over "
                  f"{STALL_TARGET_MS} ms, load average {os.getloadavg()[0]:.1f}")
            classify(samples, gaps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
