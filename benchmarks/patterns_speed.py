"""Token patterns with ``+`` and ``*`` on long unpunctuated text: the time must grow linearly
with the text (issue 24 item 5; before, ``[{"op": "+"}, {"orth": "zzz"}]`` took 3.7 s on 3k
tokens, 14.9 s on 6k and hours on 5 MB).

Run: ``PYTHONPATH=$PWD .venv/bin/python benchmarks/patterns_speed.py [--sizes 1 2 4 5]``.

The text: random lower-case words from a 2,000-word vocabulary, no punctuation, one
occasional capitalised word, and the word the patterns end on nowhere but in the last
tokens, so a run from every start goes to the end of the text (the worst case). Two ways:
  - ``one list``: the whole text as one word list given to the matcher (no splitting at all);
  - ``predict``: ``ner-studio predict none TEXT --patterns P -o OUT`` end to end (reading,
    sentences, the file cut into parts, matching, writing JSONL).
Prints seconds and microseconds per token; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ner_studio.core.corpus.pattern_matcher import Matcher  # noqa: E402
from ner_studio.core.corpus.patterns import read_patterns  # noqa: E402
from ner_studio.core.text.tokenizer import word_tokens  # noqa: E402

PATTERNS = [
    [{"op": "+"}, {"orth": "zzz"}],  # the QA case: any tokens, then zzz
    [{"is_lower": True, "op": "*"}, {"lower": "zzz"}, {"op": "?"}],
    [{"lower": "the"}, {"is_alpha": True, "op": "+"}, {"orth": "Zzz"}],
    [{"is_title": True, "op": "+"}, {"lower": "inc"}],
]


def text_of(megabytes: float, seed: int = 0) -> str:
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocabulary = ["the"] + ["".join(rng.choice(letters) for _ in range(rng.randint(2, 9))) for _ in range(2000)]
    vocabulary = [w for w in vocabulary if w != "zzz"]
    words, size = [], 0
    while size < megabytes * 1_000_000:
        word = rng.choice(vocabulary)
        if rng.random() < 0.02:
            word = word.title()
        words.append(word)
        size += len(word) + 1
    return " ".join(words) + " Acme inc zzz Zzz\n"


def one_list(text: str, patterns: Path) -> tuple[float, int, int]:
    tokens = word_tokens(text)
    words = [text[s:e] for s, e in zip(tokens.starts, tokens.ends)]
    matcher = Matcher(read_patterns(patterns))
    began = time.perf_counter()
    found = matcher.matches(words)
    return time.perf_counter() - began, len(words), len(found)


def predict(text_path: Path, patterns: Path, out: Path) -> float:
    began = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ner_studio", "predict", "none", str(text_path), "--patterns",
                    str(patterns), "-o", str(out), "--force"], check=True, capture_output=True,
                   env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 2, 4, 5], help="text sizes in MB")
    parser.add_argument("--no-predict", action="store_true", help="skip the end-to-end runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ner-studio-patterns-") as folder:
        folder = Path(folder)
        patterns = folder / "p.jsonl"
        patterns.write_text("".join(json.dumps({"label": "X", "pattern": p}) + "\n" for p in PATTERNS))
        print(f"{len(PATTERNS)} patterns: " + "; ".join(json.dumps(p) for p in PATTERNS))
        print(f"{'text':>6} {'tokens':>10} {'one list':>10} {'µs/token':>9} {'predict':>9} {'µs/token':>9}")
        for size in args.sizes:
            text = text_of(size)
            seconds, n, found = one_list(text, patterns)
            line = f"{size:>4g}MB {n:>10,} {seconds:>9.2f}s {1e6 * seconds / n:>9.2f}"
            if not args.no_predict:
                path = folder / "t.txt"
                path.write_text(text)
                whole = predict(path, patterns, folder / "out.jsonl")
                line += f" {whole:>8.2f}s {1e6 * whole / n:>9.2f}"
            print(line + f"   ({found} matches in the one list)", flush=True)


if __name__ == "__main__":
    main()
