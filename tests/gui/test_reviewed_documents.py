"""A reviewed document's entities change only through an explicit, undoable edit of it
(issue 23): not by a tagging that was still running when it was reviewed, not by Tag with Model."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ner_studio.core.text.document import Document, Status

TEXT = "Karin Olsson visited Lisbon on Thursday . Daniel Okafor flew to Madrid ."


def test_a_document_reviewed_while_the_model_tags_it_keeps_what_the_analyst_confirmed(start_window, idle):
    window = start_window()
    doc = Document.from_text(TEXT, name="late")
    window.workspace.add_documents([doc])
    assert window.workspace.is_predicting()  # the model's entities are on their way...
    window.workspace.mark_reviewed(doc, log=False)  # ...and the analyst says: no entities here
    idle(window)
    assert doc.spans == () and doc.status == Status.REVIEWED
    assert window.workspace.undo_stack(doc.doc_id).canUndo()  # the review can still be taken back


def test_tag_with_model_leaves_a_reviewed_document_as_it_is_and_says_so(start_window, idle, qtbot):
    window = start_window()
    doc = Document.from_text(TEXT, name="done")
    window.workspace.add_documents([doc])
    idle(window)
    window.show_document(doc.doc_id)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_A)  # accept all...
    doc.edit((doc.spans[0],), ())  # ...but one, deleted
    window.workspace.mark_reviewed(doc, log=False)
    confirmed = doc.spans
    qtbot.keyClick(window.view, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    idle(window)
    assert doc.spans == confirmed and doc.status == Status.REVIEWED
    assert "reviewed" in window.current_status()
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the review taken back
    assert doc.status != Status.REVIEWED
    qtbot.keyClick(window.view, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    idle(window)
    assert len(doc.spans) > len(confirmed)  # now the model tags it again
