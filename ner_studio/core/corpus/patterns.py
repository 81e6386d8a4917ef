"""Entity patterns and dictionaries (gazetteers): reading them, and what one token must be.

Files, by extension:

* ``.jsonl`` / ``.json`` — Prodigy-style patterns, one JSON object a line:
  ``{"label": "ORG", "pattern": "Bank of England"}`` (exact token texts) or
  ``{"label": "ORG", "pattern": [{"lower": "bank"}, {"lower": "of"}, {"is_title": true}]}``.
* ``.csv`` — ``text,label`` rows (a first row ``text,label`` is a header).
* anything else (``.txt``, ``.tsv``) — a gazetteer: ``text<TAB>LABEL`` a line.

Blank lines and lines starting with ``#`` (not in JSONL) are skipped. Gazetteer entries and
string patterns match exact token texts (case-sensitive, as in Prodigy); for any case use a
token pattern with ``lower``. Token attributes (keys in any case, as spaCy accepts them):
``orth``/``text`` (exact text), ``lower``, ``length``, ``shape`` (spaCy's: ``Xxxx``, ``dd``),
``is_title``, ``is_upper``, ``is_lower``, ``is_alpha``, ``is_digit``, ``is_punct``; a text
value may be ``{"in": [...]}`` or ``{"not_in": [...]}``; ``{}`` is any token. ``"op"``: ``"?"``
(optional), ``"+"`` (one or more), ``"*"`` (any number). Anything else is a FormatError naming
the file and line, never skipped.
"""

from __future__ import annotations

import csv
import json
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ner_studio.core import json_text
from ner_studio.core.errors import FormatError, LabelError
from ner_studio.core.text.labels import check_name
from ner_studio.core.text.tokenizer import word_tokens
from ner_studio.core.utf8_file import read_utf8_file

OPS = ("", "?", "+", "*")


@lru_cache(maxsize=65536)  # words repeat: a cache hit is ~20x cheaper than this loop
def shape(word: str) -> str:
    """spaCy's word shape: ``Apple`` -> ``Xxxxx``, ``Wednesday`` -> ``Xxxxx``, ``1999`` -> ``dddd``
    (a run of one kind of character is cut at four)."""
    out, last, run = [], "", 0
    for ch in word:
        kind = "X" if ch.isupper() else "x" if ch.islower() else "d" if ch.isdigit() else ch
        run = run + 1 if kind == last else 1
        last = kind
        if run <= 4:
            out.append(kind)
    return "".join(out)


@lru_cache(maxsize=65536)
def is_punct(word: str) -> bool:
    return all(unicodedata.category(ch).startswith("P") for ch in word)


_TESTS = {
    "orth": lambda w: w, "text": lambda w: w, "lower": str.lower, "length": len, "shape": shape,
    "is_title": str.istitle, "is_upper": str.isupper, "is_lower": str.islower,
    "is_alpha": str.isalpha, "is_digit": str.isdigit, "is_punct": is_punct,
}
_FLAGS = {name for name in _TESTS if name.startswith("is_")}


@dataclass(frozen=True, slots=True)
class TokenSpec:
    """One token of a token pattern: ``(attribute, wanted)`` tests, all of which must hold,
    and how often it may repeat (``op``)."""

    tests: tuple[tuple[str, object], ...]
    op: str = ""

    def matches(self, word: str) -> bool:
        for name, wanted in self.tests:
            value = _TESTS[name](word)
            if isinstance(wanted, tuple):
                if (value in wanted[1]) != (wanted[0] == "in"):
                    return False
            elif value != wanted:
                return False
        return True


@dataclass(frozen=True, slots=True)
class Pattern:
    """``phrase``: the exact token texts to find; else ``tokens``: a token pattern."""

    label: str
    phrase: tuple[str, ...] = ()
    tokens: tuple[TokenSpec, ...] = ()


def read_patterns(path: str | Path) -> list[Pattern]:
    """The patterns in ``path`` (see the module doc for the formats), in file order."""
    path = Path(path)
    text = read_utf8_file(path)
    suffix = path.suffix.lower()
    reader = _jsonl if suffix in (".jsonl", ".json") else _csv if suffix == ".csv" else _tab
    patterns = reader(text, path)
    if not patterns:
        raise FormatError("no patterns in the file", path)
    return patterns


