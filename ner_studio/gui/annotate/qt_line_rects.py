"""Where a block's characters lie on screen, kept between the text view's paints.

Why: the text view outlines entities (the model's dashed, the unsure dotted, the selected one
solid) and notes' ranges by painting over the text, and each outline needs the rectangles of
its characters on their wrapped lines: a walk over the block's lines and two
``QTextLine.cursorToX`` calls per line, per entity, per paint. In the 1 MB open the watchdog
caught the UI thread there (``_line_rects``; each call into Qt is also a chance for a worker to
take the interpreter lock), and a screen of model entities took ~6 ms a paint
(benchmarks/results/2026-12-08-ui-paint-and-find.md). A character's place depends only on the
text, the font and the width its block is laid out in (the highlighter's colours and
underlines move no glyph), so :class:`LineRects` keeps each block's lines and the rectangles
asked for, relative to the block, until the view says one of those changed (:meth:`begin`).
"""

from __future__ import annotations

from collections.abc import Hashable

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QTextBlock

Line = tuple[int, int, float, float]  # block-relative text start and end, top, height
Box = tuple[float, float, float, float]  # block-relative left, top, width, height


class LineRects:
    """Per block (by number): its lines, and the rectangles of ranges of it, as laid out."""

    def __init__(self):
        self._key: Hashable = None
        self._lines: dict[int, tuple[Line, ...]] = {}
        self._boxes: dict[tuple[int, int, int], tuple[Box, ...]] = {}

    def begin(self, key: Hashable) -> None:
        """Before a paint: ``key`` names what the layout depends on (the text shown, the font,
        the width); another key than the last forgets every place kept."""
        if key != self._key:
            self._key = key
            self._lines.clear()
            self._boxes.clear()

    def lines(self, block: QTextBlock) -> tuple[Line, ...]:
        number = block.blockNumber()
        found = self._lines.get(number)
        if found is None:
            layout = block.layout()
            found = tuple((line.textStart(), line.textStart() + line.textLength(), line.y(), line.height())
                          for line in map(layout.lineAt, range(layout.lineCount())))
            if found:  # a block not laid out yet has no lines: asked again when it is
                self._lines[number] = found
        return found

    def shown(self, block: QTextBlock, top: float, bottom: float) -> tuple[int, int] | None:
        """The block-relative text ``[start, end)`` of its lines between the block-relative
        heights ``top`` and ``bottom`` (None: none): a tall block is painted a screen of it."""
        inside = [line for line in self.lines(block) if line[2] + line[3] > top and line[2] < bottom]
        return (inside[0][0], inside[-1][1]) if inside else None

    def rects(self, block: QTextBlock, origin: QPointF, start: int, end: int) -> list[QRectF]:
        """One rectangle per wrapped line for the block-relative positions ``[start, end)``,
        the block's top left at ``origin`` in the viewport (a pixel wider either side, half
        a pixel in: a frame drawn on it sits around the characters)."""
        key = (block.blockNumber(), start, end)
        boxes = self._boxes.get(key)
        if boxes is None:
            boxes = self._measure(block, start, end)
            if key[0] in self._lines:
                self._boxes[key] = boxes
        x, y = origin.x(), origin.y()
        return [QRectF(x + left, y + top, width, height) for left, top, width, height in boxes]

    def _measure(self, block: QTextBlock, start: int, end: int) -> tuple[Box, ...]:
        layout = block.layout()
        boxes = []
        for index, (first, last, top, height) in enumerate(self.lines(block)):
            a, b = max(start, first), min(end, last)
            if a >= b:
                continue
            line = layout.lineAt(index)
            left, right = line.cursorToX(a)[0], line.cursorToX(b)[0]
            boxes.append((left - 0.5, top + 0.5, right - left + 1, height - 1))
        return tuple(boxes)
