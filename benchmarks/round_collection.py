"""How long does a learning round's start hold the UI thread? (Issue 25/29: collecting a round's
training set, which grows with the data.)

    QT_QPA_PLATFORM=offscreen python benchmarks/round_collection.py [--sizes 300,600,1200] [--batch 50] [--reps 5]

The real window (offscreen, temporary user folders, the bundled model), N small documents
(news-like generated text, a few sentences each) tagged by the model and marked reviewed;
then, per repetition, ``--batch`` more are reviewed (as between two rounds) and the loop's
round is started (``LearningController.start_training(automatic=True)``). The figure is the
UI thread's CPU time (``time.thread_time``) inside that call: what the window could not do
meanwhile. The worker itself is not started (its class is replaced by one that does nothing):
only the UI thread's part is measured. Median over the repetitions, per N.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gui_big_document import big_text
from reviewing import Reviewing


class NotStarted:
    """A worker that never runs: the round's start is measured, not its training."""

    def __init__(self, *args, **kwargs):
        from unittest.mock import MagicMock

        self.progress = self.succeeded = self.failed = self.finished = MagicMock()

    def start(self) -> None:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=lambda text: [int(n) for n in text.split(",")], default=[300, 600, 1200])
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    total = max(args.sizes) + args.batch * args.reps

    def make_docs() -> list:
        from ner_studio.core.text.document import Document

        return [Document.from_text(big_text(300, seed=1000 + k), name=f"doc {k}") for k in range(total)]

    bench = Reviewing("ner-round-", make_docs)
    from ner_studio.gui.learning import qt_learning

    qt_learning.TaskWorker = NotStarted  # the rounds are started here, one per measurement
    window, learning, docs = bench.window, bench.window.learning, bench.docs
    print(f"{len(docs)} documents of {sum(len(d.sentences) for d in docs) / len(docs):.1f} sentences; "
          f"load average {os.getloadavg()[0]:.1f}")

    for size in args.sizes:
        bench.review(size - bench.reviewed)
        times = []
        for _ in range(args.reps):
            bench.review(args.batch)
            before = time.thread_time()
            assert learning.start_training(automatic=True)
            times.append((time.thread_time() - before) * 1000)
            learning.worker = None  # as the end of a run leaves it
            learning._update_actions()
        print(f"{bench.reviewed - args.batch * args.reps}-{bench.reviewed} reviewed documents: a round's start holds the UI thread "
              f"{statistics.median(times):.1f} ms CPU (median of {args.reps}; {', '.join(f'{t:.0f}' for t in times)})",
              flush=True)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
