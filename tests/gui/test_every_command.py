"""Every command works from where a person starts it: each action of every command table (and
each label key), triggered through its QAction as a menu click does (``triggered(checked)``)
and, where it has one, by its first shortcut pressed on the focused widget, does its work or
says why not — with every dialog answered yes, then no. A command without a case here fails
``test_every_command_has_a_case``; an exception in a slot fails the test (pytest-qt); a modal
dialog nobody answered is closed by a watchdog and fails it too."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QDesktopServices
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QInputDialog, QMessageBox

from ner_studio.core.annotators import GOLD
from ner_studio.core.document import Status
from ner_studio.core.project import Project
from ner_studio.gui.annotate.qt_text_view import FONT_SIZE
from ner_studio.gui.shell.qt_error_dialog import ErrorDialog

from tests.gui.conftest import wait_idle

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


FILE_ANSWERS = {  # dialog caption -> the answer, from the test's folder
    "New project": lambda f: str(f / "new.nerstudio"),
    "Open project": lambda f: str(f / "other.nerstudio"),
    "Save project as": lambda f: str(f / "moved.nerstudio"),
    "Save a copy of the project": lambda f: str(f / "copy.nerstudio"),
    "Open documents": lambda f: [str(f / "more.txt")],
    "Import annotations": lambda f: [str(f / "gold.conll")],
    "Patterns or dictionary": lambda f: str(f / "patterns.tsv"),
    "Open folder as project": lambda f: str(f / "folder"),
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
    (folder / "more.txt").write_text("Karin Olsson flew to Madrid on Monday .\n", encoding="utf-8")
    (folder / "gold.conll").write_text("Daniel\tB-PER\nOkafor\tI-PER\nwon\tO\n.\tO\n", encoding="utf-8")
    (folder / "patterns.tsv").write_text("Weymouth\tLOC\nEvening Standard\tORG\n", encoding="utf-8")
    (folder / "folder").mkdir()
    (folder / "folder" / "a.txt").write_text("Hannah Whitcombe is in Auckland .\n", encoding="utf-8")
    Project.create(folder / "other.nerstudio").close()


# --- what each command must show -------------------------------------------------------------
def entity(world: World):
    """The first model entity of the shown document, selected."""
    window = world.window
    span = next(s for s in window.doc.spans if s.source == "model")
    window.view.select_range(span.start, span.end)
    return span


def select_text(world: World, text: str) -> None:
    doc = world.window.doc
    start = doc.text.index(text)
    world.window.view.select_range(start, start + len(text))


def selected_text(world: World) -> str:
    start, end = world.window.view.selection()
    return world.window.doc.text[start:end]


def prepare_find(world: World) -> None:
    """Lisbon searched for (Ctrl+F with it selected), no match shown yet."""
    select_text(world, "Lisbon")
    world.window.find.start()
    assert len(world.window.find.hits) > 1 and world.window.find.position == -1


def two_documents(world: World) -> None:
    world.window.workspace.add_text("A second text about Lisbon .", "second")
    wait_idle(world.qtbot, world.window)
    world.window.show_document(world.window.workspace.document_ids()[0])


def project_path(world: World):
    return str(world.window.workspace.project.location)


def accepting(world: World, then: Callable[[World], bool], otherwise: Callable[[World], bool]) -> bool:
    return then(world) if world.accept else otherwise(world)


def unchanged_project(world: World) -> bool:
    return project_path(world) == world.before["project"]


def document_count(world: World) -> int:
    return len(world.window.workspace.document_ids())


@dataclass(frozen=True)
class Case:
    check: Callable[[World], bool]  # True: it did its work, or said why not
    prepare: Callable[[World], object] | None = None


def said(*phrases: str) -> Callable[[World], bool]:
    return lambda world: any(phrase in world.said for phrase in phrases)


def dock_shown(get) -> Callable[[World], bool]:
    return lambda world: get(world.window).isVisible()


def model_spans(world: World) -> int:
    return sum(1 for s in world.window.doc.spans if s.source == "model")


def prepare_review(world: World) -> None:
    world.window.actions_["review_mode"].trigger()
    wait_idle(world.qtbot, world.window)


def prepare_label_all_done(world: World) -> None:
    world.window.label_all.apply_patterns(str(world.folder / "patterns.tsv"))


def prepare_training(world: World, start: bool = True) -> None:
    """The sample reviewed, enough to fine-tune on; with ``start``, a long run under way."""
    learning = world.window.learning
    learning.min_sentences = 1
    world.window.workspace.mark_reviewed(world.window.doc)
    assert not start or learning.start_training(epochs=50)


def model_versions(world: World) -> int:
    return len(world.window.workspace.project.model_versions())


CASES: dict[str, Case] = {
    # the window's own
    "quit": Case(lambda w: not w.window.isVisible()),
    "zoom_in": Case(lambda w: w.window.view.font_size() == w.before["font"] + 1 and said("Text size")(w)),
    "zoom_out": Case(lambda w: w.window.view.font_size() == w.before["font"] - 1 and said("Text size")(w)),
    "zoom_reset": Case(lambda w: w.window.view.font_size() == FONT_SIZE,
                       prepare=lambda w: w.window.set_font_size(FONT_SIZE + 4)),
    "shortcuts": Case(said("ShortcutsDialog")),
    "log_folder": Case(lambda w: w.opened_urls and (w.accept or said("The logs are in")(w))),
    "about": Case(said("About NER Studio")),
    "undo": Case(lambda w: model_spans(w) == w.before["model_spans"] + 1,
                 prepare=lambda w: w.window.edit.accept_selected() if entity(w) else None),
    "redo": Case(lambda w: model_spans(w) == w.before["model_spans"] - 1,
                 prepare=lambda w: (entity(w), w.window.edit.accept_selected(), w.window.actions_["undo"].trigger())),
    # File
    "new_project": Case(lambda w: accepting(w, lambda w: project_path(w).endswith("new.nerstudio"), unchanged_project)),
    "open_project": Case(lambda w: accepting(w, lambda w: project_path(w).endswith("other.nerstudio"), unchanged_project)),
    "open_server_project": Case(lambda w: accepting(w, said("cannot be opened"), unchanged_project)),
    "open_files": Case(lambda w: document_count(w) == w.before["documents"] + w.accept),
    "open_folder": Case(lambda w: accepting(w, lambda w: "folder" in project_path(w) and document_count(w) == 1,
                                            unchanged_project)),
    "paste": Case(lambda w: document_count(w) == w.before["documents"] + w.accept,
                  prepare=lambda w: QApplication.clipboard().setText("Pasted news from Lisbon .")),
    "import": Case(lambda w: document_count(w) == w.before["documents"] + w.accept),
    "save": Case(lambda w: (w.folder / "out.conll").exists() == w.accept and said("ExportDialog")(w)),
    "save_project_as": Case(lambda w: accepting(w, lambda w: project_path(w).endswith("moved.nerstudio"),
                                                unchanged_project)),
    "save_copy": Case(lambda w: (w.folder / "copy.nerstudio").exists() == w.accept and unchanged_project(w)),
    "export": Case(lambda w: (w.folder / "out.conll").exists() == w.accept and said("ExportDialog")(w)),
    # Edit
    "accept": Case(lambda w: w.window.doc.span_at(w.before["span"].start).source == "accepted", prepare=entity),
    "delete": Case(lambda w: w.window.doc.span_at(w.before["span"].start) is None, prepare=entity),
    "grow_end": Case(lambda w: w.window.view.current_span() != w.before["span"] or said("cannot grow")(w), prepare=entity),
    "shrink_end": Case(lambda w: w.window.view.current_span() != w.before["span"] or said("cannot grow")(w), prepare=entity),
    "grow_start": Case(lambda w: w.window.view.current_span() != w.before["span"] or said("cannot grow")(w), prepare=entity),
    "shrink_start": Case(lambda w: w.window.view.current_span() != w.before["span"] or said("cannot grow")(w), prepare=entity),
    "accept_all": Case(lambda w: model_spans(w) == 0),
    "review_next": Case(lambda w: (w.window.workspace.summary(w.before["doc"]).status == Status.REVIEWED
                                   and said("Every document")(w)) if w.accept or not said("Unsure")(w)
                        else said("unsure entities")(w)),
    "edit_labels": Case(lambda w: ("LABEL5" in w.window.workspace.labels) == w.accept and said("LabelEditor")(w)),
    "label_all": Case(lambda w: said("LabelAllDialog")(w) and said("Labelled")(w) == w.accept, prepare=entity),
    "apply_patterns": Case(lambda w: accepting(w, said("Labelled 2 entities"), said("Patterns or dictionary"))),
    "undo_label_all": Case(said("Label All taken back"), prepare=prepare_label_all_done),
    "find": Case(lambda w: w.window.find.dock.isVisible() and w.window.find.panel.query.text() == "Lisbon",
                 prepare=lambda w: select_text(w, "Lisbon")),
    "find_next": Case(lambda w: w.window.find.position == 0 and selected_text(w).lower() == "lisbon",
                      prepare=prepare_find),
    "find_previous": Case(lambda w: w.window.find.position == len(w.window.find.hits) - 1
                          and selected_text(w).lower() == "lisbon", prepare=prepare_find),
    "inconsistencies": Case(dock_shown(lambda window: window.consistency.dock)),
    # Document
    "predict": Case(lambda w: w.just_after["predicting"] or said("No model")(w)),
    "next_doc": Case(lambda w: w.window.doc.doc_id != w.before["doc"], prepare=two_documents),
    "previous_doc": Case(lambda w: w.window.doc.doc_id != w.before["doc"], prepare=two_documents),
    # Model
    "train": Case(lambda w: said("TrainDialog")(w) and model_versions(w) == w.before["versions"] + w.accept,
                  prepare=lambda w: prepare_training(w, start=False)),
    "cancel_training": Case(lambda w: w.window.learning.training_panel.status.text().startswith("Cancel"),
                            prepare=prepare_training),
    "evaluate": Case(lambda w: w.window.learning.evaluation is not None and w.window.learning.evaluation.isVisible()),
    "models": Case(dock_shown(lambda window: window.learning.docks["models"])),
    "review_mode": Case(lambda w: w.window.learning.review.active and w.window.learning.review.dock.isVisible()),
    "accept_sentence": Case(lambda w: sum(map(len, w.window.learning.review.accepted.values())) == 1,
                            prepare=prepare_review),
    "skip_sentence": Case(lambda w: w.window.learning.review.current != w.before["review_item"], prepare=prepare_review),
    # Team
    "your_name": Case(lambda w: accepting(w, lambda w: w.window.workspace.project.annotator == "Ann", unchanged_project)),
    "other_version": Case(dock_shown(lambda window: window.team.docks["versions"])),
    "curate": Case(dock_shown(lambda window: window.team.docks["curation"])),
    "agreement": Case(said("Agreement needs two annotators")),
    "edit_gold": Case(lambda w: w.window.workspace.project.annotator == GOLD and w.window.actions_["edit_gold"].isChecked()),
}
# The label keys (Edit > Label As): a selected text labelled.
for _label in ("PER", "LOC", "ORG", "MISC"):
    CASES[f"label_{_label}"] = Case(
        lambda w, label=_label: getattr(w.window.doc.span_at(w.before["selection"][0]), "label", None) == label,
        prepare=lambda w: select_text(w, "Weymouth"))


# --- the tests -------------------------------------------------------------------------------
def command_actions(window) -> dict:
    """Every command's action by name: the command tables' (``window.actions_``) and the label keys'."""
    actions = dict(window.actions_)
    actions.update({action.objectName(): action for action in window.edit.label_actions})
    return actions


