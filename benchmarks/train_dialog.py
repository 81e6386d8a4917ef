"""How long does Model > Train hold the UI thread before its dialog shows? (Counting the
training set: the check split, the sentence counts, each label's examples.)

    QT_QPA_PLATFORM=offscreen python benchmarks/train_dialog.py [--docs 300] [--more 20] [--reps 5]

The real window (offscreen, temporary user folders, the bundled model), ``--docs`` news-like
documents (about ten sentences each) tagged by the model and marked reviewed; then, per
repetition, ``--more`` more are reviewed and the Train action is triggered. Its dialog's
``exec`` is replaced: it notes the UI thread's CPU time (``time.thread_time``) spent until the
dialog would show (what the window could not do: the freeze), runs the event loop until the
dialog has its counts (at once where they are counted before it shows), notes the UI thread's
CPU time again, and cancels. Run the code before and after a change in turns, on the same
machine, and compare medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from event_loop_probe import wait
from gui_big_document import big_text
from reviewing import Reviewing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--more", type=int, default=20)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    total = args.docs + args.more * args.reps

    def make_docs() -> list:
        from ner_studio.core.text.document import Document

        return [Document.from_text(big_text(1100, seed=2000 + k), name=f"doc {k}") for k in range(total)]

    bench = Reviewing("ner-train-dialog-", make_docs)
    from ner_studio.gui.learning import qt_train_dialog

    app, window, docs = bench.app, bench.window, bench.docs

    marks: list[float] = []

    def exec_(dialog) -> bool:
        marks.append(time.thread_time())
        wait(app, lambda: not getattr(dialog, "counting", False), 120)
        marks.append(time.thread_time())
        return False

    qt_train_dialog.TrainDialog.exec = exec_
    bench.review(args.docs)
    sentences = sum(len(d.sentences) for d in docs[:bench.reviewed])
    print(f"{bench.reviewed} reviewed documents, {sentences} sentences; load average {os.getloadavg()[0]:.1f}", flush=True)
    shown, counted = [], []
    for rep in range(args.reps + 1):
        if rep:
            bench.review(args.more)
        marks.clear()
        before = time.thread_time()
        window.actions_["train"].trigger()
        shown.append((marks[0] - before) * 1000)
        counted.append((marks[1] - before) * 1000)
        print(f"  {bench.reviewed} reviewed: {shown[-1]:.0f} ms UI CPU before the dialog shows, "
              f"{counted[-1]:.0f} ms until it has its counts", flush=True)
    print(f"first Train (cold): {shown[0]:.0f} / {counted[0]:.0f} ms; after {args.more} more reviewed, median of "
          f"{args.reps}: {statistics.median(shown[1:]):.0f} ms UI CPU before the dialog shows, "
          f"{statistics.median(counted[1:]):.0f} ms until counted; load average {os.getloadavg()[0]:.1f}")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
