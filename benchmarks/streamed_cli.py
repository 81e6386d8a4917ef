"""Peak memory and time of ``convert`` and ``evaluate`` on a big annotated file (issue 12).

    python benchmarks/streamed_cli.py [--size 50] [--commands convert,evaluate] [--code DIR]

Generates, at run time in a temporary folder, a CoNLL file of about ``--size`` MB (news-like
sentences from ``gui_big_document.big_text``, names tagged, a ``-DOCSTART-`` every ~200
sentences), then runs each command in a fresh process and prints its wall time and peak RSS
(from wait4): ``convert IN.conll OUT.jsonl`` and ``evaluate default IN.conll``. ``--code DIR``
runs another checkout of NER Studio on the same file (e.g. the code before streaming), so a
before/after pair sees the same input. Target: peak RSS < 1.5 GB, time linear in size.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gui_big_document import FIRST, LAST, ORGS, PLACES, big_text  # noqa: E402
from long_input import measure  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def entity_words() -> dict[str, str]:
    """Each word of a generated name and the label of the name it starts or continues."""
    labels = {}
    for names, label in ((FIRST, "PER"), (LAST, "PER"), (PLACES, "LOC")):
        labels.update((name, label) for name in names)
    for org in ORGS:
        labels.update((word, "ORG") for word in org.split() if word != "the")
    return labels


def make_conll(path: Path, megabytes: float) -> int:
    """Write the CoNLL file; returns its number of tokens."""
    labels = entity_words()
    tokens = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write("-DOCSTART- O\n\n")
        for k, sentence in enumerate(big_text(int(megabytes * 1_000_000 / 1.55)).replace("\n\n", " ").split(" . ")):
            previous = "O"
            lines = []
            for word in [*sentence.split(), "."]:
                label = labels.get(word)
                tag = "O" if label is None else (f"I-{label}" if previous.endswith(label) else f"B-{label}")
                lines.append(f"{word} {tag}\n")
                previous = tag
            out.write("".join(lines) + "\n")
            tokens += len(lines)
            if k % 200 == 199:
                out.write("-DOCSTART- O\n\n")
    return tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=float, default=50, help="CoNLL file size in MB (default 50)")
    parser.add_argument("--commands", default="convert,evaluate")
    parser.add_argument("--code", type=Path, default=ROOT, help="the NER Studio checkout to run (default: this one)")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(args.code.resolve())}
    with tempfile.TemporaryDirectory(prefix="ner-studio-streamed-") as folder:
        source = Path(folder) / "big.conll"
        tokens = make_conll(source, args.size)
        print(f"input: {source.stat().st_size / 1e6:.1f} MB of CoNLL, {tokens:,} tokens; code: {args.code}")
        for command in args.commands.split(","):
            argv = {"convert": ["convert", str(source), str(Path(folder) / "out.jsonl")],
                    "evaluate": ["evaluate", "default", str(source), "--threads", str(args.threads)]}[command]
            code, seconds, peak = measure([sys.executable, "-m", "ner_studio", *argv], env)
            print(f"{command}: exit {code}, {seconds:.1f} s, peak RSS {peak:,.0f} MB", flush=True)


if __name__ == "__main__":
    main()
