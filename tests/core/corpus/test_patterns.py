"""Reading patterns and dictionaries: each format, every documented attribute, clear errors."""

from __future__ import annotations

import pytest

from ner_studio.core.errors import FormatError
from ner_studio.core.corpus.patterns import Pattern, TokenSpec, read_patterns, shape


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_gazetteer_lines_are_tokenized_like_documents(tmp_path):
    path = write(tmp_path, "places.txt", "# places\nLisbon\tLOC\n\nBank of England\tORG\nU.S.-based\tMISC\n")
    assert read_patterns(path) == [
        Pattern("LOC", phrase=("Lisbon",)),
        Pattern("ORG", phrase=("Bank", "of", "England")),
        Pattern("MISC", phrase=("U.S.", "-", "based")),
    ]


def test_csv_gazetteer_with_or_without_a_header(tmp_path):
    expected = [Pattern("ORG", phrase=("Acme", ",", "Inc.")), Pattern("LOC", phrase=("Paris",))]
    assert read_patterns(write(tmp_path, "a.csv", 'text,label\n"Acme, Inc.",ORG\nParis,LOC\n')) == expected
    assert read_patterns(write(tmp_path, "b.csv", '"Acme, Inc.",ORG\nParis, LOC\n')) == expected


def test_jsonl_string_and_token_patterns(tmp_path):
    path = write(tmp_path, "p.jsonl", "\n".join([
        '{"label": "ORG", "pattern": "Bank of England"}',
        '{"label": "ORG", "pattern": [{"LOWER": "bank"}, {"lower": "of"}, {"is_title": true, "op": "+"}]}',
        '{"label": "DATE", "pattern": [{"shape": "dddd"}, {"orth": {"IN": ["AD", "BC"]}, "OP": "?"}]}',
        '{"label": "MISC", "pattern": [{}, {"length": 3, "is_upper": true}]}',
    ]))
    assert read_patterns(path) == [
        Pattern("ORG", phrase=("Bank", "of", "England")),
        Pattern("ORG", tokens=(TokenSpec((("lower", "bank"),)), TokenSpec((("lower", "of"),)),
                               TokenSpec((("is_title", True),), "+"))),
        Pattern("DATE", tokens=(TokenSpec((("shape", "dddd"),)),
                                TokenSpec((("orth", ("in", frozenset({"AD", "BC"}))),), "?"))),
        Pattern("MISC", tokens=(TokenSpec(()), TokenSpec((("length", 3), ("is_upper", True))))),
    ]


def test_token_tests():
    spec = TokenSpec((("lower", ("not_in", frozenset({"the", "a"}))), ("is_alpha", True)))
    assert spec.matches("Bank") and not spec.matches("The") and not spec.matches("42")
    assert TokenSpec((("is_punct", True),)).matches("...") and not TokenSpec((("is_punct", True),)).matches("a.")
    assert TokenSpec((("text", "Lisbon"),)).matches("Lisbon") and not TokenSpec((("text", "Lisbon"),)).matches("lisbon")
    assert TokenSpec((("is_digit", True), ("length", 4))).matches("1999")
    assert [shape(w) for w in ("Apple", "Wednesday", "1999", "U.S.", "iPhone")] == ["Xxxxx", "Xxxxx", "dddd", "X.X.", "xXxxxx"]


@pytest.mark.parametrize(("name", "text", "line", "reason"), [
    ("g.txt", "Lisbon\tLOC\nPorto LOC\n", 2, "expected 'text<TAB>LABEL'"),
    ("g.txt", "Lisbon\tB-LOC\n", 1, "looks like a tag"),
    ("g.txt", "\tLOC\n", 1, "the entry has no text"),
    ("g.csv", "Lisbon,LOC\nPorto,LOC,extra\n", 2, "expected 2 columns"),
    ("p.jsonl", '{"label": "ORG", "pattern": "x"}\n{"label": "ORG"\n', 2, "not valid JSON"),
    ("p.jsonl", '{"pattern": "x"}\n', 1, 'with "label" and "pattern"'),
    ("p.jsonl", '{"label": "ORG", "pattern": []}\n', 1, "non-empty list"),
    ("p.jsonl", '{"label": "ORG", "pattern": [{"pos": "NOUN"}]}\n', 1, "token 1: attribute 'pos' is not supported"),
    ("p.jsonl", '{"label": "ORG", "pattern": [{"lower": "a"}, {"lower": "b", "op": "!"}]}\n', 1,
     "token 2: op '!' is not supported"),
    ("p.jsonl", '{"label": "ORG", "pattern": [{"is_title": "yes"}]}\n', 1, "must be true or false"),
    ("p.jsonl", '{"label": "ORG", "pattern": [{"lower": 3}]}\n', 1, "must be a string"),
    ("p.jsonl", '{"label": "ORG", "pattern": [{"lower": "a", "op": "*"}]}\n', 1, "can match no token"),
    ("p.jsonl", '["ORG", "x"]\n', 1, 'with "label" and "pattern"'),
])
def test_bad_lines_name_the_file_and_line(tmp_path, name, text, line, reason):
    path = write(tmp_path, name, text)
    with pytest.raises(FormatError) as caught:
        read_patterns(path)
    assert (caught.value.path, caught.value.line) == (str(path), line)
    assert reason in caught.value.reason


def test_empty_unreadable_or_missing_files(tmp_path):
    with pytest.raises(FormatError, match="no patterns"):
        read_patterns(write(tmp_path, "empty.txt", "# nothing\n\n"))
    (tmp_path / "latin1.txt").write_bytes("Málaga\tLOC\n".encode("latin-1"))
    with pytest.raises(FormatError, match="not UTF-8"):
        read_patterns(tmp_path / "latin1.txt")
    with pytest.raises(FormatError, match="cannot be read: No such file"):  # as a label set or catalogue says it
        read_patterns(tmp_path / "missing.jsonl")
