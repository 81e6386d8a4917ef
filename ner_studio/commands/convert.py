"""``ner-studio convert IN OUT``: between CoNLL and JSONL (and from plain text, Word, HTML,
Markdown and PDF), or to a spreadsheet of the entities (.xlsx, .csv)."""

from __future__ import annotations

import argparse
import sys

from ner_studio.commands.outputs import add_force_option, checked_output
from ner_studio.commands.sentence_options import add_sentence_option, splitter_from
from ner_studio.core.formats import FORMATS
from ner_studio.core.formats.spreadsheet import EXPORTS, export_format
from ner_studio.core.formats.stream import convert_file
from ner_studio.core.plural import plural
from ner_studio.core.text.tags import SCHEMES


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "convert",
        help="convert documents between CoNLL and JSONL, or from Word, HTML, Markdown, PDF",
        description="Convert IN to OUT. Formats come from the extensions (.conll/.iob/.bio/.tsv: "
        "CoNLL columns; .jsonl: JSON Lines spans; .txt: plain text, or CoNLL if laid out in "
        "columns; .docx, .html/.htm, .md, .pdf: read only, and recognised by their content too) "
        "unless --from/--to name them. CoNLL input may use IOB1, IOB2 or BIOES (detected). "
        "JSONL output keeps where a Word/HTML/Markdown/PDF text came from (meta.source). "
        ".xlsx/.csv: one row per entity (document, sentence, text, label, source, confidence, "
        "offsets); an .xlsx also counts them per document and label.",
    )
    parser.add_argument("input", metavar="IN", help="file to read")
    parser.add_argument("output", metavar="OUT", help="file to write (replaced atomically)")
    parser.add_argument("--from", dest="source_fmt", choices=FORMATS,
                        help="input format (default: by content and extension)")
    parser.add_argument("--to", dest="target_fmt", choices=EXPORTS,
                        help="output format (default: by extension)")
    parser.add_argument("--scheme", choices=SCHEMES, default=None,
                        help="tag scheme of CoNLL output (default: iob2)")
    add_force_option(parser)
    add_sentence_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    target_fmt = export_format(args.output, args.target_fmt)
    checked_output(args, args.output, target_fmt, inputs=[args.input])
    if args.scheme and target_fmt != "conll":
        print("note: --scheme only applies to CoNLL output; JSONL holds spans, not tags", file=sys.stderr)
    # A piece of the input at a time (core/formats/stream.py): memory stays bounded.
    done = convert_file(
        args.input, args.output, source_fmt=args.source_fmt, target_fmt=target_fmt,
        scheme=args.scheme or "iob2", splitter=splitter_from(args),
    )
    print(f"converted {plural(done.documents, 'document')} ({plural(done.tokens, 'token')}, {plural(done.entities, 'entity')}): "
          f"{args.input} -> {args.output} ({target_fmt})")
    return 0
