"""Word ``.docx`` files: opened with python-docx, their XML read with lxml.

Reading order, section by section: the section's headers (unless they repeat the previous
one's), its paragraphs and tables in document order, its footers; then footnotes, endnotes
and comments. A body without sections (no ``w:sectPr``) is read the same. All of a
paragraph's runs count, wherever they sit (hyperlinks, fields, content controls, tracked
insertions; not tracked deletions); a text box becomes paragraphs of its own after the one
holding it. A table row becomes one paragraph with its cells separated by tabs (merged cells
once); a cell's own paragraphs and nested tables are joined with spaces (its own tabs too), so
every tab in a row starts a cell, and each cell is sentences of its own: no sentence, so no
model entity, runs from one cell into the next. Paragraph sources:
``{"part": "body", "paragraph": 7}`` (counted from 0 over the body), ``{"part": "table",
"table": 2, "row": 0}``, ``{"part": "header", "section": 0}`` (``"page": "first"`` or
``"even"`` for those pages' own), ``"footer"``, ``{"part": "text box", "box": 0}``,
``{"part": "footnote", "id": "1"}``, ``"endnote"``, ``"comment"``.

A zip bomb is refused before anything is unpacked (:func:`check_sizes`).
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Iterator
from pathlib import Path

from ner_studio.core.text.document import Document
from ner_studio.core.errors import FormatError
from ner_studio.core.formats.extracted import Block, build_document

log = logging.getLogger(__name__)

# Unpacked sizes read at most (check_sizes): the XML of a 50 MB text is a few hundred MB.
MEMBER_LIMIT = 256 * 10**6
TOTAL_LIMIT = 512 * 10**6
RATIO_LIMIT = 100
RATIO_FROM = 10**6  # small members may compress any amount (an empty style sheet, a blank image)
NOT_A_ZIP = (
    "not a Word .docx file: it is not a zip archive (damaged, or an old .doc or another "
    "format renamed); open it in Word or LibreOffice and save it as .docx"
)


def not_docx_reason(data: bytes) -> str | None:
    """None for a zip archive holding ``word/document.xml`` (what every .docx is), else why
    the bytes are not a Word file."""
    if not data.startswith(b"PK"):
        return NOT_A_ZIP
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return NOT_A_ZIP.replace("it is not a zip archive", "the zip archive is damaged or cut short")
    return None if "word/document.xml" in names else "a zip archive without word/document.xml: not a Word document"


def is_docx(data: bytes) -> bool:
    return data.startswith(b"PK\x03\x04") and not_docx_reason(data) is None


def check_sizes(data: bytes, path=None) -> None:
    """Refuse a zip bomb before anything is unpacked: a member larger than ``MEMBER_LIMIT``,
    members together larger than ``TOTAL_LIMIT``, or one that inflates more than
    ``RATIO_LIMIT`` times (as Apache POI does). The sizes are the archive's own claims, and
    zipfile never unpacks more than a member claims (a lie ends in a CRC error)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
    total = 0
    for info in members:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MEMBER_LIMIT or total > TOTAL_LIMIT or (info.file_size > RATIO_FROM and ratio > RATIO_LIMIT):
            size = f"{info.file_size / 1e6:,.0f} MB"
            raise FormatError(
                f"the Word file unpacks to more than NER Studio reads ({info.filename}: {size} from "
                f"{info.compress_size / 1e6:,.1f} MB; limits: {MEMBER_LIMIT // 10**6} MB a part, "
                f"{TOTAL_LIMIT // 10**6} MB in all, {RATIO_LIMIT}x compression); a damaged file or a "
                f"zip bomb. Split a genuine document into smaller files", path)


def _open(data: bytes, path):
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import LxmlError

    reason = not_docx_reason(data)
    if reason is not None:
        raise FormatError(reason, path)
    check_sizes(data, path)
    try:
        return docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, LxmlError) as error:
        log.warning("cannot open Word document %s", path, exc_info=True)
        raise FormatError(f"the Word document is damaged and cannot be read ({error})", path) from None


def _q(tag: str) -> str:
    prefix, name = tag.split(":")
    return f"{{{NS[prefix]}}}{name}"


NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
}
P, TBL, TR, TC, T, SDT, SDT_CONTENT, CUSTOM_XML, TXBX, FALLBACK, MOVE_FROM, SECT_PR, V_MERGE = map(_q, (
    "w:p", "w:tbl", "w:tr", "w:tc", "w:t", "w:sdt", "w:sdtContent", "w:customXml", "w:txbxContent",
    "mc:Fallback", "w:moveFrom", "w:sectPr", "w:vMerge"))
# Run content that stands for a character (as python-docx's run.text reads it).
_CHARACTERS = {_q("w:tab"): "\t", _q("w:ptab"): "\t", _q("w:br"): "\n", _q("w:cr"): "\n", _q("w:noBreakHyphen"): "-"}
# Never text: a drawing's fallback repeats its text box, moved-from text is a tracked deletion.
_NOT_TEXT = frozenset((TXBX, FALLBACK, MOVE_FROM))
_WRAPPERS = frozenset((SDT, SDT_CONTENT, CUSTOM_XML))


def _paragraph(p) -> tuple[str, list]:
    """``(the paragraph's text, its text boxes' w:txbxContent elements)``. All of its runs
    count, wherever they sit (hyperlinks, fields, content controls, tracked insertions)."""
    pieces: list[str] = []
    boxes: list = []
    stack = list(reversed(p))
    while stack:
        element = stack.pop()
        tag = element.tag
        if tag == T:
            pieces.append(element.text or "")
        elif tag in _CHARACTERS:
            pieces.append(_CHARACTERS[tag])
        elif tag == TXBX:
            boxes.append(element)
        elif tag not in _NOT_TEXT:
            stack.extend(reversed(element))
    return "".join(pieces), boxes


