"""A small line chart drawn with QPainter: the live training plot and the benchmark's
learning-curve PNG. (PySide6-Essentials has no QtCharts, and a plot needs little.)

:func:`draw_chart` paints into any rectangle of any paint device (a widget, a QImage), with a
left axis and an optional right axis (e.g. loss on the left, F1 on the right).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen

TICKS = 6


@dataclass
class Series:
    name: str
    colour: str
    points: list[tuple[float, float]] = field(default_factory=list)
    axis: str = "left"  # or "right"
    dashed: bool = False


@dataclass(frozen=True)
class Axis:
    label: str
    low: float | None = None  # None: from the data (0 if all values are positive)
    high: float | None = None
    percent: bool = False  # values in [0, 1] shown as 0–100


def nice_step(span: float, intervals: int = TICKS) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) giving about ``intervals`` intervals."""
    raw = span / intervals
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def nice_range(values: list[float], low: float | None, high: float | None) -> tuple[float, float, float]:
    """``(low, high, step)``: given bounds, else 0 (or the minimum) up to the next tick above
    the data; 0 to 1 when there is no data."""
    finite = [v for v in values if math.isfinite(v)]
    lo = low if low is not None else min([0.0, *finite])
    hi = high if high is not None else max([lo, *finite])
    if hi - lo <= 1e-12 * max(1.0, abs(lo)):
        # No data yet, or one flat value: a unit-sized range, not ticks of 2e-10.
        hi = lo + (abs(lo) or 1.0)
    step = nice_step(hi - lo)
    if high is None:
        hi = lo + math.ceil((hi - lo) / step - 1e-9) * step
    return lo, hi, step


def _tick_text(value: float, axis: Axis) -> str:
    if axis.percent:
        return f"{100 * value:.0f}"
    return f"{value:.3g}"


