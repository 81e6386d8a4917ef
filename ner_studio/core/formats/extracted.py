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
from collections.abc import Iterable
from dataclasses import dataclass, field
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


def build_document(blocks: Iterable[Block], path: str | Path | None, fmt: str, *, splitter=None, **about) -> Document:
    """One document from ``blocks`` (empty ones skipped), split into sentences by ``splitter``
    (``core.text.sentences.resolve``); ``about`` adds keys to the source record (e.g. the PDF's
    pages without text). :class:`FormatError` if no text is left."""
    pieces: list[str] = []
    paragraphs: list[dict] = []
    cell_starts: list[int] = []
    offset = 0
    for block in blocks:
        text = _BLANK_LINES.sub("\n", tidy(block.text))
        if not text:
            continue
        if pieces:
            pieces.append(PARAGRAPH_BREAK)
            offset += len(PARAGRAPH_BREAK)
        pieces.append(text)
        paragraphs.append({"start": offset, "end": offset + len(text), **block.where})
        if block.cells:
            cell_starts.extend(offset + m.end() for m in _TAB.finditer(text))
        offset += len(text)
    if not paragraphs:
        raise FormatError(f"the {FORMAT_NAMES.get(fmt, fmt)} file has no text to tag", path)
    name = Path(path).stem if path is not None else ""
    doc = document_from_text("".join(pieces), name=name, splitter=splitter, breaks=cell_starts)
    source = {"file": Path(path).name if path is not None else "", "format": fmt}
    doc.meta["source"] = {**source, **about, "paragraphs": paragraphs}
    return doc


FORMAT_NAMES = {"docx": "Word", "html": "HTML", "md": "Markdown", "pdf": "PDF"}


def paragraph_at(doc: Document, offset: int) -> dict | None:
    """The source record of the paragraph holding character ``offset``, if the document
    came from a rich file."""
    for paragraph in doc.meta.get("source", {}).get("paragraphs", ()):
        if paragraph["start"] <= offset < paragraph["end"]:
            return paragraph
    return None
