"""Time and peak memory of exporting entities to a spreadsheet (issue 26, item 1).

    python benchmarks/spreadsheet_export.py [--tokens 1000000] [--formats xlsx,csv]

Generates, at run time in a temporary folder, a CoNLL file of about ``--tokens`` tokens (the
news-like sentences of streamed_cli.py, names tagged), then runs ``ner-studio convert IN OUT``
for each format in a fresh process and prints the whole process's wall time and peak RSS
(from wait4), the rows written and the file's size. Target: 1M tokens to .xlsx in < 30 s, with
memory bounded (openpyxl's write-only mode streams the rows; only the counts are kept).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from long_input import measure  # noqa: E402
from streamed_cli import make_conll  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TOKENS_PER_MB = 180_000  # of make_conll's output, measured; the size is then adjusted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=1_000_000, help="tokens in the input (default 1M)")
    parser.add_argument("--formats", default="xlsx,csv")
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory(prefix="ner-studio-sheets-") as folder:
        source = Path(folder) / "big.conll"
        tokens = make_conll(source, args.tokens / TOKENS_PER_MB)
        tokens = make_conll(source, args.tokens / TOKENS_PER_MB * args.tokens / tokens)
        entities = sum(1 for line in open(source, encoding="utf-8") if " B-" in line)
        print(f"input: {source.stat().st_size / 1e6:.1f} MB of CoNLL, {tokens:,} tokens, {entities:,} entities")
        for fmt in args.formats.split(","):
            out = Path(folder) / f"out.{fmt}"
            code, seconds, peak = measure([sys.executable, "-m", "ner_studio", "convert", str(source), str(out)], env)
            size = out.stat().st_size / 1e6 if out.exists() else 0.0
            print(f"{fmt}: exit {code}, {seconds:.1f} s, peak RSS {peak:,.0f} MB, {size:.1f} MB written",
                  flush=True)


if __name__ == "__main__":
    main()
