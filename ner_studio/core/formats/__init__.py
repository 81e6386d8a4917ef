"""Reading and writing documents: CoNLL columns, JSONL spans, plain text; reading Word,
HTML, Markdown and PDF.

The format comes from ``fmt``, else from the file's content and extension (:func:`detect_format`:
a PDF or a Word file is recognised by its bytes whatever its name); readers build every
document before returning, so a failed load changes nothing, and writers replace files
atomically. The readers of rich files live in their own modules and are imported when first
needed, so starting the app does not load lxml or pypdf.

May import: text, learning.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from ner_studio.core.atomic import atomic_write_text
from ner_studio.core.errors import FormatError, TagError
from ner_studio.core.formats import conll, jsonl
from ner_studio.core.formats import text as plain
from ner_studio.core.formats.docx_file import is_docx, not_docx_reason
from ner_studio.core.formats.extracted import FORMAT_NAMES
from ner_studio.core.formats.html_file import looks_like_html
from ner_studio.core.text.tags import check_scheme

log = logging.getLogger(__name__)

WRITABLE = ("conll", "jsonl")
FORMATS = ("conll", "jsonl", "txt", "docx", "html", "md", "pdf")
# Formats read from bytes (binary, or text whose encoding the file itself declares).
BYTE_READERS = {
    "docx": ("ner_studio.core.formats.docx_file", "read_docx"),
    "html": ("ner_studio.core.formats.html_file", "read_html"),
    "pdf": ("ner_studio.core.formats.pdf_file", "read_pdf"),
}
# Formats whose text is pulled out of markup: function(data, path) -> (paragraph blocks,
# source record keys); see formats/extracted.py.
EXTRACTED = {
    "docx": ("ner_studio.core.formats.docx_file", "docx_content"),
    "html": ("ner_studio.core.formats.html_file", "page_content"),
    "md": ("ner_studio.core.formats.markdown_file", "markdown_file_content"),
    "pdf": ("ner_studio.core.formats.pdf_file", "pdf_content"),
}
EXTENSIONS = {
    ".conll": "conll", ".iob": "conll", ".iob1": "conll", ".iob2": "conll", ".bio": "conll",
    ".bioes": "conll", ".tsv": "conll",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
    ".txt": "txt", ".text": "txt",
    ".docx": "docx", ".html": "html", ".htm": "html", ".xhtml": "html",
    ".md": "md", ".markdown": "md", ".pdf": "pdf",
}
# What each format read is called where the app lists them (File > Open Files, its tip), in
# that order.
READABLE = {"txt": "plain text", "conll": "CoNLL", "jsonl": "JSONL", **FORMAT_NAMES}


def readable_formats(conjunction: str = "or") -> str:
    """Every format read, for a sentence: "plain text, CoNLL, JSONL, Word, HTML, Markdown or PDF"."""
    names = list(READABLE.values())
    return f"{', '.join(names[:-1])} {conjunction} {names[-1]}"


def file_patterns(formats=READABLE) -> str:
    """The file name patterns of ``formats`` for a file dialog's filter: "*.txt *.text ..."."""
    return " ".join(f"*{suffix}" for fmt in formats for suffix, of in EXTENSIONS.items() if of == fmt)


# Document formats people will try that NER Studio does not read, with what to do instead.
UNSUPPORTED = {
    ".doc": "the old Word 97-2003 .doc format is not supported; save the file as .docx",
    ".rtf": "RTF is not supported; save the file as .docx",
    ".odt": "OpenDocument text is not supported; save the file as .docx",
}


def names_apart(docs, path: str | Path, others: set[str], earlier: Iterable[str] = ()) -> None:
    """Rename ``docs`` read from ``path`` so they stand apart from documents of other files.

    Readers name documents after the file without its extension ("tagged", "tagged #2"), so
    tagged.conll and tagged.jsonl, or report.docx and report.pdf, would share names ("tagged",
    or "tagged #1" beside "tagged": which file is which?). If a name in ``others`` (names of
    other files' documents) is named after the same stem, every document named after this
    file takes its full name instead: "tagged.jsonl", "tagged.jsonl #2". The later parts of a
    big file follow what its ``earlier`` parts' names say was decided. A name a JSONL record
    gives itself is left alone."""
    path = Path(path)
    stem, full = path.stem, path.name
    if stem == full:
        return

    def named_after(name: str, base: str) -> bool:
        return name == base or name.startswith(f"{base} #")

    ours = [doc for doc in docs if named_after(doc.name, stem)]
    earlier = list(earlier)
    if earlier:
        rename = any(named_after(n, full) for n in earlier)
    else:
        rename = bool(ours) and any(named_after(n, stem) for n in others)
    if rename:
        for doc in ours:
            doc.name = full + doc.name[len(stem):]


def _check_fmt(fmt: str) -> str:
    if fmt not in FORMATS:
        raise FormatError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return fmt


def format_of(path: str | Path, text: str | None = None) -> str:
    """The format a path's extension names. With the file's ``text``, a ``.txt`` file laid out
    in CoNLL columns counts as CoNLL and an unknown extension is recognised by content."""
    fmt = EXTENSIONS.get(Path(path).suffix.lower())
    if text is None or fmt in ("conll", "jsonl"):
        if fmt is None:
            raise FormatError(
                f"cannot tell the format from the extension {Path(path).suffix or '(none)'!r}; "
                f"use .conll, .jsonl, .txt, .docx, .html, .md or .pdf, or name the format "
                f"(--from/--to)", path)
        return fmt
    if plain.looks_like_conll(text):
        return "conll"
    if fmt is None and text.lstrip("\ufeff \t\r\n").startswith("{"):
        return "jsonl"
    return fmt or "txt"


