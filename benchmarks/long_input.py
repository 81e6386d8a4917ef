"""Peak memory and time of tagging texts without sentence punctuation, on the CLI and in the app.

    python benchmarks/long_input.py [--sizes 1,5,50] [--app-sizes 1,5] [--threads 2]

Generates, at run time in a temporary folder, plain texts of the given sizes in MB that never
end a sentence (one "sentence" of the whole file: the worst case for the network), then
  CLI  runs ``python -m ner_studio predict default IN -o OUT.conll`` in a fresh process;
  app  runs the app's own tagging job (gui/shell/tagging_jobs.py ``prediction_job``, no window) on
       the file loaded as one document, in a fresh process.
Prints wall time, MB/s and the process's peak RSS (from wait4). Target (issue 12): peak RSS
< 1.5 GB and time linear in size, 50 MB included.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = ("the of and to in Paris John Smith said company market Berlin year new would 1996 Acme Corp "
         "shares minister Reuters told London price percent").split()

APP_JOB = """
import sys
from ner_studio.core.formats import read_documents
from ner_studio.gui.shell.tagging_jobs import ModelHandle, prediction_job
from ner_studio.resources import bundled_model_location
docs = read_documents(sys.argv[1])
job = prediction_job(ModelHandle(bundled_model_location()), docs)
parts = list(job(lambda done, total: None, lambda: False))
print(sum(len(p.spans) for p in parts if p.final), "entities")
"""


def make_text(path: Path, megabytes: float, seed: int = 1) -> None:
    rng = random.Random(seed)
    block = " ".join(rng.choice(WORDS) for _ in range(200_000))  # ~1.3 MB, repeated
    size = int(megabytes * 1_000_000)
    with open(path, "w", encoding="utf-8") as out:
        written = 0
        while written < size:
            piece = block[: size - written]
            out.write(piece + " ")
            written += len(piece) + 1


def measure(command: list[str], env: dict) -> tuple[int, float, float, str]:
    """``(exit code, seconds, peak RSS in MB, stderr)`` of one child process. Its stderr goes
    to a file, not a pipe: a pipe nobody reads while ``wait4`` waits fills up (64 kB of
    warnings, a long traceback) and the child then hangs on its next write."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        errors.seek(0)
        said = errors.read().decode("utf-8", "replace")
    return process.returncode, seconds, usage.ru_maxrss / 1024, said


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,5,50", help="CLI text sizes in MB (default 1,5,50)")
    parser.add_argument("--app-sizes", default="1,5", help="app text sizes in MB (default 1,5)")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    with tempfile.TemporaryDirectory(prefix="ner-studio-long-") as folder:
        folder = Path(folder)
        rows = []
        for where, sizes in (("CLI", args.sizes), ("app", args.app_sizes)):
            for size in (float(s) for s in sizes.split(",") if s):
                text = folder / f"text-{size:g}MB.txt"
                if not text.exists():
                    make_text(text, size)
                if where == "CLI":
                    command = [sys.executable, "-m", "ner_studio", "predict", "default", str(text),
                               "-o", str(folder / "out.conll"), "--threads", str(args.threads)]
                else:
                    command = [sys.executable, "-c", APP_JOB, str(text)]
                code, seconds, peak, said = measure(command, env)
                rows.append((where, size, code, seconds, peak))
                print(f"{where:<4} {size:6g} MB  exit {code}  {seconds:7.1f} s  {size / seconds:5.2f} MB/s  "
                      f"peak RSS {peak:7.0f} MB", flush=True)
                if code != 0:  # a failed run is no figure: say why
                    print("     its stderr ends:\n" + "\n".join("     " + line for line in said.splitlines()[-15:]),
                          flush=True)
                (folder / "out.conll").unlink(missing_ok=True)
        worst = max(peak for *_, peak in rows)
        print(f"worst peak RSS {worst:.0f} MB (target < 1536 MB): {'met' if worst < 1536 else 'NOT met'}")


if __name__ == "__main__":
    main()
