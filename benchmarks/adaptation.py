"""Does the learning loop learn the analyst's own domain? WNUT-16 tweets, the bundled CoNLL model.

    ner-studio data fetch wnut16 && ner-studio data fetch conll2003
    python benchmarks/adaptation.py loop --setting mapped --strategy mnlp random --seed 1 --out /tmp/adapt
    python benchmarks/adaptation.py loop --setting mapped native --strategy mnlp least_confidence random file \
        --seed 1 2 3 --forgetting --out /tmp/adapt          # the full grid: days on 2 cores, resumable
    python benchmarks/adaptation.py report /tmp/adapt --png benchmarks/adaptation_curves.png
    python benchmarks/adaptation.py recipe --sizes 200 all --set learning_rate=0.002 --out /tmp/recipes

``loop``: a simulated analyst reviews rounds of tweets from the pool (tweets 1-1,394) in the
order a strategy picks (MNLP, least confidence, random, file order); each round the model
proposes entities for the chosen tweets, the analyst corrects them to the gold annotation (the
span edits counted by ``core.learning.corrections``), and the app's recipe (``model.finetune`` with its
default options, base data = CoNLL-2003 train) fine-tunes the current model on every tweet
reviewed so far. Per round: test F1 on tweets 1,395-2,394, tokens labelled, corrections per 100
tokens of the round, the fine-tune's wall time. One run = one (setting, strategy, seed); its
JSON is rewritten after every round, so the full grid runs in pieces and ``report`` merges
whatever has finished. ``--forgetting`` scores the last model on CoNLL-2003 test.

Settings: ``mapped`` (the ten types renamed onto PER/LOC/ORG/MISC) and ``native`` (the ten
types as new labels). The project's text, which the recipe's text vectors read (labelled or not),
is the pool in ``loop`` and pool-train in ``recipe``: never the tweets a run is scored on. It is
also the text ``--set self_train=P`` pseudo-labels (its tweets not yet reviewed). ``--set char_lm=FILE``: the tagger
also reads a character language model (``scripts/build_char_lm.py``; built from CoNLL-2003 train
and pool-train tweets 1-1,100, it has never read pool-dev nor the test tweets).

``recipe``: choosing the recipe without touching the test tweets. The pool is cut into
pool-train (tweets 1-1,100) and pool-dev (1,101-1,394); the bundled model is fine-tuned once on
the first N pool-train tweets with the given options, scored on pool-dev, on CoNLL-2003 dev
(forgetting) and, printed for the record only, on the test tweets. As the window's continuous
loop does it: ``--app-split`` (the check set's fifth never trained on), ``--no-base`` (its rounds
mix in no base data), ``--continue-from N`` (from a round's model on the first N tweets).

Targets (issue 11): mapped >= 40 F1 after 200 tweets and >= 50 after the pool; uncertainty
order reaches 95% of full-pool F1 with <= 40% of the pool's tokens, random needs >= 1.5x; a
1,000-sentence fine-tune <= 60 s on 2 cores; CoNLL-2003 test F1 after adapting >= 85.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from dataclasses import asdict
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

from ner_studio.core.learning.active_learning import Candidate, select  # noqa: E402
from ner_studio.core.learning.check_set import split_check  # noqa: E402
from ner_studio.core.atomic import atomic_write_text  # noqa: E402
from ner_studio.core.learning.corrections import corrections_per_100_tokens, count_corrections  # noqa: E402
from ner_studio.core.datasets.fetch import corpus_files  # noqa: E402
from ner_studio.core.formats import read_documents  # noqa: E402
from ner_studio.core.datasets.tweet_corpus import mapped, pool_and_test, read_tweets  # noqa: E402
from ner_studio.model.checkpoint import load_checkpoint  # noqa: E402
from ner_studio.model.finetune import FinetuneOptions, finetune, sentence_words  # noqa: E402
from ner_studio.model.predict import TorchPredictor  # noqa: E402
from ner_studio.model.workflow import evaluate_tagger  # noqa: E402
from ner_studio.resources import bundled_model_location  # noqa: E402

STRATEGIES = ("mnlp", "least_confidence", "random", "file")
SETTINGS = ("mapped", "native")
POOL_TRAIN = 1100  # recipe mode: pool tweets 1-1,100 train, 1,101-1,394 are pool-dev
TARGET = 0.95


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def load_tweets(setting: str):
    tweets = read_tweets(corpus_files("wnut16")["all"])
    if setting == "mapped":
        tweets = [mapped(t) for t in tweets]
    return pool_and_test(tweets)


def base_documents():
    return read_documents(corpus_files("conll2003")["train"], "conll")


def token_spans(doc) -> set[tuple[int, int, str]]:
    starts = {t.start: i for i, t in enumerate(doc.tokens)}
    ends = {t.end: i + 1 for i, t in enumerate(doc.tokens)}
    return {(starts[s.start], ends[s.end], s.label) for s in doc.spans}


def f1(loaded, docs) -> dict:
    scores = evaluate_tagger(TorchPredictor(loaded), docs)
    return {"f1": scores.overall.f1, "precision": scores.overall.precision, "recall": scores.overall.recall,
            "per_label_f1": {label: s.f1 for label, s in scores.per_label.items()}}


def examples(docs) -> dict[str, int]:
    """Entities per label in ``docs``: how many examples each label had to learn from."""
    counts: dict[str, int] = {}
    for doc in docs:
        for span in doc.spans:
            counts[span.label] = counts.get(span.label, 0) + 1
    return dict(sorted(counts.items()))


def parse_options(pairs: list[str]) -> dict:
    """``key=value`` pairs of FinetuneOptions fields (values read as JSON, else as text)."""
    known = set(asdict(FinetuneOptions()))
    options = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        if key not in known:
            raise SystemExit(f"unknown FinetuneOptions field {key!r}; known: {', '.join(sorted(known))}")
        try:
            options[key] = json.loads(value)
        except json.JSONDecodeError:
            options[key] = value
    return options


def choose(loaded, pool, unlabelled: list[int], count: int, strategy: str, rng: random.Random) -> tuple[list[int], list]:
    """The next tweets to review and the model's predictions for them."""
    if strategy == "file":
        chosen = unlabelled[:count]
    elif strategy == "random":
        chosen = rng.sample(unlabelled, min(count, len(unlabelled)))
    else:
        predictions = TorchPredictor(loaded).predict_sentences([pool[i].sentence_words(0) for i in unlabelled])
        candidates = [Candidate(i, p.uncertainty) for i, p in zip(unlabelled, predictions)]
        chosen = [c.key for c in select(candidates, count, strategy)]
    proposals = TorchPredictor(loaded).predict_sentences([pool[i].sentence_words(0) for i in chosen])
    return chosen, proposals


