"""``adaptation.py report DIR``: tables, targets and learning curves from whatever JSON results
the ``loop`` and ``recipe`` runs have written to DIR so far (runs of the full grid finish in
pieces; a missing run is a missing column, never a guess)."""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from statistics import mean

from ner_studio.model.finetune import FinetuneOptions

TARGET = 0.95
COLOURS = {"mnlp": "#2563eb", "least_confidence": "#7c3aed", "random": "#f59e0b", "file": "#6b7280"}


def load(folder: Path) -> tuple[list[dict], list[dict]]:
    loops, recipes = [], []
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        (loops if "rounds" in data else recipes).append(data)
    return loops, recipes


def option_changes(options: dict) -> str:
    defaults = {k: v for k, v in FinetuneOptions().__dict__.items() if k not in ("threads", "seed")}
    changed = [f"{k}={options[k]}" for k in defaults if k in options and options[k] != defaults[k]]
    return ", ".join(changed) or "defaults"


def recipe_table(recipes: list[dict], show_test: bool) -> str:
    """One row per recipe run; test columns only with ``show_test`` (after the choice)."""
    lines = ["| recipe | options (vs FinetuneOptions defaults) | pool-dev F1 @200 | pool-dev F1 @1100 | mean "
             "| CoNLL dev F1 @1100 | s @1100 (epochs best/run) |" + (" test F1 @200 / @1100 |" if show_test else ""),
             "|---|---|---:|---:|---:|---:|---:|" + ("---:|" if show_test else "")]
    for recipe in sorted(recipes, key=lambda r: r["name"]):
        runs = {r["tweets"]: r for r in recipe["runs"]}
        small, full = runs.get(200), runs.get(max(runs))
        if full is small:
            full = None
        cell = lambda run, key: f"{100 * run[key]['f1']:.2f}" if run else "-"  # noqa: E731
        score = f"{50 * (small['pool_dev']['f1'] + full['pool_dev']['f1']):.2f}" if small and full else "-"
        speed = f"{full['seconds']:.0f} ({full['best_epoch']}/{full['epochs']})" if full else "-"
        lines.append(f"| {recipe['name']} | {option_changes(recipe['options'])} | {cell(small, 'pool_dev')} | "
                     f"{cell(full, 'pool_dev')} | {score} | {cell(full, 'conll_dev')} | {speed} |"
                     + (f" {cell(small, 'test')} / {cell(full, 'test')} |" if show_test else ""))
    return "\n".join(lines)


def averaged(runs: list[dict]) -> list[dict]:
    """Round-by-round means over seeds, for the rounds every seed has finished."""
    depth = min(len(r["rounds"]) for r in runs)
    rows = []
    for k in range(depth):
        at = [r["rounds"][k] for r in runs]
        rows.append({key: mean(x[key] for x in at) if at[0][key] is not None else None
                     for key in ("tweets", "tokens", "f1", "corrections_per_100", "seconds")})
    return rows


