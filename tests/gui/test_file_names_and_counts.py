"""A tester's walk through File > Open Files: two files named alike, the dialog's formats,
an entity's token numbers against the JSONL export, and counts that agree with their nouns."""

from __future__ import annotations

import json
import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from ner_studio.core.formats import EXTENSIONS, READABLE
from ner_studio.core.formats.jsonl import document_to_record
from ner_studio.gui.documents import qt_file_commands

CONLL = "-DOCSTART- O\n\nKarin B-PER\nOlsson I-PER\nvisited O\nLisbon B-LOC\n. O\n\nShe O\nleft O\n. O\n"
JSONL = [
    {"text": "The council met in Madrid.", "spans": [{"start": 19, "end": 25, "label": "LOC"}]},
    {"text": "Daniel Okafor spoke.", "spans": []},
]


def write_files(tmp_path):
    conll, jsonl = tmp_path / "tagged.conll", tmp_path / "tagged.jsonl"
    conll.write_text(CONLL, encoding="utf-8")
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in JSONL), encoding="utf-8")
    return conll, jsonl


def open_through_the_menu(window, idle, monkeypatch, paths) -> list[str]:
    """File > Open Files with the dialog answering ``paths``; returns the filters it offered."""
    offered = []

    def dialog(parent, caption, folder, filters, *args, **kwargs):
        offered.append(filters)
        return [str(p) for p in paths], ""

    monkeypatch.setattr(qt_file_commands.QFileDialog, "getOpenFileNames", dialog)
    window.actions_["open_files"].trigger()
    idle(window)
    return offered


def names(window) -> list[str]:
    workspace = window.workspace
    return [workspace.summary(i).name for i in workspace.document_ids()]


def test_files_named_alike_keep_names_apart_and_the_dialog_offers_every_format(start_window, idle, monkeypatch, tmp_path):
    window = start_window()
    conll, jsonl = write_files(tmp_path)
    (filters,) = open_through_the_menu(window, idle, monkeypatch, [conll, jsonl])
    assert "tagged" in names(window)  # the first file keeps the usual name
    assert {"tagged.jsonl #1", "tagged.jsonl #2"} <= set(names(window))
    assert len(names(window)) == len(set(names(window)))
    documents_filter = filters.split(";;")[0]
    assert all(f"*{suffix}" in documents_filter for suffix in EXTENSIONS)
    tip = window.actions_["open_files"].statusTip()
    assert all(name in tip for name in READABLE.values()), tip


def test_the_details_pane_counts_tokens_as_the_jsonl_export_does(start_window, idle, qtbot, monkeypatch, tmp_path):
    window = start_window()
    _, jsonl = write_files(tmp_path)
    open_through_the_menu(window, idle, monkeypatch, [jsonl])
    doc = window.doc
    assert doc.name.startswith("tagged")
    start = doc.text.index("Madrid")
    cursor = QTextCursor(window.view.document())
    cursor.setPosition(start + 3)
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=window.view.cursorRect(cursor).center())
    (span,) = [s for s in document_to_record(doc)["spans"] if s["start"] == start]
    assert span["token_start"] == span["token_end"] == 4
    assert window.details.position.text() == f"characters {span['start']}–{span['end']}, token 4"


def test_counts_in_messages_agree_with_their_nouns(start_window, idle, monkeypatch, tmp_path):
    window = start_window()
    _, jsonl = write_files(tmp_path)
    open_through_the_menu(window, idle, monkeypatch, [jsonl])
    table = window.documents
    tips = [table.model().index(row, 0).data(Qt.ItemDataRole.ToolTipRole) for row in range(table.model().rowCount())]
    madrid = next(tip for tip in tips if tip.startswith("tagged #1"))
    assert ": 6 tokens, 1 entity (" in madrid
    assert not re.search(r"\b1 (entities|documents)\b", " ".join(tips))  # "41 entities" is right


def test_import_annotations_offers_every_conll_and_jsonl_extension(start_window, monkeypatch):
    window = start_window()
    offered = []
    monkeypatch.setattr(qt_file_commands.QFileDialog, "getOpenFileNames",
                        lambda parent, caption, folder, filters, *a, **k: (offered.append(filters), ([], ""))[1])
    window.actions_["import"].trigger()
    (filters,) = offered
    wanted = [suffix for suffix, fmt in EXTENSIONS.items() if fmt in ("conll", "jsonl")]
    assert ".ndjson" in wanted and all(f"*{suffix}" in filters.split(";;")[0] for suffix in wanted)
