"""``ner-studio predict MODEL INPUT -o OUTPUT``: tag documents with a trained model."""

from __future__ import annotations

import argparse

from ner_studio.commands.model_options import (
    ProgressBar,
    add_inference_options,
    add_model_arguments,
    model_path,
    tagger_from_args,
)
from ner_studio.commands.outputs import add_force_option, checked_output
from ner_studio.commands.sentence_options import add_sentence_option, splitter_from
from ner_studio.core.formats import FORMATS, WRITABLE, format_of
from ner_studio.core.formats.stream import DocumentWriter, read_in_chunks


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
    add_force_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    output_format = args.output_format or format_of(args.output)
    checked_output(args, args.output, output_format, inputs=[args.input, model_path(args.model)])
    tagger = tagger_from_args(args)
    bar = ProgressBar("tagging")
    documents = entities = sentences = 0
    try:
        # A piece of the input at a time (core/formats/stream.py): memory stays bounded.
        with DocumentWriter(args.output, output_format) as out:
            for docs in read_in_chunks(args.input, args.input_format, splitter=splitter_from(args)):
                before = sentences
                predictions = tagger.predict_documents(
                    docs, batch_size=args.batch_size,
                    progress=lambda done, total: bar(before + done, before + total))
                for doc, prediction in zip(docs, predictions):
                    if not args.keep_existing:
                        doc.set_spans([])
                    entities += len(doc.replace_model_spans(prediction.spans))
                out.write(docs)
                documents += len(docs)
                sentences += sum(len(doc.sentences) for doc in docs)
    finally:
        bar.close()
    print(f"tagged {_count(documents, 'document')}, {_count(entities, 'entity', 'entities')} -> {args.output}")
    return 0


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else plural or singular + 's'}"
