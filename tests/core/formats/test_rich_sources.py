"""Where a Word/HTML/Markdown/PDF text came from survives the project store and JSONL; the
registry picks formats by content and extension and refuses to write what it only reads."""

import json

import pytest

from ner_studio.core.errors import FormatError
from ner_studio.core.formats import FORMATS, WRITABLE, detect_format, read_documents, write_documents
from ner_studio.core.formats.extracted import paragraph_at
from ner_studio.core.formats.samples import SAMPLE_SENTENCES, minimal_pdf, sample_files
from ner_studio.core.store.project import Project
from ner_studio.core.text.spans import Span


@pytest.fixture
def pdf_doc(tmp_path):
    path = tmp_path / "brief.pdf"
    path.write_bytes(minimal_pdf([["Angela Merkel visited Paris."], ["Siemens opened a plant in Bavaria."]]))
    (doc,) = read_documents(path)
    start = doc.text.index("Siemens")
    doc.add_span(Span(start, start + len("Siemens"), "ORG"))
    return doc


def test_jsonl_export_carries_the_source_and_reads_it_back(pdf_doc, tmp_path):
    out = tmp_path / "brief.jsonl"
    write_documents([pdf_doc], out)
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["meta"]["name"] == "brief"
    assert record["meta"]["source"]["file"] == "brief.pdf" and record["meta"]["source"]["format"] == "pdf"
    span = record["spans"][0]
    assert record["text"][span["start"]:span["end"]] == "Siemens"
    assert paragraph_at(pdf_doc, span["start"])["page"] == 2
    (again,) = read_documents(out)
    assert again.meta["source"] == pdf_doc.meta["source"] and again.spans == pdf_doc.spans
    assert "jsonl_meta" not in again.meta
    write_documents([again], tmp_path / "again.jsonl")
    assert (tmp_path / "again.jsonl").read_text(encoding="utf-8") == out.read_text(encoding="utf-8")


def test_the_project_store_keeps_the_source(pdf_doc, tmp_path):
    with Project.create(tmp_path / "p.nerstudio") as project:
        [doc_id] = project.add_documents([pdf_doc], source_path=str(tmp_path / "brief.pdf"))
    with Project.open(tmp_path / "p.nerstudio") as project:
        loaded = project.load_document(doc_id)
    assert loaded.meta["source"] == pdf_doc.meta["source"]
    assert [p["page"] for p in loaded.meta["source"]["paragraphs"]] == [1, 2]


def test_a_foreign_jsonl_source_field_is_kept_as_it_was(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"text": "Paris is big.", "meta": {"source": "web crawl", "id": 7}}\n', encoding="utf-8")
    (doc,) = read_documents(path)
    assert "source" not in doc.meta and doc.meta["jsonl_meta"] == {"source": "web crawl", "id": 7}
    write_documents([doc], tmp_path / "y.jsonl")
    assert json.loads((tmp_path / "y.jsonl").read_text())["meta"] == {"name": "x", "source": "web crawl", "id": 7}


@pytest.mark.parametrize("name", ["sample.docx", "sample.html", "sample.md", "sample.pdf"])
def test_every_sample_file_reads_with_both_sentences_intact(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(sample_files()[name])
    (doc,) = read_documents(path)
    assert doc.meta["source"]["format"] == name.split(".")[1]
    sentences = [doc.text[doc.tokens[s.start].start:doc.tokens[s.end - 1].end] for s in doc.sentences]
    assert all(any(sentence.endswith(expected) for sentence in sentences) for expected in SAMPLE_SENTENCES)
    assert "Hidden" not in doc.text and "var hidden" not in doc.text


@pytest.mark.parametrize("name, data, fmt", [
    ("a.txt", minimal_pdf([["x"]]), "pdf"),
    ("a", sample_files()["sample.docx"], "docx"),
    ("a.htm", b"<p>hi</p>", "html"),
    ("a.markdown", b"# hi", "md"),
    ("a", b"<!doctype html><p>hi</p>", "html"),
    ("a.txt", b"Mentions %PDF-1.4 in passing.", "txt"),
    ("a.txt", b"EU B-ORG\nrejects O\n", "conll"),
    ("a.jsonl", b"<html>", "jsonl"),
])
def test_detect_format_by_content_then_extension(name, data, fmt):
    assert detect_format(name, data) == fmt


def test_rich_formats_are_read_not_written(pdf_doc, tmp_path):
    assert set(WRITABLE) < set(FORMATS)
    for suffix in (".pdf", ".docx", ".html", ".md"):
        with pytest.raises(FormatError, match="does not write them; save as .conll or .jsonl"):
            write_documents([pdf_doc], tmp_path / f"out{suffix}")


def test_an_unknown_extension_names_the_readable_ones(tmp_path):
    with pytest.raises(FormatError, match=r"\.docx, \.html, \.md or \.pdf"):
        write_documents([], tmp_path / "out.xyz")


def test_the_format_registry_loads_no_parser_until_a_rich_file_is_read():
    import subprocess
    import sys

    probe = ("import sys, ner_studio.core.formats, ner_studio.core.text.sentences; "
             "print(sorted(m for m in ('lxml', 'pypdf', 'docx', 'nltk', 'markdown_it', 'charset_normalizer') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