def loop_report(loops: list[dict]) -> tuple[str, dict]:
    by_setting: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for run in loops:
        by_setting[run["setting"]][run["strategy"]].append(run)
    text, curves = [], {}
    for setting, strategies in sorted(by_setting.items()):
        means = {s: averaged(runs) for s, runs in strategies.items()}
        seeds = {s: sorted(r["seed"] for r in runs) for s, runs in strategies.items()}
        pool_tokens = next(iter(strategies.values()))[0]["pool_tokens"]
        pool = next(iter(strategies.values()))[0]["pool"]
        full = [rows[-1]["f1"] for rows in means.values() if rows[-1]["tweets"] >= pool]
        curves[setting] = (means, pool_tokens, TARGET * mean(full) if full else None)
        text.append(f"#### Setting: {setting} ({', '.join(f'{s} seeds {v}' for s, v in seeds.items())})\n")
        names = sorted(means)
        text.append("| tweets | " + " | ".join(f"{s} tokens | {s} F1 | {s} corr./100 tok | {s} s" for s in names)
                    + " |")
        text.append("|---:|" + "---:|---:|---:|---:|" * len(names))
        depth = max(len(rows) for rows in means.values())
        for k in range(depth):
            cells = []
            for s in names:
                row = means[s][k] if k < len(means[s]) else None
                if row is None:
                    cells.append("- | - | - | -")
                    continue
                corrections = "-" if row["corrections_per_100"] is None else f"{row['corrections_per_100']:.1f}"
                cells.append(f"{row['tokens']:.0f} | {100 * row['f1']:.2f} | {corrections} | {row['seconds']:.0f}")
            tweets = next(means[s][k]["tweets"] for s in names if k < len(means[s]))
            text.append(f"| {tweets:.0f} | " + " | ".join(cells) + " |")
        text.append("")
        if full:
            goal = TARGET * mean(full)
            text.append(f"Full-pool F1 (mean over the strategies that labelled all {pool} tweets): "
                        f"{100 * mean(full):.2f}; 95% of it = {100 * goal:.2f}.")
            reached = {}
            for s in names:
                row = next((r for r in means[s] if r["f1"] >= goal), None)
                reached[s] = row
                text.append(f"- {s}: " + ("not reached" if row is None else
                            f"reached with {row['tweets']:.0f} tweets, {row['tokens']:.0f} tokens "
                            f"({100 * row['tokens'] / pool_tokens:.1f}% of the pool's tokens)"))
            for s in ("mnlp", "least_confidence"):
                if reached.get(s) and reached.get("random"):
                    text.append(f"- random / {s} tokens needed: {reached['random']['tokens'] / reached[s]['tokens']:.2f}x")
        else:
            text.append("No strategy labelled the whole pool yet: no full-pool F1.")
        at200 = {s: next((r["f1"] for r in rows if r["tweets"] == 200), None) for s, rows in means.items()}
        text.append("- F1 after 200 tweets: " + ", ".join(f"{s} {100 * v:.2f}" for s, v in at200.items() if v is not None))
        slowest = max(r["seconds"] for rows in means.values() for r in rows)
        text.append(f"- slowest fine-tune round: {slowest:.0f} s")
        for run in (r for runs in strategies.values() for r in runs if "conll_test" in r):
            text.append(f"- CoNLL-2003 test F1 after adapting ({run['strategy']}, seed {run['seed']}, "
                        f"{run['rounds'][-1]['tweets']} tweets): {100 * run['conll_test']['f1']:.2f}")
        text.append("")
    return "\n".join(text), curves


