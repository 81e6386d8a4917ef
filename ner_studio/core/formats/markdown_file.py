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
from collections.abc import Iterator
from pathlib import Path

from ner_studio.core.text.document import Document
from ner_studio.core.errors import FormatError
from ner_studio.core.formats.extracted import Block, build_document

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
# Levels of nesting read (a quote is one level, a list two); markdown-it's CommonMark preset
# stops at 20, and 200 stays well inside Python's recursion limit (measured: 400 is fine).
MAX_NESTING = 200
SECTION_CHARS = 1 << 20  # a big file's blocks are parsed about this much at a time
# text_special: an escaped character or an entity, decoded.
_INLINE_TEXT = {"text": None, "text_special": None, "code_inline": None, "softbreak": "\n", "hardbreak": "\n"}


def _children_text(children) -> str:
    """The text of inline tokens: words, code and image descriptions, no markup."""
    pieces = []
    for child in children or ():
        if child.type in _INLINE_TEXT:
            pieces.append(_INLINE_TEXT[child.type] or child.content)
        elif child.type == "image":
            pieces.append(_children_text(child.children))
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
    # Inline markup is parsed a paragraph at a time as its text is taken, and a big file's
    # blocks a section at a time: markdown-it's tokens of 50 MB of text took over a gigabyte.
    parser.disable("inline")
    env: dict = {}
    sections = list(_sections(text, SECTION_CHARS))
    if len(sections) > 1:  # a link's reference may be defined in a later section
        for _, section in sections:
            parser.parse(section, env)
    blocks: list[Block] = []
    for offset, section in sections:
        blocks.extend(_section_blocks(parser, section, env, offset))
    return blocks


def _section_blocks(parser, text: str, env: dict, offset: int) -> Iterator[Block]:
    """The blocks of ``text``, which starts after ``offset`` lines of the file."""

    def inline_text(token) -> str:
        children: list = []
        parser.inline.parse(token.content, parser, env, children)
        return _children_text(children)

    kind = "paragraph"
    row: list[str] | None = None
    row_line = 0
    for token in parser.parse(text, env):
        line = token.map[0] + 1 + offset if token.map else 0
        if token.type == "heading_open":
            kind = "heading"
        elif token.type == "paragraph_open":
            kind = "paragraph"
        elif token.type == "tr_open":
            row, row_line = [], line
        elif token.type == "tr_close" and row is not None:
            yield Block("\t".join(row), {"block": "table row", "line": row_line}, cells=True)
            row = None
        elif token.type == "inline":
            if row is not None:
                row.append(inline_text(token).strip())
            else:
                yield Block(inline_text(token), {"block": kind, "line": line})
        elif token.type in ("fence", "code_block"):
            yield Block(token.content, {"block": "code", "line": line})
        elif token.type == "html_block":
            yield Block(_html_text(token.content), {"block": "html", "line": line})


# Where a section may start: after a blank line, on a line at the margin that can only open a
# paragraph or a heading (not a list item, a quote, a table, a fence or HTML), outside a code
# fence and outside HTML that may hold blank lines.
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_RAW_HTML = re.compile(r" {0,3}<(script|pre|style|textarea|!--)", re.IGNORECASE)
_RAW_HTML_END = {"script": "</script>", "pre": "</pre>", "style": "</style>", "textarea": "</textarea>", "!--": "-->"}
_OPENS_A_PARAGRAPH = re.compile(r"[^\s>*+\-|0-9`~<=_]")


def _sections(text: str, size: int) -> Iterator[tuple[int, str]]:
    """``(lines before it, section)``: ``text`` cut into sections of at least ``size``
    characters where a cut changes nothing a parser reads (see the patterns above)."""
    if len(text) <= size:
        yield 0, text
        return
    lines = text.split("\n")
    start = chars = 0
    fence = raw_end = None
    for number, line in enumerate(lines):
        if fence is None and raw_end is None and chars >= size and number > start and not lines[number - 1].strip() \
                and _OPENS_A_PARAGRAPH.match(line):
            yield start, "\n".join(lines[start:number]) + "\n"
            start, chars = number, 0
        chars += len(line) + 1
        if raw_end is not None:
            raw_end = None if raw_end in line.lower() else raw_end
        elif fence is not None:
            fence = None if line.strip().startswith(fence) and not line.strip().strip(fence[0]) else fence
        elif (opened := _FENCE.match(line)) is not None:
            fence = opened.group(1)
        elif (html := _RAW_HTML.match(line)) is not None:
            end = _RAW_HTML_END[html.group(1).lower()]
            raw_end = None if end in line.lower()[html.end():] else end
    yield start, "\n".join(lines[start:])


def markdown_content(text: str, path: str | Path | None = None) -> tuple[list[Block], dict]:
    """``(blocks, what the source record says besides them)``, as the other rich readers."""
    return markdown_blocks(text, path), {}


def markdown_file_content(data: bytes, path: str | Path | None = None) -> tuple[list[Block], dict]:
    """From the file's bytes (UTF-8), as the other rich readers."""
    from ner_studio.core.formats.text import BOM, decode_text, normalize_newlines

    return markdown_content(normalize_newlines(decode_text(data, path).removeprefix(BOM))[0], path)


def parse_markdown(text: str, path: str | Path | None = None, splitter=None) -> list[Document]:
    return [build_document(markdown_blocks(text, path), path, "md", splitter=splitter)]
