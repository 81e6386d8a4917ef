"""The annotation text view: read-only text, entity highlights, token-snapping selection.

The view shows one :class:`Document` and reports what the analyst selected; it never edits
spans itself (the window turns key presses into undoable edits). Selections are always whole
tokens: a mouse drag snaps on release, a double-click takes one token, arrows walk by token.
Dragging the edge of any entity, selected or not, asks for it to be resized (``resize_requested``).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPainter, QPalette, QPen, QPolygonF, QTextBlock, QTextCursor
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QTextEdit, QToolTip, QWidget

from ner_studio.core.text.document import Document, SpansChanged
from ner_studio.core.text.spans import Span
from ner_studio.gui.annotate import editing
from ner_studio.gui.annotate.qt_highlighter import LINK_COLOUR, UNLINKED_COLOUR, SpanHighlighter, SpanStyle
from ner_studio.gui.annotate.qt_line_rects import LineRects
from ner_studio.gui.annotate.text_offsets import OffsetMap, display_text

SELECTED_OUTLINE = "#1f2937"
FOUND_COLOUR = "#fde68a"  # Find's matches: a pale yellow behind the text, as editors show them
MARK_COLOUR = "#b45309"  # a range with notes: a dotted underline and a corner, in amber
FONT_SIZE = 12  # points, until the analyst zooms
# Dashed and dotted frames (model, unsure) one pixel wide: Qt draws those on a fast path; at 1.2
# and 1.4 px they were half of the paint after a switch (issue 29; 2026-12-07-stalls-switching.md).
FRAME_WIDTH = 1.0
FONT_SIZES = (7, 40)
# Pixels around a paint's area whose lines are outlined again too: a frame (2 px for the selected
# entity) or a corner dot reaches a little past its line, into an area Qt may repaint alone.
PAINT_MARGIN = 4


class EntityTextView(QPlainTextEdit):
    """``selection_changed`` fires whenever the selected tokens or the caret move."""

    selection_changed = Signal()
    resize_requested = Signal(object, int, int)  # the entity, its new [start, end) before snapping
    zoom_requested = Signal(int)  # Ctrl+wheel: +1 larger, -1 smaller (the window keeps the size)

    def __init__(self, style: SpanStyle, parent: QWidget | None = None, *, font_size: int = FONT_SIZE):
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setObjectName("entityTextView")
        self.setFont(QFont(self.font().family(), FONT_SIZE))
        self.set_font_size(font_size)
        self.document().setDocumentMargin(18)
        self.setCursorWidth(2)
        palette = self.palette()
        # A translucent selection keeps the entity colours visible under it.
        palette.setColor(QPalette.ColorRole.Highlight, QColor(37, 99, 235, 70))
        palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#111827"))
        self.setPalette(palette)
        self.highlighter = SpanHighlighter(self.document(), style)
        self._doc: Document | None = None
        self._offsets = OffsetMap("")
        self._context_actions: list = []
        self._edge_drag: tuple[Span, str] | None = None  # (entity, "start" or "end") while dragged
        self._marks: list[tuple[int, int]] = []  # ranges with open notes (gui/notes), painted
        self._places = LineRects()  # where the characters of the blocks painted lie, between paints
        self._shown = 0  # documents shown so far: names the text the places were measured in
        self.viewport().setMouseTracking(True)  # the resize cursor over an entity's edge
        self.selectionChanged.connect(self.selection_changed)
        self.cursorPositionChanged.connect(self.selection_changed)

    # --- showing -------------------------------------------------------------------------
    @property
    def doc(self) -> Document | None:
        return self._doc

    def show_document(self, doc: Document | None) -> None:
        if self._doc is not None:
            self._doc.changed.disconnect(self._on_spans_changed)
        self._doc = doc
        self._offsets = OffsetMap(doc.text if doc else "")
        self._marks = []  # the new document's come from whoever marks them
        self._shown += 1
        self.highlighter.detach()
        self.setPlainText(display_text(doc.text) if doc else "")
        if doc is not None:
            self.highlighter.show(doc, self._offsets)
            doc.changed.connect(self._on_spans_changed)
        self.selection_changed.emit()

    def font_size(self) -> int:
        return self.font().pointSize()

    def set_font_size(self, points: int) -> int:
        """Show the text at ``points`` (kept within FONT_SIZES); returns the size used."""
        points = max(FONT_SIZES[0], min(int(points), FONT_SIZES[1]))
        if points != self.font_size():
            font = self.font()
            font.setPointSize(points)
            self.setFont(font)
        return points

    def set_style(self, style: SpanStyle) -> None:
        self.highlighter.set_style(style)
        self.viewport().update()

    def set_context_actions(self, actions: list) -> None:
        """Actions (labels, delete, accept) offered by the right-click menu."""
        self._context_actions = list(actions)

    def _on_spans_changed(self, change: SpansChanged) -> None:
        self.highlighter.refresh(change.removed + change.added)
        self.viewport().update()
        self.selection_changed.emit()

    # --- selection -----------------------------------------------------------------------
    def selection(self) -> tuple[int, int]:
        """The selected characters ``[start, end)`` of the document (equal when empty)."""
        cursor = self.textCursor()
        return self._offsets.from_qt(cursor.selectionStart()), self._offsets.from_qt(cursor.selectionEnd())

    def current_span(self) -> Span | None:
        """The entity the selection is exactly, or the one under the caret."""
        if self._doc is None:
            return None
        start, end = self.selection()
        if start == end:
            return self._doc.span_at(start)
        span = self._doc.span_at(start)
        return span if span is not None and (span.start, span.end) == (start, end) else None

    def select_range(self, start: int, end: int, *, reveal: bool = True) -> None:
        cursor = self.textCursor()
        cursor.setPosition(self._offsets.to_qt(start))
        cursor.setPosition(self._offsets.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        if reveal:
            self.ensureCursorVisible()

    def show_matches(self, ranges: list[tuple[int, int]]) -> None:
        """Highlight the found ``ranges`` (Find's matches in this document; [] clears them)."""
        selections = []
        for start, end in ranges:
            selection = QTextEdit.ExtraSelection()
            selection.format.setBackground(QColor(FOUND_COLOUR))
            cursor = self.textCursor()
            cursor.setPosition(self._offsets.to_qt(start))
            cursor.setPosition(self._offsets.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            selections.append(selection)
        self.setExtraSelections(selections)

    def set_marks(self, ranges: list[tuple[int, int]]) -> None:
        """Mark ``ranges`` of the shown document (ranges with open notes): painted over the
        text, never a character format, which would fight the highlighter's."""
        self._marks = sorted(ranges)
        self.viewport().update()

    def marks(self) -> list[tuple[int, int]]:
        return list(self._marks)

    def jump_to(self, span: Span) -> None:
        self.select_range(span.start, span.end)
        self.centerCursor()
        self.setFocus()

    def _snap_selection(self) -> None:
        if self._doc is None:
            return
        start, end = self.selection()
        span = self._doc.span_at(start) if start == end else None
        snapped = (span.start, span.end) if span else editing.snapped_selection(self._doc, start, end)
        if snapped is None:
            self.select_range(start, start, reveal=False)
        elif snapped != (start, end):
            self.select_range(*snapped, reveal=False)

    # --- keyboard: walk by token, Tab by entity --------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = event.key()
        extend = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if self._doc is not None and key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self.step_token(1 if key == Qt.Key.Key_Right else -1, extend=extend)
        elif key == Qt.Key.Key_Escape:
            start = self.selection()[0]
            self.select_range(start, start, reveal=False)
        else:
            super().keyPressEvent(event)

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 - Qt override
        # Hovering an entity names the catalogue entry it is linked to (the text's own events
        # arrive here, at the viewport).
        if event.type() == QEvent.Type.ToolTip and self._doc is not None:
            span = self._doc.span_at(self._offsets.from_qt(self.cursorForPosition(event.pos()).position()))
            tip = self.link_tip(span) if span is not None else ""
            if tip:
                QToolTip.showText(event.globalPos(), tip, self.viewport())
                return True
            QToolTip.hideText()
        return super().viewportEvent(event)

    def event(self, event: QEvent) -> bool:
        # Tab walks through entities instead of moving the focus out of the text.
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            backwards = event.key() == Qt.Key.Key_Backtab or bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self.step_entity(-1 if backwards else 1)
            return True
        return super().event(event)

    def step_token(self, step: int, *, extend: bool = False) -> None:
        """Select the next (``step`` 1) or previous (-1) token; ``extend`` grows the selection."""
        doc = self._doc
        start, end = self.selection()
        index = editing.next_token(doc, end) if step > 0 else editing.previous_token(doc, start)
        if index is None:
            return
        token = doc.tokens[index]
        if extend and start != end:
            # Shift+Right grows the right edge, Shift+Left the left edge.
            self.select_range(start, token.end) if step > 0 else self.select_range(token.start, end)
        else:
            self.select_range(token.start, token.end)

    def step_entity(self, step: int) -> None:
        if self._doc is None or not self._doc.spans:
            return
        start, end = self.selection()
        spans = self._doc.spans
        # Past the last entity the walk wraps around to the first (and back).
        if step > 0:
            following = [s for s in self._doc.spans_between(end, len(self._doc.text)) if s.start >= end]
            target = following[0] if following else spans[0]
        else:
            before = [s for s in self._doc.spans_between(0, start) if s.end <= start]
            target = before[-1] if before else spans[-1]
        self.jump_to(target)

    # --- mouse ---------------------------------------------------------------------------
    def wheelEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            step = event.angleDelta().y()
            if step:
                self.zoom_requested.emit(1 if step > 0 else -1)
            event.accept()
            return
        super().wheelEvent(event)

    def _offset_at(self, point) -> int:
        return self._offsets.from_qt(self.cursorForPosition(point).position())

    def visible_range(self) -> tuple[int, int]:
        """Document offsets of the first and the last character on screen."""
        rect = self.viewport().rect()
        return self._offset_at(rect.topLeft()), self._offset_at(rect.bottomRight())

    def edge_at(self, point) -> str | None:
        """``"start"`` or ``"end"`` when viewport ``point`` is on that edge of an entity."""
        hit = self.entity_edge_at(point)
        return hit[1] if hit is not None else None

    def entity_edge_at(self, point) -> tuple[Span, str] | None:
        """The entity whose edge viewport ``point`` is on, and which edge, selected or not:
        a tester expected to grab any entity's edge, as in a drawing program. "On" is within
        a few pixels of the boundary on its line, so a click inside a short entity still
        selects text; where one entity ends as the next begins, the side of the point
        decides, and the selected entity wins over its neighbours."""
        if self._doc is None:
            return None
        offset = self._offset_at(point)
        candidates = [(s, "start") for s in self._doc.spans_between(offset, offset + 1) if s.start == offset]
        candidates += [(s, "end") for s in self._doc.spans_between(max(offset - 1, 0), offset) if s.end == offset]
        if not candidates:
            return None
        cursor = self.textCursor()
        cursor.setPosition(self._offsets.to_qt(offset))
        rect = self.cursorRect(cursor)
        reach = max(3, self.fontMetrics().averageCharWidth() // 2)
        if abs(point.x() - rect.x()) > reach or not rect.top() <= point.y() <= rect.bottom():
            return None
        selected = self.current_span() if self.selection()[0] != self.selection()[1] else None
        for candidate in candidates:
            if candidate[0] == selected:
                return candidate
        wanted = "end" if point.x() < rect.x() else "start"
        return next((c for c in candidates if c[1] == wanted), candidates[0])

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton:
            hit = self.entity_edge_at(event.position().toPoint())
            if hit is not None:
                self._edge_drag = hit
                self.select_range(hit[0].start, hit[0].end, reveal=False)
                return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt override
        point = event.position().toPoint()
        if self._edge_drag is not None:
            span, edge = self._edge_drag
            start, end = self._dragged_range(span, edge, self._offset_at(point))
            self.select_range(start, end, reveal=False)  # a preview; snapped on release
            return
        if not event.buttons():
            edge = self.edge_at(point)
            self.viewport().setCursor(Qt.CursorShape.SizeHorCursor if edge else Qt.CursorShape.IBeamCursor)
        super().mouseMoveEvent(event)

    @staticmethod
    def _dragged_range(span: Span, edge: str, offset: int) -> tuple[int, int]:
        """The entity with one edge at ``offset``; the other edge stays, one character kept."""
        if edge == "end":
            return span.start, max(offset, span.start + 1)
        return min(offset, span.end - 1), span.end

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self._edge_drag is not None and event.button() == Qt.MouseButton.LeftButton:
            span, edge = self._edge_drag
            self._edge_drag = None
            start, end = self._dragged_range(span, edge, self._offset_at(event.position().toPoint()))
            self.select_range(span.start, span.end, reveal=False)
            self.resize_requested.emit(span, start, end)
            return
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton:
            self._snap_selection()

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self._doc is None:
            return super().mouseDoubleClickEvent(event)
        offset = self._offsets.from_qt(self.cursorForPosition(event.position().toPoint()).position())
        token = self._doc.token_at(offset)
        if token is not None:
            self.select_range(*self._doc.tokens[token], reveal=False)

    def contextMenuEvent(self, event) -> None:  # noqa: N802 - Qt override
        menu = self.context_menu(event.pos())
        if menu is not None:
            menu.exec(event.globalPos())

    def context_menu(self, point) -> QMenu | None:
        """The pop-up for a right-click at viewport ``point``: with nothing selected, the
        entity or token under the click is selected first, so the menu acts on it."""
        if self._doc is None:
            return None
        if self.textCursor().selectionStart() == self.textCursor().selectionEnd():
            click = self.cursorForPosition(point).position()
            self.select_range(*self._range_at(self._offsets.from_qt(click)), reveal=False)
        menu = QMenu(self)
        menu.setToolTipsVisible(True)  # the labels' guidelines on hover
        for action in self._context_actions:
            menu.addSeparator() if action is None else menu.addAction(action)
        return menu

    def _range_at(self, offset: int) -> tuple[int, int]:
        span = self._doc.span_at(offset)
        if span is not None:
            return span.start, span.end
        token = self._doc.token_at(offset)
        return tuple(self._doc.tokens[token]) if token is not None else (offset, offset)

    # --- painting: outlines the character formats cannot draw ------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self._doc is not None:
            self.highlighter.ensure(block for block, _ in self._visible_blocks())  # colours are lazy
        super().paintEvent(event)
        if self._doc is None or not (self._doc.spans or self._marks):
            return
        selected = self.current_span()
        # Only the lines in the area Qt repaints (a blinking caret's is a few pixels), and the
        # places of their characters as measured at an earlier paint (qt_line_rects.py).
        self._places.begin((self._shown, self.viewport().width(), self.font().key()))
        area = event.rect().adjusted(0, -PAINT_MARGIN, 0, PAINT_MARGIN)
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pens: dict = {}  # this paint's frames by kind: one QPen each, not one per entity
        for block, top_left in self._visible_blocks(area.top(), area.bottom()):
            shown = self._places.shown(block, area.top() - top_left.y(), area.bottom() + 1 - top_left.y())
            if shown is None:
                continue
            self._paint_outlines(painter, block, top_left, selected, shown, pens)
            if self._marks:
                self._paint_marks(painter, block, top_left)
        painter.end()

    def _visible_blocks(self, top: float = 0, bottom: float | None = None):
        """``(block, its top left in the viewport)`` of the blocks on screen (between the
        heights ``top`` and ``bottom`` of the viewport)."""
        offset = self.contentOffset()
        bottom = self.viewport().height() if bottom is None else bottom
        block = self.firstVisibleBlock()
        while block.isValid():
            geometry = self.blockBoundingGeometry(block).translated(offset)
            if geometry.top() > bottom:
                break
            if block.isVisible() and geometry.bottom() >= top:
                yield block, geometry.topLeft()
            block = block.next()

    def _paint_outlines(self, painter: QPainter, block: QTextBlock, origin: QPointF, selected: Span | None,
                        shown: tuple[int, int], pens: dict) -> None:
        """Model spans get a dashed frame in their label's colour, the selected entity a solid
        one; with a catalogue, every entity a link mark (``_paint_link``). ``shown``: the
        block-relative characters of the lines painted."""
        first = block.position()
        last = first + max(block.length() - 1, 0)
        links = self.highlighter.style.links
        places = self._places
        for span in self._doc.spans_between(self._offsets.from_qt(first + shown[0]),
                                            self._offsets.from_qt(first + shown[1])):
            low = self.highlighter.style.is_low_confidence(span)
            if links is not None:
                start = max(self._offsets.to_qt(span.start), first) - first
                end = min(self._offsets.to_qt(span.end), last) - first
                self._paint_link(painter, links, span, places.rects(block, origin, start, end))
            kind = None if span == selected else True if low else False if span.confirmed else span.label
            if kind is False:  # a confirmed entity: its colour says it all
                continue
            pen = pens[kind] if kind in pens else pens.setdefault(kind, self._frame_pen(kind))
            start = max(self._offsets.to_qt(span.start), first) - first
            end = min(self._offsets.to_qt(span.end), last) - first
            rects = places.rects(block, origin, start, end)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for rect in rects:
                painter.drawRoundedRect(rect, 3, 3)
            if low and rects:
                # A small marker in the corner: "the model was unsure here".
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor(self.highlighter.style.marker))
                painter.drawEllipse(rects[-1].topRight(), 3.0, 3.0)

    def _frame_pen(self, kind: str | bool | None) -> QPen:
        """The selected entity's frame (None), an unsure one's (True), a model entity's of a label."""
        if kind is None:
            return QPen(QColor(SELECTED_OUTLINE), 2)
        if kind is True:
            return QPen(QColor(self.highlighter.style.marker), FRAME_WIDTH, Qt.PenStyle.DotLine)
        return QPen(self.highlighter.style.colour(kind).darker(170), FRAME_WIDTH, Qt.PenStyle.DashLine)

    def _paint_link(self, painter: QPainter, links, span: Span, rects: list[QRectF]) -> None:
        """At a glance: a filled teal dot at the bottom corner of a linked entity, a hollow grey
        ring on an unlinked one, and under one with a suggested link a dashed teal line (dashed
        like the model's suggestions; Enter accepts it)."""
        if not rects:
            return
        corner = rects[-1].bottomRight()
        if span.kb_id is not None:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(LINK_COLOUR))
            painter.drawEllipse(corner, 2.6, 2.6)
            return
        if links.suggestion(self._doc.text, span) is not None:
            painter.setPen(QPen(QColor(LINK_COLOUR), 1.6, Qt.PenStyle.DashLine))
            for rect in rects:
                painter.drawLine(rect.bottomLeft() + QPointF(2, -1), rect.bottomRight() + QPointF(-2, -1))
        painter.setPen(QPen(QColor(UNLINKED_COLOUR), 1.2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(corner, 2.6, 2.6)

    def link_tip(self, span: Span) -> str:
        """What hovering an entity says of its link ("" without a catalogue)."""
        links = self.highlighter.style.links
        if links is None or self._doc is None:
            return ""
        if span.kb_id is not None:
            return f"{span.label} · linked to {links.name_of(span.kb_id) or span.kb_id}"
        suggested = links.suggestion(self._doc.text, span)
        if suggested is not None:
            return f"{span.label} · not linked; Enter links it to {links.name_of(suggested)}"
        return f"{span.label} · not linked (K links it)"


    def _paint_marks(self, painter: QPainter, block: QTextBlock, origin: QPointF) -> None:
        """A dotted underline and a small corner at the end of each marked range in ``block``."""
        first = block.position()
        last = first + max(block.length() - 1, 0)
        for start, end in self._marks:
            start, end = max(self._offsets.to_qt(start), first), min(self._offsets.to_qt(end), last)
            if start >= end:
                continue
            rects = self._places.rects(block, origin, start - first, end - first)
            painter.setPen(QPen(QColor(MARK_COLOUR), 1.5, Qt.PenStyle.DotLine))
            for rect in rects:
                painter.drawLine(rect.bottomLeft(), rect.bottomRight())
            if rects:
                corner = rects[-1].topRight()
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor(MARK_COLOUR))
                painter.drawPolygon(QPolygonF([corner, corner + QPointF(-6, 0), corner + QPointF(0, 6)]))
