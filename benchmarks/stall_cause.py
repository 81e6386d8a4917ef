"""While a fine-tune runs in the background, is the UI thread waiting for the interpreter lock or
for a core? (Issue 29 item 1: the training stalls whose innermost frame is the event loop.)

    QT_QPA_PLATFORM=offscreen python benchmarks/stall_cause.py [--sentences 800] [--epochs 2]
        [--mode thread|process|c-burn|idle|open] [--background]

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

``--mode open`` samples ``ui_stalls.py``'s first scenario instead (the real window opens and
tags a 1 MB text, issue 29 item 1): for each gap over 100 ms, the UI thread's time on a CPU,
waiting for a core and asleep on a lock, which of the app's threads ran meanwhile (by thread
name: ``predict`` is the tagging worker and the tagger's threads it started, ``import`` the
reader) and the cyclic collections (``gc.callbacks``, any thread: each holds the lock).
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
            with open(f"{task}/{tid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
            with open(f"{task}/{tid}/syscall") as f:
                call = f.read().split()[0]
            with open(f"{task}/{tid}/schedstat") as f:
                run, delay = f.read().split()[:2]
        except OSError:
            continue
        who = "ui" if tid == pid else "worker" if name in ("train", "c-burn") else name.replace(" ", "_")
        out.write(f"{now:.6f} {who} {state} {call} {run} {delay}\n")
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


def ui_state(sample: tuple) -> str:
    state, call = sample[2], sample[3]
    if state == "S":
        return "futex" if call == FUTEX else "poll" if call in POLLS else f"S:{call}"
    return state


def open_big_file(folder: Path) -> tuple[list[tuple[float, float]], float, list[tuple]]:
    """``ui_stalls.py``'s first scenario in this process: the gaps over 100 ms (monotonic
    seconds, as the sampler's), when it started, and every cyclic collection meanwhile
    (start, seconds, CPU seconds, generation, thread name)."""
    import gc
    from types import SimpleNamespace

    from gui_big_document import big_text
    from ui_stalls import open_and_tag, setup

    bench, _ = setup(SimpleNamespace(model=None), folder)
    big = folder / "big.txt"
    big.write_text(big_text(1_000_000), encoding="utf-8")
    collections, began = [], {}

    def on_collection(phase, info) -> None:
        if phase == "start":
            began[threading.get_ident()] = time.monotonic(), time.thread_time()
        elif threading.get_ident() in began:
            start, cpu = began.pop(threading.get_ident())
            collections.append((start, time.monotonic() - start, time.thread_time() - cpu, info["generation"],
                                threading.current_thread().name))

    gc.callbacks.append(on_collection)
    started, cpu = time.monotonic(), time.thread_time()
    open_and_tag(bench, big)
    gc.callbacks.remove(on_collection)
    print(f"opened and tagged in {time.monotonic() - started:.1f} s; UI thread CPU {time.thread_time() - cpu:.2f} s")
    ticks = bench.probe.ticks  # time.perf_counter: the same clock as time.monotonic on Linux
    gaps = [(a, b) for a, b in zip(ticks, ticks[1:]) if (b - a) * 1000 - bench.probe.interval_ms > STALL_TARGET_MS]
    bench.window.close()
    return gaps, started, collections


def classify_open(samples: list[tuple], gaps: list[tuple[float, float]], started: float,
                  collections: list[tuple]) -> None:
    """For each gap: the UI thread's time on a CPU and waiting for one, its states, the app's
    threads seen running, the collections inside; then the UI thread's states over the open."""
    for start, end in gaps:
        within = [s for s in samples if start <= s[0] <= end]
        ui = [s for s in within if s[1] == "ui"]
        ui_end = next((s for s in samples if end < s[0] <= end + 0.03 and s[1] == "ui"), ui[-1] if ui else None)
        if len(ui) < 2:
            continue
        run_ms, delay_ms = (ui_end[4] - ui[0][4]) / 1e6, (ui_end[5] - ui[0][5]) / 1e6
        running = Counter(s[1] for s in within if s[1] != "ui" and s[2] == "R")
        passes = [f"gen{g} {seconds * 1000:.0f} ms on {name}" for at, seconds, _cpu, g, name in collections
                  if at < end and at + seconds > start and seconds > 0.005]
        print(f"  gap {start - started:5.2f} s +{(end - start) * 1000:4.0f} ms: UI on a CPU {run_ms:4.0f} ms, "
              f"waiting for a core {delay_ms:4.0f} ms, samples {dict(Counter(map(ui_state, ui)))}; running "
              f"{dict(running.most_common(4))}{'; collections: ' + ', '.join(passes) if passes else ''}")
    ui = Counter(ui_state(s) for s in samples if s[0] >= started and s[1] == "ui")
    busy = sum(n for state, n in ui.items() if state != "poll") or 1
    print("  the UI thread over the open, when not idle in poll: " +
          ", ".join(f"{state} {n / busy:.0%}" for state, n in ui.most_common() if state != "poll"))
    longest = sorted(collections, key=lambda c: -c[2])[:3]
    print(f"  cyclic collections over the open: {len(collections)}, {sum(c[2] for c in collections) * 1000:.1f} ms "
          f"of CPU, {sum(c[1] for c in collections) * 1000:.0f} ms holding the lock; the longest: " +
          ", ".join(f"gen{g} {cpu * 1000:.1f} ms CPU on {name}" for _at, _s, cpu, g, name in longest))


def read_samples(log: Path) -> list[tuple]:
    return [(float(t), who, state, int(call) if call.lstrip("-").isdigit() else -1, int(r), int(d))
            for t, who, state, call, r, d in (line.split() for line in log.read_text().splitlines())]


def sample_open(runs: int) -> int:
    """``--mode open``: one window, the 1 MB text opened once (``--runs`` is ignored: run the
    script again, in turns with the code before, for more)."""
    if runs != 1:
        print("--mode open: one run per process")
    folder = Path(tempfile.mkdtemp(prefix="ner-cause-open-"))
    log = folder / "samples.txt"
    sampler = subprocess.Popen([sys.executable, "-c", SAMPLER, str(os.getpid()), str(log)])
    time.sleep(0.3)
    print(f"switch interval {sys.getswitchinterval() * 1000:.0f} ms; load average {os.getloadavg()[0]:.1f}")
    gaps, started, collections = open_big_file(folder)
    sampler.terminate()
    sampler.wait()
    print(f"{len(gaps)} gaps over {STALL_TARGET_MS} ms, load average {os.getloadavg()[0]:.1f}")
    classify_open(read_samples(log), gaps, started, collections)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=800)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--mode", choices=("thread", "process", "c-burn", "idle", "open"), default="thread")
    parser.add_argument("--background", action="store_true", help="as a loop round: one torch thread, niced")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    if args.mode == "open":
        return sample_open(args.runs)
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
            samples = read_samples(log)
            print(f"run {number} ({'cold' if number == 1 else 'warm'}): {seconds:.1f} s, {len(gaps)} gaps over "
                  f"{STALL_TARGET_MS} ms, load average {os.getloadavg()[0]:.1f}")
            classify(samples, gaps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
