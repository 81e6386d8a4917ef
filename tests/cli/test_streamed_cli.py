"""``convert`` and ``evaluate`` read a big file a piece at a time (core/formats/stream.py), with
the same output as reading it whole (issue 12: bounded memory on any input)."""

from __future__ import annotations

import json

import pytest

from ner_studio.cli import main
from ner_studio.core.formats import read_documents, stream, write_documents
from tests.cli.test_model_cli import write_conll
from tests.model.conftest import TINY_CORPUS

DOC = "-DOCSTART- O\n\nEU B-ORG\nrejects O\nGerman B-MISC\ncall O\n\nPeter B-PER\nBlackburn I-PER\n\n"


@pytest.fixture
def pieces(monkeypatch):
    """Pieces of ~300 characters, and the most documents any one of them parsed."""
    monkeypatch.setattr(stream, "CHUNK_CHARS", 300)
    seen = {"pieces": 0, "most": 0}
    parse = stream.parse_documents

    def counting(*args, **kwargs):
        docs = parse(*args, **kwargs)
        seen["pieces"] += 1
        seen["most"] = max(seen["most"], len(docs))
        return docs

    monkeypatch.setattr(stream, "parse_documents", counting)
    return seen


@pytest.mark.parametrize("source_suffix, target_suffix", [("conll", "jsonl"), ("jsonl", "conll")])
def test_convert_streams_and_writes_what_a_whole_read_writes(tmp_path, pieces, capsys, source_suffix, target_suffix):
    conll = tmp_path / "many.conll"
    conll.write_text(DOC * 60)
    source = tmp_path / f"in.{source_suffix}"
    write_documents(read_documents(conll), source)
    out = tmp_path / f"out.{target_suffix}"
    assert main(["convert", str(source), str(out)]) == 0
    assert "converted 60 documents (360 tokens, 180 entities)" in capsys.readouterr().out
    assert pieces["pieces"] > 10 and pieces["most"] < 10  # never the whole file at once
    whole = tmp_path / f"whole.{target_suffix}"
    write_documents(read_documents(source), whole)
    assert out.read_text() == whole.read_text()


def test_convert_of_a_file_bad_late_on_names_the_line_and_leaves_the_output(tmp_path, pieces, capsys):
    source = tmp_path / "late.jsonl"
    source.write_text('{"text": "Peter lives in Paris", "spans": []}\n' * 100 + "{oops\n")
    out = tmp_path / "out.conll"
    out.write_text("kept\n")
    assert main(["convert", str(source), str(out)]) == 2
    assert "late.jsonl, line 101" in capsys.readouterr().err
    assert out.read_text() == "kept\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["late.jsonl", "out.conll"]  # no temporary file left


def test_evaluate_streams_and_scores_what_a_whole_read_scores(tmp_path, tiny_model, monkeypatch, capsys):
    gold = write_conll(tmp_path / "gold.conll", TINY_CORPUS * 4)
    argv = ["evaluate", str(tiny_model), str(gold), "--float32", "--threads", "1"]
    assert main([*argv, "--json", str(tmp_path / "whole.json")]) == 0
    whole = json.loads((tmp_path / "whole.json").read_text())
    sentences = len(TINY_CORPUS) * 4
    monkeypatch.setattr(stream, "CHUNK_CHARS", 200)  # one document cut between its sentences
    seen = []
    real = stream.parse_documents
    monkeypatch.setattr(stream, "parse_documents", lambda *a, **k: seen.append(1) or real(*a, **k))
    capsys.readouterr()
    assert main([*argv, "--json", str(tmp_path / "pieces.json")]) == 0
    assert len(seen) > 3
    streamed = json.loads((tmp_path / "pieces.json").read_text())
    assert streamed["overall"] == whole["overall"] and streamed["per_label"] == whole["per_label"]
    assert streamed["tokens"] == whole["tokens"] and streamed["token_accuracy"] == whole["token_accuracy"]
    # The document cut into pieces is still one document, and every sentence counts once.
    assert streamed["scored_on"] == whole["scored_on"]
    assert f"gold.conll: 1 document, {sentences} sentences" in capsys.readouterr().out


def test_predict_tags_one_long_jsonl_record_in_parts_and_keeps_every_character(tmp_path, tiny_model, monkeypatch, capsys):
    """One 20 MB JSONL document took 3 GB: it is tagged a part of about a piece at a time."""
    monkeypatch.setattr(stream, "CHUNK_CHARS", 400)
    text = " ".join(f"Peter Blackburn visited Paris on day {k}." for k in range(60))
    source = tmp_path / "one.jsonl"
    source.write_text(json.dumps({"text": text, "meta": {"batch": 3}}) + "\n")
    out = tmp_path / "out.jsonl"
    assert main(["predict", str(tiny_model), str(source), "-o", str(out), "--threads", "1"]) == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    n = len(records)
    assert n > 3 and "".join(r["text"] for r in records) == text
    assert [r["meta"]["name"] for r in records] == [f"one (part {k} of {n})" for k in range(1, n + 1)]
    assert [(r["meta"]["batch"], r["meta"]["part"], r["meta"]["parts"]) for r in records] == [(3, k, n) for k in range(1, n + 1)]
    assert f"tagged {n} documents" in capsys.readouterr().out


@pytest.mark.parametrize("name, page", [
    ("page.html", "<html><body>" + "".join(f"<p>Peter Blackburn spoke in Paris, part {k}.</p>" for k in range(50)) + "</body></html>"),
    ("notes.md", "".join(f"## Part {k}\n\nPeter Blackburn spoke in *Paris*.\n\n" for k in range(50))),
])
def test_convert_writes_a_big_rich_text_in_parts_with_every_paragraph(tmp_path, monkeypatch, capsys, name, page):
    monkeypatch.setattr(stream, "CHUNK_CHARS", 300)
    source = tmp_path / name
    source.write_text(page)
    out = tmp_path / "out.jsonl"
    assert main(["convert", str(source), str(out)]) == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    (whole,) = read_documents(source)
    assert len(records) > 5 and [r["meta"]["source"]["part"] for r in records] == list(range(1, len(records) + 1))
    paragraphs = [r["text"][p["start"]:p["end"]] for r in records for p in r["meta"]["source"]["paragraphs"]]
    assert paragraphs == [whole.text[p["start"]:p["end"]] for p in whole.meta["source"]["paragraphs"]]
    assert f"converted {len(records)} documents" in capsys.readouterr().out
