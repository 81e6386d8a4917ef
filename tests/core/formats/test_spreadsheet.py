"""Entities to .xlsx and .csv (core/formats/spreadsheet.py): the rows, the counts sheet, the
BOM, formula injection neutralised, illegal characters, and the output checks that apply."""

import csv

import pytest
from openpyxl import load_workbook

from ner_studio.core.text.document import Document
from ner_studio.core.errors import FormatError, OutputError
from ner_studio.core.formats.spreadsheet import (
    ENTITY_COLUMNS, Attribution, SpreadsheetWriter, neutralised, write_spreadsheet,
)
from ner_studio.core.formats.outputs import check_output, kind_of
from ner_studio.core.text.spans import Source, Span


def sample() -> list[Document]:
    text = "Zürich hosted =1+1 Corp. Then @ann met -Bob."
    doc = Document.from_text(text, name="news")
    doc.set_spans([Span(0, 6, "LOC", Source.MODEL, 0.875), Span(14, 24, "ORG"), Span(30, 34, "PER"),
                   Span(39, 43, "PER", Source.ACCEPTED, 0.5)])
    other = Document.from_text("Lisbon.", name="=cmd|' /C calc'!A0")
    other.set_spans([Span(0, 6, "LOC")])
    return [doc, other]


def test_neutralised_covers_owasp_starts():
    for value in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert neutralised(value) == "'" + value
    assert neutralised("Zürich") == "Zürich"


def test_csv_has_bom_rows_and_neutralised_cells(tmp_path):
    out = tmp_path / "e.csv"
    written = write_spreadsheet(sample(), out, attribution=lambda d: Attribution("ann", "2026-12-07T10:00:00"))
    assert written.rows == 5 and written.documents == 2
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert tuple(rows[0]) == ENTITY_COLUMNS
    assert rows[1] == ["news", "Zürich hosted =1+1 Corp.", "Zürich", "LOC", "model", "0.875", "ann",
                       "2026-12-07T10:00:00", "0", "6", ""]
    assert rows[2][2] == "'=1+1 Corp." and rows[2][5] == ""
    assert rows[3][2] == "'@ann" and rows[3][1] == "Then @ann met -Bob."
    assert rows[4][2] == "'-Bob"
    assert rows[5][0] == "'=cmd|' /C calc'!A0"


def test_xlsx_has_entities_and_counts_sheets_with_text_not_formulas(tmp_path):
    out = tmp_path / "e.xlsx"
    write_spreadsheet(sample(), out)
    book = load_workbook(out)
    assert book.sheetnames == ["Entities", "Counts"]
    rows = list(book["Entities"].iter_rows(values_only=True))
    assert rows[0] == ENTITY_COLUMNS
    assert rows[1] == ("news", "Zürich hosted =1+1 Corp.", "Zürich", "LOC", "model", 0.875, None, None, 0, 6, None)
    formula = book["Entities"]["C3"]
    assert formula.value == "=1+1 Corp." and formula.data_type == "s"
    assert book["Entities"]["A6"].data_type == "s"
    counts = list(book["Counts"].iter_rows(values_only=True))
    assert counts[0] == ("document", "label", "entities")
    assert sorted(counts[1:]) == sorted([("news", "LOC", 1), ("news", "ORG", 1), ("news", "PER", 2),
                                         ("=cmd|' /C calc'!A0", "LOC", 1)])


def test_xlsx_replaces_control_characters_keeping_offsets(tmp_path):
    doc = Document.from_text("Acme\x0bWorks sued Bob.", name="ctl")
    doc.set_spans([Span(0, 10, "ORG")])
    out = tmp_path / "c.xlsx"
    write_spreadsheet([doc], out)
    row = list(load_workbook(out)["Entities"].iter_rows(values_only=True))[1]
    assert row[2] == "Acme\ufffdWorks" and row[8:10] == (0, 10)


def test_entities_past_a_sheets_row_limit_go_on_in_another_sheet(tmp_path, monkeypatch):
    monkeypatch.setattr("ner_studio.core.formats.spreadsheet.XLSX_MAX_ROWS", 3)  # header + 2 rows
    out = tmp_path / "many.xlsx"
    write_spreadsheet(sample(), out)
    book = load_workbook(out)
    assert book.sheetnames == ["Entities", "Entities 2", "Entities 3", "Counts"]
    texts = [row[2] for name in book.sheetnames[:3] for row in book[name].iter_rows(min_row=2, values_only=True)]
    assert texts == ["Zürich", "=1+1 Corp.", "@ann", "-Bob", "Lisbon"]
    assert all(book[name]["A1"].value == "document" for name in book.sheetnames[:3])


def test_a_failed_export_leaves_the_old_file(tmp_path):
    out = tmp_path / "e.csv"
    out.write_text("old\n")
    with pytest.raises(RuntimeError):
        with SpreadsheetWriter(out) as writer:
            writer.write(sample())
            raise RuntimeError("stop")
    assert out.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["e.csv"]


def test_unknown_extension_is_a_format_error(tmp_path):
    with pytest.raises(FormatError, match="xlsx or .csv"):
        SpreadsheetWriter(tmp_path / "e.ods")


def test_output_checks_know_spreadsheets(tmp_path):
    book, table, conll = tmp_path / "e.xlsx", tmp_path / "e.csv", tmp_path / "gold.conll"
    write_spreadsheet(sample(), book)
    write_spreadsheet(sample(), table)
    conll.write_text("Lisbon B-LOC\n")
    assert kind_of(book) == "xlsx" and kind_of(table) == "csv"
    assert check_output(book, "xlsx") == book
    with pytest.raises(OutputError, match="CoNLL file; the command would replace it with an Excel workbook"):
        check_output(conll, "xlsx")
    with pytest.raises(OutputError, match="Excel workbook"):
        check_output(book, "model")