def shortcut_commands() -> list[str]:
    """The commands with a shortcut, read from the command tables (the label keys 1-4 too)."""
    from ner_studio.gui.annotate import qt_edit_commands
    from ner_studio.gui.corpus import qt_consistency, qt_find, qt_label_all
    from ner_studio.gui.documents import qt_file_commands
    from ner_studio.gui.learning import qt_learning
    from ner_studio.gui.review import qt_review_controller
    from ner_studio.gui.shell import qt_actions
    from ner_studio.gui.team import qt_team

    tables = (qt_actions.WINDOW_COMMANDS, qt_file_commands.COMMANDS, qt_edit_commands.EDIT_COMMANDS,
              qt_edit_commands.DOCUMENT_COMMANDS, qt_find.COMMANDS, qt_label_all.COMMANDS, qt_consistency.COMMANDS,
              qt_learning.TRAINING_COMMANDS, qt_learning.MODELS_COMMANDS, qt_review_controller.COMMANDS,
              qt_team.COMMANDS)
    names = [command.name for table in tables for command in table if command.shortcuts]
    return sorted([*names, "undo", "redo", "label_PER", "label_LOC", "label_ORG", "label_MISC"])


@pytest.fixture(params=["yes", "no"])
def world(request, start_window, qtbot, tmp_path, monkeypatch):
    """The started window with the sample, every dialog answered ``request.param``."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # Save and Export suggest files there
    folder = tmp_path / "answers"
    folder.mkdir()
    files_to_answer_with(folder)
    window = start_window()
    world = World(window, request.param == "yes", folder, qtbot)
    answer_dialogs(monkeypatch, world)  # after the window's start: these answers replace conftest's
    window.statusBar().messageChanged.connect(lambda text: world.statuses.append(text) if text else None)
    timer = watch_for_modal_dialogs(world)
    yield world
    timer.stop()
    if window.learning.evaluation is not None:
        window.learning.evaluation.close()


def run(world: World, name: str, start: Callable[[], None]) -> None:
    case = CASES[name]
    window = world.window
    if case.prepare is not None:
        case.prepare(world)
    world.before = {"font": window.view.font_size(), "model_spans": model_spans(world), "doc": window.doc.doc_id,
                    "documents": document_count(world), "project": project_path(world),
                    "span": window.view.current_span(), "selection": window.view.selection(),
                    "review_item": window.learning.review.current, "versions": model_versions(world)}
    start()
    world.just_after = {"predicting": window.workspace.is_predicting()}
    if window.isVisible():
        wait_idle(world.qtbot, window)
        world.qtbot.waitUntil(lambda: window.team.worker is None and not window.learning.is_training(),
                              timeout=60_000)
    assert world.blocked == [], f"{name}: a modal dialog was left open: {world.blocked}"
    assert world.bugs == [], f"{name}: a bug was met:\n{world.bugs[0]}"
    assert case.check(world), f"{name} neither did its work nor said why not; it said: {world.said!r}"


def test_every_command_has_a_case(start_window):
    names = set(command_actions(start_window()))
    assert sorted(names - set(CASES)) == [], "a new command needs a case in CASES (and a shortcut test if it has one)"
    assert sorted(set(CASES) - names) == []


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_menu_command_does_its_work_or_says_why_not(world, name):
    action = command_actions(world.window)[name]
    run(world, name, action.trigger)  # as a menu click: triggered(checked=False)


@pytest.mark.parametrize("world", ["yes"], indirect=True)
@pytest.mark.parametrize("name", shortcut_commands())
def test_a_shortcut_on_the_focused_widget_does_the_same(world, name):
    action = command_actions(world.window)[name]
    assert action.shortcuts(), f"{name} has lost its shortcut"
    combination = action.shortcuts()[0][0]

    def press() -> None:
        world.window.activateWindow()
        world.qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
        QTest.keyClick(QApplication.focusWidget(), combination.key(), combination.keyboardModifiers())

    run(world, name, press)


@pytest.mark.parametrize("world", ["yes"], indirect=True)
def test_a_modal_dialog_nobody_answers_is_closed_and_reported(world):
    """The watchdog's own check: a dialog whose loop runs in C++ (no Python ``exec`` to patch)."""
    QInputDialog.getInt(world.window, "Unanswered", "A number")
    assert world.blocked == ["Unanswered"]
