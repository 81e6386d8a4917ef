"""The ``--sentences`` option of the commands that read running text (predict, convert)."""

from __future__ import annotations

import argparse

from ner_studio.core.text.sentences import DEFAULT, SPLITTERS, ProjectSplitter

CHOICES = (*SPLITTERS, "learn")


def add_sentence_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sentences", choices=CHOICES, default=DEFAULT,
        help="how text without given sentences (.txt, Word, HTML, Markdown, PDF, JSONL without "
        "\"sentences\") is split: punkt (NLTK's Punkt with parameters learned from CoNLL-2003; "
        "default), rules (the tokenizer's own rules, no NLTK), learn (Punkt that also learns "
        "abbreviations from the input's own text first)")


def splitter_from(args: argparse.Namespace):
    """What ``read_documents(splitter=...)`` takes for the chosen ``--sentences``."""
    return ProjectSplitter() if args.sentences == "learn" else args.sentences
