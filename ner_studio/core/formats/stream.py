"""Large files in pieces: documents read a chunk at a time and written as they come.

Why: every token of a loaded document costs Python objects (about 150 bytes with its word),
so a 50 MB file read whole takes gigabytes before any tagging starts. The text itself is
small; a command that only passes documents through (``predict``) reads the file's text
once, parses about ``CHUNK_CHARS`` of it at a time, and writes each piece's documents before
parsing the next, so memory holds one piece.

Pieces are cut where the format allows: JSONL between lines, CoNLL before a ``-DOCSTART-``
line (else between sentences), plain text at a blank line, else a line break, else a space.
A file no larger than one piece is read exactly as :func:`read_documents` reads it, and so is
a larger JSONL file or CoNLL file cut at ``-DOCSTART-`` lines (documents named ``NAME #K``
throughout). A CoNLL document cut between sentences continues in the next piece's first
document (``meta["conll_continued"]``: written back without a ``-DOCSTART-`` line, so a
CoNLL output matches the input's layout); a larger plain text file becomes several
documents, named ``NAME.txt (part K of N)``, and so does the text of a larger Word, HTML,
Markdown or PDF file (cut between paragraphs, formats/extracted.py) and a JSONL record longer
than a piece (``NAME #K (part J of M)``, formats/jsonl_parts.py). :func:`read_pieces` also
says which piece of how many each list is, for progress and for telling the user a file was
split.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from ner_studio.core.atomic import AtomicWriter
from ner_studio.core.errors import FormatError, TagError
from ner_studio.core.formats import (
    EXTRACTED, WRITABLE, _check_fmt, conll, detect_format, format_of, jsonl, parse_documents, read_content,
    read_file_bytes,
)
from ner_studio.core.formats.extracted import part_documents, plan_parts
from ner_studio.core.formats.jsonl_parts import parse_record_parts, record_parts
from ner_studio.core.formats.text import decode_text
from ner_studio.core.text.tags import check_scheme

CHUNK_CHARS = 1 << 20
# Where a piece may end, best first, for each format ("" means: anywhere).
_CUTS = {
    "conll": ("\n-DOCSTART-", "\n\n"),
    "jsonl": ("\n",),
    "txt": ("\n\n", "\n", ". ", " ", ""),
}


class Piece(NamedTuple):
    """The documents of piece ``number`` of ``count`` (1-based) of a file."""

    docs: list
    number: int
    count: int


def read_in_chunks(path: str | Path, fmt: str | None = None, *, splitter=None,
                   chunk_chars: int | None = None) -> Iterator[list]:
    """Lists of documents from ``path``, a piece of the file at a time; errors name the
    file and the line in the whole file. ``splitter`` as for :func:`read_documents`."""
    for piece in read_pieces(path, fmt, splitter=splitter, chunk_chars=chunk_chars):
        yield piece.docs


def read_pieces(path: str | Path, fmt: str | None = None, *, splitter=None,
                chunk_chars: int | None = None) -> Iterator[Piece]:
    """As :func:`read_in_chunks`, each list as a :class:`Piece`. Only the file's text is
    held whole; the documents of one piece at a time (the caller's to keep or let go)."""
    path = Path(path)
    chunk_chars = chunk_chars or CHUNK_CHARS
    data = read_file_bytes(path)
    fmt = _check_fmt(fmt) if fmt else detect_format(path, data)
    if fmt in EXTRACTED:
        blocks, about = read_content(fmt, data, path)
        del data
        parts = plan_parts(blocks, chunk_chars)
        del blocks  # the parts hold the blocks' tidied copies, and let each part go once built
        yield from _extracted_pieces(parts, path, fmt, splitter, about)
        return
    text = decode_text(data, path)
    del data
    if len(text) <= chunk_chars:
        yield Piece(parse_documents(text, fmt, path, splitter=splitter), 1, 1)
        return
    # The cuts first (cheap: a few searches per piece), so every piece knows the count.
    pieces = [(start, end) for start, end in _pieces(text, fmt, chunk_chars) if text[start:end].strip()]
    # A JSONL record too long for a piece becomes several (formats/jsonl_parts.py).
    parts = [_record_bounds(text[start:end], chunk_chars) if fmt == "jsonl" else None for start, end in pieces]
    total = sum(len(bounds) if bounds else 1 for bounds in parts)
    number = 0  # pieces yielded
    line = 0  # lines before the current piece
    count = 0  # documents before the current piece
    previous_end = 0
    for part, ((start, end), bounds) in enumerate(zip(pieces, parts), start=1):
        line += text.count("\n", previous_end, start)  # blank pieces skipped
        previous_end = end
        piece = text[start:end]
        if bounds:
            count += 1
            name = path.stem if len(pieces) == 1 else f"{path.stem} #{count}"
            first = line + piece[: len(piece) - len(piece.lstrip())].count("\n") + 1
            for doc in parse_record_parts(piece.strip(), bounds, path, first, name, splitter):
                number += 1
                yield Piece([doc], number, total)
                doc = None
            line += piece.count("\n")
            continue
        try:
            docs = _parse_piece(piece, fmt, path, (part, len(pieces)), splitter)
        except FormatError as error:
            raise FormatError(error.reason, path, line + error.line if error.line else None) from None
        if fmt != "txt" and len(pieces) > 1:
            # Numbered through the whole file, as read_documents numbers them; a name a
            # JSONL record gives itself is kept.
            generated = {path.stem, *(f"{path.stem} #{k}" for k in range(1, len(docs) + 1))}
            for doc in docs:
                count += 1
                if doc.name in generated:
                    doc.name = f"{path.stem} #{count}"
            if fmt == "conll" and part > 1 and not piece.lstrip().startswith("-DOCSTART-"):
                docs[0].meta["conll_continued"] = True
        line += piece.count("\n")
        number += 1
        yield Piece(docs, number, total)
        piece = docs = doc = None  # the caller decides how long a piece's documents live


def _extracted_pieces(parts: list, path: Path, fmt: str, splitter, about: dict) -> Iterator[Piece]:
    """A Word, HTML, Markdown or PDF file's text a part at a time (formats/extracted.py)."""
    count = max(len(parts), 1)
    for number, doc in enumerate(part_documents(parts, path, fmt, splitter=splitter, **about), start=1):
        yield Piece([doc], number, count)
        doc = None


def _record_bounds(piece: str, chunk_chars: int) -> list[tuple[int, int]] | None:
    """Where to cut a piece that is one JSONL record longer than a piece; None for the rest
    (and for a line that is not valid JSON: the ordinary reading says why)."""
    line = piece.strip()
    if len(line) <= chunk_chars or "\n" in line:
        return None
    try:
        bounds = record_parts(json.loads(line), chunk_chars)
    except (ValueError, RecursionError):
        return None
    return bounds if len(bounds) > 1 else None


def _parse_piece(piece: str, fmt: str, path: Path, part: tuple[int, int], splitter) -> list:
    # CoNLL and JSONL pieces are renamed "NAME #K" by the caller; plain text keeps its part.
    name = path.stem if fmt in ("conll", "jsonl") else f"{path.name} (part {part[0]} of {part[1]})"
    return parse_documents(piece, fmt, None, name=name, splitter=splitter)


def _pieces(text: str, fmt: str, chunk_chars: int) -> Iterator[tuple[int, int]]:
    start = 0
    while start < len(text):
        end = _cut(text, start, fmt, chunk_chars)
        yield start, end
        start = end


def _cut(text: str, start: int, fmt: str, chunk_chars: int) -> int:
    limit = start + chunk_chars
    if limit >= len(text):
        return len(text)
    floor = start + chunk_chars // 2
    for mark in _CUTS[fmt]:
        if not mark:
            return limit
        found = text.rfind(mark, floor, limit)
        if found >= 0:
            # Cut after a line break, before "-DOCSTART-"; after ". " and " ".
            return found + 1 if mark.startswith("\n") else found + len(mark)
    if fmt == "jsonl":  # a long record ahead: it becomes a piece of its own (see _record_bounds)
        found = text.rfind("\n", start, limit)
        if found >= 0:
            return found + 1
    # A JSONL line or a CoNLL sentence longer than a piece: cut at its end, never inside.
    found = text.find(_CUTS[fmt][-1], limit)
    return len(text) if found < 0 else found + 1


class DocumentWriter:
    """``with DocumentWriter(path, fmt) as out: out.write(docs)`` for each piece; the file is
    replaced atomically when the block ends without an exception."""

    def __init__(self, path: str | Path, fmt: str | None = None, scheme: str = "iob2", kb_names=None):
        self.path = Path(path)
        self.kb_names = kb_names  # catalogue entry id -> name, for JSONL's kb_name
        self.fmt = _check_fmt(fmt) if fmt else format_of(self.path)
        if self.fmt == "txt":
            raise FormatError("plain text cannot hold entities; save as .conll or .jsonl", self.path)
        if self.fmt not in WRITABLE:
            raise FormatError(f"NER Studio reads {self.fmt} files but does not write them; save as .conll "
                              "or .jsonl", self.path)
        try:
            check_scheme(scheme)
        except TagError as error:
            raise FormatError(error.reason, self.path) from None
        self.scheme = scheme
        self._writer = AtomicWriter(self.path)
        self._handle = None
        self._written = 0

    def __enter__(self) -> DocumentWriter:
        try:
            self._handle = self._writer.__enter__()
        except OSError as error:
            raise FormatError(f"cannot write the file: {error.strerror or error}", self.path) from None
        return self

    def write(self, docs: Iterable) -> None:
        for doc in docs:
            try:
                if self.fmt == "conll":
                    # As format_conll decides, except that a document continued from the
                    # previous piece is one document with it.
                    docstart = ((self._written > 0 and not doc.meta.get("conll_continued"))
                                or doc.meta.get("conll_docstart") != "")
                    text = conll.format_document(doc, self.scheme, docstart=docstart)
                else:
                    text = jsonl.format_jsonl([doc], self.kb_names)
            except FormatError as error:
                raise FormatError(error.reason, self.path) from None
            self._handle.write(text)
            self._written += 1

    def __exit__(self, kind, error, trace) -> None:
        try:
            self._writer.__exit__(kind, error, trace)
        except OSError as failure:
            raise FormatError(f"cannot write the file: {failure.strerror or failure}", self.path) from None


class Converted(NamedTuple):
    documents: int
    tokens: int
    entities: int


def entity_writer(path: str | Path, fmt: str | None = None, scheme: str = "iob2", kb_names=None):
    """A :class:`DocumentWriter`, or for ``.xlsx``/``.csv`` (or ``fmt`` naming them) a
    spreadsheet of the entities (core/formats/spreadsheet.py); both ``write(docs)`` a piece at
    a time and replace ``path`` atomically."""
    from ner_studio.core.formats.spreadsheet import SHEET_FORMATS, SpreadsheetWriter, export_format

    if export_format(path, fmt) in SHEET_FORMATS.values():
        return SpreadsheetWriter(path, export_format(path, fmt))
    return DocumentWriter(path, fmt, scheme, kb_names)


def convert_file(source: str | Path, target: str | Path, *, source_fmt: str | None = None,
                 target_fmt: str | None = None, scheme: str = "iob2", splitter=None,
                 chunk_chars: int | None = None) -> Converted:
    """Read ``source`` and write its documents to ``target`` (formats from the extensions
    unless given), a piece at a time: memory holds one piece whatever the file's size. The
    target is replaced only once all went well (a bad input raises :class:`FormatError`,
    naming its line, and leaves it as it was)."""
    documents = tokens = entities = 0
    with entity_writer(target, target_fmt, scheme) as out:
        for docs in read_in_chunks(source, source_fmt, splitter=splitter, chunk_chars=chunk_chars):
            out.write(docs)
            documents += len(docs)
            tokens += sum(len(doc.tokens) for doc in docs)
            entities += sum(len(doc.spans) for doc in docs)
    return Converted(documents, tokens, entities)
