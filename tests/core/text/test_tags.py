"""Tag schemes: strict validation, detection, and lossless round trips between all schemes."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ner_studio.core.text.document import Document
from ner_studio.core.errors import TagError
from ner_studio.core.text.spans import Source, Span
from ner_studio.core.text.tags import (
    SCHEMES,
    convert_tags,
    decode_tags,
    detect_scheme,
    document_tags,
    parse_tag,
    sentence_spans_from_tags,
    tags_to_token_spans,
    token_spans_to_tags,
    validate_tags,
)

LABELS = ["PER", "LOC", "ORG", "MISC-X"]


@st.composite
def token_spans(draw, max_tokens=25):
    """(n, sorted non-overlapping token spans) including adjacent spans of the same label."""
    n = draw(st.integers(0, max_tokens))
    spans, i = [], 0
    while i < n:
        i += draw(st.integers(0, 2))
        if i >= n:
            break
        j = min(n, i + draw(st.integers(1, 4)))
        spans.append((i, j, draw(st.sampled_from(LABELS))))
        i = j
    return n, spans


def test_example_encodings():
    spans = [(0, 2, "PER"), (2, 3, "PER"), (4, 5, "LOC")]
    assert token_spans_to_tags(5, spans, "iob2") == ["B-PER", "I-PER", "B-PER", "O", "B-LOC"]
    assert token_spans_to_tags(5, spans, "iob1") == ["I-PER", "I-PER", "B-PER", "O", "I-LOC"]
    assert token_spans_to_tags(5, spans, "bioes") == ["B-PER", "E-PER", "S-PER", "O", "S-LOC"]


@given(token_spans(), st.sampled_from(SCHEMES))
def test_spans_to_tags_and_back(data, scheme):
    n, spans = data
    tags = token_spans_to_tags(n, spans, scheme)
    assert len(tags) == n
    assert tags_to_token_spans(tags, scheme) == spans


@pytest.mark.parametrize("src, dst", list(itertools.product(SCHEMES, SCHEMES)))
@given(data=token_spans())
def test_convert_between_every_pair_of_schemes(src, dst, data):
    n, spans = data
    source = token_spans_to_tags(n, spans, src)
    converted = convert_tags(source, src, dst)
    assert converted == token_spans_to_tags(n, spans, dst)
    assert convert_tags(converted, dst, src) == source


@given(token_spans(), st.sampled_from(SCHEMES))
def test_detect_scheme_finds_the_encoding(data, scheme):
    n, spans = data
    tags = token_spans_to_tags(n, spans, scheme)
    detected = detect_scheme([tags])
    if spans:
        assert detected == scheme
    else:
        assert detected == "iob2"  # nothing tells the schemes apart


@given(st.lists(token_spans(max_tokens=8), min_size=1, max_size=5), st.sampled_from(SCHEMES))
def test_decode_many_sentences_at_once(sentences, scheme):
    flat, starts, expected = [], [], []
    for n, spans in sentences:
        starts.append(len(flat))
        expected += [(i + len(flat), j + len(flat), label) for i, j, label in spans]
        flat += token_spans_to_tags(n, spans, scheme)
    assert decode_tags(flat, starts, scheme) == (scheme, expected)


def test_a_sentence_boundary_ends_an_entity():
    # Same tags, but the second I-PER starts a new sentence: two entities, not one.
    assert decode_tags(["I-PER", "I-PER"], [0, 1], "iob1")[1] == [(0, 1, "PER"), (1, 2, "PER")]
    assert decode_tags(["I-PER", "I-PER"], [0], "iob1")[1] == [(0, 2, "PER")]


@pytest.mark.parametrize(
    "tag, reason",
    [
        ("I-", "empty"),
        ("B-", "empty"),
        ("X-PER", "expected O or B-/I-/E-/S-"),
        ("PER", "expected O or B-/I-/E-/S-"),
        ("b-PER", "expected O or B-/I-/E-/S-"),
        ("B- ", "empty"),
    ],
)
def test_parse_tag_rejects_malformed_tags(tag, reason):
    with pytest.raises(TagError, match=reason):
        parse_tag(tag)


def test_parse_tag_keeps_hyphens_in_the_type():
    assert parse_tag("B-DATE-TIME") == ("B", "DATE-TIME")
    assert parse_tag("O") == ("O", "")


@pytest.mark.parametrize(
    "tags, scheme, index, reason",
    [
        (["O", "I-"], "iob2", 1, "empty"),
        (["O", "O", "X-PER"], "iob1", 2, "expected O or B-"),
        (["O", "I-PER"], "iob2", 1, "IOB2 every entity starts with B-"),
        (["B-PER", "I-LOC"], "iob2", 1, "IOB2"),
        (["O", "B-PER"], "iob1", 1, "B- only separates"),
        (["B-PER", "O"], "bioes", 1, "must end with E-PER"),
        (["B-PER"], "bioes", 0, "end of the sentence"),
        (["B-PER", "I-PER"], "bioes", 1, "end of the sentence"),
        (["S-PER", "I-PER", "E-PER"], "bioes", 1, "starts with B- or S-"),
        (["O", "E-PER"], "bioes", 1, "starts with B- or S-"),
        (["B-PER", "E-LOC"], "bioes", 1, "must end with E-PER"),
        (["B-PER", "B-PER", "E-PER"], "bioes", 1, "must end with E-PER"),
        (["S-PER"], "iob2", 0, "not an IOB2 tag"),
        (["O", "E-PER"], "iob1", 1, "not an IOB1 tag"),
    ],
)
def test_validation_names_the_token(tags, scheme, index, reason):
    with pytest.raises(TagError, match=reason) as caught:
        validate_tags(tags, scheme)
    assert caught.value.index == index
    assert str(caught.value).startswith(f"token {index + 1}:")


def test_the_earliest_invalid_tag_is_reported():
    for _ in range(5):  # set order varies between runs; the answer must not
        with pytest.raises(TagError) as caught:
            validate_tags(["O", "B-A", "Q-1", "Z-2", "R-3", "I-"], "iob2")
        assert caught.value.index == 2


def test_mixed_schemes_are_an_error():
    with pytest.raises(TagError, match="mixed tag schemes") as caught:
        detect_scheme([["B-PER", "O"], ["O", "I-LOC"]])
    assert caught.value.index == 3
    assert "token 1" in caught.value.reason


def test_iob1_and_bioes_mixed():
    with pytest.raises(TagError, match="mixed tag schemes"):
        detect_scheme([["I-PER", "O", "S-LOC"]])


def test_unknown_scheme():
    with pytest.raises(TagError, match="unknown tag scheme"):
        tags_to_token_spans(["O"], "bilou")


@pytest.mark.parametrize(
    "spans, reason",
    [([(0, 2, "A"), (1, 3, "B")], "overlaps"), ([(2, 5, "A")], "outside"), ([(0, 1, "")], "empty label")],
)
def test_bad_token_spans(spans, reason):
    with pytest.raises(TagError, match=reason):
        token_spans_to_tags(4, spans)


@pytest.fixture
def doc():
    text = "Peter Blackburn visited New York . He left ."
    d = Document.from_text(text)
    d.add_span(Span(0, 15, "PER"))
    d.add_span(Span(24, 32, "LOC"))
    return d


def test_document_tags_per_sentence(doc):
    assert len(doc.sentences) == 2
    assert document_tags(doc) == [["B-PER", "I-PER", "O", "B-LOC", "I-LOC", "O"], ["O", "O", "O"]]
    assert document_tags(doc, "bioes")[0] == ["B-PER", "E-PER", "O", "B-LOC", "E-LOC", "O"]


def test_document_tags_cut_a_span_that_crosses_sentences(doc):
    crossing = Document(doc.text, doc.tokens, doc.sentences, [Span(24, 37, "MISC")])
    assert document_tags(crossing) == [["O", "O", "O", "B-MISC", "I-MISC", "I-MISC"], ["B-MISC", "O", "O"]]


def test_sentence_spans_from_tags(doc):
    spans = sentence_spans_from_tags(doc, 0, ["S-PER", "O", "O", "B-LOC", "E-LOC", "O"], "bioes",
                                     confidences=[0.9, 0.5, 0.5, 0.8, 0.6, 0.99])
    assert spans == [Span(0, 5, "PER", Source.MODEL, 0.9), Span(24, 32, "LOC", Source.MODEL, 0.6)]
    human = sentence_spans_from_tags(doc, 1, ["B-PER", "O", "O"], source=Source.HUMAN)
    he = doc.text.index("He")
    assert human == [Span(he, he + 2, "PER")]


def test_sentence_spans_from_tags_checks_lengths(doc):
    with pytest.raises(TagError, match="3 tokens but 2 tags"):
        sentence_spans_from_tags(doc, 1, ["O", "O"])
    with pytest.raises(TagError, match="confidences"):
        sentence_spans_from_tags(doc, 1, ["O", "O", "O"], confidences=[1.0])

