"""Matching patterns, resolving overlaps, and placing pattern suggestions among other entities."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from ner_studio.core.corpus.corpus_text import CorpusText
from ner_studio.core.text.document import Document, Status
from ner_studio.core.corpus.label_all import undo_edits
from ner_studio.core.corpus.pattern_matcher import (
    Matcher,
    apply_patterns,
    pattern_edit,
    project_pattern_edits,
)
from ner_studio.core.corpus.patterns import OPS, Pattern, TokenSpec
from ner_studio.core.store.project import Project
from ner_studio.core.text.spans import Source, Span
from tests.core.corpus.test_find import labelled


def lower(word: str, op: str = "") -> TokenSpec:
    return TokenSpec((("lower", word),), op)


TITLE = TokenSpec((("is_title", True),))


def words(text: str) -> list[str]:
    return text.split()


def test_phrases_match_exact_token_texts():
    matcher = Matcher([Pattern("ORG", phrase=("Bank", "of", "England")), Pattern("LOC", phrase=("England",))])
    found = matcher.matches(words("the Bank of England and England and bank of England"))
    assert found == [(1, 4, "ORG"), (5, 6, "LOC"), (9, 10, "LOC")]


def test_token_patterns_with_operators_take_the_longest_match():
    org = Pattern("ORG", tokens=(lower("bank"), lower("of"), TokenSpec(TITLE.tests, "+")))
    assert Matcher([org]).matches(words("Bank of New York Mellon said")) == [(0, 5, "ORG")]
    optional = Pattern("ORG", tokens=(TITLE, lower("inc.", "?")))
    assert Matcher([optional]).matches(words("Acme Inc. sold")) == [(0, 2, "ORG")]
    assert Matcher([optional]).matches(words("sold Acme today")) == [(1, 2, "ORG")]
    star = Pattern("PER", tokens=(lower("dr."), TokenSpec((), "*"), lower("jr.")))
    assert Matcher([star]).matches(words("Dr. Martin Luther King Jr. spoke")) == [(0, 5, "PER")]
    assert Matcher([star]).matches(words("Dr. who")) == []


def test_overlaps_go_to_the_longest_then_the_earliest_then_the_first_pattern():
    matcher = Matcher([
        Pattern("LOC", phrase=("New", "York")),
        Pattern("ORG", phrase=("New", "York", "Times")),
        Pattern("MISC", phrase=("Times", "Square")),
        Pattern("A", phrase=("x", "y")), Pattern("B", phrase=("y", "z")), Pattern("C", phrase=("x", "y")),
    ])
    assert matcher.matches(words("New York Times Square x y z")) == [(0, 3, "ORG"), (4, 6, "A")]


def test_suggestions_never_touch_confirmed_entities_and_beat_model_ones():
    spans = [Span(0, 5, "PER", Source.HUMAN), Span(10, 15, "ORG", Source.MODEL),
             Span(20, 25, "LOC", Source.PATTERN), Span(30, 35, "LOC", Source.ACCEPTED)]
    suggestions = [Span(0, 5, "ORG", Source.PATTERN), Span(10, 18, "LOC", Source.PATTERN),
                   Span(20, 25, "LOC", Source.PATTERN), Span(32, 40, "ORG", Source.PATTERN),
                   Span(50, 55, "MISC", Source.PATTERN)]
    removed, added = pattern_edit(spans, suggestions)
    assert removed == (Span(10, 15, "ORG", Source.MODEL),)
    assert added == (Span(10, 18, "LOC", Source.PATTERN), Span(50, 55, "MISC", Source.PATTERN))


def test_apply_patterns_to_a_document():
    doc = Document.from_text("Lisbon and Porto met Bank of England.")
    doc.add_span(Span(0, 6, "PER", Source.HUMAN))
    doc.add_span(Span(11, 16, "ORG", Source.MODEL, 0.6))
    matcher = Matcher([Pattern("LOC", phrase=("Lisbon",)), Pattern("LOC", phrase=("Porto",)),
                       Pattern("ORG", tokens=(lower("bank"), lower("of"), TITLE))])
    removed, added = apply_patterns(doc, matcher)
    assert removed == (Span(11, 16, "ORG", Source.MODEL, 0.6),)
    assert doc.spans == (Span(0, 6, "PER", Source.HUMAN), Span(11, 16, "LOC", Source.PATTERN),
                         Span(21, 36, "ORG", Source.PATTERN))
    assert added == doc.spans[1:]


def test_project_wide_suggestions_skip_reviewed_documents_and_undo_in_one_step(tmp_path):
    reviewed = labelled("Lisbon is done.", "r")
    reviewed.status = Status.REVIEWED
    with Project.create(tmp_path / "p.nerstudio") as project:
        project.add_documents([labelled("Lisbon and Porto.", "a", ("Porto", "LOC", Source.HUMAN)), reviewed])
        corpus = CorpusText(project)
        matcher = Matcher([Pattern("LOC", phrase=("Lisbon",)), Pattern("ORG", phrase=("Porto",))])
        edits = project_pattern_edits(corpus, matcher)
        project.edit_documents(edits)
        assert project.load_document(1).spans == (Span(0, 6, "LOC", Source.PATTERN), Span(11, 16, "LOC"))
        assert project.load_document(2).spans == ()
        assert project_pattern_edits(corpus, matcher) == []  # already there
        assert len(project_pattern_edits(corpus, matcher, include_reviewed=True)) == 1
        project.edit_documents(undo_edits(edits))
        assert project.load_document(1).spans == (Span(11, 16, "LOC"),)


def test_patterns_tried_only_at_their_first_word_match_like_the_others():
    the_hague = Pattern("LOC", tokens=(lower("the", "?"), lower("hague")))  # optional first: tried anywhere
    doctor = Pattern("PER", tokens=(TokenSpec((("orth", "Dr."),)), TokenSpec(TITLE.tests, "+")))
    anything = Pattern("MISC", tokens=(TokenSpec((("shape", "dddd"),)),))
    matcher = Matcher([the_hague, doctor, anything])
    found = matcher.matches(words("In The Hague , Dr. Ann Lee met dr. Bo in Hague in 1999"))
    assert found == [(1, 3, "LOC"), (4, 7, "PER"), (11, 12, "LOC"), (13, 14, "MISC")]


def test_no_match_runs_across_a_wall_and_a_shorter_one_inside_still_counts():
    matcher = Matcher([Pattern("ORG", phrase=("New", "York", "Times")), Pattern("LOC", phrase=("New", "York"))])
    words = ["New", "York", "Times"]
    assert matcher.matches(words) == [(0, 3, "ORG")]
    assert matcher.matches(words, walls=[2]) == [(0, 2, "LOC")]
    assert matcher.matches(words, walls=[1]) == []
    assert matcher.matches(words, walls=[3]) == [(0, 3, "ORG")]


def _reference_matches(patterns, words):
    """The matcher's rules spelled out by brute force: every start, every end, a backtracking
    match of the token specs; longest, then earliest, then first pattern."""
    def fits(specs, seq):
        if not specs:
            return not seq
        spec, rest = specs[0], specs[1:]
        if spec.op in ("?", "*") and fits(rest, seq):
            return True
        if seq and spec.matches(seq[0]):
            return fits(rest, seq[1:]) or (spec.op in ("+", "*") and fits(specs, seq[1:]))
        return False

    found = []
    for order, pattern in enumerate(patterns):
        specs = pattern.tokens or tuple(TokenSpec((("orth", w),)) for w in pattern.phrase)
        for i in range(len(words)):
            ends = [j for j in range(i + 1, len(words) + 1) if fits(specs, words[i:j])]
            if ends:
                found.append((i, max(ends), order, pattern.label))
    taken = []
    for start, end, _, label in sorted(found, key=lambda m: (m[0] - m[1], m[0], m[2])):
        if all(end <= s or start >= e for s, e, _ in taken):
            taken.append((start, end, label))
    return sorted(taken)


SPEC = st.builds(
    TokenSpec,
    st.sampled_from([(), (("lower", "a"),), (("orth", "B"),), (("is_title", True),),
                     (("lower", ("in", frozenset({"a", "c"}))),)]),
    st.sampled_from(OPS),
)
TOKENS = st.lists(SPEC, min_size=1, max_size=4).filter(lambda specs: any(s.op in ("", "+") for s in specs))
PATTERN = st.one_of(
    st.builds(lambda tokens, label: Pattern(label, tokens=tuple(tokens)), TOKENS, st.sampled_from("XYZ")),
    st.builds(lambda words, label: Pattern(label, phrase=tuple(words)),
              st.lists(st.sampled_from(["a", "B", "c"]), min_size=1, max_size=3), st.sampled_from("XYZ")),
)


@settings(max_examples=300, deadline=None)
@given(patterns=st.lists(PATTERN, min_size=1, max_size=3),
       words=st.lists(st.sampled_from(["a", "A", "B", "b", "c", "Cc", "."]), max_size=12))
def test_the_linear_matcher_finds_what_backtracking_finds(patterns, words):
    assert Matcher(patterns).matches(words) == _reference_matches(patterns, words)


def test_repeated_tokens_run_in_time_linear_in_the_text():
    """Issue 24: ``[{"op": "+"}, {"orth": "zzz"}]`` on unpunctuated text took 3.7 s on 3k
    tokens and 14.9 s on 6k (a run from every start to the end of the text)."""
    any_then_zzz = Pattern("X", tokens=(TokenSpec((), "+"), TokenSpec((("orth", "zzz"),))))
    lower_star = Pattern("Y", tokens=(TokenSpec((("is_lower", True),), "*"), TokenSpec((("lower", "qqq"),))))
    matcher = Matcher([any_then_zzz, lower_star])

    def seconds(n):
        words = [f"w{k % 997}" for k in range(n)] + ["zzz"]
        began = time.perf_counter()
        assert matcher.matches(words) == [(0, n + 1, "X")]
        return time.perf_counter() - began

    small, large = seconds(20_000), seconds(80_000)
    assert large < 1.5 + 8 * small  # linear: ~4x; the quadratic search took hours here
