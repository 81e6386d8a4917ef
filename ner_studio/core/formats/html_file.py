"""HTML pages, parsed with lxml's HTML parser (it copes with the tag soup of real pages).

What is read: the visible text of ``<body>``. Scripts, styles, templates, forms' hidden
fields, SVG/MathML and elements hidden with ``hidden``, ``aria-hidden="true"`` or an inline
``display: none`` / ``visibility: hidden`` are dropped. Block elements (``<p>``, headings,
list items, table rows, ``<div>`` ...) become paragraphs, ``<br>`` a line break, table cells
are separated by tabs; whitespace is collapsed as a browser does (kept inside ``<pre>``) and
entities are decoded by the parser. Paragraph sources: ``{"tag": "li", "line": 12}``.

Encoding: a byte-order mark, else the charset the page declares (``<meta charset>`` or an
XML declaration), else UTF-8, else what charset-normalizer detects; a page nothing can decode
is a :class:`FormatError`, never a crash.
"""

from __future__ import annotations

import codecs
import logging
import re
from pathlib import Path

from ner_studio.core.text.document import Document
from ner_studio.core.errors import FormatError
from ner_studio.core.formats.extracted import Block, build_document

log = logging.getLogger(__name__)

SKIPPED = frozenset(
    "head script style noscript template svg math iframe object embed canvas audio video "
    "map select datalist input button textarea".split()
)
BLOCKS = frozenset(
    "address article aside blockquote body caption center dd details dialog div dl dt "
    "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main nav "
    "ol p pre section summary table tbody tfoot thead tr ul legend".split()
)
CELLS = frozenset(("td", "th"))
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_DECLARED = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)
_WHITESPACE = re.compile(r"[ \t\n\r\f]+")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Browsers read these labels as windows-1252 (WHATWG Encoding), and pages rely on it.
MAX_DEPTH = 2048  # libxml2's limit on nested elements with huge_tree (256 without)
_AS_WINDOWS_1252 = frozenset(("iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii"))


def looks_like_html(data: bytes) -> bool:
    """Whether bytes start (after a BOM, blanks, comments or an XML declaration) like a page."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    while head.startswith((b"<!--", b"<?xml")):
        end = head.find(b"-->" if head.startswith(b"<!--") else b"?>")
        if end < 0:
            return False
        head = head[end + 3 if head.startswith(b"<!--") else end + 2 :].lstrip()
    return head.startswith((b"<!doctype html", b"<html"))


def declared_encoding(data: bytes) -> str | None:
    match = _DECLARED.search(data[:4096])
    if match is None:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii").lower()
    return "cp1252" if label in _AS_WINDOWS_1252 else label


def decode_html(data: bytes, path: str | Path | None = None) -> tuple[str, str]:
    """``(text, encoding used)``; see the module docstring for the order of attempts."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                break
    for encoding in (declared_encoding(data), "utf-8"):
        if encoding is None:
            continue
        try:
            return data.decode(encoding), codecs.lookup(encoding).name
        except (LookupError, UnicodeDecodeError):  # an unknown label, or a wrong declaration
            continue
    from charset_normalizer import from_bytes

    guess = from_bytes(data).best()
    if guess is None:
        raise FormatError(
            "cannot tell the text encoding of this HTML file (none declared, not UTF-8, and "
            "no encoding fits); declare it with <meta charset=...> or save the file as UTF-8", path)
    return str(guess), guess.encoding


