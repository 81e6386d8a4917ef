"""``ner-studio predict MODEL INPUT -o OUTPUT``: tag documents with a trained model."""

from __future__ import annotations

import argparse

from ner_studio.commands.model_options import ProgressBar, add_threads_option, apply_threads, model_path
from ner_studio.core.formats import read_documents, write_documents


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "predict",
        help="tag documents with a model",
        description="Tag INPUT (plain text, CoNLL or JSONL) with MODEL and write the entities to "
        "OUTPUT as CoNLL or JSONL (JSONL keeps each entity's confidence).",
    )
    parser.add_argument("model", help="model file, or 'default' for the bundled CoNLL-2003 model")
    parser.add_argument("input", help="documents to tag (.txt, .conll or .jsonl)")
    parser.add_argument("-o", "--output", required=True, help="where to write (.conll or .jsonl)")
    parser.add_argument("--input-format", choices=("txt", "conll", "jsonl"), help="default: by extension")
    parser.add_argument("--output-format", choices=("conll", "jsonl"), help="default: by extension")
    parser.add_argument("--keep-existing", action="store_true",
                        help="keep entities already in INPUT; predictions that overlap them are dropped")
    parser.add_argument("--batch-size", type=int, default=256, help="sentences per batch (default 256)")
    add_threads_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ner_studio.model.predict import Tagger

    apply_threads(args.threads)
    tagger = Tagger.load(model_path(args.model))
    docs = read_documents(args.input, args.input_format)
    bar = ProgressBar("tagging")
    try:
        predictions = tagger.predict_documents(docs, batch_size=args.batch_size, progress=bar)
    finally:
        bar.close()
    entities = 0
    for doc, prediction in zip(docs, predictions):
        if not args.keep_existing:
            doc.set_spans([])
        entities += len(doc.replace_model_spans(prediction.spans))
    write_documents(docs, args.output, args.output_format)
    print(f"tagged {len(docs)} documents, {entities} entities -> {args.output}")
    return 0
