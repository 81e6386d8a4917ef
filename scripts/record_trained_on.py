"""Record in a model file what it was trained on, for a model trained before models did so.

    python scripts/record_trained_on.py resources/models/default.pt ~/.cache/"NER Studio"/datasets/conll2003/train.txt

Adds ``metadata["trained_on"]`` (``core.learning.check_set.training_record`` of the training files: each
sentence's content hash, no text) so evaluation can warn when scored sentences overlap the
training data. The weights and everything else in the file stay as they are.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ner_studio.core.learning.check_set import training_record  # noqa: E402
from ner_studio.core.formats import read_documents  # noqa: E402
from ner_studio.model.checkpoint import load_checkpoint, save_checkpoint  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model")
    parser.add_argument("train", nargs="+", help="the files the model was trained on")
    args = parser.parse_args(argv)
    loaded = load_checkpoint(args.model)
    docs = [doc for path in args.train for doc in read_documents(path)]
    record = training_record(docs)
    record["files"] = [Path(path).name for path in args.train]
    loaded.metadata["trained_on"] = record
    save_checkpoint(args.model, loaded.model, loaded.vocabs, loaded.labels, loaded.scheme, loaded.metadata)
    print(f"{args.model}: recorded {len(record['sentence_hashes'])} distinct training sentences "
          f"from {len(docs)} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
