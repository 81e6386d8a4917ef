"""Read and write a generated CoNLL file of one million tokens; print tokens per second.

Run: ``.venv/bin/python benchmarks/conll_io.py [--tokens N] [--columns 2|4] [--profile]``.
Target on the reference machine: at least 500k tokens/s each way.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import tempfile
import time
from pathlib import Path

from ner_studio.core.formats import read_documents, write_documents

WORDS = ["the", "said", "on", "Thursday", "of", "a", "to", "in", ",", ".", "market", "shares"]
ENTITIES = [("PER", ["Peter", "Blackburn"]), ("LOC", ["Brussels"]), ("ORG", ["European", "Commission"]),
            ("MISC", ["German"]), ("LOC", ["New", "York", "City"])]


def generate_conll(n_tokens: int, columns: int, seed: int = 0) -> str:
    """CoNLL-2003-like text: documents of ~20 sentences of ~14 tokens, ~15% entity tokens."""
    rng = random.Random(seed)
    middle = " NN I-NP" if columns == 4 else ""
    docstart = "-DOCSTART- -X- -X- O" if columns == 4 else "-DOCSTART- O"
    lines: list[str] = []
    written = 0
    while written < n_tokens:
        lines += [docstart, ""]
        for _ in range(20):
            length = 0
            while length < 14 and written < n_tokens:
                if rng.random() < 0.08:
                    label, words = rng.choice(ENTITIES)
                    tags = [f"B-{label}"] + [f"I-{label}"] * (len(words) - 1)
                else:
                    words, tags = [rng.choice(WORDS)], ["O"]
                for word, tag in zip(words, tags):
                    lines.append(f"{word}{middle} {tag}")
                length += len(words)
                written += len(words)
            lines.append("")
            if written >= n_tokens:
                break
    return "\n".join(lines) + "\n"


def timed(label: str, n_tokens: int, action, profile: bool):
    if profile:
        profiler = cProfile.Profile()
        result = profiler.runcall(action)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(15)
        return result, 0.0
    start, cpu_start = time.perf_counter(), time.process_time()
    result = action()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    # CPU time as well: on a shared machine wall time also counts other people's work.
    print(f"{label:6s} {n_tokens:>9,d} tokens in {seconds:6.3f} s = {n_tokens / seconds:>10,.0f} tokens/s"
          f"  (CPU {cpu:.3f} s = {n_tokens / cpu:,.0f} tokens/s)")
    return result, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tokens", type=int, default=1_000_000)
    parser.add_argument("--columns", type=int, choices=(2, 4), default=4)
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs")
    parser.add_argument("--profile", action="store_true", help="cProfile one read and one write")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp, "big.conll"), Path(tmp, "out.conll")
        source.write_text(generate_conll(args.tokens, args.columns), encoding="utf-8")
        size_mb = source.stat().st_size / 1e6
        n = args.tokens
        print(f"{n:,d} tokens, {args.columns} columns, {size_mb:.1f} MB")
        best_read = best_write = float("inf")
        docs = []
        for _ in range(1 if args.profile else args.repeat):
            docs.clear()  # free the previous run's documents before timing the next read
            docs, seconds = timed("read", n, lambda: read_documents(source), args.profile)
            best_read = min(best_read, seconds)
            _, seconds = timed("write", n, lambda: write_documents(docs, target), args.profile)
            best_write = min(best_write, seconds)
        assert sum(len(d.tokens) for d in docs) == n
        identical = source.read_bytes() == target.read_bytes()
        if not args.profile:
            print(f"best: read {n / best_read:,.0f} tokens/s, write {n / best_write:,.0f} tokens/s "
                  f"(target 500,000 each way); output identical to input: {identical}")


if __name__ == "__main__":
    main()
