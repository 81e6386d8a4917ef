"""Sentence boundaries from NLTK's Punkt, over the regex tokenizer's words.

Punkt (Kiss & Strunk, 2006) is unsupervised: from running text alone it learns which words
ending in a period are abbreviations ("Dr.", "Inc.", "U.S.", "Sec."), which pairs around a
period are collocations ("Dec. 5"), which words start sentences, and how each word is
capitalised where. Nothing is downloaded: the parameters learned once from CoNLL-2003's
training text (``scripts/build_sentence_params.py``) ship in
``resources/sentences/punkt_conll2003.json``, and a :class:`ProjectSplitter` adds what a
project's own documents teach (a :class:`~nltk.tokenize.punkt.PunktTrainer` run on their
text as they are imported).

The words stay those of ``core/text/tokenizer.py`` (Treebank-style, exact offsets, fast); Punkt only
places the boundaries (``span_tokenize``), which are moved to the next token start. As with
the regex splitter, a blank line always ends a sentence and a list number opening a line
("1. Results") never does. NLTK is imported on first use (about
a second), never at start-up.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import repeat
from pathlib import Path

from ner_studio.core import json_text
from ner_studio.core.text.document import Document, Sentence, Token, TokenList
from ner_studio.core.errors import FormatError
from ner_studio.core.text.tokenizer import BLANK_LINE, is_list_number, split_sentences
from ner_studio.resources import resource_path

PARAMS_FORMAT = 1
MIN_ABBREVIATION_COUNT = 2
# A project learns from at most this much of each document: enough for its abbreviations,
# and learning stays ~0.2 s per document (benchmarks/results/2026-12-01-sentence-boundaries.md).
LEARN_CHARS = 100_000


@lru_cache(maxsize=1)
def _plain_regex_classes():
    """Punkt's language variables and token class with its fixed patterns compiled by ``re``.

    NLTK 3.10 sends every regular expression through its ReDoS guard (the ``regex`` engine
    under a wall-clock timeout), which makes Punkt four times slower: 0.43-0.49 s against
    0.10-0.13 s to place the boundaries of the 1 MB benchmark document, with identical
    output (tests/core/text/test_sentences.py checks it). Punkt's own patterns are fixed and
    linear; nothing a user types becomes a pattern here."""
    import re

    from nltk.tokenize.punkt import PunktLanguageVars, PunktToken

    class LanguageVars(PunktLanguageVars):
        re_boundary_realignment = re.compile(r'["\')\]}\u2018\u2019\u201c\u201d\xab\xbb]+?(?:\s+|(?=--)|$)', re.MULTILINE)

        def _word_tokenizer_re(self):
            if not hasattr(self, "_plain_word_tokenizer"):
                self._plain_word_tokenizer = re.compile(self._word_tokenize_fmt % {
                    "NonWord": self._re_non_word_chars, "MultiChar": self._re_multi_char_punct,
                    "WordStart": self._re_word_start}, re.UNICODE | re.VERBOSE)
            return self._plain_word_tokenizer

        def period_context_re(self):
            if not hasattr(self, "_plain_period_context"):
                self._plain_period_context = re.compile(self._period_context_fmt % {
                    "NonWord": self._re_non_word_chars, "SentEndChars": self._re_sent_end_chars},
                    re.UNICODE | re.VERBOSE)
            return self._plain_period_context

    class Token(PunktToken):
        __slots__ = ()
        _RE_ELLIPSIS = re.compile(r"\.\.+$")
        _RE_NUMERIC = re.compile(r"^-?[\.,]?\d[\d,\.-]*\.?$")
        _RE_INITIAL = re.compile(r"[^\W\d]\.$", re.UNICODE)
        _RE_ALPHA = re.compile(r"[^\W\d]+$", re.UNICODE)

    return LanguageVars, Token


def punkt_options() -> dict:
    """``lang_vars`` and ``token_cls`` for Punkt's tokenizer and trainer (see above)."""
    language_vars, token = _plain_regex_classes()
    return {"lang_vars": language_vars(), "token_cls": token}


def shipped_params_path() -> Path:
    return resource_path("sentences", "punkt_conll2003.json")


