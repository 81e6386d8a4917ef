"""Word reading: paragraphs, tables and headers in reading order, sources, clear errors.

Each .docx is written here with python-docx (``core/formats/samples.py`` or inline)."""

import io
import zipfile

import docx
import pytest

from ner_studio.core.errors import FormatError
from ner_studio.core.formats import read_documents
from ner_studio.core.formats.samples import sample_docx


def save(document, path):
    document.save(path)
    return path


def test_header_paragraphs_and_table_in_reading_order(tmp_path):
    path = tmp_path / "brief.docx"
    path.write_bytes(sample_docx(["Weekly brief", "Angela Merkel met Emmanuel Macron in Paris.", "Dr. Smith of Acme Inc. agreed."],
                                 header="Ministry of Foreign Affairs", table=[["Name", "City"], ["Olaf Scholz", "Berlin"]]))
    (doc,) = read_documents(path)
    assert doc.text == ("Ministry of Foreign Affairs\n\nWeekly brief\n\nAngela Merkel met Emmanuel Macron in Paris.\n\n"
                        "Dr. Smith of Acme Inc. agreed.\n\nName\tCity\n\nOlaf Scholz\tBerlin")
    source = doc.meta["source"]
    assert source["file"] == "brief.docx" and source["format"] == "docx"
    wheres = [{k: v for k, v in p.items() if k not in ("start", "end")} for p in source["paragraphs"]]
    assert wheres == [
        {"part": "header", "section": 0},
        {"part": "body", "paragraph": 0}, {"part": "body", "paragraph": 1}, {"part": "body", "paragraph": 2},
        {"part": "table", "table": 0, "row": 0}, {"part": "table", "table": 0, "row": 1},
    ]
    for p in source["paragraphs"]:
        assert doc.text[p["start"]:p["end"]].strip() == doc.text[p["start"]:p["end"]] != ""
    # Headings and table rows stand alone: none shares a sentence with the next paragraph.
    assert "Weekly brief" == " ".join(doc.sentence_words(1))


def test_merged_cells_count_once_and_a_table_sits_between_paragraphs(tmp_path):
    document = docx.Document()
    document.add_paragraph("Before the table.")
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Merged heading"
    table.cell(0, 2).text = "Right"
    table.cell(1, 0).text = "Left"
    table.cell(1, 1).merge(table.cell(1, 2)).text = "Wide"
    document.add_paragraph("After the table.")
    (doc,) = read_documents(save(document, tmp_path / "t.docx"))
    assert doc.text == "Before the table.\n\nMerged heading\tRight\n\nLeft\tWide\n\nAfter the table."


def test_empty_paragraphs_are_skipped_and_line_breaks_kept(tmp_path):
    document = docx.Document()
    document.add_paragraph("")
    paragraph = document.add_paragraph("First line")
    paragraph.add_run().add_break()
    paragraph.add_run("second line")
    document.add_paragraph("   ")
    (doc,) = read_documents(save(document, tmp_path / "b.docx"))
    assert doc.text == "First line\nsecond line"
    assert doc.meta["source"]["paragraphs"] == [{"start": 0, "end": 22, "part": "body", "paragraph": 1}]


def test_a_word_file_without_text_is_a_clear_error(tmp_path):
    path = save(docx.Document(), tmp_path / "empty.docx")
    with pytest.raises(FormatError, match="Word file has no text to tag"):
        read_documents(path)


def test_a_docx_that_is_not_a_zip_says_so(tmp_path):
    path = tmp_path / "report.docx"
    path.write_text("I was renamed from .txt", encoding="utf-8")
    with pytest.raises(FormatError, match="not a Word .docx file: it is not a zip archive") as caught:
        read_documents(path)
    assert caught.value.path == str(path)


def test_a_zip_that_is_not_a_word_file(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    path = tmp_path / "sheet.docx"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(FormatError, match="without word/document.xml"):
        read_documents(path)


def test_a_truncated_docx_is_a_clear_error(tmp_path):
    path = tmp_path / "cut.docx"
    path.write_bytes(sample_docx(["Title", "Some text."])[:300])
    with pytest.raises(FormatError, match="not a Word .docx file") as caught:
        read_documents(path)
    assert caught.value.path == str(path)


def test_a_damaged_document_part_is_a_clear_error(tmp_path):
    good = zipfile.ZipFile(io.BytesIO(sample_docx(["Title", "Text."])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for item in good.infolist():
            data = good.read(item.filename)
            archive.writestr(item, b"<w:document" if item.filename == "word/document.xml" else data)
    path = tmp_path / "damaged.docx"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(FormatError, match="damaged") as caught:
        read_documents(path)
    assert caught.value.path == str(path)


def test_an_old_doc_file_is_refused_with_advice(tmp_path):
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(FormatError, match="save the file as .docx"):
        read_documents(path)


def test_a_word_file_is_recognised_by_its_bytes(tmp_path):
    path = tmp_path / "attachment.bin"
    path.write_bytes(sample_docx(["Title", "Recognised by content."]))
    (doc,) = read_documents(path)
    assert doc.meta["source"]["format"] == "docx" and doc.text.endswith("Recognised by content.")


def test_no_sentence_runs_across_a_table_cell_even_with_tabs_inside_a_cell(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=1, cols=3)
    table.cell(0, 0).text = "Angela\tMerkel"  # a tab typed inside a cell is not a cell wall
    table.cell(0, 1).text = ""
    table.cell(0, 2).text = "Paris France"
    nested = table.cell(0, 2).add_table(rows=1, cols=2)
    nested.cell(0, 0).text = "Acme"
    nested.cell(0, 1).text = "Inc"
    (doc,) = read_documents(save(document, tmp_path / "t.docx"))
    assert doc.text == "Angela Merkel\t\tParis France Acme Inc"
    assert [" ".join(doc.sentence_words(k)) for k in range(len(doc.sentences))] == [
        "Angela Merkel", "Paris France Acme Inc"]


def test_header_table_cells_are_separate_sentences_too(tmp_path):
    document = docx.Document()
    document.sections[0].header.add_table(rows=1, cols=2, width=docx.shared.Inches(4)).rows[0].cells[0].text = "Ministry"
    document.sections[0].header.tables[0].rows[0].cells[1].text = "Berlin"
    document.add_paragraph("Body text.")
    (doc,) = read_documents(save(document, tmp_path / "h.docx"))
    assert [" ".join(doc.sentence_words(k)) for k in range(len(doc.sentences))] == ["Ministry", "Berlin", "Body text ."]
