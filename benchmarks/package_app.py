"""The packaged app's build time, size and start-up time.

Run: ``.venv/bin/python benchmarks/package_app.py [--no-build] [--starts N]``.

Builds with scripts/build_app.sh (unless ``--no-build``: then the existing dist/ is measured),
then prints the build time, the one-folder app's size, the archive's size and the start-up
time: from launching ``ner-studio --self-test`` to its main window being exposed (the
self-test prints that moment as a Unix time). The first start reads the app from disk; later
ones show the warm-cache time. QT_QPA_PLATFORM is used as set (default: offscreen; set it to
xcb under Xvfb to time a real X window). Prints figures only; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from archive_app import archive_stem  # noqa: E402

DIST = ROOT / "dist"
APP_DIR = DIST / "NER Studio"
EXECUTABLE = APP_DIR / ("ner-studio.exe" if sys.platform == "win32" else "ner-studio")
EXPOSED = re.compile(r"exposed at (\d+\.\d+) \(unix time\)")
TARGETS = {"app folder": 750e6, "archive": 260e6, "start-up": 3.0}  # from issue 6


def build() -> float:
    began = time.perf_counter()
    subprocess.run(["bash", str(ROOT / "scripts" / "build_app.sh")], check=True)
    return time.perf_counter() - began


def folder_size(folder: Path) -> int:
    """Bytes of the files under ``folder``; symbolic links count as links, not their targets."""
    return sum(entry.lstat().st_size for entry in folder.rglob("*") if entry.is_file() or entry.is_symlink())


def archive_path() -> Path:
    for suffix in (".tar.gz", ".zip"):
        path = DIST / f"{archive_stem()}{suffix}"
        if path.exists():
            return path
    raise SystemExit(f"no archive named {archive_stem()}.* in {DIST}: build first")


def start_up_seconds() -> tuple[float, float]:
    """``(seconds to the exposed window, seconds for the whole self-test)`` for one launch."""
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    with tempfile.TemporaryDirectory() as home:  # a first start, as on a new machine
        env["HOME"] = home
        launched = time.time()
        result = subprocess.run([str(EXECUTABLE), "--self-test"], capture_output=True, text=True, env=env, timeout=300)
        finished = time.time()
    match = EXPOSED.search(result.stdout)
    if result.returncode != 0 or match is None:
        raise SystemExit(f"the self-test failed:\n{result.stdout}\n{result.stderr}")
    return float(match.group(1)) - launched, finished - launched


def line(label: str, value: str, target: str = "") -> None:
    print(f"{label:<28} {value:>14}   {target}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-build", action="store_true", help="measure the app already in dist/")
    parser.add_argument("--starts", type=int, default=4, help="launches to time (default 4)")
    args = parser.parse_args()

    build_seconds = None if args.no_build else build()
    if not EXECUTABLE.exists():
        raise SystemExit(f"{EXECUTABLE} does not exist: build first")
    starts = [start_up_seconds() for _ in range(args.starts)]
    window = [s[0] for s in starts]
    print(f"\nNER Studio package ({archive_stem()}), {os.cpu_count()} CPUs, "
          f"QT_QPA_PLATFORM={os.environ.get('QT_QPA_PLATFORM', 'offscreen')}")
    line("build", "not run" if build_seconds is None else f"{build_seconds:.0f} s")
    line("app folder", f"{folder_size(APP_DIR) / 1e6:.0f} MB", f"target ≤ {TARGETS['app folder'] / 1e6:.0f} MB")
    line("archive", f"{archive_path().stat().st_size / 1e6:.0f} MB", f"target ≤ {TARGETS['archive'] / 1e6:.0f} MB")
    line("start-up, first launch", f"{window[0]:.2f} s", f"target ≤ {TARGETS['start-up']:.0f} s")
    if len(window) > 1:
        line("start-up, later (median)", f"{statistics.median(window[1:]):.2f} s")
    line("whole self-test (median)", f"{statistics.median(s[1] for s in starts):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
