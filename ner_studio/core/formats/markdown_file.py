"""Markdown files, parsed with markdown-it-py (CommonMark, plus GitHub's tables and
strikethrough).

The markup goes, the text stays: emphasis markers, link targets and image addresses are
dropped while link text and image descriptions are kept; entities are decoded; headings,
paragraphs, list items, table rows (cells separated by tabs), code blocks and quotes become
paragraphs. Raw HTML blocks keep their visible text. A YAML front matter block is skipped.
Paragraph sources: ``{"block": "heading", "line": 1}`` (line numbers of the file, from 1).
"""

from __future__ import annotations

import re
from pathlib import Path

from ner_studio.core.document import Document
from ner_studio.core.errors import FormatError
from ner_studio.core.formats.extracted import Block, build_document

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
# Levels of nesting read (a quote is one level, a list two); markdown-it's CommonMark preset
# stops at 20, and 200 stays well inside Python's recursion limit (measured: 400 is fine).
MAX_NESTING = 200
_INLINE_TEXT = {"text": None, "code_inline": None, "softbreak": "\n", "hardbreak": "\n"}


def _inline_text(token) -> str:
    """The text of an inline token: words, code and image descriptions, no markup."""
    pieces = []
    for child in token.children or ():
        if child.type in _INLINE_TEXT:
            pieces.append(_INLINE_TEXT[child.type] or child.content)
        elif child.type == "image":
            pieces.append(_inline_text(child))
    return "".join(pieces)


def _html_text(html: str) -> str:
    from ner_studio.core.formats.html_file import html_blocks

    blocks, _ = html_blocks(f"<body>{html}</body>")
    return "\n".join(block.text for block in blocks)


def _refuse_what_is_too_deep(parser, path) -> None:
    """markdown-it silently skips everything nested deeper than ``maxNesting`` (quotes in
    quotes, lists in lists): that is made an error naming the line where it starts."""
    tokenize = parser.block.tokenize

    def checked(state, start_line: int, end_line: int, *rest):
        if state.level >= MAX_NESTING:
            line = state.skipEmptyLines(start_line)
            if line < end_line and state.sCount[line] >= state.blkIndent:
                raise FormatError(
                    f"the Markdown nests quotes and lists too deeply here (over {MAX_NESTING} levels; a list "
                    f"counts two) for the parser to read; the file is refused rather than read without "
                    f"this part. Flatten the nesting",
                    path, line + 1)
        return tokenize(state, start_line, end_line, *rest)

    parser.block.tokenize = checked


def markdown_blocks(text: str, path: str | Path | None = None) -> list[Block]:
    from markdown_it import MarkdownIt

    front = _FRONT_MATTER.match(text)
    if front:  # blank it out line for line, so line numbers still match the file
        text = "\n" * front.group().count("\n") + text[front.end() :]
    parser = MarkdownIt("commonmark", {"html": True, "maxNesting": MAX_NESTING}).enable(["table", "strikethrough"])
    _refuse_what_is_too_deep(parser, path)
    blocks: list[Block] = []
    kind = "paragraph"
    row: list[str] | None = None
    row_line = 0
    for token in parser.parse(text):
        line = token.map[0] + 1 if token.map else 0
        if token.type == "heading_open":
            kind = "heading"
        elif token.type == "paragraph_open":
            kind = "paragraph"
        elif token.type == "tr_open":
            row, row_line = [], line
        elif token.type == "tr_close" and row is not None:
            blocks.append(Block("\t".join(row), {"block": "table row", "line": row_line}))
            row = None
        elif token.type == "inline":
            if row is not None:
                row.append(_inline_text(token).strip())
            else:
                blocks.append(Block(_inline_text(token), {"block": kind, "line": line}))
        elif token.type in ("fence", "code_block"):
            blocks.append(Block(token.content, {"block": "code", "line": line}))
        elif token.type == "html_block":
            blocks.append(Block(_html_text(token.content), {"block": "html", "line": line}))
    return blocks


def markdown_content(text: str, path: str | Path | None = None) -> tuple[list[Block], dict]:
    """``(blocks, what the source record says besides them)``, as the other rich readers."""
    return markdown_blocks(text, path), {}


def markdown_file_content(data: bytes, path: str | Path | None = None) -> tuple[list[Block], dict]:
    """From the file's bytes (UTF-8), as the other rich readers."""
    from ner_studio.core.formats.text import BOM, decode_text, normalize_newlines

    return markdown_content(normalize_newlines(decode_text(data, path).removeprefix(BOM))[0], path)


def parse_markdown(text: str, path: str | Path | None = None, splitter=None) -> list[Document]:
    return [build_document(markdown_blocks(text, path), path, "md", splitter=splitter)]
