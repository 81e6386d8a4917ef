"""CoNLL and catalogue links through the window: Export's "Add a column of catalogue links"
writes each token's entry id as a last column; File > Open Files reads it back into the links;
a malformed column says which file and line."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from ner_studio.gui.shell import qt_dialogs
from tests.gui.test_catalogue_window import label_as_loc, started_with_catalogue
from tests.gui.test_files import accept_dialog


def export_conll(window, qtbot, monkeypatch, target, *, links: bool) -> None:
    def fill(dialog):
        dialog.fmt.setCurrentIndex(dialog.fmt.findData("conll"))
        assert dialog.kb_column.isEnabled()
        if links:
            dialog.kb_column.click()
        dialog.which.setCurrentIndex(dialog.which.findData("current"))
        dialog.path.setText(str(target))
    accept_dialog(monkeypatch, qt_dialogs.ExportDialog, fill)
    qtbot.keyClick(window.view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)


def open_files(window, idle, monkeypatch, *paths) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *args, **kwargs: ([str(p) for p in paths], ""))
    window.actions_["open_files"].trigger()
    idle(window)


def test_export_adds_the_link_column_and_open_reads_it_back(start_window, monkeypatch, tmp_path, qtbot, idle):
    window, ids = started_with_catalogue(start_window, monkeypatch, tmp_path)
    doc = window.doc
    start = doc.text.index("Auckland")
    label_as_loc(window, qtbot, start, start + 8)
    window.catalogue.link(doc, doc.span_at(start), ids["Auckland"])
    plain, linked = tmp_path / "plain.conll", tmp_path / "linked.conll"
    export_conll(window, qtbot, monkeypatch, plain, links=False)
    export_conll(window, qtbot, monkeypatch, linked, links=True)
    assert ids["Auckland"] not in plain.read_text(encoding="utf-8")
    rows = [line.split() for line in linked.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert ["Auckland", "B-LOC", ids["Auckland"]] in rows
    assert all(len(row) == 3 for row in rows if row[0] != "-DOCSTART-")
    open_files(window, idle, monkeypatch, linked)
    [read] = [window.workspace.document(i) for i in window.workspace.document_ids()
              if window.workspace.summary(i).name == "linked"]
    [auckland] = [s for s in read.spans if s.kb_id is not None]  # the one linked, of the sample's two
    assert read.text[auckland.start:auckland.end] == "Auckland" and auckland.kb_id == ids["Auckland"]
    assert read.text[:auckland.start].count("Auckland") == doc.text[:start].count("Auckland")


def test_a_malformed_link_column_names_the_file_and_line(start_window, monkeypatch, tmp_path, qtbot, idle, dialogs):
    window, ids = started_with_catalogue(start_window, monkeypatch, tmp_path)
    bad = tmp_path / "bad.conll"
    bad.write_text(f"Karin B-PER {ids['Karin Olsson']}\nOlsson I-PER _\nvisited O _\nLisbon B-LOC _\n",
                   encoding="utf-8")
    before = set(window.workspace.document_ids())
    open_files(window, idle, monkeypatch, bad)
    assert set(window.workspace.document_ids()) == before  # nothing half read
    [said] = [text for text in dialogs if "bad.conll" in text]
    assert "line 2" in said and "different catalogue links" in said
