"""Every command works from where a person starts it: each action of every command table (and
each label key), triggered through its QAction as a menu click does (``triggered(checked)``)
and, where it has one, by its first shortcut pressed on the focused widget, does its work or
says why not — with every dialog answered yes, then no. A command without a case here fails
``test_every_command_has_a_case``; an exception in a slot fails the test (pytest-qt); a modal
dialog nobody answered is closed by a watchdog and fails it too."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QInputDialog

from ner_studio.core.store.annotators import GOLD
from ner_studio.core.text.document import Status
from ner_studio.gui.annotate.qt_text_view import FONT_SIZE

from tests.gui.conftest import wait_idle
from tests.gui.dialog_answers import World, answer_dialogs, files_to_answer_with, watch_for_modal_dialogs


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
    wait_idle(world.qtbot, world.window)  # Find's search runs in a worker thread
    assert len(world.window.find.hits) > 1 and world.window.find.position == -1


def two_documents(world: World) -> None:
    world.window.workspace.add_text("A second text about Lisbon .", "second")
    wait_idle(world.qtbot, world.window)
    world.window.show_document(world.window.workspace.document_ids()[0])


def several_selected(world: World) -> None:
    """Two documents more, both selected in the list (the sample shown, its row not selected)."""
    two_documents(world)
    world.window.workspace.add_text("A third text about Madrid .", "third")
    wait_idle(world.qtbot, world.window)
    table = world.window.documents
    flags = QItemSelectionModel.SelectionFlag
    table.selectionModel().select(table.model().index(1, 0), flags.ClearAndSelect | flags.Rows)
    table.selectionModel().select(table.model().index(2, 0), flags.Select | flags.Rows)
    assert len(table.selected_ids()) == 2


def several_reviewed(world: World) -> None:
    several_selected(world)
    world.window.actions_["mark_selected_reviewed"].trigger()


def selected_statuses(world: World) -> set:
    return {world.window.workspace.summary(i).status for i in world.window.documents.selected_ids()}


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


def pattern_spans(world: World) -> int:
    return sum(1 for s in world.window.doc.spans if s.source == "pattern")


def prepare_review(world: World) -> None:
    world.window.actions_["review_mode"].trigger()
    wait_idle(world.qtbot, world.window)


def prepare_label_all_done(world: World) -> None:
    world.window.label_all.apply_patterns(path=str(world.folder / "patterns.tsv"))


def prepare_training(world: World, start: bool = True) -> None:
    """The sample reviewed, enough to fine-tune on; with ``start``, a long run under way."""
    learning = world.window.learning
    learning.min_sentences = 1
    learning.loop.set_on(False)  # the last document reviewed: the loop's round would come due now
    world.window.workspace.mark_reviewed(world.window.doc)
    assert not start or learning.start_training(epochs=50)


def accept_one(world: World) -> None:
    entity(world)
    world.window.edit.accept_selected()


def resized_or_said_why_not(world: World) -> bool:
    return world.window.view.current_span() != world.before["span"] or said("cannot grow")(world)


def linked_entity(world: World) -> None:
    """The first model entity selected, linked to a new catalogue entry."""
    span = entity(world)
    world.window.catalogue.link(world.window.doc, span, ("new", "Somewhere"))
    world.window.view.select_range(span.start, span.end)


def linked_at(world: World):
    return world.window.doc.span_at(world.before["span"].start).kb_id


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
    "undo": Case(lambda w: model_spans(w) == w.before["model_spans"] + 1, prepare=accept_one),
    "redo": Case(lambda w: model_spans(w) == w.before["model_spans"] - 1,
                 prepare=lambda w: (accept_one(w), w.window.actions_["undo"].trigger())),
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
    "grow_end": Case(resized_or_said_why_not, prepare=entity),
    "shrink_end": Case(resized_or_said_why_not, prepare=entity),
    "grow_start": Case(resized_or_said_why_not, prepare=entity),
    "shrink_start": Case(resized_or_said_why_not, prepare=entity),
    "accept_all": Case(lambda w: model_spans(w) == 0),
    "review_next": Case(lambda w: (w.window.workspace.summary(w.before["doc"]).status == Status.REVIEWED
                                   and said("Every document")(w)) if w.accept or not said("Unsure")(w)
                        else said("unsure entities")(w)),
    "edit_labels": Case(lambda w: ("LABEL5" in w.window.workspace.labels) == w.accept and said("LabelEditor")(w)),
    "label_all": Case(lambda w: said("LabelAllDialog")(w) and said("Labelled")(w) == w.accept, prepare=entity),
    "apply_patterns": Case(lambda w: accepting(w, said("Labelled 2 entities"), said("Patterns or dictionary"))),
    "undo_label_all": Case(lambda w: w.before["pattern_spans"] == 2 and pattern_spans(w) == 0,
                           prepare=prepare_label_all_done),
    "find": Case(lambda w: w.window.find.dock.isVisible() and w.window.find.panel.query.text() == "Lisbon",
                 prepare=lambda w: select_text(w, "Lisbon")),
    "find_next": Case(lambda w: w.window.find.position == 0 and selected_text(w).lower() == "lisbon",
                      prepare=prepare_find),
    "find_previous": Case(lambda w: w.window.find.position == len(w.window.find.hits) - 1
                          and selected_text(w).lower() == "lisbon", prepare=prepare_find),
    "inconsistencies": Case(dock_shown(lambda window: window.consistency.dock)),
    "label_found": Case(lambda w: said("LabelAllDialog")(w) and said("Labelled")(w) == w.accept, prepare=prepare_find),
    # Catalogue
    "link_entity": Case(lambda w: w.window.catalogue.chooser.isVisible(), prepare=entity),
    "unlink_entity": Case(lambda w: w.before["span"].kb_id is not None and linked_at(w) is None, prepare=linked_entity),
    "link_all": Case(lambda w: said("already linked")(w) or (said("LabelAllDialog")(w) and said("Labelled")(w) == w.accept),
                     prepare=linked_entity),
    "show_catalogue": Case(dock_shown(lambda window: window.catalogue.dock_widget)),
    "import_catalogue": Case(lambda w: accepting(w, said("Imported 2 entries"), said("Import a catalogue"))),
    "export_catalogue": Case(lambda w: (w.folder / "catalogue-out.jsonl").exists() == w.accept,
                             prepare=lambda w: w.window.catalogue.import_file(path=str(w.folder / "catalogue.csv"))),
    "add_note": Case(lambda w: len(w.window.workspace.project.notes()) == w.accept and said("NoteDialog")(w),
                     prepare=entity),
    # View
    "show_notes": Case(dock_shown(lambda window: window.notes.dock)),
    # Document
    "predict": Case(lambda w: w.just_after["predicting"] or said("No model")(w)),
    "history": Case(said("HistoryDialog")),
    "next_doc": Case(lambda w: w.window.doc.doc_id != w.before["doc"], prepare=two_documents),
    "previous_doc": Case(lambda w: w.window.doc.doc_id != w.before["doc"], prepare=two_documents),
    "mark_selected_reviewed": Case(lambda w: selected_statuses(w) == {Status.REVIEWED}, prepare=several_selected),
    "mark_selected_not_reviewed": Case(lambda w: Status.REVIEWED not in selected_statuses(w), prepare=several_reviewed),
    "undo_selection_step": Case(lambda w: Status.REVIEWED not in selected_statuses(w), prepare=several_reviewed),
    "tag_selected": Case(lambda w: w.just_after["predicting"] or said("No model")(w), prepare=several_selected),
    "export_selected": Case(lambda w: (w.folder / "out.conll").exists() == w.accept and said("ExportDialog")(w),
                            prepare=several_selected),
    "assign_selected": Case(lambda w: said("Assign documents")(w) and set(w.window.workspace.project.assignments().values())
                            == ({("Ann",)} if w.accept else set()), prepare=several_selected),
    "delete_selected": Case(lambda w: said("Delete 2 documents")(w)
                            and document_count(w) == w.before["documents"] - 2 * w.accept, prepare=several_selected),
    # Model
    "train": Case(lambda w: said("TrainDialog")(w) and model_versions(w) == w.before["versions"] + w.accept,
                  prepare=lambda w: prepare_training(w, start=False)),
    "cancel_training": Case(lambda w: w.window.learning.training_panel.status.text().startswith("Cancel"),
                            prepare=prepare_training),
    "evaluate": Case(lambda w: w.window.learning.evaluation is not None and w.window.learning.evaluation.isVisible()),
    "models": Case(dock_shown(lambda window: window.learning.docks["models"])),
    # on by default: the menu click pauses it, and the project keeps that
    "learn_continuously": Case(lambda w: not w.window.learning.loop.on
                               and w.window.workspace.project.get_setting("learning.continuous") is False),
    "review_mode": Case(lambda w: w.window.learning.review.active and w.window.learning.review.dock.isVisible()),
    "accept_sentence": Case(lambda w: sum(map(len, w.window.learning.review.accepted.values())) == 1,
                            prepare=prepare_review),
    "skip_sentence": Case(lambda w: w.window.learning.review.current != w.before["review_item"], prepare=prepare_review),
    # Team
    "your_name": Case(lambda w: accepting(w, lambda w: w.window.workspace.project.annotator == "Ann", unchanged_project)),
    "other_version": Case(dock_shown(lambda window: window.team.docks["versions"])),
    "curate": Case(dock_shown(lambda window: window.team.docks["curation"])),
    "agreement": Case(said("Agreement needs two annotators")),
    # on by default: the menu click turns it off, and the project keeps that
    "pretag": Case(lambda w: not w.window.actions_["pretag"].isChecked()
                   and w.window.workspace.project.get_setting("team.pretag_new_versions") is False),
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
    from ner_studio.gui.catalogue import qt_catalogue
    from ner_studio.gui.corpus import qt_consistency, qt_find, qt_label_all
    from ner_studio.gui.documents import qt_file_commands
    from ner_studio.gui.learning import qt_learning
    from ner_studio.gui.notes import qt_notes
    from ner_studio.gui.review import qt_review_controller
    from ner_studio.gui.team import qt_team
    from ner_studio.gui.window import qt_window_commands

    tables = (qt_window_commands.WINDOW_COMMANDS, qt_file_commands.COMMANDS, qt_edit_commands.EDIT_COMMANDS,
              qt_edit_commands.DOCUMENT_COMMANDS, qt_find.COMMANDS, qt_label_all.COMMANDS, qt_consistency.COMMANDS,
              qt_learning.TRAINING_COMMANDS, qt_learning.MODELS_COMMANDS, qt_review_controller.COMMANDS,
              qt_team.COMMANDS, qt_catalogue.COMMANDS, qt_notes.COMMANDS, qt_notes.VIEW_COMMANDS)
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
                    "review_item": window.learning.review.current, "versions": model_versions(world),
                    "pattern_spans": pattern_spans(world)}
    start()
    world.just_after = {"predicting": window.workspace.is_predicting()}
    world.qtbot.waitUntil(lambda: not window.find.busy)  # Find's matches (and what waits for them) are in
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
