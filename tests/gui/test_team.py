"""Team tools in the window: the name asked once, another annotator's version read-only,
curating two versions into the gold version."""

import json
import threading

import pytest
from PySide6.QtWidgets import QMessageBox

from ner_studio.core.team import agreement
from ner_studio.core.store.annotators import GOLD, SETTING
from ner_studio.core.text.document import Document
from ner_studio.core.store.project import Project
from ner_studio.core.settings import Settings
from ner_studio.core.text.spans import Span
from ner_studio.gui.team import qt_team

TEXT = "Karin Olsson visited Lisbon with Meridian Capital ."


def version(*entities):
    doc = Document.from_text(TEXT, name="trip")
    for surface, label in entities:
        start = TEXT.index(surface)
        doc.add_span(Span(start, start + len(surface), label))
    return doc


def span(surface, label):
    start = TEXT.index(surface)
    return Span(start, start + len(surface), label)


@pytest.fixture
def team_project(user_dirs):
    path = user_dirs / "team.nerstudio"
    with Project.create(path, annotator="ann") as project:
        project.add_documents([version(("Karin Olsson", "PER"), ("Lisbon", "LOC"), ("Meridian Capital", "ORG"))])
        project.import_version([version(("Karin Olsson", "PER"), ("Lisbon", "ORG"))], "bob")
    return path


@pytest.fixture
def prompts(monkeypatch):
    """The name prompt, answered "ann" and recorded."""
    asked = []

    def answer(parent, suggestion):
        asked.append(suggestion)
        return "ann"

    monkeypatch.setattr(qt_team, "prompt_for_name", answer)
    monkeypatch.setattr("getpass.getuser", lambda: "login")
    return asked


def test_the_name_is_asked_once_in_a_team_project_and_the_own_version_shown(start_window, team_project, prompts, qtbot):
    window = start_window(team_project)
    qtbot.waitUntil(lambda: window.workspace.project.annotator == "ann", timeout=10_000)
    assert prompts == ["login"]
    assert Settings.load().get(SETTING) == "ann"
    assert window.doc.spans == (span("Karin Olsson", "PER"), span("Lisbon", "LOC"), span("Meridian Capital", "ORG"))
    assert "(ann)" in window.team.actions["your_name"].text()
    window.team.ask_name_once()  # the name is kept: never asked again
    assert prompts == ["login"]


def test_another_annotators_version_is_shown_read_only(start_window, team_project, prompts, qtbot):
    window = start_window(team_project)
    qtbot.waitUntil(lambda: window.workspace.project.annotator == "ann", timeout=10_000)
    team = window.team
    team.show_other_version()
    assert team.docks["versions"].isVisible()
    assert team.versions.annotator() == "bob"
    assert team.versions.view.doc.spans == (span("Karin Olsson", "PER"), span("Lisbon", "ORG"))
    window.doc.remove_span(span("Lisbon", "LOC"))  # an edit of mine...
    with Project.open(team_project, read_only=True, annotator="ann") as project:  # ...is mine only
        assert project.load_version(1, "bob").spans == (span("Karin Olsson", "PER"), span("Lisbon", "ORG"))
        assert len(project.load_document(1).spans) == 2


def test_curating_two_versions_saves_the_gold_version_export_uses(start_window, team_project, prompts, qtbot, tmp_path):
    window = start_window(team_project)
    qtbot.waitUntil(lambda: window.workspace.project.annotator == "ann", timeout=10_000)
    curation = window.team.curation
    window.team.show_curation()
    assert curation.annotators() == ("ann", "bob")  # the curator's own version and the other's
    assert curation.table.rowCount() == 2  # Lisbon LOC/ORG, Meridian Capital ORG/nothing
    assert curation.table.item(0, 1).text() == 'LOC · "Lisbon"'  # the label first: never elided
    assert curation.table.item(0, 2).text() == 'ORG · "Lisbon"' and curation.table.item(0, 2).toolTip() == "'Lisbon' ORG"
    assert curation.table.item(1, 2).text() == "(nothing)"
    assert not curation.save_button.isEnabled()
    curation.choose(0, "first")
    assert "1 of 2 differences decided" in curation.status.text()
    curation.choose_rest("second")  # Meridian Capital: bob has nothing there
    curation.save_button.click()
    project = window.workspace.project
    assert project.gold_documents() == {1}
    assert project.load_version(1, GOLD).spans == (span("Karin Olsson", "PER"), span("Lisbon", "LOC"))
    assert window.doc.spans[-1] == span("Meridian Capital", "ORG")  # ann's version unchanged
    out = tmp_path / "out.jsonl"
    assert window.workspace.export([1], out, "jsonl", "iob2", gold=project.gold_documents())
    assert [s["label"] for s in json.loads(out.read_text(encoding="utf-8"))["spans"]] == ["PER", "LOC"]
    window.team.show_other_version()
    assert window.team.versions.combo.findData(GOLD) >= 0  # the gold version can be looked at too
    curation.refresh()  # curating again starts from the choices saved
    assert curation.choices() == {0: "first", 1: "second"} and curation.save_button.isEnabled()


def test_a_single_user_is_never_asked(start_window, user_dirs, prompts, qtbot):
    path = user_dirs / "mine.nerstudio"
    with Project.create(path, annotator="login") as project:
        project.add_documents([version(("Lisbon", "LOC"))])
    window = start_window(path)
    qtbot.wait(50)
    assert prompts == []
    assert window.workspace.project.annotator == "login"
    assert window.doc.spans == (span("Lisbon", "LOC"),)
    window.team.show_agreement()  # nothing to compare: a status message, no dialog
    assert not hasattr(window.team, "report_dialog")


