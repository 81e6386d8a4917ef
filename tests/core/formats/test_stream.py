"""Large files read a piece at a time and written as they come (core/formats/stream.py)."""

import json
import re

import pytest

from ner_studio.core.errors import FormatError
from ner_studio.core.formats import read_documents, write_documents
from ner_studio.core.formats.stream import DocumentWriter, read_in_chunks, read_pieces

CONLL_DOC = "-DOCSTART- O\n\nJohn B-PER\nlives O\n\nParis B-LOC\nis O\n\n"


def test_a_small_file_reads_as_read_documents_reads_it(tmp_path):
    path = tmp_path / "a.conll"
    path.write_text(CONLL_DOC * 3)
    [docs] = list(read_in_chunks(path))
    assert [d.text for d in docs] == [d.text for d in read_documents(path)]
    assert [d.spans for d in docs] == [d.spans for d in read_documents(path)]


@pytest.mark.parametrize("fmt", ["conll", "jsonl"])
def test_pieces_hold_the_same_documents(tmp_path, fmt):
    source = tmp_path / "a.conll"
    source.write_text(CONLL_DOC * 40)
    path = tmp_path / f"b.{fmt}"
    write_documents(read_documents(source), path)
    pieces = list(read_in_chunks(path, chunk_chars=200))
    assert len(pieces) > 3
    docs = [d for piece in pieces for d in piece]
    assert [(d.text, d.spans) for d in docs] == [(d.text, d.spans) for d in read_documents(path)]


def test_plain_text_is_cut_between_paragraphs_or_words(tmp_path):
    path = tmp_path / "long.txt"
    words = ("Paris " * 5000).strip()  # no sentence end, no line break
    path.write_text(words + "\n\nBerlin is big.\n")
    docs = [d for piece in read_in_chunks(path, chunk_chars=4096) for d in piece]
    assert len(docs) > 5 and docs[0].name == f"long.txt (part 1 of {len(docs)})"
    assert sum(len(d.tokens) for d in docs) == 5000 + 4
    assert all(d.text[d.tokens[0].start:d.tokens[0].end] in ("Paris", "Berlin") for d in docs)


def test_errors_name_the_line_in_the_whole_file(tmp_path):
    path = tmp_path / "bad.jsonl"
    lines = ['{"text": "Paris is big"}'] * 500 + ["{oops"]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(FormatError) as error:
        list(read_in_chunks(path, chunk_chars=1000))
    assert error.value.line == 501 and error.value.path == str(path)


def test_the_writer_replaces_the_file_only_when_all_went_well(tmp_path):
    path = tmp_path / "out.conll"
    path.write_text("old\n")
    docs = read_documents_from(tmp_path)
    with pytest.raises(RuntimeError):
        with DocumentWriter(path) as out:
            out.write(docs)
            raise RuntimeError("killed half-way")
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    with DocumentWriter(path) as out:
        out.write(docs[:1])
        out.write(docs[1:])
    whole = tmp_path / "whole.conll"
    write_documents(docs, whole)
    assert path.read_text() == whole.read_text()


def read_documents_from(folder):
    source = folder / "in.conll"
    source.write_text(CONLL_DOC * 3)
    return read_documents(source)


def test_a_conll_document_cut_between_sentences_is_written_back_as_one(tmp_path):
    path = tmp_path / "nodocstart.conll"
    path.write_text("John B-PER\nlives O\n\n" * 300)  # no -DOCSTART-: one document
    pieces = list(read_in_chunks(path, chunk_chars=500))
    assert len(pieces) > 3
    assert [d.name for piece in pieces for d in piece][:2] == ["nodocstart #1", "nodocstart #2"]
    out = tmp_path / "out.conll"
    with DocumentWriter(out) as writer:
        for docs in pieces:
            writer.write(docs)
    whole = tmp_path / "whole.conll"
    write_documents(read_documents(path), whole)
    assert out.read_text() == whole.read_text()


def test_names_run_through_the_whole_file(tmp_path):
    source = tmp_path / "a.conll"
    source.write_text(CONLL_DOC * 40)
    path = tmp_path / "b.jsonl"
    write_documents(read_documents(source), path)
    chunked = [d.name for piece in read_in_chunks(path, chunk_chars=300) for d in piece]
    assert chunked == [d.name for d in read_documents(path)]


