"""Spreadsheets out of the CLI (``project export``, ``convert``, ``predict`` to .xlsx/.csv,
read back with openpyxl and csv) and ``evaluate --errors`` (one JSON line per error)."""

import csv
import json

import pytest
from openpyxl import load_workbook

from ner_studio.core.formats.spreadsheet import ENTITY_COLUMNS
from tests.cli.conftest import run
from tests.cli.test_project_team import team_project  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("own_settings")

INJECTED = "=1+1\tB-ORG\nsued\tO\nZürich\tB-LOC\n.\tO\n"


def test_project_export_to_xlsx_has_annotator_time_and_counts(team_project, tmp_path, capsys):  # noqa: F811
    out = tmp_path / "bob.xlsx"
    code, printed, _ = run(capsys, "project", "export", team_project, out, "--annotator", "bob")
    assert code == 0 and "exported 1 document (3 entities; bob's versions)" in printed
    book = load_workbook(out)
    rows = list(book["Entities"].iter_rows(values_only=True))
    assert rows[0] == ENTITY_COLUMNS
    assert [(r[2], r[3], r[4], r[6], r[8], r[9]) for r in rows[1:]] == [
        ("Ada Lovelace", "PER", "human", "bob", 0, 12), ("Babbage", "ORG", "human", "bob", 17, 24),
        ("London", "LOC", "human", "bob", 28, 34)]
    assert rows[1][1] == "Ada Lovelace met Babbage in London ."
    assert rows[1][7].startswith("20")  # when bob's version last changed (ISO 8601)
    counts = sorted(book["Counts"].iter_rows(min_row=2, values_only=True))
    assert counts == [("news", "LOC", 1), ("news", "ORG", 1), ("news", "PER", 1)]


def test_project_export_refuses_to_replace_a_conll_file_with_a_workbook(team_project, tmp_path, capsys):  # noqa: F811
    target = tmp_path / "ann" / "news.conll"
    code, _, err = run(capsys, "project", "export", team_project, target, "--to", "xlsx")
    assert code != 0 and "news.conll" in err and "Excel workbook" in err
    assert target.read_text(encoding="utf-8").startswith("Ada\tB-PER")


def test_convert_to_csv_has_a_bom_and_keeps_formulas_as_text(tmp_path, capsys):
    source = tmp_path / "in.conll"
    source.write_text(INJECTED, encoding="utf-8")
    out = tmp_path / "out.csv"
    code, printed, _ = run(capsys, "convert", source, out)
    assert code == 0 and "(csv)" in printed
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert [(r["text"], r["label"], r["start"], r["end"]) for r in rows] == [
        ("'=1+1", "ORG", "0", "4"), ("Zürich", "LOC", "10", "16")]
    assert rows[0]["sentence"] == "'=1+1 sued Zürich ."


def test_convert_to_xlsx_writes_formula_cells_as_text(tmp_path, capsys):
    source = tmp_path / "in.conll"
    source.write_text(INJECTED, encoding="utf-8")
    out = tmp_path / "out.xlsx"
    assert run(capsys, "convert", source, out)[0] == 0
    cell = load_workbook(out)["Entities"]["C2"]
    assert cell.value == "=1+1" and cell.data_type == "s"


def test_predict_with_patterns_to_xlsx(tmp_path, capsys):
    source = tmp_path / "in.txt"
    source.write_text("Ada Lovelace lived in London.\n", encoding="utf-8")
    places = tmp_path / "places.tsv"
    places.write_text("London\tLOC\n", encoding="utf-8")
    out = tmp_path / "tagged.xlsx"
    code, printed, _ = run(capsys, "predict", "none", source, "-o", out, "--patterns", places)
    assert code == 0 and "1 entity" in printed
    rows = list(load_workbook(out)["Entities"].iter_rows(min_row=2, values_only=True))
    assert [(r[2], r[3], r[4]) for r in rows] == [("London", "LOC", "pattern")]


def test_evaluate_writes_one_json_line_per_error(tiny_model, tmp_path, capsys):
    gold = tmp_path / "gold.conll"
    gold.write_text("Ada\tB-PER\nLovelace\tI-PER\nmet\tB-MISC\nBabbage\tB-PER\nin\tO\nLondon\tB-LOC\n.\tO\n\n"
                    "Paris\tB-LOC\nis\tO\nbig\tO\n.\tO\n", encoding="utf-8")
    out = tmp_path / "errors.jsonl"
    code, printed, _ = run(capsys, "evaluate", tiny_model, gold, "--errors", out)
    assert code == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert f"-> {out}" in printed and f"{len(lines)} error" in printed
    # "met" as MISC is no name: a model this small cannot find it, so it is missed or mislabelled.
    kinds = {"missed", "spurious", "wrong label", "wrong boundary"}
    assert lines and all(line["kind"] in kinds for line in lines)
    for line in lines:
        for side in ("gold", "predicted"):
            if line[side] is not None:
                span = line[side]
                assert line["context"].find(span["text"]) >= 0 and span["end"] > span["start"]
    assert any(line["gold"] and line["gold"]["text"] == "met" for line in lines)
