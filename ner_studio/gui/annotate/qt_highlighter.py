"""Entity colours in the text view, set one block at a time.

A block's colours are set only when that block is (re)highlighted, so an edit costs the
blocks it touches, never the whole document. Formats sit in the layout, not in the text, so
the read-only document itself is never modified.

Lazily: showing a document or re-tagging it (thousands of spans) only marks every block stale;
the view asks for the blocks it is about to paint (:meth:`SpanHighlighter.ensure`), so a part of
17,000 blocks costs the ~50 on screen, not a pass over all of them on the UI thread (issue 29).
Setting a new text calls no Python per block either (Qt's QSyntaxHighlighter did: see
:class:`SpanHighlighter`; benchmarks/results/2026-12-07-stalls-switching.md).
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QColor, QTextBlock, QTextCharFormat, QTextDocument, QTextLayout

from ner_studio.core.text.colours import marker_colour
from ner_studio.core.text.document import Document
from ner_studio.core.text.labels import LabelSet
from ner_studio.core.text.spans import Span
from ner_studio.gui.annotate.text_offsets import OffsetMap

# Beyond this many changed spans every block goes stale (and is highlighted when painted).
FULL_REHIGHLIGHT_AT = 400
# Up to this many, their blocks are highlighted at once (an edit shows the frame it is in);
# beyond, their blocks only go stale: Label All's hundreds of spans in the shown part cost
# a Python highlightBlock each, most of them off screen (issue 29).
EAGER_REFRESH_AT = 32


def model_tint(colour: QColor) -> QColor:
    """The lighter fill of a model span: the label's colour blended halfway into white."""
    return QColor(
        (colour.red() + 255) // 2,
        (colour.green() + 255) // 2,
        (colour.blue() + 255) // 2,
    )


class LinkLook(Protocol):
    """What the views show of catalogue links (gui/catalogue provides it; a style without one
    shows none: a project without a catalogue looks as before)."""

    def name_of(self, kb_id: str) -> str | None:
        """The entry's name (None: no such entry)."""
        ...

    def suggestion(self, text: str, span: Span) -> str | None:
        """The entry an unlinked ``span`` of ``text`` names by alias, or None."""
        ...


LINK_COLOUR = "#0f766e"  # linked and suggested-link marks: a teal unlike the label palette's fills
UNLINKED_COLOUR = "#9ca3af"


class SpanStyle:
    """Character formats per (label, human/model, low confidence), built once and reused;
    ``links`` draws catalogue links (None: no catalogue)."""

    def __init__(self, labels: LabelSet, low_confidence: float = 0.5, links: LinkLook | None = None):
        self.labels = labels
        self.low_confidence = low_confidence
        self.links = links
        # The "unsure" marker, unlike every label colour (a fixed orange read as LOC's).
        self.marker = marker_colour(label.colour for label in labels)
        self._cache: dict[tuple[str, bool, bool], QTextCharFormat] = {}

    def colour(self, label: str) -> QColor:
        return QColor(self.labels.colour_of(label))

    def is_low_confidence(self, span: Span) -> bool:
        return (
            not span.confirmed
            and span.confidence is not None
            and span.confidence < self.low_confidence
        )

    def format_for(self, span: Span) -> QTextCharFormat:
        human = span.confirmed
        low = not human and span.confidence is not None and span.confidence < self.low_confidence
        key = (span.label, human, low)
        fmt = self._cache.get(key)
        if fmt is None:
            fmt = self._cache[key] = self._build(*key)
        return fmt

    def _build(self, label: str, human: bool, low: bool) -> QTextCharFormat:
        fmt = QTextCharFormat()
        colour = self.colour(label)
        fmt.setBackground(colour if human else model_tint(colour))
        if low:
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            fmt.setUnderlineColor(QColor(self.marker))
        return fmt


