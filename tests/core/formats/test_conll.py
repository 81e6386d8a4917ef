"""CoNLL columns: reading, writing, scheme detection, round trips and clear errors."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ner_studio.core.text.document import Document
from ner_studio.core.errors import FormatError
from ner_studio.core.formats import read_documents, write_documents
from ner_studio.core.formats.conll import format_conll, parse_conll
from ner_studio.core.text.spans import Span
from ner_studio.core.text.tags import SCHEMES, token_spans_to_tags


def entity_texts(doc):
    return [(doc.text[s.start : s.end], s.label) for s in doc.spans]


def test_conll2003_four_columns(fixtures):
    docs = read_documents(fixtures / "conll2003_sample.conll")
    assert [d.name for d in docs] == ["conll2003_sample #1", "conll2003_sample #2"]
    first = docs[0]
    assert first.text == "EU rejects German call to boycott British lamb .\nPeter Blackburn"
    assert [first.sentence_words(k) for k in range(2)][1] == ["Peter", "Blackburn"]
    assert entity_texts(first) == [("EU", "ORG"), ("German", "MISC"), ("British", "MISC"), ("Peter Blackburn", "PER")]
    assert first.meta["conll_docstart"] == "-DOCSTART- -X- -X- O"
    assert first.meta["conll_columns"][:2] == ["NNP B-NP", "VBZ B-VP"]
    assert entity_texts(docs[1]) == [("BRUSSELS", "LOC"), ("European Commission", "ORG")]


def test_offsets_tokens_and_spans_agree(fixtures):
    for doc in read_documents(fixtures / "conll2003_sample.conll"):
        words = doc.words()
        assert " ".join(words).replace(" ", "") == doc.text.replace(" ", "").replace("\n", "")
        for span in doc.spans:
            i, j = doc.token_range(span.start, span.end)
            assert doc.text[span.start : span.end] == " ".join(words[i:j])


def test_four_column_file_round_trips_identically(fixtures, tmp_path):
    source = fixtures / "conll2003_sample.conll"
    target = tmp_path / "out.conll"
    write_documents(read_documents(source), target)
    assert target.read_bytes() == source.read_bytes()


def test_iob1_with_tabs_is_detected_and_written_as_iob2(fixtures):
    docs = read_documents(fixtures / "iob1_tabs.conll")
    assert len(docs) == 1 and docs[0].meta["conll_scheme"] == "iob1"
    assert entity_texts(docs[0]) == [("EU", "ORG"), ("German", "MISC"), ("Peter Blackburn", "PER"), ("John Smith", "PER")]
    out = format_conll(docs)
    assert out.splitlines()[5:9] == ["Peter\tB-PER", "Blackburn\tI-PER", "John\tB-PER", "Smith\tI-PER"]
    assert format_conll(docs, "iob1") == (fixtures / "iob1_tabs.conll").read_text()


def test_tab_file_with_spaces_in_tokens_and_docstart():
    text = "-DOCSTART-\t-X-\tO\n\nNew York\tNNP\tB-LOC\nis\tVBZ\tO\n\n"
    (doc,) = parse_conll(text)
    assert doc.words() == ["New York", "is"] and entity_texts(doc) == [("New York", "LOC")]
    assert format_conll([doc]) == text


def test_any_column_count_with_the_tag_last():
    docs = parse_conll("Paris x y z B-LOC\nis a b c O\n")
    assert entity_texts(docs[0]) == [("Paris", "LOC")]
    assert docs[0].meta["conll_columns"] == ["x y z", "a b c"]


def test_spaces_and_tabs_and_crlf_and_bom():
    docs = parse_conll("\ufeffNew   B-LOC\r\nYork\tI-LOC\r\n\r\n\r\nok O\r\n")
    assert docs[0].text == "New York\nok"
    assert entity_texts(docs[0]) == [("New York", "LOC")]


def test_bioes_is_detected():
    docs = parse_conll("New B-LOC\nYork E-LOC\nis O\nnice S-MISC\n")
    assert docs[0].meta["conll_scheme"] == "bioes"
    assert entity_texts(docs[0]) == [("New York", "LOC"), ("nice", "MISC")]
    assert format_conll(docs, "bioes") == "New B-LOC\nYork E-LOC\nis O\nnice S-MISC\n\n"


def test_tokens_before_the_first_docstart_form_a_document():
    docs = parse_conll("a O\n\n-DOCSTART- O\n\nb O\n\n-DOCSTART- O\n\n")
    assert [d.words() for d in docs] == [["a"], ["b"], []]
    assert format_conll(docs) == "a O\n\n-DOCSTART- O\n\nb O\n\n-DOCSTART- O\n\n"


def test_a_file_without_docstart_is_written_back_without_one():
    text = "Rome B-LOC\nis O\n\n"
    assert format_conll(parse_conll(text)) == text


def test_documents_without_docstart_get_one_each_as_conll2003_has():
    docs = [Document.from_text("Rome is big ."), Document.from_text("So is Paris .")]
    docs[1].add_span(Span(6, 11, "LOC"))
    out = format_conll(docs)
    assert out == "-DOCSTART- O\n\nRome O\nis O\nbig O\n. O\n\n-DOCSTART- O\n\nSo O\nis O\nParis B-LOC\n. O\n\n"
    assert [entity_texts(d) for d in parse_conll(out)] == [[], [("Paris", "LOC")]]


def test_a_span_across_sentences_merges_them_when_written():
    doc = Document.from_text("He works at Acme Inc. Ltd. Group. It is big.")
    start = doc.text.index("Acme")
    doc.add_span(Span(start, doc.text.index(" Group") + 6, "ORG"))
    reread = parse_conll(format_conll([doc]))[0]
    assert entity_texts(reread) == [("Acme Inc. Ltd. Group", "ORG")]


def test_a_label_with_a_space_cannot_be_written():
    doc = Document.from_text("New York", name="city")
    doc.add_span(Span(0, 8, "BIG CITY"))
    with pytest.raises(FormatError, match="city: token 1: .*'BIG CITY'"):
        format_conll([doc])


def test_a_token_with_whitespace_cannot_be_written():
    doc = Document("New York", [(0, 8)])
    with pytest.raises(FormatError, match="whitespace"):
        format_conll([doc])


# --- property: normalized CoNLL -> documents -> CoNLL is identical ----------------------------
WORD = st.text(st.characters(blacklist_categories=("Z", "C")), min_size=1, max_size=6).filter(
    lambda w: w.split() == [w] and w != "-DOCSTART-"
)


@st.composite
def normalized_conll(draw):
    columns = draw(st.sampled_from([2, 4]))
    scheme = draw(st.sampled_from(SCHEMES))
    n_docs = draw(st.integers(1, 3))
    lines = []
    for d in range(n_docs):
        if d > 0 or draw(st.booleans()):
            lines += ["-DOCSTART- -X- -X- O" if columns == 4 else "-DOCSTART- O", ""]
        for _ in range(draw(st.integers(1 if d == 0 else 0, 3))):
            words = draw(st.lists(WORD, min_size=1, max_size=7))
            spans, i = [], 0
            while i < len(words):
                i += draw(st.integers(0, 2))
                if i < len(words):
                    j = min(len(words), i + draw(st.integers(1, 3)))
                    spans.append((i, j, draw(st.sampled_from(["PER", "LOC", "B-X"]))))
                    i = j
            tags = token_spans_to_tags(len(words), spans, scheme)
            middle = [" NN I-NP"] * len(words) if columns == 4 else [""] * len(words)
            lines += [f"{w}{m} {t}" for w, m, t in zip(words, middle, tags)] + [""]
    return "\n".join(lines) + "\n", scheme


@given(normalized_conll())
def test_conll_round_trip_is_identical(sample):
    text, scheme = sample
    docs = parse_conll(text)
    assert format_conll(docs, scheme) == text
    for doc in docs:
        for span in doc.spans:
            assert doc.text[span.start : span.end] == " ".join(doc.words(*doc.token_range(span.start, span.end)))


# --- errors: file, line and reason ---------------------------------------------------------------
@pytest.mark.parametrize(
    "text, line, reason",
    [
        ("a B-X NN O\nb O\n", 2, "2 columns, but line 1 has 4"),
        ("a O\n\nb NN O\n", 3, "3 columns, but line 1 has 2"),
        ("a O\nlonely\n", 2, "only one column"),
        ("lonely\n", 1, "only one column"),
        ("a O\nb I-\n", 2, "type after I- is empty"),
        ("a O\n\nb X-PER\n", 3, "'X-PER'"),
        ("a B-\n", 1, "type after B- is empty"),
        ("a B-PER\nb O\n\nc O\nd I-LOC\n", 5, "mixed tag schemes.*at line 1"),
        ("a B-PER\nb O\n", 2, None),
        ("\n\n-DOCSTART- O\n\n", None, "no token lines"),
    ],
)
def test_errors_name_the_line(tmp_path, text, line, reason):
    path = tmp_path / "bad.conll"
    path.write_text(text)
    if reason is None:  # a valid file for contrast
        assert read_documents(path)
        return
    with pytest.raises(FormatError, match=reason) as caught:
        read_documents(path)
    assert caught.value.line == line
    assert caught.value.path == str(path)
    assert str(caught.value).startswith(f"{path}, line {line}:" if line else f"{path}:")


def test_bioes_inconsistency_names_the_line():
    with pytest.raises(FormatError, match="must end with E-LOC") as caught:
        parse_conll("x O\nNew B-LOC\nYork O\nnice S-MISC\n", "f.conll")
    assert caught.value.line == 3


@pytest.mark.parametrize(
    "data, line, reason",
    [
        (b"", None, "empty"),
        (b" \n\n", None, "empty"),
        (b"a O\nb\x00\x01 O\n", 2, "binary"),
        (b"a O\n\nb\xe9 O\n", 3, "not valid UTF-8"),
        (b"\xff\xfea\x00 \x00O\x00", 1, "UTF-16"),
    ],
)
def test_bad_bytes(tmp_path, data, line, reason):
    path = tmp_path / "bad.conll"
    path.write_bytes(data)
    with pytest.raises(FormatError, match=reason) as caught:
        read_documents(path)
    assert caught.value.line == line


def test_a_failed_load_changes_nothing(tmp_path, fixtures):
    loaded = read_documents(fixtures / "conll2003_sample.conll")
    before = [(d.text, d.spans) for d in loaded]
    bad = tmp_path / "bad.conll"
    bad.write_text("a O\nb I-\n")
    with pytest.raises(FormatError):
        loaded = read_documents(bad)
    assert [(d.text, d.spans) for d in loaded] == before


def test_missing_file_is_a_format_error(tmp_path):
    with pytest.raises(FormatError, match="cannot read"):
        read_documents(tmp_path / "nope.conll")


# --- the catalogue link column (format_conll(kb_column=True)) ---------------------------------
def test_the_link_column_round_trips_and_keeps_the_middle_columns():
    from ner_studio.core.formats.conll import format_conll as write, parse_conll as read

    text = "Karin NNP B-PER q1\nOlsson NNP I-PER q1\nvisited VBD O _\nLisbon NNP B-LOC Q597\n. . O _\n"
    [doc] = read(text, "x.conll")
    assert [(doc.text[s.start:s.end], s.label, s.kb_id) for s in doc.spans] == [
        ("Karin Olsson", "PER", "q1"), ("Lisbon", "LOC", "Q597")]
    assert doc.meta["conll_columns"] == ["NNP", "NNP", "VBD", "NNP", "."]
    assert write([doc]) == text + "\n"  # read with the column, written back with it


def test_a_malformed_link_column_names_the_line():
    import pytest

    from ner_studio.core.errors import FormatError
    from ner_studio.core.formats.conll import parse_conll as read

    with pytest.raises(FormatError, match="line 2: one entity's tokens carry different catalogue links"):
        read("Karin B-PER q1\nOlsson I-PER q2\nvisited O _\n", "bad.conll")
    with pytest.raises(FormatError, match="line 3: catalogue link 'q3' on a token outside every entity"):
        read("Karin B-PER q1\nOlsson I-PER q1\nvisited O q3\n", "bad.conll")
    # CoNLL-2003's four columns are not mistaken for links, a mistyped tag is still named
    assert read("EU NNP B-NP B-ORG\nrejects VBZ B-VP O\n")[0].spans[0].kb_id is None
    with pytest.raises(FormatError, match="line 1: invalid tag 'B_ORG'"):
        read("EU NNP B-NP B_ORG\nrejects VBZ B-VP O\n", "bad.conll")
