"""CoNLL column files: one token per line, the token first and the tag last, blank lines
between sentences, ``-DOCSTART-`` lines between documents.

Reading rebuilds a text: tokens joined by one space, sentences by one newline, so offsets,
tokens and spans agree. Middle columns (CoNLL-2003's POS and chunk tags) are kept in
``doc.meta["conll_columns"]`` (one string per token) so such files round-trip unchanged.
The tag scheme (IOB1, IOB2 or BIOES) is detected once per file.

A last column of catalogue links after the tags (what ``kb_column=True`` writes: each token's
entity's ``kb_id``, ``_`` for none) is recognised by its ``_`` values with a column of tags
before it, and read back into the spans' ``kb_id``; a link on a token outside every entity, or
one entity whose tokens carry different links, is a :class:`FormatError` naming the line.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from itertools import accumulate, compress, count, groupby, repeat
from operator import add, itemgetter, methodcaller, not_
from pathlib import Path

from ner_studio.core.text.document import Document, Sentence, TokenList
from ner_studio.core.errors import FormatError, TagError
from ner_studio.core.gc_pause import paused_gc
from ner_studio.core.text.spans import Span
from ner_studio.core.text.tags import decode_tags, document_token_spans, encode_spans
from ner_studio.core.formats.text import decode_text

DOCSTART = "-DOCSTART-"
NO_LINK = "_"  # the link column's value for a token of no linked entity
_TAG = re.compile(r"(O|[BIESLU]-\S+)")


class _Parsed:
    """Columns of a whole file, documents still flat."""

    def __init__(self, words, tags, middles, runs, doc_starts, separator, links=None):
        self.words: list[str] = words
        self.tags: list[str] = tags
        self.links: list[str] | None = links  # the catalogue link column, if the file has one
        self.middles: list[str] = middles  # empty for two-column files
        # (first line index, first token index, token count) of every sentence
        self.runs: list[tuple[int, int, int]] = runs
        self.sentence_starts = [tok for _, tok, _ in runs]
        # (first token index, the -DOCSTART- line) of every document that has one
        self.doc_starts: list[tuple[int, str]] = doc_starts
        self.separator = separator

    def line_of_token(self, index: int) -> int:
        """1-based line number of token ``index``."""
        k = bisect_right(self.sentence_starts, index) - 1
        line, first, _ = self.runs[k]
        return line + (index - first) + 1


def _docstart_lines(text: str) -> list[int]:
    """0-based indices of lines that start with -DOCSTART- (str.find is much faster than a
    multi-line regex over a 15 MB corpus; newlines are counted between hits)."""
    found, line, counted = [], 0, 0
    at = text.find(DOCSTART)
    while at >= 0:
        line_start = text.rfind("\n", 0, at) + 1
        if not text[line_start:at].strip(" \t"):
            line += text.count("\n", counted, line_start)
            counted = line_start
            found.append(line)
        at = text.find(DOCSTART, at + len(DOCSTART))
    return found


def _rows(lines: list[str]) -> tuple[list[list[str]], str]:
    """Fields of every line (``[]`` for a blank one), split on tabs if the first non-blank
    line has one, else on any whitespace."""
    first = next((line for line in lines if line.strip() and not line.lstrip().startswith(DOCSTART)), "")
    if "\t" not in first:
        return list(map(str.split, lines)), " "
    stripped = list(map(str.strip, lines))
    rows = list(map(methodcaller("split", "\t"), stripped))
    for index in compress(count(), map(not_, stripped)):
        rows[index] = []
    return rows, "\t"


def _column_error(lens: list[int], rows, n_columns: int, path) -> FormatError:
    first = next(i for i, n in enumerate(lens) if n)
    if n_columns < 2:
        index = first
    else:
        index = next(i for i, n in enumerate(lens) if n not in (0, n_columns))
    if lens[index] < 2:
        return FormatError(
            f"only one column ({rows[index][0]!r}): a token line needs a token and a tag "
            f"separated by spaces or a tab",
            path,
            index + 1,
        )
    return FormatError(
        f"{lens[index]} columns, but line {first + 1} has {n_columns}: every token line needs "
        f"the same columns (token first, tag last)",
        path,
        index + 1,
    )


def _scan(text: str, path) -> _Parsed:
    """Split the file into columns with whole-list operations: the per-line work happens in
    C (``map``, ``filter``, ``groupby``); Python code runs once per sentence, not per token."""
    lines = text.split("\n")
    rows, separator = _rows(lines)
    doc_starts_by_line = {}
    for index in _docstart_lines(text):
        if lines[index].split()[0] == DOCSTART:
            doc_starts_by_line[index] = lines[index].strip()
            rows[index] = []
    lens = list(map(len, rows))
    n_columns = next((n for n in lens if n), 0)
    if not n_columns:
        raise FormatError("no token lines found (expected 'token ... tag' columns)", path)
    if n_columns < 2 or not set(lens) <= {0, n_columns}:
        raise _column_error(lens, rows, n_columns, path)
    token_rows = list(filter(None, rows))
    words = list(map(itemgetter(0), token_rows))
    tags = list(map(itemgetter(-1), token_rows))
    links = None
    if n_columns > 2 and _is_link_column(tags, token_rows):
        links, tags = tags, list(map(itemgetter(-2), token_rows))
        n_columns -= 1
    middles = []
    if n_columns > 2:
        middles = list(map(separator.join, map(itemgetter(slice(1, n_columns - 1)), token_rows)))
    runs = []
    line = token = 0
    for is_tokens, group in groupby(lens, bool):
        length = len(list(group))
        if is_tokens:
            runs.append((line, token, length))
            token += length
        line += length
    run_lines = [run[0] for run in runs]
    doc_starts = []
    for index, docstart in sorted(doc_starts_by_line.items()):
        k = bisect_right(run_lines, index)
        doc_starts.append((runs[k][1] if k < len(runs) else len(words), docstart))
    return _Parsed(words, tags, middles, runs, doc_starts, separator, links)


def _is_link_column(last: list[str], token_rows) -> bool:
    """The last column holds links, not tags: the column before it is all tags, and it has
    ``_`` (no tag is) or no tag at all (a tag column with one mistyped tag still has tags, and
    its error names that tag). Only distinct values are matched: few, however long the file."""
    distinct = set(last)
    if NO_LINK not in distinct and any(_TAG.fullmatch(value) for value in distinct):
        return False
    before = set(map(itemgetter(-2), token_rows))
    return all(_TAG.fullmatch(value) for value in before)


def _span_links(parsed: _Parsed, spans, path) -> list[str | None]:
    """Each span's link from the link column; FormatError for a link outside every entity or
    an entity whose tokens disagree."""
    links = parsed.links
    found, inside = [], 0
    for i, j, _label in spans:
        stray = next((k for k in range(inside, i) if links[k] != NO_LINK), None)
        if stray is not None:
            raise FormatError(f"catalogue link {links[stray]!r} on a token outside every entity (its tag is "
                              f"{parsed.tags[stray]!r}); a token of no entity has {NO_LINK!r} in the last column",
                              path, parsed.line_of_token(stray))
        odd = next((k for k in range(i + 1, j) if links[k] != links[i]), None)
        if odd is not None:
            raise FormatError(f"one entity's tokens carry different catalogue links ({links[i]!r} and "
                              f"{links[odd]!r}); every token of an entity has its entity's link", path,
                              parsed.line_of_token(odd))
        found.append(None if links[i] == NO_LINK else links[i])
        inside = j
    stray = next((k for k in range(inside, len(links)) if links[k] != NO_LINK), None)
    if stray is not None:
        raise FormatError(f"catalogue link {links[stray]!r} on a token outside every entity (its tag is "
                          f"{parsed.tags[stray]!r}); a token of no entity has {NO_LINK!r} in the last column",
                          path, parsed.line_of_token(stray))
    return found


def _document(parsed: _Parsed, first: int, last: int, spans, docstart, name):
    """Document for tokens ``[first, last)``: text, offsets and spans built at C speed."""
    words = parsed.words[first:last]
    all_starts = parsed.sentence_starts
    starts_in_doc = [
        s - first for s in all_starts[bisect_left(all_starts, first) : bisect_left(all_starts, last)]
    ]
    sentence_ends = [*starts_in_doc[1:], len(words)]
    lengths = list(map(len, words))
    # Every token is followed by exactly one character (a space, or a newline at a sentence
    # end), so start offsets are a running sum of lengths + 1.
    starts = list(accumulate(map((1).__add__, lengths), initial=0))[:-1]
    ends = list(map(add, starts, lengths))
    text = "\n".join(" ".join(words[s:e]) for s, e in zip(starts_in_doc, sentence_ends))
    sentences = list(map(tuple.__new__, repeat(Sentence), zip(starts_in_doc, sentence_ends)))
    doc_spans = [Span(starts[i - first], ends[j - 1 - first], label, kb_id=kb_id) for (i, j, label), kb_id in spans]
    # "" records a file that began without one, so writing it back does not add one.
    meta = {"conll_docstart": docstart if docstart is not None else ""}
    if parsed.middles:
        meta["conll_columns"] = parsed.middles[first:last]
    if parsed.separator != " ":
        meta["conll_separator"] = parsed.separator
    if parsed.links is not None:
        meta["conll_kb_column"] = True  # written back with it
    return Document(text, TokenList(starts, ends), sentences, doc_spans, name=name, meta=meta)


def parse_conll(text: str, path: str | Path | None = None, *, name: str = "") -> list[Document]:
    """Documents from CoNLL text. Raises :class:`FormatError` naming the line; nothing is
    returned half-built."""
    with paused_gc():
        return _parse(text, path, name)


def _parse(text: str, path, name: str) -> list[Document]:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    parsed = _scan(text.removeprefix("\ufeff"), path)
    try:
        scheme, spans = decode_tags(
            parsed.tags, parsed.sentence_starts, where=lambda i: f"line {parsed.line_of_token(i)}"
        )
    except TagError as error:
        raise FormatError(error.reason, path, parsed.line_of_token(error.index or 0)) from None
    bounds: list[tuple[int, str | None]] = list(parsed.doc_starts)
    if not bounds or bounds[0][0] > 0:
        bounds.insert(0, (0, None))
    base = name or (Path(path).stem if path is not None else "document")
    kb_ids = _span_links(parsed, spans, path) if parsed.links is not None else [None] * len(spans)
    spans = list(zip(spans, kb_ids))
    docs = []
    span_starts = [i for (i, _, _), _ in spans]
    for d, (first, docstart) in enumerate(bounds):
        last = bounds[d + 1][0] if d + 1 < len(bounds) else len(parsed.words)
        doc_spans = spans[bisect_left(span_starts, first) : bisect_left(span_starts, last)]
        doc_name = base if len(bounds) == 1 else f"{base} #{d + 1}"
        doc = _document(parsed, first, last, doc_spans, docstart, doc_name)
        doc.meta["conll_scheme"] = scheme
        docs.append(doc)
    return docs


def read_conll(path: str | Path) -> list[Document]:
    path = Path(path)
    return parse_conll(decode_text(path.read_bytes(), path), path)


# --- writing ---------------------------------------------------------------------------------
def _sentence_starts_for_writing(doc, token_spans) -> list[int]:
    """Sentence starts, leaving out those a span crosses: CoNLL cannot show such a span
    otherwise, and merging two sentences loses less than cutting an entity."""
    starts = [s.start for s in doc.sentences]
    crossed = set()
    for i, j, _ in token_spans:
        k = bisect_right(starts, i)
        while k < len(starts) and starts[k] < j:
            crossed.add(starts[k])
            k += 1
    return [s for s in starts if s not in crossed] if crossed else starts


def _docstart_line(doc, n_columns: int) -> str:
    return doc.meta.get("conll_docstart") or " ".join([DOCSTART, *["-X-"] * (n_columns - 2), "O"])


def _words(doc, separator: str) -> list[str]:
    words = doc.words()
    joined = separator.join(words)
    fits = (
        len(joined.split()) == len(words)
        if separator == " "
        else joined.count("\t") == len(words) - 1 and "\n" not in joined
    )
    if not fits:
        bad = next(w for w in words if (w.split() != [w] if separator == " " else "\t" in w or "\n" in w))
        raise FormatError(
            f"token {bad!r} in {doc.name or 'a document'} contains a separator "
            f"({'whitespace' if separator == ' ' else 'a tab or newline'}), which CoNLL columns "
            f"cannot hold"
        )
    return words


def format_document(doc, scheme: str = "iob2", docstart: bool = False, kb_column: bool = False) -> str:
    """``kb_column``: one more last column with each token's catalogue link (its entity's
    ``kb_id``, ``_`` for none); off by default, so CoNLL stays what other tools read, and on
    for a document read from a file that had one."""
    token_spans = document_token_spans(doc)
    starts = _sentence_starts_for_writing(doc, token_spans)
    try:
        tags = encode_spans(len(doc.tokens), token_spans, scheme, starts)
    except TagError as error:  # e.g. a label with a space, which CoNLL columns cannot hold
        raise FormatError(f"{doc.name or 'a document'}: {error}") from None
    separator = doc.meta.get("conll_separator", " ")
    words = _words(doc, separator)
    kb_column = kb_column or bool(doc.meta.get("conll_kb_column"))  # read with one: its links stay
    middles = doc.meta.get("conll_columns")
    if middles is not None and len(middles) == len(words):
        rows = list(map(separator.join, zip(words, middles, tags)))
        n_columns = 2 + len(middles[0].split(separator)) if middles else 2
    else:
        rows = list(map(separator.join, zip(words, tags)))
        n_columns = 2
    if kb_column:
        rows = list(map(separator.join, zip(rows, _token_links(doc))))
        n_columns += 1
    lines = [_docstart_line(doc, n_columns), ""] if docstart else []
    ends = [*starts[1:], len(rows)]
    for s, e in zip(starts, ends):
        lines.extend(rows[s:e])
        lines.append("")
    return "\n".join(lines) + "\n" if lines else ""


def _token_links(doc) -> list[str]:
    links = ["_"] * len(doc.tokens)
    for span in doc.spans:
        if span.kb_id is not None:
            first, end = doc.token_range(span.start, span.end)
            links[first:end] = [span.kb_id] * (end - first)
    return links


def format_conll(docs, scheme: str = "iob2", kb_column: bool = False) -> str:
    """CoNLL text for ``docs``: a blank line after every sentence and a ``-DOCSTART-`` line
    before every document, as CoNLL-2003 files have; a document read from a file that began
    without one is written back without one, if it comes first."""
    return "".join(
        format_document(doc, scheme, docstart=k > 0 or doc.meta.get("conll_docstart") != "", kb_column=kb_column)
        for k, doc in enumerate(docs)
    )