class SpanHighlighter(QObject):
    """Paints the spans of one :class:`Document` onto the QTextDocument that shows it: each
    block's colours are its layout's formats (``QTextLayout.setFormats``), set when the block
    is about to be painted.

    Not a QSyntaxHighlighter: Qt calls one of those for every block of a new text (13,000
    Python calls for a 50k-token part of short lines, 27 ms of the UI thread's CPU on each
    switch), with nothing to do but wait until the block is painted. The names
    ``highlightBlock``, ``setFormat``, ``currentBlock`` and ``rehighlightBlock`` are kept
    from it: one block is highlighted the way Qt's class does it."""

    def __init__(self, qdocument: QTextDocument, style: SpanStyle):
        super().__init__(qdocument)
        self._qdocument = qdocument
        self.style = style
        self._doc: Document | None = None
        self._offsets = OffsetMap("")
        # Blocks highlighted since the spans last changed as a whole: block number -> generation.
        self._generation = 0
        self._fresh: dict[int, int] = {}
        self._block = QTextBlock()  # the block being highlighted, and its formats so far
        self._ranges: list[QTextLayout.FormatRange] = []

    def document(self) -> QTextDocument:
        return self._qdocument

    def show(self, doc: Document | None, offsets: OffsetMap) -> None:
        self._doc = doc
        self._offsets = offsets
        self.invalidate()

    def detach(self) -> None:
        """Forget the document without redrawing (its text is about to be replaced)."""
        self._doc = None
        self.invalidate()

    def set_style(self, style: SpanStyle) -> None:
        self.style = style
        self.invalidate()

    def invalidate(self) -> None:
        """Every block is stale: each is highlighted again when it is next painted (:meth:`ensure`)."""
        self._generation += 1
        self._fresh.clear()

    def ensure(self, blocks) -> None:
        """Highlight those of ``blocks`` (about to be painted) that are stale."""
        fresh, generation = self._fresh, self._generation
        for block in blocks:
            number = block.blockNumber()
            if fresh.get(number) != generation:
                self._highlight(block)

    def _highlight(self, block: QTextBlock) -> None:
        self.rehighlightBlock(block)
        self._fresh[block.blockNumber()] = self._generation

    def rehighlightBlock(self, block: QTextBlock) -> None:  # noqa: N802 - the name Qt's class has
        """Set ``block``'s formats from the spans in it now (and lay it out again if they changed)."""
        if not block.isValid() or block.document() is not self._qdocument:
            return
        self._block, self._ranges = block, []
        try:
            self.highlightBlock(block.text())
            ranges = self._ranges
        finally:
            self._block, self._ranges = QTextBlock(), []
        layout = block.layout()
        if ranges or layout.formats():
            layout.setFormats(ranges)
            self._qdocument.markContentsDirty(block.position(), block.length())

    def currentBlock(self) -> QTextBlock:  # noqa: N802 - the name Qt's class has
        return self._block

    def setFormat(self, start: int, count: int, fmt: QTextCharFormat) -> None:  # noqa: N802 - Qt's name
        """``count`` characters from ``start`` (in the current block) take ``fmt``."""
        if count > 0:
            found = QTextLayout.FormatRange()
            found.start, found.length, found.format = start, count, fmt
            self._ranges.append(found)

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - the name Qt's class has
        # Called for every block painted (~50 a screen): kept lean, locals instead of
        # attribute look-ups per span.
        if self._doc is None or not text:
            return
        block_start = self.currentBlock().position()
        block_end = block_start + len(text)
        offsets = self._offsets
        if offsets.is_identity:
            spans = self._doc.spans_between(block_start, block_end)
        else:
            spans = self._doc.spans_between(offsets.from_qt(block_start), offsets.from_qt(block_end))
        if not spans:
            return
        to_qt = None if offsets.is_identity else offsets.to_qt
        format_for, set_format = self.style.format_for, self.setFormat
        for span in spans:
            first, last = (span.start, span.end) if to_qt is None else (to_qt(span.start), to_qt(span.end))
            if first < block_start:
                first = block_start
            if last > block_end:
                last = block_end
            set_format(first - block_start, last - first, format_for(span))

    def refresh(self, spans: tuple[Span, ...] | list[Span]) -> None:
        """Re-highlight the blocks these spans lie in: now for a few spans, when painted for
        more (many spans: all blocks, lazily)."""
        if len(spans) > FULL_REHIGHLIGHT_AT:
            self.invalidate()
            return
        now = len(spans) <= EAGER_REFRESH_AT
        qdocument = self.document()
        done: set[int] = set()
        for span in spans:
            block = qdocument.findBlock(self._offsets.to_qt(span.start))
            last = self._offsets.to_qt(span.end)
            # An entity may run across a line break, so walk every block it touches.
            while block.isValid():
                if block.blockNumber() not in done:
                    done.add(block.blockNumber())
                    if now:
                        self._highlight(block)
                    else:
                        self._fresh.pop(block.blockNumber(), None)  # stale: highlighted when painted
                block = block.next()
                if not block.isValid() or block.position() >= last:
                    break
