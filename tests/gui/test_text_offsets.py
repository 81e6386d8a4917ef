"""OffsetMap finds the characters Qt counts twice (outside the BMP) with isascii and a regex
in C, not a walk of the text in Python (issue 29: 6 ms of every switch between parts)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ner_studio.gui.annotate.text_offsets import OffsetMap

CHARS = st.sampled_from(["a", " ", "\n", "é", "\uffff", "\U00010000", "😀", "\U0010ffff", "中"])


@given(st.lists(CHARS, max_size=60).map("".join))
def test_the_map_knows_every_astral_character_and_converts_both_ways(text):
    offsets = OffsetMap(text)
    qt = 0
    for offset, char in enumerate(text):
        assert offsets.to_qt(offset) == qt and offsets.from_qt(qt) == offset
        qt += 2 if ord(char) > 0xFFFF else 1
    assert offsets.to_qt(len(text)) == len(text.encode("utf-16-le")) // 2
    assert offsets.is_identity == all(ord(c) <= 0xFFFF for c in text)
