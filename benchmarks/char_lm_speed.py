"""How much slower does a character language model make tagging? The rule of
benchmarks/results/2026-12-08-adaptation-char-lm.md allows 10% for a default.

    python benchmarks/char_lm_speed.py LM.pt [--rounds 3] [--sentences 3453]

Tags CoNLL-2003 test (``ner-studio data fetch conll2003``) with the bundled model (C) and with the
bundled model reading LM (L: ``finetune_char_lm.with_char_lm``, its new input weights zero; a
fine-tuned L computes the same operations), both int8 on one thread as the app tags, C also by
ONNX Runtime as the app runs it where installed; rounds interleaved, CPU time
(``time.process_time``), so other sessions' load moves both alike. Prints each round and the
ratios of the medians.
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

import torch

from ner_studio.core.datasets.fetch import corpus_files
from ner_studio.core.formats import read_documents
from ner_studio.model.char_lm import load_char_lm
from ner_studio.model.checkpoint import LoadedModel, load_checkpoint
from ner_studio.model.finetune_char_lm import with_char_lm
from ner_studio.model.predict import TorchPredictor, sentences_of
from ner_studio.resources import bundled_model_location


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("lm")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sentences", type=int, default=None, help="the first N sentences only")
    args = parser.parse_args()
    torch.set_num_threads(1)
    words, _ = sentences_of(read_documents(corpus_files("conll2003")["test"], "conll"))
    words = words[: args.sentences]
    lm, _ = load_char_lm(args.lm)

    def bundled() -> LoadedModel:
        return load_checkpoint(bundled_model_location())

    def with_lm() -> LoadedModel:
        parent = bundled()
        model = with_char_lm(parent.model, lm, parent.vocabs.tags.to_list(), parent.scheme).eval()
        return LoadedModel(model, parent.vocabs, parent.labels, parent.scheme, parent.metadata)

    candidates = {"C torch int8": lambda: TorchPredictor(bundled(), quantize=True, threads=1),
                  "C app (onnx int8)": lambda: TorchPredictor(bundled(), quantize=True, threads=1, runtime="onnx"),
                  "L torch int8": lambda: TorchPredictor(with_lm(), quantize=True, threads=1, runtime="onnx")}
    times: dict[str, list[float]] = {name: [] for name in candidates}
    print(f"{len(words)} sentences, {sum(map(len, words))} tokens; load average {os.getloadavg()[0]:.1f}")
    for round_ in range(1, args.rounds + 1):
        for name, make in candidates.items():
            tagger = make()
            started = time.process_time()
            tagger.predict_sentences(words)
            times[name].append(time.process_time() - started)
            print(f"round {round_}: {name} ({tagger.runtime}) {times[name][-1]:.2f} CPU s", flush=True)
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, median in medians.items():
        print(f"{name}: median {median:.2f} CPU s, {median / medians['C torch int8']:.2f}x C torch, "
              f"{median / medians['C app (onnx int8)']:.2f}x C as the app runs it")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
