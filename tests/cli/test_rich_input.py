"""``convert`` and ``predict``-style reading of Word, HTML, Markdown and PDF from the CLI."""

import json

import pytest

from ner_studio.cli import main
from ner_studio.core.formats.samples import minimal_pdf, sample_docx, sample_files


@pytest.mark.parametrize("name", sorted(sample_files()))
def test_convert_each_rich_format_to_jsonl_with_its_source(tmp_path, capsys, name):
    source = tmp_path / name
    source.write_bytes(sample_files()[name])
    out = tmp_path / "out.jsonl"
    assert main(["convert", str(source), str(out)]) == 0
    assert f"-> {out} (jsonl)" in capsys.readouterr().out
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["meta"]["source"]["file"] == name
    assert record["meta"]["source"]["format"] == name.split(".")[1]
    assert "Dr. Smith of Acme Inc. told Reuters the U.S. plan was sound." in record["text"]
    sentence_texts = [record["text"][a:b] for a, b in record["sentences"]]
    assert "Dr. Smith of Acme Inc. told Reuters the U.S. plan was sound." in sentence_texts


def test_convert_a_pdf_to_conll(tmp_path):
    source = tmp_path / "report.pdf"
    source.write_bytes(minimal_pdf([["Olaf Scholz spoke."], ["He left."]]))
    out = tmp_path / "report.conll"
    assert main(["convert", str(source), str(out)]) == 0
    assert out.read_text() == "-DOCSTART- O\n\nOlaf O\nScholz O\nspoke O\n. O\n\nHe O\nleft O\n. O\n\n"


@pytest.mark.parametrize("pages, message", [
    ([[]], "scanned: no text to tag; run OCR first"),
])
def test_a_scanned_pdf_stops_with_the_file_named(tmp_path, capsys, pages, message):
    source = tmp_path / "scan.pdf"
    source.write_bytes(minimal_pdf(pages))
    assert main(["convert", str(source), str(tmp_path / "out.jsonl")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ner-studio convert: error: ") and f"{source}: {message}" in err
    assert not (tmp_path / "out.jsonl").exists()


def test_a_renamed_text_file_is_not_a_word_file(tmp_path, capsys):
    source = tmp_path / "memo.docx"
    source.write_text("just text", encoding="utf-8")
    assert main(["convert", str(source), str(tmp_path / "out.jsonl")]) == 2
    assert f"{source}: not a Word .docx file: it is not a zip archive" in capsys.readouterr().err


def test_from_names_the_format_and_sentences_choose_the_splitter(tmp_path):
    source = tmp_path / "notes.txt"
    source.write_text("# Title\n\nThe court read Sec. 4 of the act. It agreed.\n", encoding="utf-8")
    splits = {}
    for choice in ("punkt", "rules", "learn"):
        out = tmp_path / f"{choice}.jsonl"
        assert main(["convert", str(source), str(out), "--from", "md", "--sentences", choice]) == 0
        record = json.loads(out.read_text(encoding="utf-8"))
        assert record["text"].startswith("Title\n\nThe court")
        splits[choice] = [record["text"][a:b] for a, b in record["sentences"]]
    assert splits["punkt"] == splits["learn"] == ["Title", "The court read Sec. 4 of the act.", "It agreed."]
    assert "The court read Sec." in splits["rules"]


def test_a_word_file_with_a_table(tmp_path):
    source = tmp_path / "t.docx"
    source.write_bytes(sample_docx(["Seats"], table=[["SPD", "206"], ["CDU", "152"]]))
    out = tmp_path / "t.jsonl"
    assert main(["convert", str(source), str(out)]) == 0
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["text"] == "Seats\n\nSPD\t206\n\nCDU\t152"
    assert [p["part"] for p in record["meta"]["source"]["paragraphs"]] == ["body", "table", "table"]


@pytest.mark.parametrize("sentences", ["punkt", "rules"])
def test_each_word_table_cell_is_its_own_sentences(tmp_path, sentences):
    """A tester's walk: "Olaf Scholz | Berlin" in a table row came out as one sentence, so the
    model could tag "Scholz Berlin" as one name across the cell wall."""
    source = tmp_path / "staff.docx"
    source.write_bytes(sample_docx(["Staff", "The list follows."],
                                   table=[["Name", "City", "Note"], ["Olaf Scholz", "Berlin", "Met Dr. Smith. He left."]]))
    out = tmp_path / "staff.jsonl"
    assert main(["convert", str(source), str(out), "--sentences", sentences]) == 0
    record = json.loads(out.read_text(encoding="utf-8"))
    texts = [record["text"][a:b] for a, b in record["sentences"]]
    assert texts == ["Staff", "The list follows.", "Name", "City", "Note", "Olaf Scholz", "Berlin",
                     "Met Dr. Smith.", "He left."]
