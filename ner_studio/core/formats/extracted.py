"""Documents from text pulled out of rich files: Word, HTML, Markdown, PDF.

A reader turns its file into :class:`Block` s, one per paragraph (a heading, a table row, a
list item, the text of a PDF page between blank lines), each with where it came from. Blocks
are joined with a blank line between them, so a sentence never runs from one paragraph into
the next (the sentence splitters always break at a blank line); in a table row (``cells``) each tab
starts a cell, and a sentence never runs across one either. The document keeps its
source in ``doc.meta["source"]``::

    {"file": "report.pdf", "format": "pdf",
     "paragraphs": [{"start": 0, "end": 48, "page": 1}, ...]}

``start``/``end`` are character offsets on the extracted text, the same offsets spans use;
the other keys of a paragraph depend on the format (``page``; ``part``/``paragraph``/``table``/
``row`` in Word; ``tag``/``line`` in HTML; ``block``/``line`` in Markdown).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from ner_studio.core.text.document import Document
from ner_studio.core.errors import FormatError
from ner_studio.core.text.sentences import document_from_text

PARAGRAPH_BREAK = "\n\n"
# Characters no text view shows and no tokenizer wants: C0 controls other than tab and
# newline, and the BOM (a Word field or a PDF's text layer can carry them).
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff]")
_SPACES = re.compile(r"[ \xa0]+")
_AROUND_BREAKS = re.compile(r" *([\n\t]) *")
_BLANK_LINES = re.compile(r"\n\s*\n")
_TAB = re.compile("\t+")


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph's text and where it came from (``{"page": 3}``, ``{"tag": "li"}``);
    ``cells``: the text is a table row whose tabs separate cells, each its own sentences."""

    text: str
    where: dict = field(default_factory=dict)
    cells: bool = False


def tidy(text: str) -> str:
    """Runs of spaces to one, no spaces around line breaks and tabs, no control characters,
    LF line breaks; what a paragraph's text becomes before it joins the document."""
    text = _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _AROUND_BREAKS.sub(r"\1", _SPACES.sub(" ", text)).strip()


def _tidied(blocks: Iterable[Block]) -> Iterator[Block]:
    """The blocks as they join a document: tidied, blank lines inside closed up, empty ones gone."""
    for block in blocks:
        text = _BLANK_LINES.sub("\n", tidy(block.text))
        if text:
            yield replace(block, text=text)


def build_document(blocks: Iterable[Block], path: str | Path | None, fmt: str, *, splitter=None,
                   name: str | None = None, **about) -> Document:
    """One document from ``blocks`` (empty ones skipped), split into sentences by ``splitter``
    (``core.text.sentences.resolve``); ``about`` adds keys to the source record (e.g. the PDF's
    pages without text). :class:`FormatError` if no text is left."""
    pieces: list[str] = []
    paragraphs: list[dict] = []
    cell_starts: list[int] = []
    offset = 0
    for block in _tidied(blocks):
        if pieces:
            pieces.append(PARAGRAPH_BREAK)
            offset += len(PARAGRAPH_BREAK)
        pieces.append(block.text)
        paragraphs.append({"start": offset, "end": offset + len(block.text), **block.where})
        if block.cells:
            cell_starts.extend(offset + m.end() for m in _TAB.finditer(block.text))
        offset += len(block.text)
    if not paragraphs:
        raise FormatError(f"the {FORMAT_NAMES.get(fmt, fmt)} file has no text to tag", path)
    if name is None:
        name = Path(path).stem if path is not None else ""
    doc = document_from_text("".join(pieces), name=name, splitter=splitter, breaks=cell_starts)
    source = {"file": Path(path).name if path is not None else "", "format": fmt}
    doc.meta["source"] = {**source, **about, "paragraphs": paragraphs}
    return doc


def plan_parts(blocks: Iterable[Block], part_chars: int) -> list[list[Block]]:
    """The tidied blocks grouped into parts of about ``part_chars`` characters at most.

    Why: every token costs Python objects, so one document of 50 MB of text takes gigabytes;
    the blocks themselves are cheap. Parts are cut between paragraphs; a paragraph longer
    than a part is cut at a line break, else after a sentence's full stop, else at a space."""
    return _group(_tidied(blocks), part_chars)


def part_documents(parts: list[list[Block]], path: str | Path | None, fmt: str, *, splitter=None,
                   **about) -> Iterator[Document]:
    """A document per part of :func:`plan_parts`, made one at a time as they are taken: one
    part is the whole text, exactly as :func:`build_document` makes it; several are named
    ``NAME.html (part K of N)`` and their source records say ``"part": K, "parts": N``.
    :class:`FormatError` if there is no text at all."""
    if len(parts) <= 1:
        yield build_document(parts[0] if parts else [], path, fmt, splitter=splitter, **about)
        return
    label = Path(path).name if path is not None else FORMAT_NAMES.get(fmt, fmt)
    for number in range(1, len(parts) + 1):
        part, parts[number - 1] = parts[number - 1], []  # let each part's blocks go once built
        yield build_document(part, path, fmt, splitter=splitter, name=f"{label} (part {number} of {len(parts)})",
                             **about, part=number, parts=len(parts))


def _group(blocks: Iterable[Block], part_chars: int) -> list[list[Block]]:
    parts: list[list[Block]] = [[]]
    size = 0
    for block in blocks:
        for text in _cut_long(block.text, part_chars):
            if not text:
                continue
            if parts[-1] and size + len(text) > part_chars:
                parts.append([])
                size = 0
            parts[-1].append(replace(block, text=text))
            size += len(text) + len(PARAGRAPH_BREAK)
    return parts if parts[0] else []


_CUTS = ("\n", ". ", " ")


def _cut_long(text: str, limit: int) -> Iterator[str]:
    """``text`` in pieces of at most ``limit`` characters, cut at the best place in the
    second half of each (see :func:`build_documents`); anywhere if there is none."""
    start = 0
    while len(text) - start > limit:
        end = start + limit
        for mark in _CUTS:
            found = text.rfind(mark, start + limit // 2, end)
            if found >= 0:
                end = found + len(mark)
                break
        yield text[start:end].strip()
        start = end
    yield text[start:].strip()


FORMAT_NAMES = {"docx": "Word", "html": "HTML", "md": "Markdown", "pdf": "PDF"}


def paragraph_at(doc: Document, offset: int) -> dict | None:
    """The source record of the paragraph holding character ``offset``, if the document
    came from a rich file."""
    for paragraph in doc.meta.get("source", {}).get("paragraphs", ()):
        if paragraph["start"] <= offset < paragraph["end"]:
            return paragraph
    return None
