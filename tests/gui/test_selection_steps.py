"""The Qt-free rules of commands on several documents: menu texts, the status a document
not reviewed gets back, and whether a document's part of a step is still on top."""

from __future__ import annotations

from ner_studio.core.text.document import Document, Status
from ner_studio.core.text.spans import Source, Span
from ner_studio.gui.documents.selection_steps import Part, SelectionStep, counted, status_not_reviewed


def test_menu_texts_say_how_many():
    assert counted(5, "Mark {} Reviewed") == "Mark 5 Documents Reviewed"
    assert counted(1, "Delete {}…") == "Delete Document…"
    assert counted(1200, "Export {}…") == "Export 1,200 Documents…"


def test_not_reviewed_is_predicted_with_the_models_entities_else_new():
    doc = Document.from_text("Karin Olsson flew to Madrid .")
    assert status_not_reviewed(doc) == Status.NEW
    doc.set_spans([Span(0, 12, "PER", Source.HUMAN)])
    assert status_not_reviewed(doc) == Status.NEW  # a person's labels are no prediction
    doc.set_spans([Span(0, 12, "PER", Source.HUMAN), Span(21, 27, "LOC", Source.ACCEPTED)])
    assert status_not_reviewed(doc) == Status.PREDICTED


def test_a_part_is_on_top_only_where_its_stack_was_left():
    step = SelectionStep("Mark 2 Documents Reviewed", [Part(1, 3, "Mark a reviewed"), Part(2, 1, "Mark b reviewed")])
    assert step.on_top(1, 3, "Mark a reviewed")
    assert not step.on_top(1, 4, "Delete 'Lisbon'")  # edited since
    assert not step.on_top(1, 2, "Label 'Lisbon' as LOC")  # taken back by Ctrl+Z
    assert not step.on_top(3, 1, "Mark c reviewed")  # not in the step
