"""``ner-studio predict MODEL INPUT -o OUTPUT [--patterns FILE] [--catalogue FILE]``: tag
documents with a trained model, with entity patterns and dictionaries, or both (MODEL
``none``: patterns only); ``--catalogue`` links entities by alias (core/catalogue/suggestions.py).

With both, pattern matches join the model's entities and win where they overlap (a pattern is
the analyst's written decision, the model's entity a guess); entities kept from INPUT
(``--keep-existing``) win over both. See core/corpus/pattern_matcher.py."""

from __future__ import annotations

import argparse
import contextlib

from ner_studio.commands.model_options import (
    ProgressBar,
    add_inference_options,
    add_model_arguments,
    model_path,
    tagger_from_args,
)
from ner_studio.commands.outputs import add_force_option, checked_output
from ner_studio.commands.sentence_options import add_sentence_option, splitter_from
from ner_studio.core.errors import NerStudioError
from ner_studio.core.formats import FORMATS
from ner_studio.core.gc_pause import paused_gc, set_aside
from ner_studio.core.formats.spreadsheet import EXPORTS, export_format
from ner_studio.core.formats.overlap import WriteBehind, read_ahead
from ner_studio.core.formats.stream import entity_writer, read_in_chunks
from ner_studio.core.corpus.pattern_matcher import Matcher, apply_patterns
from ner_studio.core.corpus.patterns import read_patterns
from ner_studio.core.catalogue.files import read_catalogue
from ner_studio.core.catalogue.suggestions import AliasIndex, suggest_links
from ner_studio.core.plural import plural
from ner_studio.core.text.spans import Source
from ner_studio.model.interface import PredictionDetail

NO_MODEL = "none"  # MODEL argument: tag with --patterns only (torch is never loaded)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "predict",
        help="tag documents with a model",
        description="Tag INPUT (plain text, CoNLL, JSONL, Word .docx, HTML, Markdown or a PDF "
        "with a text layer) with MODEL and write the entities to OUTPUT as CoNLL, JSONL or a spreadsheet (.xlsx, .csv; "
        "they and JSONL keep each entity's confidence, and where a Word/HTML/Markdown/PDF text came from). "
        "--patterns FILE adds the matches of a dictionary or of entity patterns; they win over "
        "the model's entities they overlap, and entities kept from INPUT win over both. MODEL "
        "'none' tags with the patterns alone.",
    )
    add_model_arguments(parser)
    parser.add_argument("input", help="documents to tag (.txt, .conll, .jsonl, .docx, .html, .md, .pdf)")
    parser.add_argument("-o", "--output", required=True, help="where to write (.conll, .jsonl, or a spreadsheet of the entities: .xlsx, .csv)")
    parser.add_argument("--input-format", choices=FORMATS, help="default: by content and extension")
    parser.add_argument("--output-format", choices=EXPORTS, help="default: by extension")
    parser.add_argument("--keep-existing", action="store_true",
                        help="keep entities already in INPUT; predictions that overlap them are dropped")
    add_sentence_option(parser)
    add_inference_options(parser)
    parser.add_argument("--catalogue", metavar="FILE",
                        help="link entities whose text is a name or alias of exactly one entry of this "
                        "catalogue (.csv or .jsonl, as 'ner-studio catalogue export' writes it): kb_id and "
                        "kb_name in JSONL, as suggestions (model entities stay unconfirmed)")
    parser.add_argument("--patterns", action="append", metavar="FILE", default=[],
                        help="also mark matches of entity patterns (Prodigy-style .jsonl) or a "
                        "dictionary (text<TAB>LABEL lines, or .csv text,label); may be repeated. "
                        "MODEL 'none' uses the patterns alone")
    add_force_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    output_format = export_format(args.output, args.output_format)
    use_model = args.model != NO_MODEL
    if not use_model and not args.patterns:
        raise NerStudioError("MODEL 'none' tags with patterns only: add --patterns FILE")
    checked_output(args, args.output, output_format,
                   inputs=[args.input, *args.patterns, *([args.catalogue] if args.catalogue else []),
                           *([model_path(args.model)] if use_model else [])])
    matcher = Matcher(p for path in args.patterns for p in read_patterns(path)) if args.patterns else None
    catalogue = read_catalogue(args.catalogue) if args.catalogue else None
    aliases = AliasIndex(catalogue) if catalogue is not None else None
    kb_names = {entry.entry_id: entry.name for entry in catalogue} if catalogue is not None else None
    tagger = tagger_from_args(args) if use_model else None
    if tagger is not None:
        # torch and the model live as long as the process: no full collection walks their
        # ~280k objects again (8 such collections took 0.9 of 19.5 CPU-s, holding the GIL).
        set_aside()
    # No automatic collection while tagging: writing JSONL, CoNLL or CSV the loop makes no
    # reference cycles (tests/cli/test_predict_output.py; openpyxl's objects do), so each run of
    # the collector only walked what was alive (~1 CPU-s in all).
    collector = paused_gc() if output_format != "xlsx" else contextlib.nullcontext()
    bar = ProgressBar("tagging")
    documents = entities = sentences = from_patterns = linked = 0
    try:
        # A piece of the input at a time (core/formats/stream.py): memory stays bounded. The
        # next piece is read and the last one written while this one is tagged (overlap.py).
        with collector, entity_writer(args.output, output_format, kb_names=kb_names) as out, \
                WriteBehind(out.write) as behind:
            for docs in read_ahead(read_in_chunks(args.input, args.input_format, splitter=splitter_from(args))):
                before = sentences
                if not args.keep_existing:
                    for doc in docs:
                        doc.set_spans([])
                if tagger is not None:
                    predictions = tagger.predict_documents(
                        docs, batch_size=args.batch_size, detail=PredictionDetail.CONFIDENCES,
                        progress=lambda done, total: bar(before + done, before + total))
                    for doc, prediction in zip(docs, predictions):
                        entities += len(doc.replace_model_spans(prediction.spans))
                for doc in docs if matcher is not None else ():
                    removed, added = apply_patterns(doc, matcher)
                    # Model entities of this run that the patterns beat no longer count;
                    # anything else removed came from INPUT, which this count never included.
                    beaten = sum(s.source == Source.MODEL for s in removed) if tagger is not None else 0
                    entities += len(added) - beaten
                    from_patterns += len(added)
                for doc in docs if aliases is not None else ():
                    suggested = suggest_links(doc.text, doc.spans, aliases)
                    doc.edit(tuple(suggested), tuple(span.linked(kb_id) for span, kb_id in suggested.items()))
                    linked += len(suggested)
                behind.write(docs)
                documents += len(docs)
                sentences += sum(len(doc.sentences) for doc in docs)
    finally:
        bar.close()
    pattern_note = f" ({from_patterns} from patterns)" if matcher is not None else ""
    link_note = f", {linked} linked to the catalogue" if aliases is not None else ""
    print(f"tagged {plural(documents, 'document')}, {plural(entities, 'entity')}{pattern_note}{link_note}"
          f" -> {args.output}")
    return 0
