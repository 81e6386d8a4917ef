"""Character offsets of a document versus positions in Qt's text document.

Spans are offsets into the original Python string (code points). Qt counts UTF-16 code
units and turns ``\\r\\n`` into a single block break, so the view shows a display text that
keeps one position per code point wherever it can, and this map converts the rest.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def display_text(text: str) -> str:
    """``text`` as the view shows it: same length, line breaks Qt counts one position each.

    ``\\r\\n`` becomes ``" \\n"`` (an invisible trailing space) and a lone ``\\r`` becomes
    ``\\n``, so character offsets and block positions stay aligned.
    """
    if "\r" not in text:
        return text
    return text.replace("\r\n", " \n").replace("\r", "\n")


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
