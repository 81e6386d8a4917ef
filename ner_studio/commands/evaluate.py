"""``ner-studio evaluate MODEL FILE``: entity-level precision, recall and F1 per label; with
``--errors OUT.jsonl`` every mistake behind them, one JSON line each (core/learning/error_analysis.py)."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from contextlib import nullcontext
from pathlib import Path

from ner_studio.commands.model_options import (
    ProgressBar,
    add_format_option,
    add_inference_options,
    add_model_arguments,
    model_path,
    tagger_from_args,
)
from ner_studio.commands.outputs import add_force_option, checked_output, save_reporting_fallback
from ner_studio.core.atomic import AtomicWriter, atomic_write_text
from ner_studio.core.learning.error_analysis import ErrorKind, tagged_errors
from ner_studio.core.learning.check_set import ScoredSet
from ner_studio.core.formats.stream import read_in_chunks
from ner_studio.core.learning.metrics import format_table
from ner_studio.core.plural import plural


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "evaluate",
        help="score a model on an annotated file",
        description="Score MODEL on the entities annotated in FILE (CoNLL or JSONL): precision, "
        "recall and F1 per label and overall (seqeval/conlleval convention), plus token accuracy.",
    )
    add_model_arguments(parser)
    parser.add_argument("file", help="annotated documents (.conll/.txt CoNLL or .jsonl)")
    add_format_option(parser)
    parser.add_argument("--json", metavar="OUT", help="also write the scores as JSON to OUT")
    parser.add_argument("--errors", metavar="OUT", help="also write every error to OUT, one JSON line each: "
                        "kind (missed, spurious, wrong label, wrong boundary), document, sentence, "
                        "context, and the gold and predicted entity (start, end, label, text)")
    add_inference_options(parser)
    add_force_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ner_studio.model.workflow import evaluate_in_pieces

    if args.json:
        checked_output(args, args.json, "json", inputs=[args.file, model_path(args.model)])
    if args.errors:
        checked_output(args, args.errors, "jsonl", inputs=[args.file, model_path(args.model), args.json])
    tagger = tagger_from_args(args)
    scored_set = ScoredSet(tagger.metadata.get("trained_on"))
    bar = ProgressBar("evaluating")
    # The errors are written as each piece is scored (memory stays bounded) to a file that
    # replaces OUT only once all went well.
    kinds: Counter[str] = Counter()
    with AtomicWriter(args.errors) if args.errors else nullcontext() as errors:
        def write_errors(docs, tags) -> None:
            for found in tagged_errors(docs, tags):
                kinds[found.error.kind] += 1
                errors.write(json.dumps(found.to_dict(), ensure_ascii=False) + "\n")

        try:
            # A piece of the file at a time (core/formats/stream.py): memory stays bounded.
            evaluation = evaluate_in_pieces(tagger, read_in_chunks(args.file, args.format), batch_size=args.batch_size,
                                            progress=bar, each=scored_set.add,
                                            tagged=write_errors if errors is not None else None)
        finally:
            bar.close()
    scored, warning = scored_set.describe(str(args.file))
    print(f"Scored on {scored}.")
    if warning:
        print(f"Warning: {warning}.", file=sys.stderr)
    print(format_table(evaluation))
    if args.json:
        report = {"model": str(model_path(args.model)), "file": str(args.file), "scored_on": scored,
                  "overlap_warning": warning, **evaluation.to_dict()}
        text = json.dumps(report, indent=2) + "\n"
        save_reporting_fallback(Path(args.json), lambda path: atomic_write_text(path, text))
    if args.errors:
        each = ", ".join(f"{kinds[kind]} {kind}" for kind in ErrorKind)
        print(f"{plural(sum(kinds.values()), 'error')} ({each}) -> {args.errors}")
    return 0
