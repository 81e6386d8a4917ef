"""PDF files with a text layer, read with pypdf.

Each page's text comes in pypdf's reading order (the order of the page's content stream,
rotated pages turned upright). A word hyphenated at a line end is joined again
("infor-" + "mation" -> "information"); page breaks become paragraph breaks, and every
paragraph remembers its page (``{"page": 3}``, counted from 1). A PDF without any text is a
scan: the error says to run OCR first, rather than opening an empty document.
"""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

from ner_studio.core.text.document import Document
from ner_studio.core.errors import FormatError
from ner_studio.core.formats.extracted import Block, build_document

log = logging.getLogger(__name__)

# "infor-\nmation": a letter, a hyphen (or soft hyphen) at the line end, a letter starting the
# next line; joined when that letter is lower case, so "Jean-\nPaul" keeps its hyphen and break.
_HYPHENATED = re.compile(r"(?<=[^\W\d_])[-\u00ad][ \t]*\n[ \t]*(?=[^\W\d_])")
_SOFT_HYPHEN = "\u00ad"
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def page_paragraphs(text: str) -> list[str]:
    """A page's extracted text as paragraphs: hyphenated line ends joined, lines inside a
    paragraph kept, blank lines separating paragraphs."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _HYPHENATED.sub(lambda m: "" if lines[m.end()].islower() else m.group(), lines)
    text = text.replace(_SOFT_HYPHEN, "")
    return [p.strip() for p in _BLANK_LINE.split(text) if p.strip()]


def _open(data: bytes, path):
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = reader.pages
        count = len(pages)
    except FileNotDecryptedError:
        raise FormatError(
            "the PDF is encrypted with a password; open it in a PDF viewer with the password "
            "and save or print an unprotected copy, then load that", path) from None
    except DependencyError:
        raise FormatError(
            "the PDF is encrypted (AES), which NER Studio cannot decrypt; save or print an "
            "unprotected copy and load that", path) from None
    except (PyPdfError, ValueError, KeyError, TypeError, IndexError, AttributeError) as error:
        log.warning("cannot open PDF %s", path, exc_info=True)
        raise FormatError(f"the PDF is damaged and cannot be read ({error})", path) from None
    if reader.is_encrypted:
        from pypdf import PasswordType

        if reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise FormatError("the PDF is encrypted with a password; save an unprotected copy and load that", path)
    return pages, count


def read_pdf(data: bytes, path: str | Path | None = None, splitter=None) -> list[Document]:
    """One document with the text of every page; :class:`FormatError` for an encrypted,
    damaged or scanned (text-less) PDF."""
    blocks, about = pdf_content(data, path)
    return [build_document(blocks, path, "pdf", splitter=splitter, **about)]


def pdf_content(data: bytes, path: str | Path | None = None) -> tuple[list[Block], dict]:
    """``(each page's paragraphs, what the source record says besides them)``."""
    from pypdf.errors import DependencyError, FileNotDecryptedError

    pages, count = _open(data, path)
    blocks: list[Block] = []
    empty_pages: list[int] = []
    for number in range(1, count + 1):
        try:
            text = pages[number - 1].extract_text() or ""
        except FileNotDecryptedError:
            raise FormatError("the PDF is encrypted with a password; save an unprotected copy and load that", path) from None
        except DependencyError:
            raise FormatError("the PDF is encrypted (AES), which NER Studio cannot decrypt; save an unprotected copy", path) from None
        except Exception as error:  # noqa: BLE001 - a damaged page of untrusted input, logged
            log.warning("cannot extract the text of page %d of %s", number, path, exc_info=True)
            raise FormatError(f"page {number} of the PDF is damaged ({type(error).__name__}: {error})", path) from None
        paragraphs = page_paragraphs(text)
        if not paragraphs:
            empty_pages.append(number)
        blocks.extend(Block(p, {"page": number}) for p in paragraphs)
    if not blocks:
        raise FormatError(
            f"scanned: no text to tag; run OCR first (none of its {count} pages has a text layer)"
            if count else "the PDF has no pages", path)
    about = {"pages": count}
    if empty_pages:
        about["pages_without_text"] = empty_pages
    return blocks, about
