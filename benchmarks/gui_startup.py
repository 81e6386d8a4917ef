"""Start-up of the app from source, as a newcomer's first start: seconds from launching the
process to the main window being exposed, and to the sample document shown highlighted by
the bundled model (which loads in the background).

    .venv/bin/python benchmarks/gui_startup.py [--starts N]
    xvfb-run -a -s "-screen 0 1400x900x24" env QT_QPA_PLATFORM=xcb .venv/bin/python benchmarks/gui_startup.py

Each start is a fresh process with throw-away user folders. Prints figures only.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Runs in the child: times are measured from the interpreter's start (the process launch is
# a few milliseconds earlier).
CHILD = """
import json, sys, time
launched = time.perf_counter()
from ner_studio.gui import app
qt_app = app.application()
window = app.create_main_window([])
created = time.perf_counter()
torch_loaded = "torch" in sys.modules
handle = window.windowHandle
while not (handle() is not None and handle().isExposed()):
    qt_app.processEvents()
exposed = time.perf_counter()
deadline = exposed + 120
while not (window.doc is not None and window.doc.spans) and time.perf_counter() < deadline:
    qt_app.processEvents()
    time.sleep(0.002)
highlighted = time.perf_counter()
print(json.dumps({"created": created - launched, "exposed": exposed - launched,
                  "highlighted": highlighted - launched, "torch_before_window": torch_loaded,
                  "entities": len(window.doc.spans) if window.doc else 0}))
window.close()
"""


def one_start() -> dict:
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               "NER_STUDIO_DATA_DIR": f"{folder}/data", "NER_STUDIO_CONFIG_DIR": f"{folder}/config"}
        result = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, env=env,
                                cwd=ROOT, timeout=300)
    if result.returncode != 0:
        raise SystemExit(f"the start failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=5, help="launches to time (default 5)")
    args = parser.parse_args()
    starts = [one_start() for _ in range(args.starts)]
    print(f"NER Studio start-up from source, {args.starts} first starts, {os.cpu_count()} CPUs, "
          f"QT_QPA_PLATFORM={os.environ.get('QT_QPA_PLATFORM', 'offscreen')}")
    for key, what in (("created", "main window built"), ("exposed", "window exposed"),
                      ("highlighted", "sample shown highlighted")):
        values = [s[key] for s in starts]
        print(f"  {what:<26} median {statistics.median(values):.2f} s  (min {min(values):.2f}, max {max(values):.2f})")
    print(f"  torch imported before the window: {sum(s['torch_before_window'] for s in starts)} of {len(starts)} starts; "
          f"entities in the sample: {starts[-1]['entities']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
