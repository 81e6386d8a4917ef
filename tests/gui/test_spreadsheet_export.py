"""File > Export to an Excel workbook or a CSV file (issue 26, item 1), through the menu
action, the Export dialog's Browse button and a file dialog answered by the test."""

from __future__ import annotations

import csv

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QPushButton

from ner_studio.core.formats.spreadsheet import ENTITY_COLUMNS
from ner_studio.core.text.spans import Span
from ner_studio.gui.shell import qt_dialogs


def export_through_browse(monkeypatch, qtbot, window, target, which="all"):
    """Trigger File > Export; in its dialog press Browse…, answer the file dialog with
    ``target``, and Save."""
    asked = []

    def save_file_name(parent, caption, folder, filters):
        asked.append(filters)
        return str(target), ""

    monkeypatch.setattr(qt_dialogs.QFileDialog, "getSaveFileName", staticmethod(save_file_name))

    def exec_(dialog):
        dialog.which.setCurrentIndex(dialog.which.findData(which))
        browse = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Browse…")
        qtbot.mouseClick(browse, Qt.MouseButton.LeftButton)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(qt_dialogs.ExportDialog, "exec", exec_)
    window.actions_["export"].trigger()
    return asked


def labelled_window(start_window, idle):
    window = start_window()
    window.workspace.add_text("=1+1 Ltd sued Zürich Bank . Ann Lee stayed .", "claims")
    idle(window)
    doc = window.doc
    window.workspace.mark_reviewed(doc)  # the model's entities become the analyst's (accepted)
    doc.set_spans([Span(0, 8, "ORG"), Span(14, 25, "ORG"), Span(28, 35, "PER")])
    return window, doc


def test_file_export_writes_an_xlsx_with_entities_and_counts(start_window, idle, qtbot, tmp_path, monkeypatch):
    window, doc = labelled_window(start_window, idle)
    target = tmp_path / "claims.xlsx"
    asked = export_through_browse(monkeypatch, qtbot, window, target, "current")
    assert "Excel workbook (*.xlsx)" in asked[0] and "CSV (*.csv)" in asked[0]
    assert f"Exported 1 document to {target}" in window.statusBar().currentMessage()
    book = load_workbook(target)
    rows = list(book["Entities"].iter_rows(values_only=True))
    assert rows[0] == ENTITY_COLUMNS
    assert [(r[0], r[2], r[3], r[8], r[9]) for r in rows[1:]] == [
        ("claims", "=1+1 Ltd", "ORG", 0, 8), ("claims", "Zürich Bank", "ORG", 14, 25), ("claims", "Ann Lee", "PER", 28, 35)]
    assert book["Entities"]["C2"].data_type == "s"  # text, not a formula
    assert rows[1][1] == "=1+1 Ltd sued Zürich Bank ."
    assert rows[1][6] == window.workspace.project.annotator
    counts = sorted(book["Counts"].iter_rows(min_row=2, values_only=True))
    assert counts == [("claims", "ORG", 2), ("claims", "PER", 1)]


def test_file_export_writes_a_csv_excel_reads_right(start_window, idle, qtbot, tmp_path, monkeypatch):
    window, doc = labelled_window(start_window, idle)
    target = tmp_path / "claims.csv"
    export_through_browse(monkeypatch, qtbot, window, target, "current")
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert [(r["text"], r["label"]) for r in rows] == [("'=1+1 Ltd", "ORG"), ("Zürich Bank", "ORG"), ("Ann Lee", "PER")]
    assert rows[2]["sentence"] == "Ann Lee stayed ."


def test_the_dialog_offers_spreadsheets_for_export_but_not_for_save(qtbot, tmp_path):
    export = qt_dialogs.ExportDialog(None, tmp_path / "a.conll")
    qtbot.addWidget(export)
    export.path.setText(str(tmp_path / "b.xlsx"))  # typed: the format follows
    assert export.fmt.currentData() == "xlsx" and not export.scheme.isEnabled()
    export.fmt.setCurrentIndex(export.fmt.findData("csv"))
    assert export.path.text().endswith("b.csv")
    save = qt_dialogs.ExportDialog(None, tmp_path / "a.conll", documents=[("this document", "current")])
    qtbot.addWidget(save)
    assert save.fmt.findData("xlsx") == -1 and save.fmt.findData("csv") == -1
