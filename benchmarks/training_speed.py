"""Training speed (sentences/s) and peak memory on CoNLL-2003.

    python benchmarks/training_speed.py [--sentences 2000] [--threads 1] [--decoder crf] [--network bundled]

Trains one epoch on the first N training sentences (whole documents; dev = the next 500) with
the bundled model's network and training settings (scripts/train_default_model.py), or with
the library's defaults (`--network library`: 200 units, 50 char filters, batches of 16, no
pooling), and prints sentences/s for the training pass alone and the process's peak resident
memory. Needs `ner-studio data fetch conll2003`.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from ner_studio.core.datasets.fetch import corpus_files  # noqa: E402
from ner_studio.core.formats import read_documents  # noqa: E402
from ner_studio.model.training import TrainingConfig  # noqa: E402
from ner_studio.model.workflow import train_tagger  # noqa: E402
from train_default_model import NETWORK, TRAINING  # noqa: E402


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
    parser.add_argument("--network", choices=("bundled", "library"), default="bundled")
    parser.add_argument("--decoder", choices=("crf", "softmax"), default="crf")
    args = parser.parse_args()
    docs = read_documents(corpus_files("conll2003")["train"], "conll")
    train, n_train = first_sentences(docs, args.sentences)
    dev, _ = first_sentences(docs[len(train):], 500)
    batch_times = []

    def on_progress(progress):
        if progress.phase == "batch":
            batch_times.append(time.perf_counter())

    if args.network == "bundled":
        network = {**NETWORK, "decoder": args.decoder}
        training = TrainingConfig(**{**TRAINING, "epochs": 1, "threads": args.threads})
    else:
        network, training = {"decoder": args.decoder}, TrainingConfig(epochs=1, threads=args.threads)
    started = time.perf_counter()
    _, result = train_tagger(train, dev, config=network, training=training, callback=on_progress)
    # From the start to the end of the last batch: vocabularies and encoding (a fraction of a
    # second) and the training steps, not the dev evaluation after them.
    speed = n_train / (batch_times[-1] - started)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.network} network, {args.decoder}: {n_train} sentences in {len(train)} documents, "
          f"{len(batch_times)} batches, {args.threads} thread(s)")
    print(f"training: {speed:,.0f} sentences/s (a full CoNLL-2003 train epoch ~{14041 / speed / 60:.1f} min)")
    print(f"epoch with dev evaluation: {result.seconds:.1f} s; peak RSS {peak_mb:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
