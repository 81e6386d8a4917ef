"""Agreement and curation on a real-size team project (issue 16): how long importing three
annotators' versions, gathering them, computing every figure and listing the disagreements take.

The project: synthetic documents of ~200 tokens (words drawn from a small vocabulary), one
entity every ~8 tokens in the first annotator's version; the second and third annotators
change a share of them (another label, a span one word longer, a missed entity), so the
figures are those of a plausible team, not of identical copies.

Run: ``PYTHONPATH=$PWD .venv/bin/python benchmarks/agreement.py [--documents N]``.
Prints figures only; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from ner_studio.core.team.agreement import OVERALL, agreement, gather
from ner_studio.core.team.curation import compare
from ner_studio.core.team.disagreements import disagreements
from ner_studio.core.text.document import Document, Status
from ner_studio.core.store.project import Project
from ner_studio.core.text.spans import Span

WORDS = ("the", "council", "met", "in", "Lisbon", "and", "Porto", "with", "Karin", "Olsson", "of",
         "Meridian", "Capital", "on", "Thursday", "said", "a", "plant", "near", "Madrid", ".")
LABELS = ("PER", "LOC", "ORG", "MISC")


def base_document(generator: random.Random, tokens: int) -> tuple[str, list[Span], dict[int, int]]:
    """A text, its entities (one every 8 words) and, per entity start, the end of the word
    after the entity (for the longer variant)."""
    words = [generator.choice(WORDS) for _ in range(tokens)]
    text = " ".join(words)
    spans, longer, offset = [], {}, 0
    for position, word in enumerate(words):
        if position % 8 == 3:
            spans.append(Span(offset, offset + len(word), generator.choice(LABELS)))
            longer[offset] = offset + len(word) + 1 + len(words[position + 1]) if position + 1 < tokens else offset + len(word)
        offset += len(word) + 1
    return text, spans, longer


def variant(generator: random.Random, spans: list[Span], longer: dict[int, int], change: float) -> list[Span]:
    """``spans`` with a share ``change`` of them relabelled, made a word longer, or missed."""
    result = []
    for span in spans:
        roll = generator.random()
        if roll >= change:
            result.append(span)
        elif roll < change / 3:
            result.append(Span(span.start, span.end, generator.choice(LABELS)))
        elif roll < 2 * change / 3:
            result.append(Span(span.start, longer[span.start], span.label))
        # else: missed
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--tokens", type=int, default=200)
    args = parser.parse_args()
    generator = random.Random(16)
    bases = [base_document(generator, args.tokens) for _ in range(args.documents)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "team.nerstudio"
        started = time.perf_counter()
        with Project.create(path, annotator="ann") as project:
            for name, change in (("ann", 0.0), ("bob", 0.15), ("cat", 0.3)):
                docs = []
                for index, (text, spans, longer) in enumerate(bases):
                    doc = Document.from_text(text, name=f"doc{index}")
                    doc.set_spans(variant(generator, spans, longer, change))
                    doc.status = Status.REVIEWED
                    docs.append(doc)
                project.import_version(docs, name)
        imported = time.perf_counter() - started
        with Project.open(path, annotator="ann", read_only=True) as project:
            started = time.perf_counter()
            versions = gather(project, ["ann", "bob", "cat"])
            gathered = time.perf_counter() - started
            started = time.perf_counter()
            report = agreement(versions, ["ann", "bob", "cat"])
            computed = time.perf_counter() - started
            started = time.perf_counter()
            differences = sum(len(compare(d.spans["ann"], d.spans["cat"])[1]) for d in versions)
            compared = time.perf_counter() - started
            started = time.perf_counter()
            listed = len(disagreements(versions, ["ann", "bob", "cat"]))
            listing = time.perf_counter() - started
    tokens = args.documents * args.tokens
    spans = sum(len(spans) for _, spans, _ in bases)
    print(f"{args.documents} documents, {tokens:,} tokens, {spans:,} entities per version, 3 annotators")
    print(f"import 3 versions: {imported:.2f} s; gather: {gathered:.2f} s; all figures: {computed:.2f} s; "
          f"curation differences ann/cat: {differences:,} in {compared:.2f} s; "
          f"disagreements of the 3 pairs: {listed:,} in {listing:.2f} s")
    for pair in report.pairs:
        print(f"  {pair.first}-{pair.second}: F1 exact {pair.exact[OVERALL].f1:.3f}, "
              f"overlap {pair.overlap[OVERALL].f1:.3f}, kappa {pair.kappa[OVERALL]:.3f}")
    print(f"  alpha (3 annotators): {report.alpha[OVERALL]:.3f}")


if __name__ == "__main__":
    main()
