"""Counts in messages agree with their nouns."""

import pytest

from ner_studio.core.plural import plural, plural_form


@pytest.mark.parametrize("word, many", [("document", "documents"), ("entity", "entities"), ("match", "matches"),
                                        ("day", "days"), ("text", "texts"), ("box", "boxes"), ("unsure entity", "unsure entities")])
def test_regular_plurals(word, many):
    assert plural_form(word) == many
    assert plural(1, word) == f"1 {word}"
    assert plural(0, word) == f"0 {many}" and plural(2, word) == f"2 {many}"


def test_irregular_plurals_and_grouped_thousands():
    assert plural(3, "analysis", "analyses") == "3 analyses"
    assert plural(12480, "token") == "12,480 tokens"