@pytest.mark.parametrize("name, text", [
    ("notes.md", "".join(f"## Part {k}\n\nOlaf Scholz spoke in Berlin, said [Reuters](x).\n\n" for k in range(40))),
    ("page.html", "<html><body>" + "".join(f"<h2>Part {k}</h2>\n<p>Olaf Scholz spoke in Berlin.</p>\n" for k in range(40))
     + "</body></html>"),
])
def test_rich_text_larger_than_a_piece_comes_in_parts_with_its_source(tmp_path, name, text):
    """A document's tokens cost memory: Markdown, HTML, Word and PDF text is tagged a part at a
    time like plain text, each part keeping its paragraphs' places in the file."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    (whole,) = read_documents(path)
    pieces = list(read_pieces(path, chunk_chars=200))
    count = len(pieces)
    assert count > 5 and [(p.number, p.count, len(p.docs)) for p in pieces] == [(k, count, 1) for k in range(1, count + 1)]
    parts = [p.docs[0] for p in pieces]
    assert [d.name for d in parts] == [f"{name} (part {k} of {count})" for k in range(1, count + 1)]
    assert [d.meta["source"]["part"] for d in parts] == list(range(1, count + 1))

    def paragraphs(doc):
        return [(doc.text[p["start"]:p["end"]], p.get("line")) for p in doc.meta["source"]["paragraphs"]]

    assert [para for d in parts for para in paragraphs(d)] == paragraphs(whole)


def test_one_jsonl_record_longer_than_a_piece_comes_in_parts_with_its_spans(tmp_path):
    """One 20 MB record took 3 GB in predict: it is cut between sentences, never inside a span."""
    text = "".join(f"John Smith met Mary Jones in Paris on day {k}. " for k in range(60))
    spans = [{"start": m.start(), "end": m.end(), "label": "PER"} for m in re.finditer("John Smith|Mary Jones", text)]
    path = tmp_path / "big.jsonl"
    path.write_text(json.dumps({"text": "A first short record."}) + "\n"
                    + json.dumps({"text": text, "spans": spans, "meta": {"batch": 7}}) + "\n"
                    + json.dumps({"text": "A last one."}) + "\n")
    pieces = list(read_pieces(path, chunk_chars=500))
    docs = [d for p in pieces for d in p.docs]
    assert [(p.number, p.count) for p in pieces] == [(k, len(pieces)) for k in range(1, len(pieces) + 1)]
    middle = docs[1:-1]
    n = len(middle)
    assert n > 3 and [d.name for d in docs] == ["big #1", *(f"big #2 (part {k} of {n})" for k in range(1, n + 1)), "big #3"]
    assert "".join(d.text for d in middle) == text
    found = [d.text[s.start:s.end] for d in middle for s in d.spans]
    assert found == [text[s["start"]:s["end"]] for s in spans]
    assert all(d.meta["jsonl_meta"] == {"batch": 7, "part": k, "parts": n} for k, d in enumerate(middle, 1))


def test_pieces_say_which_of_how_many_and_keep_the_text_and_offsets(tmp_path):
    path = tmp_path / "report.txt"
    paragraphs = [f"Angela Merkel visited Paris on day {k}. She met Emmanuel Macron." for k in range(200)]
    text = "\n\n".join(paragraphs) + "\n"
    path.write_text(text)
    pieces = list(read_pieces(path, chunk_chars=1000, splitter="rules"))
    count = len(pieces)
    assert count > 5
    assert [(p.number, p.count) for p in pieces] == [(k, count) for k in range(1, count + 1)]
    docs = [d for p in pieces for d in p.docs]
    assert [d.name for d in docs] == [f"report.txt (part {k} of {count})" for k in range(1, count + 1)]
    # Order kept, nothing lost, cut between paragraphs: the parts' texts are the file's paragraphs.
    assert [para for d in docs for para in d.text.strip().split("\n\n")] == paragraphs
    for doc in docs:  # token offsets index each part's own text
        assert all(doc.text[t.start:t.end].strip() == doc.text[t.start:t.end] != "" for t in doc.tokens)
        assert doc.text[doc.tokens[0].start:doc.tokens[0].end] == "Angela"
