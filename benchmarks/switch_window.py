"""The UI thread's CPU for switching between big parts in the real main window.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/switch_window.py [--parts 4] [--rounds 3] [--width N]

Four parts like ``switch_cpu.py``'s (a quarter MB, ~47k tokens, ~7,700 entities each) are added
to a new project in the real window (no model: nothing is tagged), then let go from memory as
the parts of a big file are once tagged. Each part is then shown in turn, ``--rounds`` times:
the first round reads each part, later rounds find it in memory. For each show: the UI
thread's CPU (``time.thread_time``: not the reading worker's, where the tree has one) from
``show_document`` until the part is shown and painted, and the wall time. ``--width``
hard-wraps the text (more blocks).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from switch_cpu import part_with_entities  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--width", type=int, help="hard-wrap the text at this many characters a line")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ner-studio-switch-window-"))
    os.environ["NER_STUDIO_DATA_DIR"] = str(folder / "data")
    os.environ["NER_STUDIO_CONFIG_DIR"] = str(folder / "config")
    os.environ["NER_STUDIO_LOG_DIR"] = str(folder / "log")
    from PySide6.QtCore import QEventLoop

    from ner_studio.gui import app as gui_app

    gui_app.bundled_model_path = lambda: None  # by hand: nothing is tagged
    gui_app.add_sample = lambda window: None
    app = gui_app.application()
    window = gui_app.create_main_window([])
    window.resize(1200, 800)
    window.show()
    workspace = window.workspace
    docs = [part_with_entities(1 << 18, args.width) for _ in range(args.parts)]
    ids = workspace.add_documents(docs, show=False)
    for doc_id in ids:
        workspace._unload(doc_id)  # noqa: SLF001 - as a big file's tagged parts leave memory
    app.processEvents()
    print(f"{args.parts} parts of {len(docs[0].tokens):,} tokens, {docs[0].text.count(chr(10)) + 1:,} blocks, "
          f"{len(docs[0].spans):,} entities; load average {os.getloadavg()[0]:.1f}")
    for round_ in range(1, args.rounds + 1):
        cpu, wall = [], []
        for doc_id in ids:
            started, clock = time.thread_time(), time.perf_counter()
            window.show_document(doc_id)
            while window.doc is None or window.doc.doc_id != doc_id:  # sleeps until an event (the part) comes
                app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
            window.view.viewport().repaint()
            cpu.append(time.thread_time() - started)
            wall.append(time.perf_counter() - clock)
            app.processEvents()
        print(f"round {round_}: UI thread CPU per show, ms: median {1000 * statistics.median(cpu):6.1f}, "
              f"max {1000 * max(cpu):6.1f}; wall median {1000 * statistics.median(wall):6.1f}")
    window.close()
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
