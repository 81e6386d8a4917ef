"""Word ``.docx`` files, read with python-docx.

Reading order, section by section: the section's header (unless it repeats the previous
one), its paragraphs and tables in document order, its footer. A table row becomes one
paragraph with its cells separated by tabs (merged cells once); a cell's own paragraphs and
nested tables are joined with spaces (its own tabs too), so every tab in a row starts a cell,
and each cell is sentences of its own: no sentence, so no model entity, runs from one cell
into the next. Paragraph sources: ``{"part": "body", "paragraph": 7}``
(counted from 0 over the body), ``{"part": "table", "table": 2, "row": 0}``,
``{"part": "header", "section": 0}`` / ``"footer"``.
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


def _open(data: bytes, path):
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import LxmlError

    reason = not_docx_reason(data)
    if reason is not None:
        raise FormatError(reason, path)
    try:
        return docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, LxmlError) as error:
        log.warning("cannot open Word document %s", path, exc_info=True)
        raise FormatError(f"the Word document is damaged and cannot be read ({error})", path) from None


def _cell_text(cell) -> str:
    from docx.table import Table

    pieces = []
    for item in cell.iter_inner_content():
        if isinstance(item, Table):
            pieces.extend(text for _, text in _rows(item))
        else:
            pieces.append(item.text)
    return " ".join(piece.replace("\t", " ").strip() for piece in pieces if piece.strip())


def _rows(table) -> Iterator[tuple[int, str]]:
    """``(row index, cells joined by tabs)``; a cell merged over columns or rows counts once."""
    from docx.table import _Cell

    for index, tr in enumerate(table._tbl.tr_lst):
        cells = []
        for tc in tr.tc_lst:
            if tc.vMerge == "continue":  # the rest of a vertically merged cell: no text of its own
                continue
            cells.append(_cell_text(_Cell(tc, table)))
        if any(cells):
            yield index, "\t".join(cells)


def _part_blocks(part, where: dict) -> Iterator[Block]:
    """Paragraphs and table rows of a header or footer."""
    from docx.table import Table

    for item in part.iter_inner_content():
        if isinstance(item, Table):
            yield from (Block(text, where, cells=True) for _, text in _rows(item))
        else:
            yield Block(item.text, where)


def _blocks(document) -> Iterator[Block]:
    from docx.table import Table

    paragraph = table = 0
    seen_parts = set()
    for number, section in enumerate(document.sections):
        ends = []
        for kind in ("header", "footer"):
            part = getattr(section, kind)
            # A header "linked to previous" is the previous section's: shown once.
            if part.is_linked_to_previous or part.part in seen_parts:
                continue
            seen_parts.add(part.part)
            blocks = list(_part_blocks(part, {"part": kind, "section": number}))
            if kind == "header":
                yield from blocks
            else:
                ends = blocks
        for item in section.iter_inner_content():
            if isinstance(item, Table):
                yield from (Block(text, {"part": "table", "table": table, "row": row}, cells=True)
                            for row, text in _rows(item))
                table += 1
            else:
                yield Block(item.text, {"part": "body", "paragraph": paragraph})
                paragraph += 1
        yield from ends


def read_docx(data: bytes, path: str | Path | None = None, splitter=None) -> list[Document]:
    """One document with the text of the Word file in reading order."""
    document = _open(data, path)
    try:
        blocks = list(_blocks(document))
    except (KeyError, ValueError, AttributeError) as error:
        log.warning("cannot read the content of Word document %s", path, exc_info=True)
        raise FormatError(f"the Word document is damaged and cannot be read ({error})", path) from None
    return [build_document(blocks, path, "docx", splitter=splitter)]
