"""``ner-studio predict MODEL INPUT -o OUTPUT``: tag documents with a trained model."""

from __future__ import annotations

import argparse

from ner_studio.commands.model_options import (
    ProgressBar,
    add_inference_options,
    add_model_arguments,
    load_tagger,
)
from ner_studio.commands.sentence_options import add_sentence_option, splitter_from
from ner_studio.core.formats import FORMATS, WRITABLE, read_documents, write_documents


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "predict",
        help="tag documents with a model",
        description="Tag INPUT (plain text, CoNLL, JSONL, Word .docx, HTML, Markdown or a PDF "
        "with a text layer) with MODEL and write the entities to OUTPUT as CoNLL or JSONL (JSONL "
        "keeps each entity's confidence, and where a Word/HTML/Markdown/PDF text came from).",
    )
    add_model_arguments(parser)
    parser.add_argument("input", help="documents to tag (.txt, .conll, .jsonl, .docx, .html, .md, .pdf)")
    parser.add_argument("-o", "--output", required=True, help="where to write (.conll or .jsonl)")
    parser.add_argument("--input-format", choices=FORMATS, help="default: by content and extension")
    parser.add_argument("--output-format", choices=WRITABLE, help="default: by extension")
    parser.add_argument("--keep-existing", action="store_true",
                        help="keep entities already in INPUT; predictions that overlap them are dropped")
    add_sentence_option(parser)
    add_inference_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    tagger = load_tagger(args)
    docs = read_documents(args.input, args.input_format, splitter=splitter_from(args))
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
    print(f"tagged {_count(len(docs), 'document')}, {_count(entities, 'entity', 'entities')} -> {args.output}")
    return 0


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else plural or singular + 's'}"
