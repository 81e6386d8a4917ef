"""Colour distance (CIE76 ΔE) and the colours chosen with it: new labels' and the unsure marker's."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ner_studio.core.text.colours import (
    DISTINCT, MARKER_COLOURS, MARKER_DISTINCT, colour_distance, marker_colour, most_distinct, tint, to_lab,
)
from ner_studio.core.text.labels import FALLBACK_COLOUR, PALETTE, LabelSet

HEX = st.text("0123456789abcdef", min_size=6, max_size=6).map(lambda s: "#" + s)


def test_lab_of_known_colours():
    assert to_lab("#ffffff") == pytest.approx((100.0, 0.0, 0.0), abs=0.05)
    assert to_lab("#000000") == pytest.approx((0.0, 0.0, 0.0), abs=0.05)
    assert to_lab("#ff0000") == pytest.approx((53.24, 80.09, 67.20), abs=0.05)  # the CIE reference


@given(HEX, HEX)
def test_distance_is_a_symmetric_measure(a, b):
    assert colour_distance(a, a) == 0.0
    assert colour_distance(a, b) == pytest.approx(colour_distance(b, a))
    assert colour_distance(a, b) >= 0.0


def test_distance_separates_near_from_far():
    assert colour_distance("#000000", "#ffffff") == pytest.approx(100.0, abs=0.1)
    assert colour_distance("#ff9561", "#ff9762") < 2.3  # invisible difference
    assert colour_distance("#d9480f", "#ff9561") < 35  # the old marker beside LOC: too close


def test_most_distinct_keeps_the_preferred_order_and_falls_back_to_the_farthest():
    assert most_distinct(["#ff0000", "#0000ff"], ["#ffffff"]) == "#ff0000"
    assert most_distinct(["#fe0000", "#0000ff"], ["#ff0000"]) == "#0000ff"
    assert most_distinct(["#fe0000", "#fd0000"], ["#ff0000", "#000000"], enough=300) == "#fd0000"


def test_the_unsure_marker_is_unlike_every_conll_label_and_its_tint():
    colours = [label.colour for label in LabelSet.conll2003()]
    marker = marker_colour(colours)
    assert all(colour_distance(marker, c) >= MARKER_DISTINCT for c in colours + [tint(c) for c in colours])


@given(st.lists(HEX, max_size=6))
def test_the_marker_is_the_farthest_candidate_when_none_is_far_enough(colours):
    marker = marker_colour(colours)
    everything = colours + [tint(c) for c in colours]

    def nearest(candidate):
        return min((colour_distance(candidate, c) for c in everything), default=float("inf"))

    assert marker in MARKER_COLOURS
    assert nearest(marker) >= MARKER_DISTINCT or nearest(marker) == max(map(nearest, MARKER_COLOURS))


def test_a_marker_like_a_label_colour_gives_way():
    labels = LabelSet.conll2003()
    labels.set_colour("MISC", MARKER_COLOURS[0])
    assert marker_colour(label.colour for label in labels) != MARKER_COLOURS[0]


def test_new_labels_take_colours_unlike_the_existing_ones():
    labels = LabelSet.conll2003()
    for name in ("DATE", "MONEY", "EVENT"):
        before = [label.colour for label in labels]
        colour = labels.add(name).colour
        assert min(colour_distance(colour, c) for c in before) >= DISTINCT, (name, colour)
        assert colour != FALLBACK_COLOUR


def test_a_new_label_avoids_a_colour_the_analyst_picked():
    labels = LabelSet.conll2003()
    labels.set_colour("MISC", PALETTE[5])  # the next palette colour, taken by hand
    colour = labels.add("DATE").colour
    assert min(colour_distance(colour, label.colour) for label in labels if label.name != "DATE") >= DISTINCT