def params_to_json(params, ortho_min_count: int = 0, counts=None) -> dict:
    """A JSON-ready dict of Punkt parameters; with ``counts`` (a word -> frequency mapping),
    only words seen at least ``ortho_min_count`` times keep their capitalisation record."""
    ortho = params.ortho_context
    if counts is not None:
        ortho = {word: flags for word, flags in ortho.items() if counts.get(word, 0) >= ortho_min_count}
    return {
        "format": PARAMS_FORMAT,
        "abbreviations": sorted(params.abbrev_types),
        "collocations": sorted(map(list, params.collocations)),
        "sentence_starters": sorted(params.sent_starters),
        "ortho_context": dict(sorted(ortho.items())),
    }


def params_from_json(data: dict, path: str | Path | None = None):
    from nltk.tokenize.punkt import PunktParameters

    try:
        if data.get("format") != PARAMS_FORMAT:
            raise ValueError(f"format {data.get('format')!r}, expected {PARAMS_FORMAT}")
        params = PunktParameters()
        params.abbrev_types = set(data["abbreviations"])
        params.collocations = {tuple(pair) for pair in data["collocations"]}
        params.sent_starters = set(data["sentence_starters"])
        for word, flags in data["ortho_context"].items():
            params.ortho_context[word] = int(flags)
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise FormatError(f"not a sentence-splitter parameter file ({error})", path) from None
    return params


def load_params(path: str | Path):
    path = Path(path)
    try:
        data = json_text.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise FormatError(f"cannot read the sentence-splitter parameters ({error})", path) from None
    return params_from_json(data, path)


def train(texts: Iterable[str]):
    """A finalized :class:`~nltk.tokenize.punkt.PunktTrainer` over ``texts``, keeping only the
    abbreviations it saw at least twice with their period (or acronyms and initials): Punkt
    takes any word seen once before a period and never without it ("woe.", "vow.") for one."""
    from nltk.tokenize.punkt import PunktTrainer

    trainer = PunktTrainer(**punkt_options())
    for text in texts:
        trainer.train(text, finalize=False)
    trainer.finalize_training()
    params = trainer.get_params()
    seen = trainer._type_fdist  # noqa: SLF001 - Punkt keeps its counts nowhere public
    params.abbrev_types = {
        a for a in params.abbrev_types if "." in a or len(a) == 1 or seen[a + "."] >= MIN_ABBREVIATION_COUNT
    }
    return trainer


def learn(texts: Iterable[str], base=None):
    """Punkt parameters learned from ``texts`` (unsupervised), merged with ``base``."""
    learned = train(texts).get_params()
    return learned if base is None else merge(base, learned)


def merge(base, learned):
    """The union of two parameter sets' abbreviations, collocations and sentence starters,
    with their capitalisation records combined."""
    from nltk.tokenize.punkt import PunktParameters

    merged = PunktParameters()
    merged.abbrev_types = base.abbrev_types | learned.abbrev_types
    merged.collocations = base.collocations | learned.collocations
    merged.sent_starters = base.sent_starters | learned.sent_starters
    for context in (base.ortho_context, learned.ortho_context):
        for word, flags in context.items():
            merged.ortho_context[word] |= flags
    return merged


class PunktSplitter:
    """Splits tokenized text into sentences (token index ranges that tile the tokens)."""

    def __init__(self, params):
        from nltk.tokenize.punkt import PunktSentenceTokenizer

        self.params = params
        self._punkt = PunktSentenceTokenizer(params, **punkt_options())

    def boundaries(self, text: str) -> list[int]:
        """Character offsets where sentences start (after the first), in order."""
        return [start for start, _ in self._punkt.span_tokenize(text)][1:]

    def split(self, text: str, tokens: Sequence[Token]) -> list[Sentence]:
        if not tokens:
            return []
        tokens = TokenList.of(tokens)
        starts, n = tokens.starts, len(tokens)
        ends = tokens.ends
        breaks = {bisect_left(starts, offset) for offset in self.boundaries(text)}
        breaks = {b for b in breaks if not is_list_number(text, starts, ends, b - 1)}
        breaks.update(bisect_left(starts, m.end()) for m in BLANK_LINE.finditer(text))
        bounds = sorted(b for b in breaks if 0 < b < n)
        return list(map(tuple.__new__, repeat(Sentence), zip([0, *bounds], [*bounds, n])))

    def learned(self, texts: Iterable[str]) -> PunktSplitter:
        """A splitter that also knows what ``texts`` teach."""
        return PunktSplitter(learn(texts, self.params))