@pytest.mark.parametrize("replace", [True, False])
def test_a_gold_version_another_curator_saved_meanwhile_is_replaced_only_when_asked(
        start_window, team_project, prompts, qtbot, dialogs, monkeypatch, replace):
    window = start_window(team_project)
    qtbot.waitUntil(lambda: window.workspace.project.annotator == "ann", timeout=10_000)
    curation = window.team.curation
    window.team.show_curation()
    curation.choose_rest("first")
    with Project.open(team_project, annotator="bob") as other:  # another curator, another window
        other.save_gold(1, [span("Lisbon", "ORG")])
    answer = QMessageBox.StandardButton.Yes if replace else QMessageBox.StandardButton.No
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda parent, title, text, *rest: asked.append(text) or answer)
    curation.save_button.click()
    assert asked and "since you opened it" in asked[0]
    gold = window.workspace.project.load_version(1, GOLD).spans
    if replace:
        assert gold == (span("Karin Olsson", "PER"), span("Lisbon", "LOC"), span("Meridian Capital", "ORG"))
    else:  # theirs stays, and the panel shows the choices it made
        assert gold == (span("Lisbon", "ORG"),)
        assert curation.choices() == {0: "second", 1: "second"}  # Lisbon ORG, no Meridian Capital


def test_the_agreement_report_is_read_and_computed_in_a_worker(start_window, team_project, prompts, qtbot,
                                                               monkeypatch):
    window = start_window(team_project)
    qtbot.waitUntil(lambda: window.workspace.project.annotator == "ann", timeout=10_000)
    threads = []

    def gather(project, names):
        threads.append(threading.current_thread())
        return agreement.gather(project, names)

    monkeypatch.setattr(qt_team, "gather", gather)
    window.team.show_agreement()
    qtbot.waitUntil(lambda: hasattr(window.team, "report_dialog"), timeout=10_000)
    assert threads and threads[0] is not threading.main_thread()  # the window never waits to read
    text = window.team.report_dialog.text.toPlainText()
    assert text.startswith("ann vs bob (1 document)") and "Krippendorff" in text


def test_fine_tuning_learns_from_the_gold_version_of_a_curated_document(start_window, team_project, prompts, qtbot):
    window = start_window(team_project)
    qtbot.waitUntil(lambda: window.workspace.project.annotator == "ann", timeout=10_000)
    assert window.learning.labelled_documents()[0] == []  # nothing reviewed, nothing curated
    window.workspace.project.save_gold(1, [span("Lisbon", "LOC")])
    docs, names = window.learning.labelled_documents()
    assert names == ["trip"] and docs[0].spans == (span("Lisbon", "LOC"),)


def test_editing_your_version_compares_again(start_window, team_project, prompts, qtbot):
    window = start_window(team_project)
    qtbot.waitUntil(lambda: window.workspace.project.annotator == "ann", timeout=10_000)
    window.team.show_curation()
    assert window.team.curation.table.rowCount() == 2
    window.doc.remove_span(span("Meridian Capital", "ORG"))  # now bob and ann differ only on Lisbon
    qtbot.waitUntil(lambda: window.team.curation.table.rowCount() == 1, timeout=5_000)


def test_a_curator_edits_the_gold_version_with_the_editor_and_goes_back(start_window, team_project, prompts, qtbot):
    window = start_window(team_project)
    qtbot.waitUntil(lambda: window.workspace.project.annotator == "ann", timeout=10_000)
    window.workspace.project.save_gold(1, [span("Lisbon", "LOC")])
    window.team.actions["edit_gold"].trigger()
    qtbot.waitUntil(lambda: window.workspace.project.annotator == GOLD, timeout=10_000)
    assert window.team.actions["edit_gold"].isChecked()
    assert window.doc.spans == (span("Lisbon", "LOC"),)
    window.doc.add_span(span("Karin Olsson", "PER"))  # saved into the gold version
    window.team.actions["edit_gold"].trigger()
    qtbot.waitUntil(lambda: window.workspace.project.annotator == "ann", timeout=10_000)
    project = window.workspace.project
    assert project.load_version(1, GOLD).spans == (span("Karin Olsson", "PER"), span("Lisbon", "LOC"))
    assert len(window.doc.spans) == 3 and project.annotators() == ["ann", "bob"]
    assert Settings.load().get(SETTING) == "ann"


def test_hidden_team_docks_read_nothing(start_window, team_project, prompts, qtbot, monkeypatch):
    window = start_window(team_project)
    qtbot.waitUntil(lambda: window.workspace.project.annotator == "ann", timeout=10_000)
    project = window.workspace.project
    loaded = []
    real = project.load_version
    monkeypatch.setattr(project, "load_version", lambda doc_id, name: loaded.append(name) or real(doc_id, name))
    window.team._on_document_shown(1)  # as when another document is shown
    window.team.refresh_annotators()
    assert loaded == []
    window.team.show_other_version()
    assert loaded and set(loaded) == {"bob"}


def test_a_new_name_takes_your_versions_along(start_window, user_dirs, prompts, qtbot):
    path = user_dirs / "mine.nerstudio"
    with Project.create(path, annotator="login") as project:
        project.add_documents([version(("Lisbon", "LOC"))])
    window = start_window(path)
    window.team.ask_name()  # Team > Your Name; the prompt answers "ann"
    qtbot.waitUntil(lambda: window.workspace.project.annotator == "ann", timeout=10_000)
    assert window.doc.spans == (span("Lisbon", "LOC"),)  # nothing looks different
    assert window.workspace.project.annotators() == ["ann"]


def test_the_workspaces_personal_settings_are_kept_per_annotator():
    from ner_studio.core.store.annotators import PERSONAL_SETTINGS
    from ner_studio.gui.window.qt_workspace import SHOWN_SETTING

    assert SHOWN_SETTING in PERSONAL_SETTINGS  # core names it without importing the GUI
