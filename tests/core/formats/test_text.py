"""Plain text files: encodings, line endings, format sniffing, atomic writes."""

import os

import pytest

from ner_studio.core.atomic import atomic_write_text
from ner_studio.core.errors import FormatError
from ner_studio.core.formats import format_of, read_documents
from ner_studio.core.formats.text import decode_text, parse_text


def test_utf8_with_bom_and_crlf(tmp_path):
    path = tmp_path / "note.txt"
    path.write_bytes("\ufeffAngela Merkel visited Paris.\r\n\r\nShe left.\r\n".encode())
    (doc,) = read_documents(path)
    assert doc.name == "note"
    assert doc.text == "Angela Merkel visited Paris.\n\nShe left.\n"
    assert doc.meta["newline"] == "\r\n"
    assert doc.words() == ["Angela", "Merkel", "visited", "Paris", ".", "She", "left", "."]
    assert len(doc.sentences) == 2


def test_lf_and_lone_cr():
    assert parse_text("a\nb").meta == {}
    doc = parse_text("old\rmac\r")
    assert doc.text == "old\nmac\n" and doc.meta["newline"] == "\r"


def test_offsets_index_the_text_as_loaded(tmp_path):
    path = tmp_path / "x.txt"
    path.write_bytes("é 😀 東京\r\nend".encode())
    (doc,) = read_documents(path)
    for start, end in doc.tokens:
        assert doc.text[start:end].strip() == doc.text[start:end] != ""
    assert doc.words() == ["é", "😀", "東", "京", "end"]


@pytest.mark.parametrize(
    "data, line, reason",
    [
        (b"", None, "empty"),
        (b"\n \r\n", None, "empty"),
        (b"text\n\x00\x00binary", 2, "binary"),
        (b"line one\nline two\ncaf\xe9\n", 3, r"not valid UTF-8 \(byte e9"),
        (b"\xfe\xff\x00a", 1, "UTF-16"),
    ],
)
def test_bad_files(tmp_path, data, line, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(FormatError, match=reason) as caught:
        read_documents(path)
    assert caught.value.line == line and caught.value.path == str(path)


def test_decode_text_strips_the_bom_only():
    assert decode_text("\ufeffa\ufeffb".encode()) == "a\ufeffb"


def test_a_txt_file_in_columns_is_read_as_conll(tmp_path):
    path = tmp_path / "train.txt"
    path.write_text("EU B-ORG\nrejects O\n\nPeter B-PER\n")
    docs = read_documents(path)
    assert docs[0].text == "EU rejects\nPeter" and len(docs[0].spans) == 2
    prose = tmp_path / "prose.txt"
    prose.write_text("Hello O\nThis is a normal text.\n")
    assert read_documents(prose)[0].text == "Hello O\nThis is a normal text.\n"


def test_format_of():
    assert format_of("a.CoNLL") == "conll" and format_of("a.bio") == "conll"
    assert format_of("a.jsonl") == "jsonl" and format_of("a.txt") == "txt"
    assert format_of("eng.train", "EU B-ORG\nx O\n") == "conll"
    assert format_of("data.unknown", '{"text": "x"}\n') == "jsonl"
    with pytest.raises(FormatError, match="cannot tell the format"):
        format_of("eng.train")


def test_read_with_explicit_format(tmp_path):
    path = tmp_path / "eng.testa"
    path.write_text("Rome B-LOC\n")
    assert read_documents(path, "conll")[0].spans[0].label == "LOC"
    with pytest.raises(FormatError, match="unknown format"):
        read_documents(path, "xml")


def test_atomic_write_replaces_and_keeps_permissions(tmp_path):
    path = tmp_path / "out.conll"
    path.write_text("old")
    os.chmod(path, 0o640)
    atomic_write_text(path, "new\ntext", newline="\r\n")
    assert path.read_bytes() == b"new\r\ntext"
    assert path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["out.conll"]  # no temp file left


def test_atomic_write_failure_leaves_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "out.jsonl"
    path.write_text("old")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        atomic_write_text(path, "new")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]
