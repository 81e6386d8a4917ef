"""Character offsets of a document versus positions in Qt's text document.

Spans are offsets into the original Python string (code points). Qt counts UTF-16 code
units and turns ``\\r\\n`` into a single block break, so the view shows a display text that
keeps one position per code point wherever it can, and this map converts the rest.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


# Up to this many lines of a paragraph go in one of Qt's blocks (see ``display_text``).
LINES_PER_BLOCK = 16
_PARAGRAPH_BREAK = re.compile(r"(\n\n+)")


def display_text(text: str) -> str:
    """``text`` as the view shows it: same length, line breaks Qt counts one position each.

    ``\\r\\n`` becomes ``" \\n"`` (an invisible trailing space) and a lone ``\\r`` becomes
    ``\\n``, so character offsets and block positions stay aligned.

    Lines of a paragraph are kept together by line separators (U+2028, one position too;
    ``toPlainText`` gives ``\\n`` back), up to ``LINES_PER_BLOCK`` lines in one of Qt's blocks,
    not a block per line: making blocks is most of setting a text (18 ms for a 50k-token part of
    11,879 short lines; benchmarks/results/2026-12-07-stalls-switching.md).
    """
    if "\r" in text:
        text = text.replace("\r\n", " \n").replace("\r", "\n")
    pieces = _PARAGRAPH_BREAK.split(text)  # paragraphs, and the blank lines between them
    for k in range(0, len(pieces), 2):
        if "\n" in pieces[k]:
            lines = pieces[k].split("\n")
            pieces[k] = "\n".join("\u2028".join(lines[i:i + LINES_PER_BLOCK])
                                  for i in range(0, len(lines), LINES_PER_BLOCK))
    return "".join(pieces)


class OffsetMap:
    """Converts between document offsets and Qt positions for one text.

    Only characters outside the Basic Multilingual Plane (emoji, rare scripts) take two
    UTF-16 units; the map stores where they are and is the identity for all other texts.
    """

    __slots__ = ("_astral", "_astral_qt")

    def __init__(self, text: str):
        # Built on the UI thread at every switch of documents: ``max(text)`` walked a 250k-character
        # part one Python object at a time (6 ms); isascii and a regex scan run in C (issue 29).
        self._astral: list[int] = [] if text.isascii() else [m.start() for m in _ASTRAL.finditer(text)]
        # Qt position of each astral character: its offset plus the extra units before it.
        self._astral_qt = [offset + k for k, offset in enumerate(self._astral)]

    def to_qt(self, offset: int) -> int:
        return offset + bisect_left(self._astral, offset)

    def from_qt(self, position: int) -> int:
        """Document offset of a Qt position; a position inside a surrogate pair maps to the
        character after it."""
        whole_pairs_before = bisect_right(self._astral_qt, position - 2)
        return position - whole_pairs_before

    @property
    def is_identity(self) -> bool:
        return not self._astral
