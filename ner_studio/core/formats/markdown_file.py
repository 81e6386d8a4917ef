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

from ner_studio.core.text.document import Document
from ner_studio.core.formats.extracted import Block, build_document

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
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


def markdown_blocks(text: str) -> list[Block]:
    from markdown_it import MarkdownIt

    front = _FRONT_MATTER.match(text)
    if front:  # blank it out line for line, so line numbers still match the file
        text = "\n" * front.group().count("\n") + text[front.end() :]
    parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
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
            blocks.append(Block("\t".join(row), {"block": "table row", "line": row_line}, cells=True))
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


def parse_markdown(text: str, path: str | Path | None = None, splitter=None) -> list[Document]:
    return [build_document(markdown_blocks(text), path, "md", splitter=splitter)]