class _Reader:
    """Walks a story (the body, a header, a cell, a text box, a note) as blocks."""

    def __init__(self):
        self.paragraph = self.table = self.box = 0

    def story(self, container, where: dict, body: bool = False) -> Iterator[Block | object]:
        """Blocks of ``container``'s content; in the body, also a section's ``w:sectPr``
        (a paragraph ending a section holds it) so the caller can place headers."""
        for element in container:
            tag = element.tag
            if tag == P:
                text, boxes = _paragraph(element)
                if body:
                    where = {"part": "body", "paragraph": self.paragraph}
                    self.paragraph += 1
                yield Block(text, where)
                for box in boxes:
                    yield from self.story(box, {"part": "text box", "box": self.box})
                    self.box += 1
                if body and element.find(f"{_q('w:pPr')}/{SECT_PR}") is not None:
                    yield SECT_PR
            elif tag == TBL:
                number = self.table
                if body:
                    self.table += 1
                for row, text in self._rows(element):
                    yield Block(text, {"part": "table", "table": number, "row": row} if body else where, cells=True)
            elif tag in _WRAPPERS:
                yield from self.story(element, where, body)

    def _rows(self, table) -> Iterator[tuple[int, str]]:
        """``(row index, cells joined by tabs)``; a cell merged over columns or rows counts once."""
        for index, tr in enumerate(tr for tr in table.iter(TR) if _owner(tr, TBL) is table):
            cells = []
            for tc in tr.iter(TC):
                if _owner(tc, TR) is not tr:  # a nested table's: read with its cell
                    continue
                merge = tc.find(f"{_q('w:tcPr')}/{V_MERGE}")
                if merge is not None and merge.get(_q("w:val"), "continue") == "continue":
                    continue  # the rest of a vertically merged cell: no text of its own
                # A cell's own tabs become spaces: every tab in a row starts a cell.
                pieces = (b.text.replace("\t", " ").strip() for b in self.story(tc, {}) if isinstance(b, Block))
                cells.append(" ".join(piece for piece in pieces if piece))
            if any(cells):
                yield index, "\t".join(cells)


def _owner(element, tag: str):
    parent = element.getparent()
    while parent is not None and parent.tag != tag:
        parent = parent.getparent()
    return parent


HEADERS = (("header", None), ("first_page_header", "first"), ("even_page_header", "even"))
FOOTERS = (("footer", None), ("first_page_footer", "first"), ("even_page_footer", "even"))
NOTES = (("footnotes", "footnote"), ("endnotes", "endnote"), ("comments", "comment"))


def _blocks(document) -> Iterator[Block]:
    """Section by section: its headers, its body content, its footers; then footnotes,
    endnotes and comments. The body is read whole, whether or not it declares sections."""
    reader = _Reader()
    sections = list(document.sections)
    seen_parts: set = set()

    def parts(number: int, kinds) -> Iterator[Block]:
        if number >= len(sections):
            return
        for attribute, which in kinds:
            part = getattr(sections[number], attribute)
            # A header "linked to previous" is the previous section's: shown once.
            if part.is_linked_to_previous or part.part in seen_parts:
                continue
            seen_parts.add(part.part)
            where = {"part": attribute.rsplit("_", 1)[-1], "section": number}
            if which:
                where["page"] = which
            yield from (b for b in reader.story(part.part.element, where) if isinstance(b, Block))

    section = 0
    yield from parts(section, HEADERS)
    for item in reader.story(document.element.body, {}, body=True):
        if item is SECT_PR:
            yield from parts(section, FOOTERS)
            section += 1
            yield from parts(section, HEADERS)
        else:
            yield item
    yield from parts(section, FOOTERS)  # the last section's, declared by the body's own w:sectPr
    yield from _notes(document, reader)


def _notes(document, reader: _Reader) -> Iterator[Block]:
    from docx.oxml.parser import parse_xml

    for rel in document.part.rels.values():
        kind = next((name for part, name in NOTES if rel.reltype.endswith("/" + part)), None)
        if kind is None or rel.is_external:
            continue
        part = rel.target_part
        root = part.element if hasattr(part, "element") else parse_xml(part.blob)
        for note in root:
            if note.get(_q("w:type")) in ("separator", "continuationSeparator", "continuationNotice"):
                continue
            where = {"part": kind, "id": note.get(_q("w:id"))}
            yield from (b for b in reader.story(note, where) if isinstance(b, Block))


def docx_content(data: bytes, path: str | Path | None = None) -> tuple[list[Block], dict]:
    """``(blocks in reading order, what the source record says besides them)``."""
    from lxml.etree import LxmlError

    document = _open(data, path)
    try:
        return list(_blocks(document)), {}
    except (KeyError, ValueError, AttributeError, TypeError, LxmlError) as error:
        log.warning("cannot read the content of Word document %s", path, exc_info=True)
        raise FormatError(f"the Word document is damaged and cannot be read ({error})", path) from None


def read_docx(data: bytes, path: str | Path | None = None, splitter=None) -> list[Document]:
    """One document with the text of the Word file in reading order."""
    blocks, about = docx_content(data, path)
    return [build_document(blocks, path, "docx", splitter=splitter, **about)]
