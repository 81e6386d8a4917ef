"""Every dialog a command may open, answered as a person would (yes or no) instead of shown,
and a watchdog that closes a modal dialog nobody answered: for tests that drive the window
through its commands (tests/gui/test_every_command.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QInputDialog, QMessageBox

from ner_studio.core.store.project import Project
from ner_studio.gui.shell.qt_error_dialog import ErrorDialog

ACCEPT_ROLES = (QMessageBox.ButtonRole.AcceptRole, QMessageBox.ButtonRole.YesRole)
REJECT_ROLES = (QMessageBox.ButtonRole.RejectRole, QMessageBox.ButtonRole.NoRole)


@dataclass(repr=False)
class World:
    """The started window, what the dialogs were asked and answered, the status messages."""
    window: object
    accept: bool
    folder: Path
    qtbot: object
    asked: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    opened_urls: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)  # modal dialogs the watchdog had to close
    bugs: list[str] = field(default_factory=list)  # error dialogs (a bug was met)
    before: dict = field(default_factory=dict)  # after the case's preparation, before the command
    just_after: dict = field(default_factory=dict)  # as the command returned, before waiting

    @property
    def said(self) -> str:
        return "\n".join(self.asked + self.statuses)


# --- answering every dialog ------------------------------------------------------------------
def fill_dialog(dialog, world: World) -> None:
    """What a person types before pressing OK, per dialog (files go to the test's folder)."""
    name = type(dialog).__name__
    if name == "ExportDialog":
        dialog.path.setText(str(world.folder / "out.conll"))
    elif name == "ServerProjectDialog":  # nothing listens there: refused at once, no network
        dialog.host_field.setText("127.0.0.1")
        dialog.port.setValue(9)
        dialog.database.setText("news")
    elif name == "LabelEditor":
        dialog._add()
    elif name == "NoteDialog":  # typed, then Save Note (which saves before the dialog closes)
        dialog.editor.setPlainText("Check this with the desk")
        dialog.accept()


FILE_ANSWERS = {  # dialog caption -> the answer, from the test's folder
    "New project": lambda f: str(f / "new.nerstudio"),
    "Open project": lambda f: str(f / "other.nerstudio"),
    "Save project as": lambda f: str(f / "moved.nerstudio"),
    "Save a copy of the project": lambda f: str(f / "copy.nerstudio"),
    "Open documents": lambda f: [str(f / "more.txt")],
    "Import annotations": lambda f: [str(f / "gold.conll")],
    "Patterns or dictionary": lambda f: str(f / "patterns.tsv"),
    "Open folder as project": lambda f: str(f / "folder"),
    "Import a catalogue": lambda f: str(f / "catalogue.csv"),
    "Export the catalogue": lambda f: str(f / "catalogue-out.jsonl"),
}


def answer_dialogs(monkeypatch, world: World) -> None:
    def dialog_exec(dialog):
        world.asked.append(type(dialog).__name__)
        if world.accept:
            fill_dialog(dialog, world)
        code = QDialog.DialogCode.Accepted if world.accept else QDialog.DialogCode.Rejected
        dialog.setResult(code)
        return code

    def box_exec(box):
        world.asked.append(f"{box.windowTitle()}: {box.text()} {box.informativeText()}")
        roles = ACCEPT_ROLES if world.accept else REJECT_ROLES
        chosen = next((b for b in box.buttons() if box.buttonRole(b) in roles), None) or box.buttons()[0]
        chosen.click()
        return box.standardButton(chosen)

    def static(yes, no):
        def answer(parent, title, text, *args, **kwargs):
            world.asked.append(f"{title}: {text}")
            return yes if world.accept else no
        return answer

    def file_answer(plural: bool):
        def answer(parent, caption, *args, **kwargs):
            world.asked.append(caption)
            assert caption in FILE_ANSWERS, f"a file dialog with no answer in FILE_ANSWERS: {caption!r}"
            chosen = FILE_ANSWERS[caption](world.folder) if world.accept else ([] if plural else "")
            return chosen if caption == "Open folder as project" else (chosen, "")
        return answer

    def input_text(parent, title, label, *args, **kwargs):
        world.asked.append(title)
        return ("Ann", True) if world.accept else ("", False)

    def open_url(url):
        world.opened_urls.append(url.toLocalFile())
        return world.accept

    buttons = QMessageBox.StandardButton
    monkeypatch.setattr(QDialog, "exec", dialog_exec)
    monkeypatch.setattr(QMessageBox, "exec", box_exec)
    monkeypatch.setattr(ErrorDialog, "exec", lambda dialog: world.bugs.append(dialog.details) or 0)
    monkeypatch.setattr(QMessageBox, "question", static(buttons.Yes, buttons.No))
    monkeypatch.setattr(QMessageBox, "warning", static(buttons.Ok, buttons.Cancel))
    monkeypatch.setattr(QMessageBox, "information", static(buttons.Ok, buttons.Ok))
    monkeypatch.setattr(QMessageBox, "about", static(None, None))
    for name in ("getOpenFileName", "getSaveFileName", "getExistingDirectory"):
        monkeypatch.setattr(QFileDialog, name, file_answer(False))
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", file_answer(True))
    monkeypatch.setattr(QInputDialog, "getText", input_text)
    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)


def watch_for_modal_dialogs(world: World) -> QTimer:
    """Closes (and records) any modal dialog left open: none may block a test."""
    def check():
        widget = QApplication.activeModalWidget()
        if widget is not None:
            world.blocked.append(widget.windowTitle())
            widget.close()
    timer = QTimer()
    timer.timeout.connect(check)
    timer.start(50)
    return timer


def files_to_answer_with(folder: Path) -> None:
    """The files FILE_ANSWERS names, in ``folder``."""
    (folder / "more.txt").write_text("Karin Olsson flew to Madrid on Monday .\n", encoding="utf-8")
    (folder / "gold.conll").write_text("Daniel\tB-PER\nOkafor\tI-PER\nwon\tO\n.\tO\n", encoding="utf-8")
    (folder / "patterns.tsv").write_text("Weymouth\tLOC\nEvening Standard\tORG\n", encoding="utf-8")
    (folder / "catalogue.csv").write_text("name,label,aliases\nLisbon,LOC,Lisboa\nWeymouth,LOC,\n", encoding="utf-8")
    (folder / "folder").mkdir()
    (folder / "folder" / "a.txt").write_text("Hannah Whitcombe is in Auckland .\n", encoding="utf-8")
    Project.create(folder / "other.nerstudio").close()
