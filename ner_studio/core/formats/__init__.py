"""Reading and writing documents: CoNLL columns, JSONL spans, plain text.

The format comes from ``fmt`` or the file's extension; readers build every document before
returning, so a failed load changes nothing, and writers replace files atomically.
"""

from __future__ import annotations

from pathlib import Path

from ner_studio.core.atomic import atomic_write_text
from ner_studio.core.errors import FormatError, TagError
from ner_studio.core.formats import conll, jsonl
from ner_studio.core.formats import text as plain
from ner_studio.core.tags import check_scheme

FORMATS = ("conll", "jsonl", "txt")
EXTENSIONS = {
    ".conll": "conll", ".iob": "conll", ".iob1": "conll", ".iob2": "conll", ".bio": "conll",
    ".bioes": "conll", ".tsv": "conll",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
    ".txt": "txt", ".text": "txt",
}


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
                f"use .conll, .jsonl or .txt, or name the format (--from/--to)", path)
        return fmt
    if plain.looks_like_conll(text):
        return "conll"
    if fmt is None and text.lstrip("\ufeff \t\r\n").startswith("{"):
        return "jsonl"
    return fmt or "txt"


def parse_documents(text: str, fmt: str, path: str | Path | None = None, *, name: str = "") -> list:
    """Documents from a string already decoded (no file needed)."""
    _check_fmt(fmt)
    if fmt == "conll":
        return conll.parse_conll(text, path, name=name)
    if fmt == "jsonl":
        return jsonl.parse_jsonl(text, path, name=name)
    try:
        return [plain.parse_text(text, name=name or (Path(path).stem if path else ""))]
    except FormatError as error:
        raise FormatError(error.reason, path, error.line) from None


def format_documents(docs, fmt: str, scheme: str = "iob2") -> str:
    try:
        check_scheme(scheme)
    except TagError as error:
        raise FormatError(error.reason) from None
    if _check_fmt(fmt) == "conll":
        return conll.format_conll(docs, scheme)
    if fmt == "jsonl":
        return jsonl.format_jsonl(docs)
    raise FormatError("plain text cannot hold entities; save as .conll or .jsonl")


def read_documents(path: str | Path, fmt: str | None = None) -> list:
    """All documents in ``path``; raises :class:`FormatError` (file, line, reason)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise FormatError(f"cannot read the file: {error.strerror or error}", path) from None
    text = plain.decode_text(data, path)
    return parse_documents(text, _check_fmt(fmt) if fmt else format_of(path, text), path)


def write_documents(docs, path: str | Path, fmt: str | None = None, scheme: str = "iob2") -> None:
    """Write ``docs`` to ``path`` atomically, as ``fmt`` or the format the extension names."""
    path = Path(path)
    try:
        text = format_documents(docs, _check_fmt(fmt) if fmt else format_of(path), scheme)
    except FormatError as error:
        if error.path is not None:
            raise
        raise FormatError(error.reason, path, error.line) from None
    try:
        atomic_write_text(path, text)
    except OSError as error:
        raise FormatError(f"cannot write the file: {error.strerror or error}", path) from None


def convert_file(
    source: str | Path,
    target: str | Path,
    *,
    source_fmt: str | None = None,
    target_fmt: str | None = None,
    scheme: str = "iob2",
) -> list:
    """Read ``source`` and write its documents to ``target`` (formats from the extensions
    unless given). Returns the documents; raises :class:`FormatError` before writing anything
    if the input is bad."""
    docs = read_documents(source, source_fmt)
    write_documents(docs, target, target_fmt, scheme)
    return docs