@lru_cache(maxsize=1)
def shipped_splitter() -> PunktSplitter:
    """The splitter with the parameters learned from CoNLL-2003 (loaded once)."""
    return PunktSplitter(load_params(shipped_params_path()))


class RuleSplitter:
    """The tokenizer's own rules (``core/text/tokenizer.split_sentences``): no NLTK import."""

    @staticmethod
    def split(text: str, tokens: Sequence[Token]) -> list[Sentence]:
        return split_sentences(text, tokens)


class ProjectSplitter:
    """Punkt with the shipped parameters plus what a project's own documents taught it.

    :meth:`learn` runs Punkt's trainer over a document's text (its first ``LEARN_CHARS``
    characters, which bounds the cost) and adds what it found to what earlier documents
    taught; :meth:`to_json` is that knowledge alone, small enough for the project's settings.
    """

    def __init__(self, learned: dict | None = None):
        from nltk.tokenize.punkt import PunktParameters

        self._learned = params_from_json(learned) if learned else PunktParameters()
        self._splitter: PunktSplitter | None = None

    def learn(self, text: str) -> None:
        trainer = train([text[:LEARN_CHARS]])
        seen = trainer._type_fdist  # noqa: SLF001 - see train()
        params = trainer.get_params()
        # Only the capitalisation of words seen twice or more: the file stays small.
        params.ortho_context = defaultdict(
            int, {w: f for w, f in params.ortho_context.items() if seen[w] + seen[w + "."] >= 2})
        self._learned = merge(self._learned, params)
        self._splitter = None

    def split(self, text: str, tokens: Sequence[Token]) -> list[Sentence]:
        if self._splitter is None:
            self._splitter = PunktSplitter(merge(shipped_splitter().params, self._learned))
        return self._splitter.split(text, tokens)

    @property
    def abbreviations(self) -> set[str]:
        """Abbreviations this project taught (beyond the shipped ones)."""
        return self._learned.abbrev_types - shipped_splitter().params.abbrev_types

    def to_json(self) -> dict:
        return params_to_json(self._learned)


# What a document read from a file is split with unless the caller says otherwise. Punkt with
# the CoNLL-2003 parameters: boundary F1 99.39 against the rules' 98.93 on CoNLL-2003 test
# (benchmarks/results/2026-12-01-sentence-boundaries.md), for a one-off NLTK import (0.3-0.4 s) and ~0.1 s per MB of text.
DEFAULT = "punkt"
SPLITTERS = ("punkt", "rules")


def resolve(splitter=None):
    """An object with ``split(text, tokens)`` for a name (``"punkt"``, ``"rules"``), an object
    that already has one, or None (:data:`DEFAULT`)."""
    if splitter is None:
        splitter = DEFAULT
    if not isinstance(splitter, str):
        return splitter
    if splitter == "punkt":
        return shipped_splitter()
    if splitter == "rules":
        return RuleSplitter
    raise FormatError(f"unknown sentence splitter {splitter!r}; use one of {', '.join(SPLITTERS)}")


def split_at(sentences: Sequence[Sentence], tokens: Sequence[Token], offsets: Iterable[int]) -> list[Sentence]:
    """``sentences`` also cut where a token starts at or after each character offset in
    ``offsets`` (a table cell's start: what the text alone does not say ends a sentence)."""
    starts = TokenList.of(tokens).starts
    n = len(starts)
    bounds = {s.start for s in sentences} | {bisect_left(starts, offset) for offset in offsets}
    bounds = sorted(b for b in bounds if 0 < b < n)
    return [Sentence(a, b) for a, b in zip([0, *bounds], [*bounds, n])] if n else []


def document_from_text(text: str, *, name: str = "", splitter=None, breaks: Iterable[int] = ()) -> Document:
    """A document of ``text`` split into sentences by ``splitter`` (see :func:`resolve`) and
    at the character offsets ``breaks``; a splitter that learns (:class:`ProjectSplitter`)
    reads the text first."""
    splitter = resolve(splitter)
    learn = getattr(splitter, "learn", None)
    if learn is not None:
        learn(text)
    breaks = list(breaks)
    split = splitter.split
    if breaks:
        def split(text, tokens):
            return split_at(splitter.split(text, tokens), tokens, breaks)
    return Document.from_text(text, name=name, split=split)