def draw_chart(painter: QPainter, rect: QRectF, series: list[Series], *, x_label: str, left: Axis,
               right: Axis | None = None, x_range: tuple[float, float] | None = None, title: str = "",
               empty_text: str = "", marks: Sequence[tuple[float, str]] = ()) -> None:
    """Axes, grid, legend and lines; with no points at all, ``empty_text`` (if given) sits in
    the middle of the empty plot instead of a legend for lines that are not there. ``marks``:
    ``(x, text)`` pairs, each a dotted vertical line with its text at the top of the plot (e.g.
    where a new model version took over)."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.fillRect(rect, QColor("#ffffff"))
    font = QFont(painter.font())
    font.setPointSizeF(max(font.pointSizeF(), 8.0))
    painter.setFont(font)
    metrics = QFontMetricsF(font)
    line = metrics.height()
    ranges = {"left": nice_range([y for s in series if s.axis == "left" for _, y in s.points], left.low, left.high)}
    if right is not None:
        ranges["right"] = nice_range([y for s in series if s.axis == "right" for _, y in s.points],
                                     right.low, right.high)
    # Margins fit the widest tick label of each axis, plus its rotated title.
    left_width = _widest_tick(metrics, ranges["left"], left)
    right_width = _widest_tick(metrics, ranges["right"], right) if right else 0.0
    plot = rect.adjusted(left_width + line + 10, line * (2.2 if title else 1.6),
                         -(right_width + line + 10 if right else 12), -(2 * line + 8))
    if plot.width() < 20 or plot.height() < 20:
        painter.restore()
        return
    xs = [x for s in series for x, _ in s.points]
    x_lo, x_hi = x_range if x_range else (min(xs, default=0.0), max(xs, default=1.0))
    if x_hi <= x_lo:
        x_hi = x_lo + 1

    def to_point(x: float, y: float, axis: str) -> QPointF:
        lo, hi, _ = ranges[axis]
        return QPointF(plot.left() + (x - x_lo) / (x_hi - x_lo) * plot.width(),
                       plot.bottom() - (y - lo) / (hi - lo) * plot.height())

    _draw_grid(painter, plot, metrics, ranges, left, right, (x_lo, x_hi), (left_width, right_width))
    painter.setPen(QColor("#374151"))
    if title:
        painter.drawText(QRectF(rect.left(), rect.top() + 2, rect.width(), line), Qt.AlignmentFlag.AlignHCenter, title)
    painter.drawText(QRectF(plot.left(), plot.bottom() + line + 4, plot.width(), line),
                     Qt.AlignmentFlag.AlignHCenter, x_label)
    _draw_marks(painter, plot, marks, lambda x: to_point(x, ranges["left"][0], "left").x(), metrics)
    for s in series:
        points = [to_point(x, y, s.axis) for x, y in s.points if math.isfinite(y)]
        pen = QPen(QColor(s.colour), 2)
        if s.dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        if len(points) > 1:
            path = QPainterPath(points[0])
            for point in points[1:]:
                path.lineTo(point)
            painter.drawPath(path)
        painter.setBrush(QColor(s.colour))
        for point in points:
            painter.drawEllipse(point, 2.5, 2.5)
        painter.setBrush(Qt.BrushStyle.NoBrush)
    if not xs and empty_text:
        painter.setPen(QColor("#6b7280"))
        painter.drawText(plot, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, empty_text)
    else:
        _draw_legend(painter, QRectF(plot.left(), rect.top() + (line * 1.1 if title else 2), plot.width(), line),
                     series, metrics)
    painter.restore()


def _draw_marks(painter, plot: QRectF, marks, x_of, metrics) -> None:
    pen = QPen(QColor("#9ca3af"), 1)
    pen.setStyle(Qt.PenStyle.DotLine)
    for x, text in marks:
        px = x_of(x)
        painter.setPen(pen)
        painter.drawLine(QPointF(px, plot.top()), QPointF(px, plot.bottom()))
        painter.setPen(QColor("#4b5563"))
        painter.drawText(QPointF(px + 3, plot.top() + metrics.ascent() + 1), metrics.elidedText(
            text, Qt.TextElideMode.ElideRight, max(plot.right() - px - 3, 0.0)))


def _tick_values(lo: float, hi: float, step: float) -> list[float]:
    return [lo + i * step for i in range(int(round((hi - lo) / step)) + 1)]


def _widest_tick(metrics, value_range: tuple[float, float, float], axis: Axis) -> float:
    return max(metrics.horizontalAdvance(_tick_text(v, axis)) for v in _tick_values(*value_range))


def _draw_grid(painter, plot: QRectF, metrics, ranges, left: Axis, right: Axis | None, x_span,
               tick_widths: tuple[float, float]) -> None:
    grid = QPen(QColor("#e5e7eb"), 1)
    text = QColor("#4b5563")
    for axis, name, side in ((left, "left", -1), (right, "right", 1)):
        if axis is None:
            continue
        lo, hi, step = ranges[name]
        for value in _tick_values(lo, hi, step):
            y = plot.bottom() - (value - lo) / (hi - lo) * plot.height()
            if side < 0:  # grid lines follow the left axis
                painter.setPen(grid)
                painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(text)
            label = _tick_text(value, axis)
            width = metrics.horizontalAdvance(label)
            x = plot.left() - width - 4 if side < 0 else plot.right() + 4
            painter.drawText(QPointF(x, y + metrics.ascent() / 2 - 1), label)
    x_lo, x_hi = x_span
    step = max(1.0, nice_step(x_hi - x_lo, 10))  # x values are epochs or percentages: whole numbers
    value = math.ceil(x_lo / step) * step
    while value <= x_hi:
        x = plot.left() + (value - x_lo) / (x_hi - x_lo) * plot.width()
        label = f"{value:g}"
        painter.drawText(QPointF(x - metrics.horizontalAdvance(label) / 2, plot.bottom() + metrics.ascent() + 2), label)
        value += step
    painter.setPen(QPen(QColor("#9ca3af"), 1))
    painter.drawRect(plot)
    painter.setPen(text)
    left_width, right_width = tick_widths
    for axis, x in ((left, plot.left() - left_width - metrics.height() - 6), (right, plot.right() + right_width + 6)):
        if axis is None:
            continue
        painter.save()
        painter.translate(x + metrics.height() / 2, plot.center().y())
        painter.rotate(-90)
        painter.drawText(QRectF(-plot.height() / 2, -metrics.height(), plot.height(), metrics.height()),
                         Qt.AlignmentFlag.AlignHCenter, axis.label)
        painter.restore()


def _draw_legend(painter, rect: QRectF, series: list[Series], metrics) -> None:
    x = rect.left()
    for s in series:
        pen = QPen(QColor(s.colour), 2)
        if s.dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        y = rect.center().y()
        painter.drawLine(QPointF(x, y), QPointF(x + 16, y))
        painter.setPen(QColor("#374151"))
        painter.drawText(QPointF(x + 20, y + metrics.ascent() / 2 - 1), s.name)
        x += 32 + metrics.horizontalAdvance(s.name)
