"""Does labelling the least-sure sentences first pay? The active-learning loop, simulated on
CoNLL-2003: uncertainty (MNLP) against random selection.

    QT_QPA_PLATFORM=offscreen python benchmarks/active_learning.py --quick     # ~10 min, 1 thread
    QT_QPA_PLATFORM=offscreen python benchmarks/active_learning.py             # full corpus: hours

Both strategies start from the same model, trained from scratch on 100 random labelled
sentences. Each round the model scores the unlabelled pool (``TorchPredictor.predict_sentences``'s
SentenceUncertainty, ranked by ``core.active_learning``), the chosen sentences are "labelled"
(their gold spans revealed), and the model is fine-tuned from its current weights on all the
labelled sentences (``model.finetune``, exactly what the app's Train action runs), then scored
on the test set. The last round labels the whole pool: the full-data F1 is the mean of the two
strategies' scores there (same data; ``--full-f1`` overrides it, e.g. with the bundled model's
test F1 from MODEL_CARD.md, which is a bigger budget than this loop's).

Prints a table of test F1 per round and how many labelled sentences (and tokens) each strategy
needed to reach 95% of the full-data F1, and saves the learning curves as a PNG drawn with
QPainter (``gui.qt_chart``). ``--quick`` uses a pool of 3000 training sentences, 1000 test
sentences and a smaller network. Goal (Shen et al. 2017): MNLP reaches 95% with <= 35% of the
pool, random needs >= 1.5x as many. Needs `ner-studio data fetch conll2003`.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

from ner_studio.core.active_learning import Candidate, select  # noqa: E402
from ner_studio.core.datasets import corpus_files  # noqa: E402
from ner_studio.core.formats import read_documents  # noqa: E402
from ner_studio.core.training_set import sentence_snapshot  # noqa: E402
from ner_studio.model.finetune import FinetuneOptions, finetune  # noqa: E402
from ner_studio.model.predict import TorchPredictor  # noqa: E402
from ner_studio.model.training import TrainingConfig  # noqa: E402
from ner_studio.model.workflow import evaluate_tagger, train_tagger  # noqa: E402

STRATEGIES = ("mnlp", "random")
TARGET = 0.95
# Labelled-set sizes per round; the last round labels the whole pool, and the mean F1 of the two
# strategies there (same data, different paths) is the full-data F1.
QUICK = {"pool": 3000, "test": 1000, "dev": 400,
         "sizes": [100, 200, 300, 450, 600, 750, 900, 1050, 1200, 1350, 1500, 1800, 2100, None],
         "network": {"word_dim": 50, "char_dim": 16, "char_filters": 25, "casing_dim": 8, "hidden": 64},
         "first_epochs": 30, "round_epochs": 8}
FULL = {"pool": None, "test": None, "dev": 1000,
        "sizes": [100, 300, 700, 1400, 2100, 2800, 3500, 4200, 4900, 6300, 8400, 11200, None],
        "network": {}, "first_epochs": 40, "round_epochs": 10}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def sentences_of(path: Path, limit: int | None, rng: random.Random) -> list:
    """Every sentence of a CoNLL file as a one-sentence document, a random ``limit`` of them."""
    docs = read_documents(path, "conll")
    sentences = [sentence_snapshot(doc, k) for doc in docs for k in range(len(doc.sentences))]
    return sentences if limit is None or limit >= len(sentences) else rng.sample(sentences, limit)


def test_f1(loaded, test) -> float:
    return evaluate_tagger(TorchPredictor(loaded), test).overall.f1


def choose(loaded, pool, unlabelled: list[int], count: int, strategy: str, seed: int) -> list[int]:
    if strategy == "random":
        return random.Random(seed).sample(unlabelled, min(count, len(unlabelled)))
    predictions = TorchPredictor(loaded).predict_sentences([pool[i].sentence_words(0) for i in unlabelled])
    candidates = [Candidate(i, p.uncertainty) for i, p in zip(unlabelled, predictions)]
    return [c.key for c in select(candidates, count, strategy)]


def run_strategy(strategy: str, start, pool, first: list[int], dev, test, setup: dict, seed: int) -> list[dict]:
    loaded, labelled = start, list(first)
    rows = [{"sentences": len(labelled), "tokens": sum(len(pool[i].tokens) for i in labelled),
             "f1": test_f1(loaded, test)}]
    log(f"{strategy}: {len(labelled)} sentences, test F1 {100 * rows[0]['f1']:.2f}")
    options = FinetuneOptions(epochs=setup["round_epochs"], patience=3, min_sentences=1, base_limit=None,
                              seed=seed, threads=torch.get_num_threads())
    for round_, size in enumerate(setup["sizes"][1:], start=1):
        size = len(pool) if size is None else size
        chosen = set(labelled)
        unlabelled = [i for i in range(len(pool)) if i not in chosen]
        labelled += choose(loaded, pool, unlabelled, size - len(labelled), strategy, seed + round_)
        started = time.monotonic()
        loaded = finetune(loaded, [pool[i] for i in labelled], dev_docs=dev, options=options).loaded
        rows.append({"sentences": len(labelled), "tokens": sum(len(pool[i].tokens) for i in labelled),
                     "f1": test_f1(loaded, test)})
        log(f"{strategy}: {len(labelled)} sentences, test F1 {100 * rows[-1]['f1']:.2f} "
            f"({time.monotonic() - started:.0f} s)")
    return rows


def needed(rows: list[dict], goal: float) -> dict | None:
    return next((row for row in rows if row["f1"] >= goal), None)


def report(curves: dict[str, list[dict]], pool_size: int, pool_tokens: int, full_f1: float, full_source: str) -> str:
    goal = TARGET * full_f1
    lines = [f"full-data F1 {100 * full_f1:.2f} ({full_source}); 95% of it = {100 * goal:.2f}", "",
             "| labelled sentences | % of pool | " + " | ".join(f"{s} tokens | {s} F1" for s in STRATEGIES) + " |",
             "|---:|---:|" + "---:|---:|" * len(STRATEGIES)]
    for index, row in enumerate(curves[STRATEGIES[0]]):
        cells = [f"{curves[s][index]['tokens']} | {100 * curves[s][index]['f1']:.2f}" for s in STRATEGIES]
        lines.append(f"| {row['sentences']} | {100 * row['sentences'] / pool_size:.1f} | " + " | ".join(cells) + " |")
    lines.append("")
    reached = {}
    for strategy in STRATEGIES:
        row = needed(curves[strategy], goal)
        reached[strategy] = row
        if row is None:
            lines.append(f"{strategy}: did not reach 95% of the full-data F1 within "
                         f"{curves[strategy][-1]['sentences']} sentences")
        else:
            lines.append(f"{strategy}: reached 95% with {row['sentences']} sentences "
                         f"({100 * row['sentences'] / pool_size:.1f}% of the pool), {row['tokens']} tokens "
                         f"({100 * row['tokens'] / pool_tokens:.1f}% of the pool's tokens)")
    if all(reached.values()):
        ratio = reached["random"]["sentences"] / reached["mnlp"]["sentences"]
        lines.append(f"random / mnlp sentences needed: {ratio:.2f}x")
    return "\n".join(lines)


def save_png(curves: dict[str, list[dict]], pool_size: int, full_f1: float, path: Path, title: str) -> None:
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QGuiApplication, QImage, QPainter

    from ner_studio.gui.shell.qt_chart import Axis, Series, draw_chart

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - fonts need it
    colours = {"mnlp": "#2563eb", "random": "#f59e0b"}
    series = [Series(s.upper() if s == "mnlp" else s, colours[s],
                     [(100 * r["sentences"] / pool_size, r["f1"]) for r in rows]) for s, rows in curves.items()]
    right = max(100 * r["sentences"] / pool_size for rows in curves.values() for r in rows)
    series.append(Series("95% of full-data F1", "#6b7280", [(0, TARGET * full_f1), (right, TARGET * full_f1)],
                         dashed=True))
    lowest = min(r["f1"] for rows in curves.values() for r in rows)
    image = QImage(960, 560, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    draw_chart(painter, QRectF(0, 0, 960, 560), series, x_label="labelled sentences (% of the pool)",
               left=Axis("test F1 %", max(0.0, int(lowest * 10) / 10), 1.0, percent=True),
               x_range=(0, right), title=title)
    painter.end()
    image.save(str(path))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="3000-sentence pool, smaller network (~10 min)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--full-f1", type=float, help="full-data test F1 in [0, 1] instead of measuring it")
    parser.add_argument("--rounds", type=int, help="only this many rounds, then the whole pool (smoke tests)")
    parser.add_argument("--pool", type=int, help="pool size instead of the setup's")
    parser.add_argument("--test", type=int, help="test sentences instead of the setup's")
    parser.add_argument("--png", type=Path, default=Path(__file__).resolve().parent / "active_learning_curves.png")
    args = parser.parse_args()
    setup = dict(QUICK if args.quick else FULL)
    if args.rounds is not None:
        setup["sizes"] = setup["sizes"][: args.rounds] + [None]
    setup.update({k: getattr(args, k) for k in ("pool", "test") if getattr(args, k) is not None})
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    files = corpus_files("conll2003")
    pool = sentences_of(files["train"], setup["pool"], rng)
    dev = sentences_of(files["dev"], setup["dev"], rng)
    test = sentences_of(files["test"], setup["test"], rng)
    pool_tokens = sum(len(s.tokens) for s in pool)
    log(f"pool {len(pool)} sentences ({pool_tokens} tokens), dev {len(dev)}, test {len(test)}; "
        f"{'quick' if args.quick else 'full'} setup, {args.threads} thread(s)")
    training = TrainingConfig(epochs=setup["first_epochs"], patience=5, seed=args.seed, threads=args.threads)
    first = rng.sample(range(len(pool)), setup["sizes"][0])
    start, _ = train_tagger([pool[i] for i in first], dev, config=setup["network"], training=training)
    curves = {s: run_strategy(s, start, pool, first, dev, test, setup, args.seed) for s in STRATEGIES}
    if args.full_f1 is not None:
        full_f1, source = args.full_f1, "given with --full-f1"
    else:
        full_f1 = sum(curves[s][-1]["f1"] for s in STRATEGIES) / len(STRATEGIES)
        source = f"mean of both strategies after labelling all {curves[STRATEGIES[0]][-1]['sentences']} pool sentences"
    print()
    print(report(curves, len(pool), pool_tokens, full_f1, source))
    title = f"Active learning on CoNLL-2003 ({'quick: ' if args.quick else ''}pool {len(pool)}, test {len(test)})"
    save_png(curves, len(pool), full_f1, args.png, title)
    print(f"\nlearning curves: {args.png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