def run_loops(args) -> int:
    """Every (setting, strategy, seed) asked for, one after another; a run whose JSON already
    holds all its rounds is skipped, so an interrupted grid resumes where it stopped."""
    torch.set_num_threads(args.threads)
    base = base_documents()
    for setting in args.setting:
        pool, test = load_tweets(setting)
        sizes = args.sizes or list(range(args.round_size, len(pool), args.round_size)) + [len(pool)]
        sizes = [min(s, len(pool)) for s in sizes][: args.rounds]
        for strategy in args.strategy:
            for seed in args.seed:
                out = Path(args.out) / f"{setting}-{strategy}-seed{seed}.json"
                if out.is_file() and len(json.loads(out.read_text(encoding="utf-8"))["rounds"]) > len(sizes):
                    log(f"{out.name}: already complete, skipped")
                    continue
                run_loop(args, setting, strategy, seed, pool, test, base, sizes, out)
    return 0


def run_loop(args, setting: str, strategy: str, seed: int, pool, test, base, sizes: list[int], out: Path) -> None:
    options = FinetuneOptions(**{"threads": args.threads, "seed": seed, **parse_options(args.set)})
    rng = random.Random(seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    record = {"setting": setting, "strategy": strategy, "seed": seed, "options": asdict(options),
              "pool_tokens": sum(len(t.tokens) for t in pool), "pool": len(pool), "rounds": []}
    loaded = load_checkpoint(args.model or bundled_model_location())
    record["rounds"].append({"tweets": 0, "tokens": 0, **f1(loaded, test), "corrections_per_100": None,
                             "seconds": 0.0})
    log(f"{out.name}: start, test F1 {100 * record['rounds'][0]['f1']:.2f}")
    labelled: list[int] = []
    for size in sizes:
        done = set(labelled)
        unlabelled = [i for i in range(len(pool)) if i not in done]
        chosen, proposals = choose(loaded, pool, unlabelled, size - len(labelled), strategy, rng)
        edits = sum(count_corrections([(i, j, label) for i, j, label, _ in p.entities], token_spans(pool[k]))
                    for k, p in zip(chosen, proposals))
        round_tokens = sum(len(pool[k].tokens) for k in chosen)
        labelled += chosen
        started = time.monotonic()
        # The project's text is the whole pool, labelled or not (never the test tweets).
        result = finetune(loaded, [pool[i] for i in labelled], base_docs=base, text=sentence_words(pool), options=options)
        seconds = time.monotonic() - started
        loaded = result.loaded
        row = {"tweets": len(labelled), "tokens": sum(len(pool[i].tokens) for i in labelled), **f1(loaded, test),
               "corrections_per_100": corrections_per_100_tokens(edits, round_tokens), "seconds": seconds,
               "examples": examples(pool[i] for i in labelled),
               "epochs": result.training.epochs_run, "best_epoch": result.training.best_epoch,
               "text_vectors": result.loaded.metadata.get("text_vectors"),
               "self_training": result.loaded.metadata.get("self_training"),
               "piece_vectors": result.loaded.metadata.get("piece_vectors"),
               "char_lm": result.loaded.metadata.get("char_lm"),
               # Per epoch, to replay a smaller patience offline: training is deterministic, so a run
               # that stops earlier keeps the same model whenever its best epoch is the same.
               "history": [{k: h[k] for k in ("epoch", "dev_loss", "dev_f1", "seconds")}
                           for h in result.training.history]}
        record["rounds"].append(row)
        log(f"{out.name}: {row['tweets']} tweets, test F1 {100 * row['f1']:.2f}, {row['corrections_per_100']:.1f} "
            f"corrections/100 tokens, {seconds:.0f} s ({row['best_epoch']}/{row['epochs']} epochs)")
        if args.forgetting and size == sizes[-1]:
            conll = read_documents(corpus_files("conll2003")["test"], "conll")
            record["conll_test"] = f1(loaded, conll)
            log(f"{out.name}: CoNLL-2003 test F1 after adapting {100 * record['conll_test']['f1']:.2f}")
        atomic_write_text(out, json.dumps(record, indent=1) + "\n")


def recipe_round(parent, labelled, unlabelled, base, options, app_split: bool):
    """One fine-tune of ``parent`` on the ``labelled`` tweets; with ``app_split`` as the window's
    rounds do it: the check set's share taken out first (never trained on, nor read by the text
    vectors), the project text the rest of the labelled tweets and the ``unlabelled`` ones."""
    if app_split:
        labelled, _check = split_check(labelled)
    # Project text for ``text_vectors``: pool-train only, so pool-dev is text the vectors never
    # saw, as the test tweets are in ``loop``.
    text = [*sentence_words(labelled), *sentence_words(unlabelled)]
    return finetune(parent, labelled, base_docs=base, text=text, options=options)


def run_recipe(args) -> int:
    torch.set_num_threads(args.threads)
    pool, test = load_tweets(args.setting)
    train, dev = pool[:POOL_TRAIN], pool[POOL_TRAIN:]
    base = [] if args.no_base else base_documents()
    conll_dev = read_documents(corpus_files("conll2003")["dev"], "conll")
    options = FinetuneOptions(**{"threads": args.threads, **parse_options(args.set)})
    parent = load_checkpoint(args.model or bundled_model_location())
    out = Path(args.out) / f"{args.name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    record = {"name": args.name, "setting": args.setting, "options": asdict(options), "app_split": args.app_split,
              "no_base": args.no_base, "continue_from": args.continue_from, "runs": []}
    if args.continue_from:
        # As the loop's rounds do: from the model a round on the first tweets made.
        started = time.monotonic()
        first = recipe_round(parent, train[: args.continue_from], train[args.continue_from:], base, options,
                             args.app_split)
        parent = first.loaded
        record["first_round"] = {"tweets": args.continue_from, "seconds": time.monotonic() - started,
                                 "epochs": first.training.epochs_run, "best_epoch": first.training.best_epoch}
        log(f"{args.name}: first round on {args.continue_from} tweets, {record['first_round']['seconds']:.0f} s")
    for size in args.sizes:
        count = len(train) if size == "all" else int(size)
        started = time.monotonic()
        result = recipe_round(parent, train[:count], train[count:], base, options, args.app_split)
        seconds = time.monotonic() - started
        row = {"tweets": count, "seconds": seconds, "epochs": result.training.epochs_run,
               "best_epoch": result.training.best_epoch, "refit": result.loaded.metadata["result"].get("refit"),
               "pool_dev": f1(result.loaded, dev),
               "text_vectors": result.loaded.metadata.get("text_vectors"),
               "self_training": result.loaded.metadata.get("self_training"),
               "piece_vectors": result.loaded.metadata.get("piece_vectors"),
               "char_lm": result.loaded.metadata.get("char_lm"),
               "conll_dev": f1(result.loaded, conll_dev), "test": f1(result.loaded, test)}
        record["runs"].append(row)
        log(f"{args.name}: {count} tweets, pool-dev F1 {100 * row['pool_dev']['f1']:.2f}, CoNLL dev "
            f"{100 * row['conll_dev']['f1']:.2f}, {seconds:.0f} s ({row['best_epoch']}/{row['epochs']} epochs)")
        atomic_write_text(out, json.dumps(record, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    from benchmarks.adaptation_report import add_report_parser  # noqa: E402

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    modes = parser.add_subparsers(dest="mode", required=True)
    loop = modes.add_parser("loop", help="the simulated review loop, for each (setting, strategy, seed) given")
    loop.add_argument("--setting", choices=SETTINGS, nargs="+", default=["mapped"])
    loop.add_argument("--strategy", choices=STRATEGIES, nargs="+", default=["mnlp"])
    loop.add_argument("--seed", type=int, nargs="+", default=[1], help="seeds (the full grid: 1 2 3)")
    loop.add_argument("--round-size", type=int, default=50)
    loop.add_argument("--sizes", type=int, nargs="+", help="labelled-set sizes per round instead of --round-size steps")
    loop.add_argument("--rounds", type=int, help="stop after this many rounds (--quick: 4)")
    loop.add_argument("--quick", action="store_true", help="4 rounds of 50 tweets (~10 min)")
    loop.add_argument("--forgetting", action="store_true", help="score the last model on CoNLL-2003 test")
    loop.set_defaults(run=run_loops)
    recipe = modes.add_parser("recipe", help="fine-tune the bundled model once per size, score on pool-dev")
    recipe.add_argument("--name", required=True)
    recipe.add_argument("--setting", choices=SETTINGS, default="mapped")
    recipe.add_argument("--sizes", nargs="+", default=["200", "all"])
    recipe.add_argument("--app-split", action="store_true",
                        help="as the window's rounds: the check set's share never trained on")
    recipe.add_argument("--no-base", action="store_true", help="no CoNLL-2003 base data (the loop's rounds have none)")
    recipe.add_argument("--continue-from", type=int, metavar="N",
                        help="start from a model fine-tuned first on the first N tweets (as the loop's rounds do)")
    recipe.set_defaults(run=run_recipe)
    for mode in (loop, recipe):
        mode.add_argument("--set", nargs="*", default=[], metavar="FIELD=VALUE", help="FinetuneOptions overrides")
        mode.add_argument("--threads", type=int, default=1)
        mode.add_argument("--model", help="the model to start from (default: the bundled model)")
        mode.add_argument("--out", default="/tmp/ner-studio-adaptation", help="folder for the JSON results")
    add_report_parser(modes)
    arguments = parser.parse_args()
    if getattr(arguments, "quick", False):
        arguments.rounds = arguments.rounds or 4
    sys.exit(arguments.run(arguments))