class _Collector:
    """Walks the tree, gathering each block's text with the element that holds it."""

    def __init__(self):
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.places: list[dict] = [{"tag": "body"}]
        self.in_pre = 0

    def text(self, text: str | None) -> None:
        if text:
            self.parts.append(text if self.in_pre else _WHITESPACE.sub(" ", text))

    def flush(self) -> None:
        if self.parts:
            self.blocks.append(Block("".join(self.parts), self.places[-1]))
            self.parts = []

    def walk(self, root) -> None:
        """Depth first without recursion: a page may nest thousands of elements."""
        stack: list[tuple] = [(root, None)]
        while stack:
            element, leaving = stack.pop()
            if leaving is not None:
                self._leave(leaving)
                self.text(element.tail)
                continue
            tag = element.tag.lower() if isinstance(element.tag, str) else None
            if tag == "br":
                self.parts.append("\n")
            elif tag is not None and not (tag in SKIPPED or _is_hidden(element)):
                self._enter(element, tag)
                stack.append((element, tag))
                stack.extend((child, None) for child in reversed(element))
                continue
            self.text(element.tail)

    def _enter(self, element, tag: str) -> None:
        if tag in BLOCKS:
            self.flush()
            self.places.append({"tag": tag, "line": element.sourceline})
        elif tag in CELLS:
            self.parts.append("\t")
        self.in_pre += tag == "pre"
        self.text(element.text)

    def _leave(self, tag: str) -> None:
        self.in_pre -= tag == "pre"
        if tag in BLOCKS:
            self.flush()
            self.places.pop()


def _is_hidden(element) -> bool:
    get = element.get
    return (
        get("hidden") is not None
        or (get("aria-hidden") or "").lower() == "true"
        or (get("type") or "").lower() == "hidden"
        or bool(_HIDDEN_STYLE.search(get("style") or ""))
    )


def html_blocks(text: str, path: str | Path | None = None) -> tuple[list[Block], str]:
    """``(blocks of visible text, the page's <title>)`` of decoded HTML. libxml2 stops at
    ``MAX_DEPTH`` nested elements (legacy pages with unclosed ``<font>`` get there): such a
    page is refused with the line where it stops, never read in part."""
    import lxml.html
    from lxml.etree import ParserError

    # huge_tree lifts libxml2's depth limit from 256 to 2048 and its limit on a text node's
    # size; HTML has no entity declarations, so none of the XML expansion attacks apply.
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8", "replace"), parser=parser)
    except ParserError:  # "Document is empty"
        return [], ""
    stopped = next((e for e in parser.error_log if e.level_name == "FATAL"), None)
    if stopped is not None:
        log.warning("the HTML parser stopped in %s: %s", path, stopped)
        deep = "depth" in stopped.message.lower()
        raise FormatError(
            f"the page nests its elements more than {MAX_DEPTH} levels deep (tags such as <font> or "
            f"<div> left open), and the HTML parser stops there; the page is not read rather than "
            f"read in part. Close those tags, or open the page in a browser and save it again"
            if deep else f"the HTML parser stopped here and cannot read the rest of the page ({stopped.message})",
            path, stopped.line or None)
    title = " ".join((root.findtext(".//title") or "").split())
    body = root.find("body")
    collector = _Collector()
    for element in ([body] if body is not None else list(root)):
        collector.walk(element)
    collector.flush()
    # A cell's tab opens the cell: drop the one before the first cell of each row.
    # Each cell is its own sentences (``Block.cells``).
    blocks = [Block(b.text.lstrip(" \t"), b.where, cells=True) if b.where.get("tag") == "tr" else b
              for b in collector.blocks]
    return blocks, title


def html_content(text: str, path: str | Path | None = None, **about) -> tuple[list[Block], dict]:
    """``(blocks, what the source record says besides them)`` of decoded HTML."""
    blocks, title = html_blocks(text, path)
    return blocks, {**about, "title": title} if title else about


def parse_html(text: str, path: str | Path | None = None, splitter=None, **about) -> list[Document]:
    blocks, about = html_content(text, path, **about)
    return [build_document(blocks, path, "html", splitter=splitter, **about)]


def page_content(data: bytes, path: str | Path | None = None) -> tuple[list[Block], dict]:
    text, encoding = decode_html(data, path)
    return html_content(text, path, encoding=encoding)


def read_html(data: bytes, path: str | Path | None = None, splitter=None) -> list[Document]:
    blocks, about = page_content(data, path)
    return [build_document(blocks, path, "html", splitter=splitter, **about)]
