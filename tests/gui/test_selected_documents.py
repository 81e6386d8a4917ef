"""Several documents at once, in the real window: selected with Ctrl- and Shift-clicks (or
Ctrl+A and Shift+arrows) in the list, then each command through its QAction, its dialogs
answered yes and no; the shown document stays shown; a status change is one undo step."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from ner_studio.core.text.document import Document, Status
from ner_studio.gui.shell.qt_dialogs import ExportDialog

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
TEXTS = ("Karin Olsson flew to Madrid on Monday .", "Meridian Capital hired Daniel Okafor .",
         "Portugal and France welcomed the decision .")


@pytest.fixture
def window(start_window, idle, qtbot):
    """The sample and three more documents (tagged by the model), the window on screen so
    clicks land on rows; the sample shown."""
    window = start_window()
    window.workspace.add_documents([Document.from_text(text, name=f"news {k}") for k, text in enumerate(TEXTS, 1)])
    idle(window)
    window.show()
    qtbot.waitExposed(window)
    window.show_document(window.workspace.document_ids()[0])
    return window


def click(window, row: int, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    table = window.documents
    rect = table.visualRect(table.model().index(row, 0))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifiers, rect.center())


def select_news(window) -> list[int]:
    """Documents 2-4 (news 1-3): a click on news 1, Shift-click on news 3, Ctrl-click on news 2
    twice (out, in again)."""
    click(window, 1)
    shown = window.doc.doc_id
    ids = window.workspace.document_ids()[1:]
    click(window, 3, SHIFT)
    assert window.documents.selected_ids() == ids
    click(window, 2, CTRL)
    assert window.documents.selected_ids() == [ids[0], ids[2]]
    click(window, 2, CTRL)
    assert window.documents.selected_ids() == ids
    assert window.doc.doc_id == shown  # extending the selection never changed the document shown
    return ids


def statuses(window, ids) -> list[Status]:
    return [window.workspace.summary(i).status for i in ids]


def test_mark_several_reviewed_is_one_undo_step_and_no_review_in_the_effort_chart(window):
    ids = select_news(window)
    action = window.actions_["mark_selected_reviewed"]
    assert action.text() == "Mark 3 Documents &Reviewed"
    assert window.actions_["delete_selected"].text() == "&Delete 3 Documents…"
    before = statuses(window, ids)
    assert Status.REVIEWED not in before
    action.trigger()
    assert statuses(window, ids) == [Status.REVIEWED] * 3
    docs = [window.workspace.document(i) for i in ids]
    assert all(span.confirmed for doc in docs for span in doc.spans)  # the model's were accepted
    records = window.workspace.review_log()
    assert len(records) == 3 and not any(record.looked for record in records)  # a bulk mark: not looked at
    assert "Marked 3 documents reviewed" in window.statusBar().currentMessage()
    undo = window.actions_["undo_selection_step"]
    assert undo.isEnabled() and undo.text() == "&Undo Mark 3 Documents Reviewed"
    undo.trigger()
    assert statuses(window, ids) == before
    assert any(not span.confirmed for doc in docs for span in doc.spans)  # the model's are the model's again
    assert not undo.isEnabled()
    assert "taken back in 3 documents" in window.statusBar().currentMessage()


def test_a_document_edited_since_keeps_its_part_and_ctrl_z_takes_it_back_there(window):
    ids = select_news(window)
    window.actions_["mark_selected_reviewed"].trigger()
    window.open_document(ids[0])  # Enter on it: in the text; an edit there after the bulk step
    first = window.doc.spans[0]
    window.view.select_range(first.start, first.end)
    window.actions_["delete"].trigger()
    window.actions_["undo_selection_step"].trigger()
    assert statuses(window, ids) == [Status.REVIEWED, Status.PREDICTED, Status.PREDICTED]
    assert "1 document edited since keeps it" in window.statusBar().currentMessage()
    QTest.keyClick(window.view, Qt.Key.Key_Z, CTRL)  # the delete, then the document's part
    QTest.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert statuses(window, ids)[0] == Status.PREDICTED


def test_mark_several_not_reviewed_and_tag_them_again(window, idle):
    ids = select_news(window)
    window.actions_["mark_selected_reviewed"].trigger()
    assert window.actions_["tag_selected"].text() == "Tag 3 Documents with &Model"
    window.actions_["tag_selected"].trigger()  # reviewed: the model leaves them alone
    assert "Nothing to tag (3 reviewed documents left as they are" in window.statusBar().currentMessage()
    window.actions_["mark_selected_not_reviewed"].trigger()
    assert statuses(window, ids) == [Status.PREDICTED] * 3
    assert window.actions_["undo_selection_step"].text() == "&Undo Mark 3 Documents Not Reviewed"
    docs = [window.workspace.document(i) for i in ids]
    for doc in docs:
        doc.set_spans([])
    window.actions_["tag_selected"].trigger()
    assert window.workspace.is_predicting()
    assert window.statusBar().currentMessage().startswith("Tagging 3 documents with")
    idle(window)
    assert all(any(span.source == "model" for span in doc.spans) for doc in docs)


@pytest.mark.parametrize("answer", ["yes", "no"])
def test_export_several_writes_one_jsonl_line_per_document(window, tmp_path, monkeypatch, answer):
    ids = select_news(window)
    out = tmp_path / "selection.jsonl"

    def exec_(dialog):
        assert dialog.windowTitle() == "Export" and dialog.which.currentText() == "The 3 selected documents"
        assert dialog.fmt.currentData() == "jsonl"  # what doccano reads back
        dialog.path.setText(str(out))
        return answer == "yes"

    monkeypatch.setattr(ExportDialog, "exec", exec_)
    window.actions_["export_selected"].trigger()
    if answer == "no":
        assert not out.exists()
        return
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["text"] for line in lines] == [window.workspace.document(i).text for i in ids]


@pytest.mark.parametrize("answer", ["yes", "no"])
def test_assign_several_to_annotators(window, monkeypatch, answer):
    ids = select_news(window)
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("Ann, Bob", True) if answer == "yes"
                        else ("", False))
    window.actions_["assign_selected"].trigger()
    assigned = window.workspace.project.assignments()
    assert assigned == ({i: ("Ann", "Bob") for i in ids} if answer == "yes" else {})


def test_delete_several_asks_once_no_keeps_them_yes_removes_them(window, monkeypatch):
    ids = select_news(window)
    window.show_document(ids[1])  # the shown document is among them (its row alone selected now)
    window.documents.selectAll()
    asked = []

    def question(answer):
        return lambda parent, title, text, *args: asked.append(f"{title}: {text}") or answer

    monkeypatch.setattr(QMessageBox, "question", question(QMessageBox.StandardButton.No))
    sample = window.workspace.document_ids()[0]
    click(window, 0, CTRL)  # the sample out of the selection
    assert window.actions_["delete_selected"].text() == "&Delete 3 Documents…"
    window.actions_["delete_selected"].trigger()
    assert len(asked) == 1 and asked[0].startswith("Delete 3 documents: 3 documents (“news 1”, “news 2”, “news 3”;")
    assert "This cannot be undone" in asked[0]
    assert window.workspace.document_ids() == [sample, *ids]
    monkeypatch.setattr(QMessageBox, "question", question(QMessageBox.StandardButton.Yes))
    window.actions_["delete_selected"].trigger()
    assert len(asked) == 2 and window.workspace.document_ids() == [sample]
    assert window.doc.doc_id == sample and window.documents.list_model.row_count() == 1
    assert window.workspace.project.document_summaries()[0].doc_id == sample


def test_ctrl_a_and_shift_arrows_in_the_list_select_and_keep_the_shown_document(window):
    table = window.documents
    click(window, 1)  # news 1 shown, the keyboard in the list
    shown = window.doc.doc_id
    assert QApplication.focusWidget() is table
    QTest.keyClick(table, Qt.Key.Key_Down, SHIFT)
    QTest.keyClick(table, Qt.Key.Key_Down, SHIFT)
    assert table.selected_ids() == window.workspace.document_ids()[1:] and window.doc.doc_id == shown
    assert window.actions_["mark_selected_reviewed"].text() == "Mark 3 Documents &Reviewed"
    QTest.keyClick(table, Qt.Key.Key_A, CTRL)
    assert table.selected_ids() == window.workspace.document_ids() and window.doc.doc_id == shown
    model_spans = sum(1 for s in window.doc.spans if not s.confirmed)
    QTest.keyClick(table, Qt.Key.Key_A)  # Accept All's key acts in the text only, not in the list
    QTest.keyClick(table, Qt.Key.Key_Delete)
    assert sum(1 for s in window.doc.spans if not s.confirmed) == model_spans
    assert len(window.workspace.document_ids()) == 4
    QTest.keyClick(table, Qt.Key.Key_Up)  # a plain arrow: one row, shown
    assert len(table.selected_ids()) == 1 and window.doc.doc_id == table.selected_ids()[0] != shown
    assert window.actions_["mark_selected_reviewed"].text() == "Mark Document &Reviewed"
