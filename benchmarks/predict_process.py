"""The whole ``ner-studio predict`` process of two checkouts, interleaved: CPU seconds, wall,
peak RSS, and the wall from the start to the first tagged batch (start-up and first piece).

    python benchmarks/predict_process.py IN.conll NAME=DIR NAME=DIR [--rounds 4] [--threads 2]

Each figure is a fresh process (``python -m ner_studio predict default IN -o OUT``) with
``PYTHONPATH=DIR``, the checkouts alternating in order round by round; the medians of the
per-round ratios of the second against the first are printed. On a shared machine CPU seconds
(user + system, from ``wait4``) are the figure to read: wall moved 2x between rounds at load 8
(benchmarks/results/2026-12-07-predict-process.md). The outputs are kept beside each other
(OUT-NAME.jsonl in the temporary folder) and compared byte for byte at the end.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def child(argv: list[str]) -> int:
    """``ner-studio ARGV``, printing on stderr when the first ``predict_documents`` call starts."""
    started = time.perf_counter()
    from ner_studio.cli import main
    import ner_studio.commands.predict as command

    load = command.tagger_from_args

    def tagger_from_args(args):
        tagger = load(args)
        predict = tagger.predict_documents

        def first(*a, **k):
            print(f"FIRST-BATCH {time.perf_counter() - started:.3f}", file=sys.stderr, flush=True)
            tagger.predict_documents = predict
            return predict(*a, **k)

        tagger.predict_documents = first
        return tagger

    command.tagger_from_args = tagger_from_args
    return main(argv)


def run_once(code: str, source: Path, target: Path, threads: int) -> tuple[float, float, float, float]:
    """Wall s, CPU s, peak RSS MB and start-up-to-tagging s of one predict process."""
    env = {**os.environ, "PYTHONPATH": code}
    command = [sys.executable, __file__, "--child", "predict", "default", str(source), "-o", str(target),
               "--threads", str(threads), "--force"]
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if status:
        raise SystemExit(f"{code}: predict failed:\n{errors[-2000:]}")
    first = re.search(r"FIRST-BATCH ([\d.]+)", errors)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, float(first.group(1)) if first else float("nan")


def main() -> int:
    if sys.argv[1:2] == ["--child"]:
        return child(sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", type=Path)
    parser.add_argument("codes", nargs=2, metavar="NAME=DIR")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    codes = [tuple(text.split("=", 1)) for text in args.codes]
    figures = {name: [] for name, _ in codes}
    with tempfile.TemporaryDirectory(prefix="ner-studio-predict-process-") as folder:
        for number in range(1, args.rounds + 1):
            for name, code in codes if number % 2 else reversed(codes):
                load = os.getloadavg()[0]
                figures[name].append(run_once(code, args.source, Path(folder) / f"out-{name}.jsonl", args.threads))
                wall, cpu, rss, first = figures[name][-1]
                print(f"round {number} {name}: CPU {cpu:.2f} s, wall {wall:.2f} s, peak RSS {rss:.0f} MB, "
                      f"start-up to tagging {first:.2f} s (load {load:.1f})", flush=True)
        (a, first_rows), (b, second_rows) = figures.items()
        ratios = [(x[1] / y[1], y[0] / x[0], x[3] / y[3]) for y, x in zip(first_rows, second_rows)]
        print(f"median per-round ratios {b} / {a}: CPU {statistics.median(r[0] for r in ratios):.3f}, "
              f"speed (wall {a} / {b}) {statistics.median(r[1] for r in ratios):.3f}, "
              f"start-up to tagging {statistics.median(r[2] for r in ratios):.3f}")
        same = filecmp.cmp(Path(folder) / f"out-{a}.jsonl", Path(folder) / f"out-{b}.jsonl", shallow=False)
        print("outputs byte-identical" if same else "OUTPUTS DIFFER")
    return 0


if __name__ == "__main__":
    sys.exit(main())