def seed_table(loops: list[dict]) -> str:
    """Per run (setting, strategy, seed): F1 after 200 tweets and after the pool, CoNLL-2003 test
    after adapting, the recipe's text vectors; then mean and spread (min-max) over seeds."""
    lines = ["| setting | strategy | seed | text vectors | F1 @200 | F1 @pool | CoNLL test after |",
             "|---|---|---:|---|---:|---:|---:|"]
    groups: dict[tuple, list[tuple]] = defaultdict(list)
    for run in sorted(loops, key=lambda r: (r["setting"], r["strategy"], r.get("options", {}).get("text_vectors", False),
                                            r["seed"])):
        at = {r["tweets"]: r["f1"] for r in run["rounds"]}
        full = at.get(run["pool"])
        conll = run.get("conll_test", {}).get("f1")
        vectors = bool(run.get("options", {}).get("text_vectors", False))
        cell = lambda v: "-" if v is None else f"{100 * v:.2f}"  # noqa: E731
        lines.append(f"| {run['setting']} | {run['strategy']} | {run['seed']} | {'on' if vectors else 'off'} | "
                     f"{cell(at.get(200))} | {cell(full)} | {cell(conll)} |")
        groups[(run["setting"], run["strategy"], vectors)].append((at.get(200), full, conll))
    lines += ["", "| setting | strategy | text vectors | seeds | F1 @200 mean (min-max) | F1 @pool mean (min-max) "
              "| CoNLL test mean (min-max) |", "|---|---|---|---:|---:|---:|---:|"]
    for (setting, strategy, vectors), values in sorted(groups.items()):
        cells = []
        for k in range(3):
            got = [v[k] for v in values if v[k] is not None]
            cells.append(f"{100 * mean(got):.2f} ({100 * min(got):.2f}-{100 * max(got):.2f}), n={len(got)}"
                         if got else "-")
        lines.append(f"| {setting} | {strategy} | {'on' if vectors else 'off'} | {len(values)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def stopped_at(losses: list[float], patience: int) -> tuple[int, int]:
    """``(best epoch, epochs run)`` had training stopped after ``patience`` epochs without a
    lower dev loss (strictly lower, as ``train_model`` judges)."""
    best, best_loss, stale = 0, float("inf"), 0
    for epoch, loss in enumerate(losses, start=1):
        if loss < best_loss:
            best, best_loss, stale = epoch, loss, 0
        else:
            stale += 1
        if stale >= patience:
            return best, epoch
    return best, len(losses)


def patience_replay(loops: list[dict], patiences=(1, 2, 3)) -> str:
    """For every round after the first (it continues from the previous round's model), what a
    smaller patience would have kept: training is deterministic, so the same best epoch means the
    same model. Judged on the early-stopping hold-out only (never the test tweets)."""
    rounds = [r for run in loops for r in run["rounds"][2:] if r.get("history")]
    if not rounds:
        return "No continuing round recorded its epochs yet."
    lines = [f"{len(rounds)} continuing rounds with their epochs recorded.", "",
             "| patience | same model | hold-out dev F1 change (mean) | training time saved |", "|---:|---:|---:|---:|"]
    for patience in patiences:
        same, change, saved, total = 0, 0.0, 0.0, 0.0
        for r in rounds:
            history = r["history"]
            best, run = stopped_at([h["dev_loss"] for h in history], patience)
            actual, _ = stopped_at([h["dev_loss"] for h in history], len(history) + 1)
            same += best == actual
            change += history[best - 1]["dev_f1"] - history[actual - 1]["dev_f1"]
            saved += history[-1]["seconds"] - history[run - 1]["seconds"]
            total += history[-1]["seconds"]
        lines.append(f"| {patience} | {100 * same / len(rounds):.0f}% | {100 * change / len(rounds):+.2f} | "
                     f"{100 * saved / total:.0f}% |")
    return "\n".join(lines)


def save_png(means: dict[str, list[dict]], pool_tokens: int, path: Path, title: str, goal: float | None) -> None:
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QGuiApplication, QImage, QPainter

    from ner_studio.gui.shell.qt_chart import Axis, Series, draw_chart

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - fonts need it
    series = [Series(s, COLOURS.get(s, "#111827"), [(100 * r["tokens"] / pool_tokens, r["f1"]) for r in rows])
              for s, rows in sorted(means.items())]
    if goal is not None:
        series.append(Series("95% of full-pool F1", "#9ca3af", [(0, goal), (100, goal)], dashed=True))
    lowest = min(r["f1"] for rows in means.values() for r in rows)
    highest = max(r["f1"] for rows in means.values() for r in rows)
    image = QImage(960, 560, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    draw_chart(painter, QRectF(0, 0, 960, 560), series, x_label="tokens labelled (% of the pool's)",
               left=Axis("test F1 %", max(0.0, int(lowest * 10) / 10), min(1.0, int(highest * 10 + 1) / 10),
                         percent=True),
               x_range=(0, 100), title=title)
    painter.end()
    image.save(str(path))


def run_report(args: argparse.Namespace) -> int:
    loops, recipes = load(Path(args.folder))
    if recipes:
        print("### Recipe runs (pool-train -> pool-dev)\n")
        print(recipe_table(recipes, args.show_test))
        print()
    if loops:
        text, curves = loop_report(loops)
        print("### Review loop\n")
        print(text)
        print("### Per seed\n")
        print(seed_table(loops))
        print("\n### A smaller patience for continuing rounds, replayed\n")
        print(patience_replay(loops))
        print()
        for setting, (means, pool_tokens, goal) in curves.items():
            path = Path(args.png).with_name(f"{Path(args.png).stem}_{setting}.png")
            save_png(means, pool_tokens, path, f"Adapting the bundled model to WNUT-16 tweets ({setting} types)", goal)
            print(f"learning curves: {path}")
    return 0


def add_report_parser(modes: argparse._SubParsersAction) -> None:
    report = modes.add_parser("report", help="tables and curves from the JSON results in a folder")
    report.add_argument("folder")
    report.add_argument("--png", default=str(Path(__file__).resolve().parent / "adaptation_curves.png"),
                        help="learning-curve PNG; the setting is added to the name")
    report.add_argument("--show-test", action="store_true",
                        help="also print the recipe runs' test F1 (only once the recipe is chosen)")
    report.set_defaults(run=run_report)
