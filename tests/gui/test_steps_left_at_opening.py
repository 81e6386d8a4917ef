"""A step file the opening leaves where it is is said in the status bar, never kept silent
(core/store/step_files.py): a project opened read-only (the step is recovered at the next
writable opening), and another machine's step in a project file in a shared folder."""

from __future__ import annotations

import signal

import pytest

from ner_studio.core.errors import ReadOnlyProjectError
from ner_studio.core.store import step_files
from ner_studio.core.store.project import Project
from ner_studio.core.store.project_rows import SpansDelta
from ner_studio.core.text.document import Document
from ner_studio.core.text.spans import Span
from tests.gui.test_label_all_after_a_kill import CHILD, OTHER, kill_once_sent, lisbons

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def project_with_other(start_window):
    window = start_window()
    project = window.workspace.project
    path, annotator = project.path, project.annotator
    [other_id] = project.add_documents([Document.from_text(OTHER, name="other")])
    window.close()
    return path, annotator, other_id


def test_a_read_only_opening_says_the_step_it_leaves_for_the_next_writable_one(start_window, qtbot, monkeypatch,
                                                                                dialogs):
    path, annotator, other_id = project_with_other(start_window)
    kill_once_sent(CHILD, str(path), annotator)
    writable = Project.open.__func__

    def read_only_file(cls, location, **options):
        if not options.get("read_only"):
            raise ReadOnlyProjectError("cannot write while opening: the project file or its folder is read-only", location)
        return writable(cls, location, **options)

    monkeypatch.setattr(Project, "open", classmethod(read_only_file))
    window = start_window(path)  # the app asks, and opens it read-only (dialogs: Yes)
    assert any("Open it read-only?" in text for text in dialogs) and window.workspace.project.read_only
    assert "1 step left by a stopped app will be recovered when the project is opened for writing" in \
        window.statusBar().currentMessage()
    assert lisbons(path, other_id) == []
    window.close()

    monkeypatch.setattr(Project, "open", classmethod(writable))
    window = start_window(path)
    assert "Recovered 1 step that was being saved when the app stopped: Label All 'Lisbon' as LOC" in \
        window.statusBar().currentMessage()
    assert lisbons(path, other_id) == ["LOC", "LOC"]


def test_another_machines_step_is_left_alone_and_said(start_window, monkeypatch):
    path, annotator, other_id = project_with_other(start_window)
    with Project.open(path, read_only=True) as project:
        doc = project.load_document(other_id)
    start = doc.text.index("Lisbon")
    with monkeypatch.context() as there:  # written on lab-pc-7, its writer busy
        there.setattr(step_files, "this_host", lambda: "lab-pc-7")
        left = step_files.write_step(*step_files.step_folder(path, str(path)),
                                     [SpansDelta(other_id, (), (Span(start, start + 6, "LOC"),), annotator)],
                                     "Label All 'Lisbon' as LOC")
    window = start_window(path)
    assert "A step from lab-pc-7 is still being saved there." in window.statusBar().currentMessage()
    assert left.path.exists() and lisbons(path, other_id) == []
