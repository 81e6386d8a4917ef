"""Plain text files, and the byte checks every text-based reader shares.

Line endings: CRLF and lone CR are turned into LF when a file is loaded, so offsets refer to
the text as loaded (one character per line break, as in Qt's text widgets) rather than to the
file's bytes; ``doc.meta["newline"]`` remembers ``"\\r\\n"`` so a writer can restore it.
"""

from __future__ import annotations

from pathlib import Path

from ner_studio.core.text.document import Document
from ner_studio.core.errors import FormatError, TagError
from ner_studio.core.text.sentences import document_from_text
from ner_studio.core.text.tags import parse_tag

BOM = "\ufeff"


def _line_of_byte(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode_text(data: bytes, path: str | Path | None = None) -> str:
    """UTF-8 bytes (BOM optional) to text; a clear :class:`FormatError` for empty, binary,
    UTF-16 or otherwise undecodable files."""
    if not data or data.isspace():
        raise FormatError("the file is empty", path)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FormatError("the file is UTF-16; save it as UTF-8 and load it again", path, 1)
    nul = data.find(b"\x00")
    if nul >= 0:
        raise FormatError(
            "this is a binary file, not text (it contains NUL bytes); expected UTF-8 text",
            path,
            _line_of_byte(data, nul),
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        bad = data[error.start : error.start + 4]
        raise FormatError(
            f"not valid UTF-8 (byte {bad[:1].hex()} at byte offset {error.start}); "
            f"save the file as UTF-8",
            path,
            _line_of_byte(data, error.start),
        ) from None
    return text.removeprefix(BOM)


def normalize_newlines(text: str) -> tuple[str, str]:
    """``(text with LF line breaks, the file's line break)``."""
    if "\r" not in text:
        return text, "\n"
    newline = "\r\n" if "\r\n" in text else "\r"
    return text.replace("\r\n", "\n").replace("\r", "\n"), newline


def parse_text(text: str, *, name: str = "", splitter=None) -> Document:
    """One document from plain text, tokenized and sentence-split offline (``splitter``: see
    ``core.text.sentences.resolve``)."""
    text, newline = normalize_newlines(text.removeprefix(BOM))
    if not text.strip():
        raise FormatError("the text is empty or only whitespace")
    doc = document_from_text(text, name=name, splitter=splitter)
    if newline != "\n":
        doc.meta["newline"] = newline
    return doc


def read_text(path: str | Path) -> list[Document]:
    path = Path(path)
    text = decode_text(path.read_bytes(), path)
    try:
        return [parse_text(text, name=path.stem)]
    except FormatError as error:
        raise FormatError(error.reason, path, error.line) from None


def looks_like_conll(text: str, sample_lines: int = 200) -> bool:
    """Whether a ``.txt`` file is really CoNLL columns: every non-blank line among the first
    ``sample_lines`` has at least two columns and ends in an O/B-/I-/E-/S- tag."""
    seen = 0
    for line in text.split("\n", sample_lines * 4)[: sample_lines * 4]:
        fields = line.split()
        if not fields:
            continue
        if fields[0] == "-DOCSTART-":
            continue
        if len(fields) < 2:
            return False
        try:
            parse_tag(fields[-1])
        except TagError:
            return False
        seen += 1
        if seen >= sample_lines:
            break
    return seen >= 2