def detect_format(path: str | Path, data: bytes) -> str:
    """The format of a file from its bytes and its extension. Content wins: a PDF or a Word
    file is read as such whatever its name, a page starting ``<!DOCTYPE html>`` is HTML even
    in a ``.txt``; a ``.pdf`` or ``.docx`` that is not one is an error that says so."""
    suffix = Path(path).suffix.lower()
    fmt = EXTENSIONS.get(suffix)
    # The header may follow some junk (the PDF standard allows it in the first 1024 bytes):
    # trusted only in a file that says it is a PDF.
    if data.startswith(b"%PDF-") or (fmt == "pdf" and b"%PDF-" in data[:1024]):
        return "pdf"
    if is_docx(data):
        return "docx"
    if suffix in UNSUPPORTED:
        raise FormatError(UNSUPPORTED[suffix], path)
    if fmt == "docx":
        raise FormatError(not_docx_reason(data), path)
    if fmt == "pdf":
        raise FormatError("not a PDF: the file does not start with %PDF- (damaged, or another "
                          "kind of file renamed .pdf)", path)
    if fmt in ("html", "md"):
        return fmt
    if fmt in (None, "txt") and looks_like_html(data):
        return "html"
    return format_of(path, plain.decode_text(data, path))


def _read_bytes_format(fmt: str, data: bytes, path, splitter):
    from importlib import import_module

    module, function = BYTE_READERS[fmt]
    return getattr(import_module(module), function)(data, path, splitter)


def read_content(fmt: str, data: bytes, path):
    """``(blocks, source record keys)`` of a Word, HTML, Markdown or PDF file's bytes."""
    from importlib import import_module

    module, function = EXTRACTED[fmt]
    return getattr(import_module(module), function)(data, path)


def parse_documents(text: str, fmt: str, path: str | Path | None = None, *, name: str = "", splitter=None) -> list:
    """Documents from a string already decoded (no file needed). Text without given
    sentences is split by ``splitter``: ``"punkt"`` (the default), ``"rules"``, or an object
    with ``split(text, tokens)`` such as a project's learning splitter (``core/text/sentences.py``)."""
    _check_fmt(fmt)
    if fmt == "conll":
        return conll.parse_conll(text, path, name=name)
    if fmt == "jsonl":
        return jsonl.parse_jsonl(text, path, name=name, splitter=splitter)
    if fmt in ("html", "md"):
        from ner_studio.core.formats import html_file, markdown_file

        parse = html_file.parse_html if fmt == "html" else markdown_file.parse_markdown
        docs = parse(plain.normalize_newlines(text.removeprefix(plain.BOM))[0], path, splitter)
        if name:
            docs[0].name = name
        return docs
    if fmt in BYTE_READERS:
        raise FormatError(f"{fmt} documents are read from files, not from text", path)
    try:
        return [plain.parse_text(text, name=name or (Path(path).stem if path else ""), splitter=splitter)]
    except FormatError as error:
        raise FormatError(error.reason, path, error.line) from None


def format_documents(docs, fmt: str, scheme: str = "iob2", *, kb_names=None, kb_column: bool = False) -> str:
    """``kb_names`` (entry id -> name) adds each link's name to JSONL; ``kb_column`` adds
    the links as a last CoNLL column (see conll.format_document)."""
    try:
        check_scheme(scheme)
    except TagError as error:
        raise FormatError(error.reason) from None
    if _check_fmt(fmt) == "conll":
        return conll.format_conll(docs, scheme, kb_column)
    if fmt == "jsonl":
        return jsonl.format_jsonl(docs, kb_names)
    if fmt == "txt":
        raise FormatError("plain text cannot hold entities; save as .conll or .jsonl")
    raise FormatError(f"NER Studio reads {fmt} files but does not write them; save as .conll or .jsonl")


def read_file_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise FormatError(f"cannot read the file: {error.strerror or error}", path) from None


def read_documents(path: str | Path, fmt: str | None = None, *, splitter=None) -> list:
    """All documents in ``path``; raises :class:`FormatError` (file, line, reason).
    ``splitter``: how text without given sentences is split (see :func:`parse_documents`)."""
    path = Path(path)
    data = read_file_bytes(path)
    fmt = _check_fmt(fmt) if fmt else detect_format(path, data)
    if fmt in BYTE_READERS:
        return _read_bytes_format(fmt, data, path, splitter)
    return parse_documents(plain.decode_text(data, path), fmt, path, splitter=splitter)


def write_documents(docs, path: str | Path, fmt: str | None = None, scheme: str = "iob2", *,
                    kb_names=None, kb_column: bool = False) -> None:
    """Write ``docs`` to ``path`` atomically, as ``fmt`` or the format the extension names
    (``kb_names``, ``kb_column``: see :func:`format_documents`)."""
    path = Path(path)
    docs = list(docs)
    try:
        text = format_documents(docs, _check_fmt(fmt) if fmt else format_of(path), scheme,
                                kb_names=kb_names, kb_column=kb_column)
    except FormatError as error:
        if error.path is not None:
            raise
        raise FormatError(error.reason, path, error.line) from None
    try:
        atomic_write_text(path, text)
    except OSError as error:
        raise FormatError(f"cannot write the file: {error.strerror or error}", path) from None
    log.info("exported %d documents (%d entities) to %s", len(docs), sum(len(d.spans) for d in docs), path)
