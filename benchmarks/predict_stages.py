"""Where the wall time of one ``ner-studio predict`` process goes, beyond the tagger's own:
the main thread's wall cut into start-up (imports, the CLI, the model), tagging (inside
``predict_documents``), waiting for the reader or the writer, its other work (spans into the
documents, patterns) and the end (the last write, closing the file); with the CPU seconds of
the reader and writer threads (``thread_time`` around their work) and of the whole process.

    python benchmarks/predict_stages.py IN.conll [--threads 2] [--code DIR]

Run in a fresh process with ``PYTHONPATH=DIR`` (default: this checkout). Issue 29 sets the
process at ≥ 0.80 of the tagger's throughput (benchmarks/tagging_speed.py --compare): the
tagging share of the wall is about that ratio, and the rest says what is left to win.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STARTED = time.perf_counter()


class Clock:
    """Wall seconds per stage of the main thread, CPU seconds per helper thread."""

    def __init__(self):
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def timed(self, stage: str, call, cpu: bool = False):
        def wrapper(*args, **kwargs):
            started, thread = time.perf_counter(), time.thread_time()
            try:
                return call(*args, **kwargs)
            finally:
                self.wall[stage] = self.wall.get(stage, 0.0) + time.perf_counter() - started
                if cpu:
                    self.cpu[stage] = self.cpu.get(stage, 0.0) + time.thread_time() - thread

        return wrapper


def child(argv: list[str]) -> int:
    clock = Clock()
    from ner_studio.cli import main
    import ner_studio.commands.predict as command
    from ner_studio.core.formats import overlap

    command.tagger_from_args = clock.timed("start-up: the model", command.tagger_from_args)
    load = command.tagger_from_args

    def tagger_from_args(args):
        tagger = load(args)
        tagger.predict_documents = clock.timed("tagging (predict_documents)", tagger.predict_documents)
        return tagger

    command.tagger_from_args = tagger_from_args
    reads = command.read_in_chunks

    def read_in_chunks(*args, **kwargs):
        pieces = iter(reads(*args, **kwargs))
        take = clock.timed("reader thread: reading and parsing", lambda: next(pieces, None), cpu=True)
        while (piece := take()) is not None:
            yield piece

    command.read_in_chunks = read_in_chunks
    ahead = command.read_ahead

    def read_ahead(items):
        pieces = iter(ahead(items))
        take = clock.timed("waiting for the reader", lambda: next(pieces, None))
        while (piece := take()) is not None:
            yield piece

    command.read_ahead = read_ahead

    class TimedWriteBehind(overlap.WriteBehind):
        def __init__(self, sink):
            super().__init__(clock.timed("writer thread: JSONL", sink, cpu=True))
            self.write = clock.timed("waiting for the writer", self.write)
            self.finish = clock.timed("end: the last write", self.finish)

    command.WriteBehind = TimedWriteBehind
    imported = time.perf_counter()
    cpu_before = time.process_time()
    code = main(argv)
    total = time.perf_counter() - STARTED
    wall = {"start-up: imports": imported - STARTED, **clock.wall}
    threads = {k: v for k, v in wall.items() if "thread" in k}
    main_thread = {k: v for k, v in wall.items() if k not in threads}
    main_thread["other main-thread work (spans, the CLI, closing)"] = total - sum(main_thread.values())
    print(f"wall {total:.2f} s, process CPU {time.process_time():.2f} s ({time.process_time() - cpu_before:.2f} "
          f"after imports), load {os.getloadavg()[0]:.1f}", file=sys.stderr)
    for stage, seconds in main_thread.items():
        print(f"  main thread | {stage} | {seconds:.2f} s | {100 * seconds / total:.0f}%", file=sys.stderr)
    for stage, seconds in threads.items():
        print(f"  {stage} | wall {seconds:.2f} s, CPU {clock.cpu.get(stage, 0.0):.2f} s", file=sys.stderr)
    return code


def main() -> int:
    if sys.argv[1:2] == ["--child"]:
        return child(sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", type=Path)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--code", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ner-studio-predict-stages-") as folder:
        command = [sys.executable, __file__, "--child", "predict", "default", str(args.source), "-o",
                   str(Path(folder) / "out.jsonl"), "--threads", str(args.threads)]
        done = subprocess.run(command, env={**os.environ, "PYTHONPATH": str(args.code.resolve())},
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    print("\n".join(line for line in done.stderr.splitlines() if "tagging:" not in line))
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
