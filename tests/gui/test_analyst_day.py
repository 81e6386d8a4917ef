"""An analyst's day (issue 23, item 5): real input events against the real window, offscreen,
from opening one file of each format to curating a team's document. After every step the
invariants hold (tests/gui/invariants.py): no document changed that the step did not edit
(reviewed ones above all), nothing went to the log as an ERROR, and pytest-qt fails the test on
any exception raised in a slot."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog

from ner_studio.core.store.annotators import GOLD
from ner_studio.core.text.document import Document, Status
from ner_studio.core.formats.samples import minimal_pdf, sample_docx
from ner_studio.core.store.project import Project
from ner_studio.core.text.spans import Source, Span
from ner_studio.gui.annotate.qt_edit_commands import ASK_UNSURE_SETTING
from ner_studio.gui.corpus import qt_label_all
from ner_studio.gui.learning import qt_train_dialog
from ner_studio.gui.team import qt_team
from ner_studio.model.interface import FinetuneOptions
from tests.gui.invariants import Invariants, focused

MEMO = "Karin Olsson visited Lisbon on Thursday.\n\nThe council met in Madrid and London.\n"
CONLL = "-DOCSTART- O\n\nDaniel\tB-PER\nOkafor\tI-PER\nflew\tO\nto\tO\nLisbon\tB-LOC\n.\tO\n"
JSONL_TEXT = "Meridian Capital hired Hannah Whitcombe in Auckland ."
TEAM_TEXT = "Karin Olsson visited Lisbon with Meridian Capital ."


def day_files(folder) -> list:
    """One small file per format the app reads, each with names the tiny model knows."""
    jsonl = {"text": JSONL_TEXT, "spans": [{"start": 0, "end": 16, "label": "ORG"}]}
    files = {
        "memo.txt": MEMO.encode(),
        "brief.conll": CONLL.encode(),
        "hires.jsonl": (json.dumps(jsonl) + "\n").encode(),
        "report.docx": sample_docx(["Report", "Portugal and France welcomed the decision in Lisbon."]),
        "page.html": b"<html><body><h1>Bid</h1><p>Hannah Whitcombe led the bid in Auckland.</p></body></html>",
        "notes.md": b"# Notes\n\nAtlantica Energia pledged money to **Lisbon**.\n",
        "scan.pdf": minimal_pdf([["Meridian Capital hired Daniel Okafor."]]),
    }
    paths = []
    for name, data in files.items():
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def point_at(window, offset: int) -> QPoint:
    cursor = QTextCursor(window.view.document())
    cursor.setPosition(offset)
    return window.view.cursorRect(cursor).center()


def drag(qtbot, window, start: int, end: int) -> None:
    """A mouse drag on the text from character ``start`` to ``end``."""
    viewport = window.view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=point_at(window, start))
    qtbot.mouseMove(viewport, point_at(window, end))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=point_at(window, end))


def click_text(qtbot, window, offset: int) -> None:
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point_at(window, offset))


def type_in_filter(qtbot, window, text: str) -> None:
    """Click the document filter, replace what is there by ``text``, key by key."""
    query = window.document_tools.pane.query
    qtbot.mouseClick(query, Qt.MouseButton.LeftButton)
    QTest.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(focused(), Qt.Key.Key_Backspace)
    QTest.keyClicks(focused(), text)
    assert focused() is query


def open_by_filter(qtbot, window, name: str) -> Document:
    """Filter the list down to ``name``, Enter into the list, Enter into the text."""
    type_in_filter(qtbot, window, name)
    QTest.keyClick(focused(), Qt.Key.Key_Return)
    assert focused() is window.documents
    QTest.keyClick(focused(), Qt.Key.Key_Return)
    assert focused() is window.view and window.doc.name == name
    return window.doc


def by_name(window, name: str) -> Document:
    workspace = window.workspace
    return workspace.document(next(i for i in workspace.document_ids() if workspace.summary(i).name == name))


def team_project(folder):
    path = folder / "team.nerstudio"

    def version(*entities):
        doc = Document.from_text(TEAM_TEXT, name="trip")
        for surface, label in entities:
            start = TEAM_TEXT.index(surface)
            doc.add_span(Span(start, start + len(surface), label))
        return doc

    with Project.create(path, annotator="ann") as project:
        project.add_documents([version(("Karin Olsson", "PER"), ("Lisbon", "LOC"), ("Meridian Capital", "ORG"))])
        project.import_version([version(("Karin Olsson", "PER"), ("Lisbon", "ORG"))], "bob")
    return path


@pytest.fixture
def day(start_window, qtbot, idle, log_folder, monkeypatch):
    window = start_window()
    window.settings.set(ASK_UNSURE_SETTING, False)  # the question has its own tests
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window, Invariants(window, log_folder)


def test_an_analysts_day(day, qtbot, idle, tmp_path, monkeypatch):
    window, invariants = day
    actions = window.actions_

    # Morning: one file of each format, through File > Open Files.
    paths = day_files(tmp_path)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *args, **kwargs: ([str(p) for p in paths], ""))
    actions["open_files"].trigger()
    idle(window)
    invariants.check("opening one file of each format", added=True)
    names = {window.workspace.summary(i).name for i in window.workspace.document_ids()}
    assert {"memo", "brief", "hires", "report", "page", "notes", "scan"} <= names, names
    for name, words in (("scan", "Meridian Capital hired Daniel Okafor"), ("report", "Portugal and France"),
                        ("page", "Hannah Whitcombe led the bid"), ("notes", "pledged money to Lisbon"),
                        ("hires", "Hannah Whitcombe in Auckland"), ("memo", "Karin Olsson visited Lisbon")):
        assert words in by_name(window, name).text, name
    assert [s.label for s in by_name(window, "brief").spans] == ["PER", "LOC"]

    # The memo, found by typing in the filter: label, relabel, resize and delete by keys and mouse.
    memo = open_by_filter(qtbot, window, "memo")
    invariants.check("finding the memo")
    QTest.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # all the text...
    QTest.keyClick(focused(), Qt.Key.Key_Delete)  # ...and the model's guesses in it away
    assert memo.spans == ()
    invariants.check("clearing the memo", edited={memo.doc_id})
    karin = MEMO.index("Karin")
    drag(qtbot, window, karin + 1, karin + 8)  # snaps to "Karin Olsson"
    QTest.keyClick(focused(), Qt.Key.Key_1)
    assert memo.span_at(karin) == Span(karin, karin + 12, "PER")
    lisbon = MEMO.index("Lisbon")
    drag(qtbot, window, lisbon + 1, lisbon + 3)
    QTest.keyClick(focused(), Qt.Key.Key_3)  # ORG, on second thought...
    click_text(qtbot, window, lisbon + 2)
    QTest.keyClick(focused(), Qt.Key.Key_2)  # ...LOC
    assert memo.span_at(lisbon).label == "LOC"
    QTest.keyClick(focused(), Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier)
    assert memo.span_at(lisbon) == Span(lisbon, lisbon + len("Lisbon on"), "LOC", Source.HUMAN)
    viewport = window.view.viewport()  # and back by dragging its end edge
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=point_at(window, lisbon + len("Lisbon on")))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=point_at(window, lisbon + 3))
    assert memo.span_at(lisbon) == Span(lisbon, lisbon + 6, "LOC", Source.HUMAN)
    madrid = MEMO.index("Madrid")
    drag(qtbot, window, madrid, madrid + 3)
    QTest.keyClick(focused(), Qt.Key.Key_4)
    click_text(qtbot, window, madrid + 2)
    QTest.keyClick(focused(), Qt.Key.Key_Delete)
    assert memo.span_at(madrid) is None
    invariants.check("labelling the memo", edited={memo.doc_id})

    # Reviewed, then the sample too: Ctrl+Enter in the text.
    QTest.keyClick(focused(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert memo.status == Status.REVIEWED and window.doc is not memo
    invariants.check("marking the memo reviewed", edited={memo.doc_id})
    sample = open_by_filter(qtbot, window, "sample")
    QTest.keyClick(focused(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert sample.status == Status.REVIEWED
    invariants.check("marking the sample reviewed", edited={sample.doc_id})
    type_in_filter(qtbot, window, "")

    # The review queue: Ctrl+R, Space accepts a sentence, S skips one.
    window.view.setFocus()
    QTest.keyClick(focused(), Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    idle(window)
    review = window.learning.review
    qtbot.waitUntil(lambda: review.current is not None)
    reviewed = {memo.doc_id, sample.doc_id}
    invariants.check("starting the queue: the model tags what it has no scores for",
                     edited=set(window.workspace.document_ids()) - reviewed)
    accepted_in = review.current.doc_id
    QTest.keyClick(focused(), Qt.Key.Key_Space)
    invariants.check("accepting a sentence in the queue", edited={accepted_in})
    QTest.keyClick(focused(), Qt.Key.Key_S)
    invariants.check("skipping a sentence")
    QTest.keyClick(focused(), Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert not review.active

    # Find: every Lisbon in the project; the keyboard stays in its field while F3 shows them.
    QTest.keyClick(focused(), Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    find = window.find.panel
    assert focused() is find.query
    find.scope.setCurrentIndex(find.scope.findData("project"))
    QTest.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(focused(), "Lisbon")
    QTest.keyClick(focused(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.find.busy)  # the matches come from Find's worker thread
    assert len({hit.doc_id for hit in window.find.hits}) >= 4
    QTest.keyClick(focused(), Qt.Key.Key_F3)
    QTest.keyClicks(focused(), "1a")  # typed into Find, not labels
    assert focused() is find.query and find.query.text() == "Lisbon1a"
    invariants.check("finding Lisbon")

    # Label All Occurrences of "Lisbon" in the notes, then Edit > Undo Label All.
    notes = open_by_filter(qtbot, window, "notes")
    lisbon = notes.text.index("Lisbon")
    drag(qtbot, window, lisbon + 1, lisbon + 4)
    monkeypatch.setattr(qt_label_all.LabelAllDialog, "exec", lambda dialog: dialog.label.setCurrentText("LOC") or True)
    before = dict(invariants.before)
    QTest.keyClick(focused(), Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    changed = invariants.check("labelling every Lisbon", edited=set(window.workspace.document_ids()) - reviewed)
    assert notes.doc_id in changed and any(s.label == "LOC" and s.start == lisbon for s in notes.spans)
    actions["undo_label_all"].trigger()
    invariants.check("undoing Label All", edited=set(changed))
    assert invariants.before == before

    # A tiny fine-tune, cancelled: the model stays.
    learning = window.learning
    learning.min_sentences = 1
    learning.training_options = FinetuneOptions(epochs=200, batch_size=2, patience=200, threads=1)
    monkeypatch.setattr(qt_train_dialog.TrainDialog, "exec",  # as many epochs as it offers: Cancel ends it
                        lambda dialog: dialog.epochs.setValue(dialog.epochs.maximum()) or True)
    old_model = window.model
    QTest.keyClick(focused(), Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert learning.is_training()
    worker = learning.worker
    qtbot.waitUntil(lambda: learning.training_panel.progress.maximum() > 1, timeout=120_000)  # the child imports torch first
    qtbot.mouseClick(learning.training_panel.cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not learning.is_training(), timeout=30_000)
    assert not worker.is_running() and "Cancelled" in learning.training_panel.status.text()
    assert window.model is old_model and window.workspace.project.model_versions() == []
    invariants.check("a cancelled fine-tune")

    # Afternoon: a team's document, curated into its gold version.
    monkeypatch.setattr(qt_team, "prompt_for_name", lambda parent, suggestion: "ann")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(team_project(tmp_path)), ""))
    actions["open_project"].trigger()
    qtbot.waitUntil(lambda: window.workspace.project.annotator == "ann", timeout=10_000)
    team = Invariants(window, invariants.log_folder)
    actions["curate"].trigger()
    curation = window.team.curation
    assert curation.annotators() == ("ann", "bob") and curation.table.rowCount() == 2
    qtbot.mouseClick(curation.all_first, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(curation.save_button, Qt.MouseButton.LeftButton)
    project = window.workspace.project
    assert project.gold_documents() == {window.doc.doc_id}
    assert [s.label for s in project.load_version(window.doc.doc_id, GOLD).spans] == ["PER", "LOC", "ORG"]
    team.check("curating the trip")  # the curator's own version is not edited by curating


def test_apply_patterns_from_its_menu(day, idle, tmp_path, monkeypatch):
    window, invariants = day
    doc = Document.from_text("Meridia Bank opened in Tagus Valley .", name="bank")
    window.workspace.add_documents([doc])
    idle(window)
    invariants.check("a new document", edited={doc.doc_id}, added=True)
    gazetteer = tmp_path / "names.tsv"
    gazetteer.write_text("Meridia Bank\tORG\nTagus Valley\tLOC\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(gazetteer), ""))
    window.actions_["apply_patterns"].trigger()
    assert {(doc.text[s.start:s.end], s.label) for s in doc.spans if s.source == Source.PATTERN} >= {
        ("Meridia Bank", "ORG"), ("Tagus Valley", "LOC")}
    invariants.check("applying patterns", edited={doc.doc_id})


def test_label_all_keeps_the_edits_before_it_undoable(day, qtbot, monkeypatch):
    window, invariants = day
    doc = window.doc
    window.view.setFocus()
    thursday = doc.text.index("Thursday")
    drag(qtbot, window, thursday + 1, thursday + 4)
    QTest.keyClick(focused(), Qt.Key.Key_4)  # MISC: the analyst's own edit
    mine = doc.span_at(thursday)
    assert mine is not None and mine.label == "MISC"
    lisbon = doc.text.index("Lisbon")
    drag(qtbot, window, lisbon + 1, lisbon + 4)
    monkeypatch.setattr(qt_label_all.LabelAllDialog, "exec", lambda dialog: dialog.label.setCurrentText("LOC") or True)
    QTest.keyClick(focused(), Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    for _ in range(2):  # Label All, then the label key
        QTest.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert doc.span_at(thursday) != mine

