"""Build a character language model offline (``ner_studio.model.char_lm``), for
``ner-studio finetune --char-lm FILE``.

    ner-studio data fetch conll2003 && ner-studio data fetch wnut16
    # each direction in its own one-thread process, then the two joined into one file:
    nice python scripts/build_char_lm.py --direction left_to_right --tweets 1100 --seconds 300 -o /tmp/lm-l.pt &
    nice python scripts/build_char_lm.py --direction right_to_left --tweets 1100 --seconds 300 -o /tmp/lm-r.pt &
    wait; python scripts/build_char_lm.py --join /tmp/lm-l.pt /tmp/lm-r.pt -o <cache>/char-lm.pt

No corpus of running English text comes with any registry package this project may use
(``build_word_vectors.py``), so the model learns from text we may use: CoNLL-2003 *train* (the
``ner-studio data fetch`` cache; never dev or test, which score the tagger) and, with
``--tweets N``, the first N tweets of the WNUT-16 pool, which stand for a project's own
unlabelled text (the benchmarks' pool-train is tweets 1-1,100; never the held-out tweets,
1,395-2,394, nor pool-dev, 1,101-1,394). ``--text FILE`` adds any file ner-studio reads.
Every run is seeded; both directions read the same text, so their character tables agree.
``--start LM`` trains on from an earlier model of the same text (more CPU time in steps).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch

from ner_studio.core.datasets.fetch import corpus_files
from ner_studio.core.datasets.tweet_corpus import pool_and_test, read_tweets
from ner_studio.core.formats import read_documents
from ner_studio.model.char_lm import (
    CharLanguageModel,
    char_table,
    lm_string,
    load_char_lm,
    save_char_lm,
    train_direction,
)

DIRECTIONS = ("left_to_right", "right_to_left")


def texts(args) -> tuple[list[str], dict]:
    """Every sentence string the model learns from, and where they came from."""
    docs = [] if args.no_conll else read_documents(corpus_files("conll2003")["train"], "conll")
    sources = {"conll2003_train_documents": len(docs)}
    if args.tweets:
        docs += pool_and_test(read_tweets(corpus_files("wnut16")["all"]))[0][: args.tweets]
        sources["wnut16_pool_tweets"] = f"1-{args.tweets}"
    for path in args.text:
        docs += read_documents(path)
    sources["text_files"] = list(args.text)
    strings = [lm_string(doc.sentence_words(k))[0] for doc in docs for k in range(len(doc.sentences))]
    return strings, sources


def join(args) -> int:
    """One file holding the left-to-right half of the first and the right-to-left half of the second."""
    first, first_meta = load_char_lm(args.join[0])
    second, second_meta = load_char_lm(args.join[1])
    if first.config != second.config:
        raise SystemExit("the two files were built with different text or sizes: their tables differ")
    first.right_to_left.load_state_dict(second.right_to_left.state_dict())
    metadata = {**first_meta, "training": {**first_meta.get("training", {}), **second_meta.get("training", {})}}
    save_char_lm(args.output, first, metadata)
    print(f"joined -> {args.output}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--direction", choices=(*DIRECTIONS, "both"), default="both")
    parser.add_argument("--tweets", type=int, default=0, help="the first N tweets of the WNUT-16 pool too")
    parser.add_argument("--text", action="append", default=[], metavar="FILE", help="more text (repeatable)")
    parser.add_argument("--no-conll", action="store_true", help="leave CoNLL-2003 train out (tests)")
    parser.add_argument("--seconds", type=float, default=600, help="training CPU time per direction")
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--embedding", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", metavar="LM", help="train on from this model (built from the same text)")
    parser.add_argument("--join", nargs=2, metavar=("LEFT", "RIGHT"), help="join two one-direction files")
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()
    if args.join:
        return join(args)
    torch.set_num_threads(args.threads)
    strings, sources = texts(args)
    torch.manual_seed(args.seed)
    model = CharLanguageModel(char_table(strings), args.embedding, args.hidden)
    earlier = {}
    if args.start:
        start, earlier = load_char_lm(args.start)
        if start.config != model.config:
            raise SystemExit(f"{args.start} was built from other text or sizes: its table differs")
        model = start.train()
    print(f"{len(strings)} sentences, {sum(map(len, strings))} characters, {len(model.chars)} in the table",
          flush=True)
    training = {}
    for direction in DIRECTIONS if args.direction == "both" else (args.direction,):
        training[direction] = train_direction(
            model, strings, direction, seconds=args.seconds, seed=args.seed,
            report=lambda r: print(f"[{time.strftime('%H:%M:%S')}] {r}", flush=True))
        print(f"{direction}: {training[direction]}", flush=True)
    if earlier:
        training = {d: {"earlier": earlier.get("training", {}).get(d), **t} for d, t in training.items()}
    save_char_lm(args.output, model, {"sources": sources, "training": training, "seed": args.seed})
    print(f"saved {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
