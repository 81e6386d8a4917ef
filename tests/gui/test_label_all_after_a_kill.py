"""Label All's step survives a kill while its write is in flight (core/store/step_files.py):
another process sends the step with its writer held and is killed (SIGKILL); the window that
opens the project next has the step's entities, says it recovered the step, and Edit > Undo
Label All takes it back."""

from __future__ import annotations

import os
import signal

import pytest

from ner_studio.core.store.project import Project
from ner_studio.core.text.document import Document
from tests.core.project_fixtures import start_python

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
    child = start_python(CHILD, str(path), annotator)
    try:
        assert child.stdout.readline().strip() == "sent", child.stderr.read()
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
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
