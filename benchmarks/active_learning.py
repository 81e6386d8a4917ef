"""Does labelling the least-sure sentences first pay? The active-learning loop, simulated on
CoNLL-2003: uncertainty (MNLP) against random selection.

    QT_QPA_PLATFORM=offscreen python benchmarks/active_learning.py --quick     # ~10 min, 1 thread
    QT_QPA_PLATFORM=offscreen python benchmarks/active_learning.py --seed 7 8 9  # full corpus: days

Resumable: every finished round is saved (``--out``: a JSON file per seed, and the current model
of each strategy), and a rerun with the same arguments continues after the last finished round
of each (seed, strategy); a finished seed is only reported. So the full setting with three seeds
runs across sessions, in the background.

Both strategies start from the same model, trained from scratch on 100 random labelled
sentences. Each round the model scores the unlabelled pool (``TorchPredictor.predict_sentences``'s
SentenceUncertainty, ranked by ``core.learning.active_learning``), the chosen sentences are "labelled"
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
import json
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

from ner_studio.core.learning.active_learning import Candidate, select  # noqa: E402
from ner_studio.core.atomic import atomic_write_text  # noqa: E402
from ner_studio.core.datasets.fetch import corpus_files  # noqa: E402
from ner_studio.core.formats import read_documents  # noqa: E402
from ner_studio.core.learning.training_set import sentence_snapshot  # noqa: E402
from ner_studio.model.checkpoint import load_checkpoint, save_checkpoint  # noqa: E402
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


class Progress:
    """One seed's results so far: ``{stem}.json`` (setup, per strategy its labelled sentences and
    rows) and ``{stem}-{name}.pt`` models (the start model, each strategy's latest round's), rewritten
    after every round so a stopped run continues from its last finished round."""

    def __init__(self, folder: Path, stem: str, setup: dict):
        self.folder, self.stem = folder, stem
        self.path = folder / f"{stem}.json"
        folder.mkdir(parents=True, exist_ok=True)
        self.data = json.loads(self.path.read_text(encoding="utf-8")) if self.path.is_file() else \
            {"setup": setup, "strategies": {}}
        if self.data["setup"] != setup:
            raise SystemExit(f"{self.path}: saved with another setup ({self.data['setup']}); "
                             f"use another --out or remove it")

    def model_path(self, name: str) -> Path:
        return self.folder / f"{self.stem}-{name}.pt"

    def save_model(self, name: str, loaded) -> None:
        save_checkpoint(self.model_path(name), loaded.model, loaded.vocabs, loaded.labels, loaded.scheme,
                        loaded.metadata)

    def load_model(self, name: str):
        path = self.model_path(name)
        return load_checkpoint(path) if path.is_file() else None

    def strategy(self, name: str) -> dict:
        return self.data["strategies"].setdefault(name, {"labelled": [], "rows": []})

    def save(self) -> None:
        atomic_write_text(self.path, json.dumps(self.data) + "\n")


def run_strategy(strategy: str, start, pool, first: list[int], dev, test, setup: dict, seed: int,
                 progress: Progress) -> list[dict]:
    state = progress.strategy(strategy)
    sizes = [len(pool) if size is None else size for size in setup["sizes"]]
    if state["rows"]:
        last = len(state["rows"]) - 1
        loaded, labelled = progress.load_model(f"{strategy}-round{last}") if last else start, list(state["labelled"])
        log(f"{strategy}: resuming after {len(labelled)} sentences ({len(state['rows'])} of {len(sizes)} rounds)")
    else:
        loaded, labelled = start, list(first)
        state["rows"].append({"sentences": len(labelled), "tokens": sum(len(pool[i].tokens) for i in labelled),
                              "f1": test_f1(loaded, test)})
        state["labelled"] = labelled
        progress.save()
        log(f"{strategy}: {len(labelled)} sentences, test F1 {100 * state['rows'][0]['f1']:.2f}")
    options = FinetuneOptions(epochs=setup["round_epochs"], patience=3, min_sentences=1, base_limit=None,
                              seed=seed, threads=torch.get_num_threads())
    for round_ in range(len(state["rows"]), len(sizes)):
        chosen = set(labelled)
        unlabelled = [i for i in range(len(pool)) if i not in chosen]
        labelled += choose(loaded, pool, unlabelled, sizes[round_] - len(labelled), strategy, seed + round_)
        started = time.monotonic()
        loaded = finetune(loaded, [pool[i] for i in labelled], dev_docs=dev, options=options).loaded
        state["rows"].append({"sentences": len(labelled), "tokens": sum(len(pool[i].tokens) for i in labelled),
                              "f1": test_f1(loaded, test), "seconds": time.monotonic() - started})
        state["labelled"] = labelled
        # The round's model under its own name first, then the row: a saved row always has its
        # model, whenever the run is stopped; then the previous round's model goes.
        progress.save_model(f"{strategy}-round{round_}", loaded)
        progress.save()
        progress.model_path(f"{strategy}-round{round_ - 1}").unlink(missing_ok=True)
        log(f"{strategy}: {len(labelled)} sentences, test F1 {100 * state['rows'][-1]['f1']:.2f} "
            f"({state['rows'][-1]['seconds']:.0f} s)")
    return state["rows"]


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


def run_seed(args, setup: dict, seed: int) -> tuple[dict[str, list[dict]], int, int, int]:
    """Both strategies for one seed, resumed from ``args.out``: ``(curves, pool, pool tokens, test)``."""
    rng = random.Random(seed)
    files = corpus_files("conll2003")
    pool = sentences_of(files["train"], setup["pool"], rng)
    dev = sentences_of(files["dev"], setup["dev"], rng)
    test = sentences_of(files["test"], setup["test"], rng)
    pool_tokens = sum(len(s.tokens) for s in pool)
    name = "quick" if args.quick else "full"
    progress = Progress(args.out, f"{name}-seed{seed}", {**setup, "seed": seed})
    log(f"seed {seed}: pool {len(pool)} sentences ({pool_tokens} tokens), dev {len(dev)}, test {len(test)}; "
        f"{name} setup, {args.threads} thread(s); results in {progress.path}")
    first = rng.sample(range(len(pool)), setup["sizes"][0])
    start = progress.load_model("start")
    if start is None:
        training = TrainingConfig(epochs=setup["first_epochs"], patience=5, seed=seed, threads=args.threads)
        start, _ = train_tagger([pool[i] for i in first], dev, config=setup["network"], training=training)
        progress.save_model("start", start)
    curves = {s: run_strategy(s, start, pool, first, dev, test, setup, seed, progress) for s in STRATEGIES}
    return curves, len(pool), pool_tokens, len(test)


def mean_curves(runs: list[dict[str, list[dict]]]) -> dict[str, list[dict]]:
    """Round-by-round means over seeds (same sizes, so the same sentence counts)."""
    return {s: [{"sentences": runs[0][s][k]["sentences"],
                 "tokens": round(sum(run[s][k]["tokens"] for run in runs) / len(runs)),
                 "f1": sum(run[s][k]["f1"] for run in runs) / len(runs)} for k in range(len(runs[0][s]))]
            for s in STRATEGIES}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="3000-sentence pool, smaller network (~10 min)")
    parser.add_argument("--seed", type=int, nargs="+", default=[7], help="seeds, run one after another")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--full-f1", type=float, help="full-data test F1 in [0, 1] instead of measuring it")
    parser.add_argument("--rounds", type=int, help="only this many rounds, then the whole pool (smoke tests)")
    parser.add_argument("--pool", type=int, help="pool size instead of the setup's")
    parser.add_argument("--test", type=int, help="test sentences instead of the setup's")
    parser.add_argument("--out", type=Path, default=Path("/tmp/ner-studio-active-learning"),
                        help="folder for the per-seed results and models (a rerun resumes from them)")
    parser.add_argument("--png", type=Path, default=Path(__file__).resolve().parent / "active_learning_curves.png")
    args = parser.parse_args()
    setup = dict(QUICK if args.quick else FULL)
    if args.rounds is not None:
        setup["sizes"] = setup["sizes"][: args.rounds] + [None]
    setup.update({k: getattr(args, k) for k in ("pool", "test") if getattr(args, k) is not None})
    torch.set_num_threads(args.threads)
    runs = []
    for seed in args.seed:
        curves, pool_size, pool_tokens, test_size = run_seed(args, setup, seed)
        runs.append(curves)
        if args.full_f1 is not None:
            full_f1, source = args.full_f1, "given with --full-f1"
        else:
            full_f1 = sum(curves[s][-1]["f1"] for s in STRATEGIES) / len(STRATEGIES)
            source = f"mean of both strategies after labelling all {curves[STRATEGIES[0]][-1]['sentences']} pool sentences"
        print(f"\nseed {seed}")
        print(report(curves, pool_size, pool_tokens, full_f1, source))
    curves = mean_curves(runs)
    full_f1 = args.full_f1 if args.full_f1 is not None else \
        sum(curves[s][-1]["f1"] for s in STRATEGIES) / len(STRATEGIES)
    if len(runs) > 1:
        print(f"\nmean over seeds {', '.join(map(str, args.seed))}")
        print(report(curves, pool_size, pool_tokens, full_f1, "mean over seeds of both strategies' last round"))
    seeds = f", seed{'s' if len(runs) > 1 else ''} {', '.join(map(str, args.seed))}"
    title = f"Active learning on CoNLL-2003 ({'quick: ' if args.quick else ''}pool {pool_size}, test {test_size}{seeds})"
    save_png(curves, pool_size, full_f1, args.png, title)
    print(f"\nlearning curves: {args.png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
