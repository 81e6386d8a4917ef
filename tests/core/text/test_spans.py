"""core/text/spans.py: which spans a person stands behind."""

from __future__ import annotations

from ner_studio.core.text.spans import Source, Span


def test_a_span_is_confirmed_exactly_when_its_source_is():
    confirmed = {source for source in Source if Span(0, 5, "PER", source).confirmed}
    assert confirmed == {source for source in Source if source.confirmed} == {Source.HUMAN, Source.ACCEPTED}
