"""Label All's step survives a kill while its write is in flight (core/store/step_files.py):
another process sends the step with its writer held and is killed (SIGKILL); the window that
opens the project next has the step's entities, says it recovered the step, and Edit > Undo
Label All takes it back. A step killed while it was being *undone* is recovered as that undo:
the menu then offers to apply the step again ("Redo ..."), never an "Undo" that re-applies it;
the same for Link All and patterns."""

from __future__ import annotations

import os
import signal

import pytest

from ner_studio.core.store.project import Project
from ner_studio.core.text.document import Document
from tests.core.project_fixtures import start_python
from tests.gui.test_menu_mnemonics import menu_problems

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

OTHER = "Flights to Lisbon resumed . Lisbon airport reopened ."

# Another NER Studio: Label All of "Lisbon" as LOC, its writer held; then it waits to be killed.
CHILD = """
    import sys, threading
    from ner_studio.core.corpus.label_all import label_all_edits, preview_label_all
    from ner_studio.core.store import journal_writer
    from ner_studio.core.store.project import Project
    from ner_studio.core.corpus.corpus_text import CorpusText

    forever = threading.Event()
    journal_writer.JournalWriter._commit = lambda *args, **kwargs: forever.wait()
    project = Project.open(sys.argv[1], annotator=sys.argv[2], keep_backups=0)
    edits = label_all_edits(preview_label_all(CorpusText(project), "Lisbon", "LOC"), "LOC")
    project.edit_documents(edits, in_background=True, name="Label All 'Lisbon' as LOC")
    print("sent", flush=True)
    forever.wait()
"""


def kill_once_sent(script: str, *args: str) -> None:
    """Run ``script`` in a child Python and kill it (SIGKILL) once it prints "sent": its
    step sent to the writer thread, the write held."""
    child = start_python(script, *args)
    try:
        assert child.stdout.readline().strip() == "sent", child.stderr.read()
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)


def lisbons(path, doc_id: int) -> list[str]:
    with Project.open(path, read_only=True, keep_backups=0) as project:
        doc = project.load_document(doc_id)
        return [s.label for s in doc.spans if doc.text[s.start:s.end] == "Lisbon"]


def test_a_label_all_killed_in_flight_is_recovered_and_can_be_undone(start_window, qtbot):
    window = start_window()
    project = window.workspace.project
    path, annotator = project.path, project.annotator
    [other_id] = project.add_documents([Document.from_text(OTHER, name="other")])
    window.close()
    kill_once_sent(CHILD, str(path), annotator)
    assert lisbons(path, other_id) == []  # killed before the write landed

    window = start_window(path)
    assert "Recovered 1 step that was being saved when the app stopped: Label All 'Lisbon' as LOC" in \
        window.statusBar().currentMessage()
    assert lisbons(path, other_id) == ["LOC", "LOC"]
    assert window.actions_["undo_label_all"].isEnabled()
    window.actions_["undo_label_all"].trigger()
    qtbot.waitUntil(lambda: not window.workspace.project.writing)
    assert lisbons(path, other_id) == []
    assert not window.actions_["undo_label_all"].isEnabled()


