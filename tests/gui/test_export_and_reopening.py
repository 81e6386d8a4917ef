"""Faults found by hand in opening and exporting (issue 13): the status bar after opening,
reopening a file, exporting only the current document, the remembered export folder, the tag
scheme for JSONL."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from ner_studio.core.formats import read_documents
from ner_studio.gui.shell import qt_dialogs
from tests.gui.test_files import CONLL, accept_dialog


def test_opening_a_conll_file_ends_with_a_finished_notice_and_reopening_says_so(start_window, idle, tmp_path):
    source = tmp_path / "news.conll"
    source.write_text(CONLL, encoding="utf-8")
    window = start_window()
    window.files.open_paths([source])
    idle(window)
    message = window.statusBar().currentMessage()
    assert not message.startswith("Opening") and "1 file" in message
    count = len(window.workspace.document_ids())
    window.show_document(window.workspace.document_ids()[0])
    window.files.open_paths([source])
    idle(window)
    assert "Already in the project" in window.statusBar().currentMessage()
    assert "news.conll" in window.statusBar().currentMessage()
    assert len(window.workspace.document_ids()) == count and window.doc.name == "news"


def test_ctrl_e_can_export_just_the_current_document_and_remembers_the_folder(start_window, qtbot, idle,
                                                                               tmp_path, monkeypatch):
    window = start_window()
    window.workspace.add_text("Karin Olsson visited Lisbon .", "second")
    idle(window)
    assert len(window.workspace.document_ids()) == 2 and window.doc.name == "second"
    target = tmp_path / "exports" / "only.conll"
    target.parent.mkdir()
    suggested = []

    def choose(dialog):
        suggested.append(Path(dialog.path.text()))
        dialog.which.setCurrentIndex(dialog.which.findData("current"))
        dialog.path.setText(str(target))

    accept_dialog(monkeypatch, qt_dialogs.ExportDialog, choose)
    qtbot.keyClick(window.view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    [exported] = read_documents(target)
    assert exported.text == window.doc.text
    assert target.read_text(encoding="utf-8").startswith("-DOCSTART- O\n\n")
    qtbot.keyClick(window.view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert suggested[0].parent == Path.home()
    assert suggested[1].parent == target.parent  # remembered, in the user's settings
    assert window.settings.get("export_folder") == str(target.parent)


def test_the_tag_scheme_is_only_offered_for_conll(qtbot, tmp_path):
    dialog = qt_dialogs.ExportDialog(None, tmp_path / "a.conll")
    qtbot.addWidget(dialog)
    assert dialog.scheme.isEnabled()
    dialog.path.setText(str(tmp_path / "b.jsonl"))  # typed or browsed to
    assert dialog.fmt.currentData() == "jsonl" and not dialog.scheme.isEnabled()
    dialog.fmt.setCurrentIndex(dialog.fmt.findData("conll"))
    assert dialog.scheme.isEnabled() and dialog.path.text().endswith("b.conll")
    jsonl = qt_dialogs.ExportDialog(None, tmp_path / "c.jsonl")
    qtbot.addWidget(jsonl)
    assert jsonl.fmt.currentData() == "jsonl" and not jsonl.scheme.isEnabled()


def test_export_to_a_fifo_or_device_is_refused_with_a_message(start_window, qtbot, dialogs, tmp_path, monkeypatch):
    """Issue 24: an export to a FIFO hung and one to a device replaced it; both are refused."""
    import os
    import signal

    window = start_window()
    fifo = tmp_path / "pipe.conll"
    os.mkfifo(fifo)
    targets = iter([fifo, Path("/dev/null")])
    accept_dialog(monkeypatch, qt_dialogs.ExportDialog, lambda dialog: dialog.path.setText(str(next(targets))))
    signal.alarm(60)
    try:
        window.actions_["export"].trigger()
        window.actions_["export"].trigger()
    finally:
        signal.alarm(0)
    assert len(dialogs) == 2
    assert "named pipe (FIFO), not a regular file" in dialogs[0] and "pipe.conll" in dialogs[0]
    assert "character device" in dialogs[1]
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("pipe")) == ["pipe.conll"]
