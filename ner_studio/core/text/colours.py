"""How far apart two colours look: CIE76 ΔE, the distance in CIELAB space (about 2.3 is the
smallest difference people notice; highlights side by side want 30 or more).

Pure functions on ``#rrggbb`` strings, so the label set (new labels' colours) and the text
view (the colours of markers drawn over highlights) choose colours by the same rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

# Below this ΔE two highlight colours are easy to mistake for each other.
DISTINCT = 30.0


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _f(t: float) -> float:
    return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116


@lru_cache(maxsize=1024)
def to_lab(colour: str) -> tuple[float, float, float]:
    """``#rrggbb`` (sRGB) as CIELAB ``(L, a, b)`` under the D65 white point."""
    r, g, b = (_linear(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
    fx, fy, fz = _f(x), _f(y), _f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def colour_distance(first: str, second: str) -> float:
    """CIE76 ΔE between two ``#rrggbb`` colours (0 for equal colours, ~100 black to white)."""
    return sum((p - q) ** 2 for p, q in zip(to_lab(first.lower()), to_lab(second.lower()))) ** 0.5


def nearest_distance(colour: str, others: Iterable[str]) -> float:
    """ΔE to the closest of ``others`` (infinite when there are none)."""
    return min((colour_distance(colour, other) for other in others), default=float("inf"))


def most_distinct(candidates: Sequence[str], used: Iterable[str], *, enough: float = DISTINCT) -> str:
    """The first candidate at least ``enough`` from every used colour (so a preferred order
    is kept), else the candidate farthest from its nearest used colour."""
    used = list(used)
    for candidate in candidates:
        if nearest_distance(candidate, used) >= enough:
            return candidate
    return max(candidates, key=lambda candidate: nearest_distance(candidate, used))


# Markers (the "model was unsure" frame, underline and dot) are drawn over light highlights:
# dark, saturated colours in order of preference; the first unlike every label colour is used.
MARKER_COLOURS = ("#c2185b", "#7c3aed", "#0f766e", "#1d4ed8", "#b91c1c", "#a16207")
MARKER_DISTINCT = 45.0


def tint(colour: str) -> str:
    """``colour`` blended halfway into white: the fill of a model span."""
    channels = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{(c + 255) // 2:02x}" for c in channels)


def marker_colour(label_colours: Iterable[str]) -> str:
    """The marker colour for highlights in ``label_colours`` (and their model tints)."""
    colours = [c.lower() for c in label_colours]
    return most_distinct(MARKER_COLOURS, colours + [tint(c) for c in colours], enough=MARKER_DISTINCT)
