"""Training speed (sentences/s) and peak memory of the default architecture on CoNLL-2003.

    python benchmarks/training_speed.py [--sentences 2000] [--threads 1] [--decoder crf]

Trains one epoch on the first N training sentences (dev = the next 500) and prints
sentences/s for the training pass alone, and the process's peak resident memory.
Needs `ner-studio data fetch conll2003`.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ner_studio.core.datasets import corpus_files  # noqa: E402
from ner_studio.core.formats import read_documents  # noqa: E402
from ner_studio.model.training import TrainingConfig  # noqa: E402
from ner_studio.model.workflow import train_tagger  # noqa: E402


def first_sentences(docs, count: int):
    chosen, total = [], 0
    for doc in docs:
        if total >= count:
            break
        chosen.append(doc)
        total += len(doc.sentences)
    return chosen, total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--decoder", choices=("crf", "softmax"), default="crf")
    args = parser.parse_args()
    docs = read_documents(corpus_files("conll2003")["train"], "conll")
    train, n_train = first_sentences(docs, args.sentences)
    dev, _ = first_sentences(docs[len(train):], 500)
    batch_times = []

    def on_progress(progress):
        if progress.phase == "batch":
            batch_times.append(time.perf_counter())

    training = TrainingConfig(epochs=1, batch_size=args.batch_size, threads=args.threads)
    _, result = train_tagger(train, dev, config={"decoder": args.decoder}, training=training, callback=on_progress)
    # From the end of the first batch to the end of the last: the training steps alone.
    speed = (len(batch_times) - 1) * args.batch_size / (batch_times[-1] - batch_times[0])
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.decoder}: {n_train} sentences, batch {args.batch_size}, {args.threads} thread(s)")
    print(f"training: {speed:,.0f} sentences/s (a full CoNLL-2003 train epoch ~{14041 / speed / 60:.1f} min)")
    print(f"epoch with dev evaluation: {result.seconds:.1f} s; peak RSS {peak_mb:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