# Another NER Studio's workspace (no window): a project-wide step of ``kind`` applied with
# the app's own apply_step, and (``killed`` "undo") taken back with its take_back; the writer is
# held from the write the kill is to interrupt on.
STEP_CHILD = """
    import sys, threading
    from PySide6.QtGui import QUndoGroup
    from PySide6.QtWidgets import QApplication
    from ner_studio.core.corpus.label_all import label_all_edits, preview_label_all
    from ner_studio.core.corpus.pattern_matcher import Matcher, project_pattern_edits
    from ner_studio.core.corpus.patterns import read_patterns
    from ner_studio.core.store import journal_writer
    from ner_studio.core.store.project import Project
    from ner_studio.gui.corpus.qt_project_steps import apply_step, take_back
    from ner_studio.gui.shell.tagging_jobs import ModelHandle
    from ner_studio.gui.window.qt_workspace import Workspace

    path, annotator, kind, killed, name, patterns = sys.argv[1:]
    app = QApplication([])
    workspace = Workspace(Project.open(path, annotator=annotator, keep_backups=0), ModelHandle(None), QUndoGroup())
    if kind == "patterns":
        edits = project_pattern_edits(workspace.corpus, Matcher(read_patterns(patterns)))
    else:
        kb_id = "Q597" if kind == "link_all" else None
        edits = label_all_edits(preview_label_all(workspace.corpus, "Lisbon", "LOC", kb_id=kb_id), "LOC", kb_id)
    forever = threading.Event()

    def hold():
        journal_writer.JournalWriter._commit = lambda *args, **kwargs: forever.wait()

    if killed == "step":
        hold()
    step = apply_step(workspace, name, edits)
    if killed == "undo":
        workspace.project.land_write()  # the step is written; its undo is not
        hold()
        take_back(workspace, step)
    print("sent", flush=True)
    forever.wait()
"""
STEPS = {"label_all": ("Label All 'Lisbon' as LOC", ("LOC", "human", None)),
         "link_all": ("Link All to Lisbon 'Lisbon' as LOC", ("LOC", "human", "Q597")),
         "patterns": ("Apply places.tsv", ("LOC", "pattern", None))}


def plain(action) -> str:
    """A menu item's text without its Alt letter ("Undo Apply places.tsv (&B)")."""
    return action.text().replace("&", "").removesuffix(" (B)")


def lisbon_spans(path, doc_id: int) -> list[tuple]:
    with Project.open(path, read_only=True, keep_backups=0) as project:
        doc = project.load_document(doc_id)
        return [(s.label, str(s.source), s.kb_id) for s in doc.spans if doc.text[s.start:s.end] == "Lisbon"]


@pytest.mark.parametrize("kind", STEPS)
@pytest.mark.parametrize("killed", ["step", "undo"])
def test_a_step_or_its_undo_killed_in_flight_is_recovered_and_the_menu_goes_the_right_way(
        start_window, qtbot, tmp_path, kind, killed):
    name, entity = STEPS[kind]
    window = start_window()
    project = window.workspace.project
    path, annotator = project.path, project.annotator
    [other_id] = project.add_documents([Document.from_text(OTHER, name="other")])
    window.close()
    patterns = tmp_path / "places.tsv"
    patterns.write_text("Lisbon\tLOC\n", encoding="utf-8")
    kill_once_sent(STEP_CHILD, str(path), annotator, kind, killed, name, str(patterns))
    applied, bare = [entity, entity], []  # the sample story has a Lisbon too: 2 documents
    assert lisbon_spans(path, other_id) == (bare if killed == "step" else applied)  # the kill came first

    window = start_window(path)
    undo = window.actions_["undo_label_all"]
    if killed == "step":
        assert f"Recovered 1 step that was being saved when the app stopped: {name}; Edit > Undo {name} in Every Document takes it back" \
            in window.statusBar().currentMessage()
        assert lisbon_spans(path, other_id) == applied and plain(undo) == f"Undo {name} in Every Document"
    else:
        assert (f"Recovered 1 step that was being saved when the app stopped: Undo {name}; "
                f"Edit > Redo {name} in Every Document applies it again") in window.statusBar().currentMessage()
        assert lisbon_spans(path, other_id) == bare and plain(undo) == f"Redo {name} in Every Document"
    assert undo.isEnabled() and menu_problems(window) == []  # its Alt letter stays B
    undo.trigger()
    qtbot.waitUntil(lambda: not window.workspace.project.writing)
    assert lisbon_spans(path, other_id) == (bare if killed == "step" else applied)
    assert f"{name}: {'taken back' if killed == 'step' else 'applied again'} in 2 documents" in \
        window.statusBar().currentMessage()
    assert not undo.isEnabled() and undo.text() == "Undo La&bel All"