def _phrase(text: str, label: str, path: Path, line: int) -> Pattern:
    tokens = word_tokens(text)
    words = tuple(text[start:end] for start, end in zip(tokens.starts, tokens.ends))
    if not words:
        raise FormatError("the entry has no text", path, line)
    return Pattern(_label(label, path, line), phrase=words)


def _label(label, path: Path, line: int) -> str:
    try:
        return check_name(label.strip() if isinstance(label, str) else label)
    except LabelError as error:
        raise FormatError(f"bad label: {error}", path, line) from None


def _tab(text: str, path: Path) -> list[Pattern]:
    patterns = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        entry, tab, label = line.rpartition("\t")
        if not tab:
            raise FormatError("expected 'text<TAB>LABEL' (no tab on this line; a .csv file "
                              "takes 'text,label')", path, number)
        patterns.append(_phrase(entry, label, path, number))
    return patterns


def _csv(text: str, path: Path) -> list[Pattern]:
    patterns = []
    reader = csv.reader(text.splitlines())
    try:
        for row in reader:
            number = reader.line_num
            if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
                continue
            if number == 1 and [c.strip().lower() for c in row] == ["text", "label"]:
                continue
            if len(row) != 2:
                raise FormatError(f"expected 2 columns 'text,label', found {len(row)}", path, number)
            patterns.append(_phrase(row[0], row[1], path, number))
    except csv.Error as error:
        raise FormatError(f"bad CSV: {error}", path, reader.line_num) from None
    return patterns


def _jsonl(text: str, path: Path) -> list[Pattern]:
    patterns = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json_text.loads(line)
        except json.JSONDecodeError as error:
            raise FormatError(f"not valid JSON ({error.msg} at column {error.colno})", path, number) from None
        if not isinstance(item, dict) or "label" not in item or "pattern" not in item:
            raise FormatError('expected an object with "label" and "pattern"', path, number)
        pattern = item["pattern"]
        if isinstance(pattern, str):
            patterns.append(_phrase(pattern, item["label"], path, number))
        elif isinstance(pattern, list) and pattern:
            specs = tuple(_token_spec(spec, path, number, i) for i, spec in enumerate(pattern, 1))
            if all(spec.op in ("?", "*") for spec in specs):
                raise FormatError("the pattern can match no token at all; make one token required",
                                  path, number)
            patterns.append(Pattern(_label(item["label"], path, number), tokens=specs))
        else:
            raise FormatError('"pattern" must be a string or a non-empty list of token objects', path, number)
    return patterns


def _token_spec(spec, path: Path, line: int, index: int) -> TokenSpec:
    where = f"token {index}"
    if not isinstance(spec, dict):
        raise FormatError(f"{where}: expected an object such as {{\"lower\": \"bank\"}}", path, line)
    tests, op = [], ""
    for key, wanted in spec.items():
        name = key.lower()
        if name == "op":
            if wanted not in OPS[1:]:
                raise FormatError(f"{where}: op {wanted!r} is not supported (use ?, + or *)", path, line)
            op = wanted
        elif name not in _TESTS:
            known = ", ".join(sorted(_TESTS))
            raise FormatError(f"{where}: attribute {key!r} is not supported (supported: {known}, op)", path, line)
        else:
            tests.append((name, _wanted(name, wanted, f"{where}: {key}", path, line)))
    return TokenSpec(tuple(tests), op)


def _wanted(name: str, wanted, where: str, path: Path, line: int):
    if name in _FLAGS:
        if not isinstance(wanted, bool):
            raise FormatError(f"{where} must be true or false", path, line)
        return wanted
    kind = int if name == "length" else str
    if isinstance(wanted, dict) and len(wanted) == 1:
        (test, values), = wanted.items()
        test = test.lower()
        if test in ("in", "not_in") and isinstance(values, list) and all(type(v) is kind for v in values):
            return (test, frozenset(values))
    elif type(wanted) is kind:
        return wanted
    raise FormatError(f"{where} must be a {'number' if kind is int else 'string'} or "
                      f"{{\"in\": [...]}} / {{\"not_in\": [...]}} of them", path, line)
