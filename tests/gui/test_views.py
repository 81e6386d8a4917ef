"""The views redraw only what an edit changed; Qt bindings keep None alive."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit

from ner_studio.core.text.document import Document
from ner_studio.core.text.labels import LabelSet
from ner_studio.core.text.spans import Source, Span
from ner_studio.gui.annotate.qt_entity_table import POSITION, EntityTableModel
from ner_studio.gui.annotate.qt_highlighter import SpanStyle
from ner_studio.gui.annotate.qt_text_view import EntityTextView

PARAGRAPHS = "\n\n".join(f"Paragraph {i} mentions Lisbon and Karin Olsson." for i in range(200))


def test_void_qt_calls_do_not_steal_references_to_none(qapp):
    """PySide6 6.12.0 on Python 3.11 drops a reference to None on every void call and soon
    aborts the interpreter; the dependency pin keeps such a build out."""
    widget = QPlainTextEdit()
    before = sys.getrefcount(None)
    for _ in range(1000):
        widget.setReadOnly(True)
    assert sys.getrefcount(None) - before > -50


def test_a_relabel_rehighlights_one_block_only(qtbot):
    doc = Document.from_text(PARAGRAPHS)
    starts = [i for i in range(len(PARAGRAPHS)) if PARAGRAPHS.startswith("Lisbon", i)]
    doc.set_spans([Span(s, s + 6, "LOC", Source.MODEL, 0.9) for s in starts])
    view = EntityTextView(SpanStyle(LabelSet.conll2003()))
    qtbot.addWidget(view)
    view.show_document(doc)
    highlighted = []
    original = view.highlighter.highlightBlock
    view.highlighter.highlightBlock = lambda text: (highlighted.append(text), original(text))
    target = doc.spans[100]
    doc.edit((target,), (target.relabelled("ORG"),))
    assert len(highlighted) == 1 and "Paragraph 100 " in highlighted[0]
    block = view.document().findBlock(target.start)
    formats = block.layout().formats()
    assert any(f.format.background().color().name() == "#7aecec" for f in formats)  # ORG colour


def test_the_entity_table_follows_edits_and_sorting(qtbot):
    doc = Document.from_text("Karin Olsson visited Lisbon and Madrid.")
    doc.set_spans([Span(0, 12, "PER"), Span(21, 27, "LOC", Source.MODEL, 0.3)])
    model = EntityTableModel(SpanStyle(LabelSet.conll2003()))
    model.show_document(doc)
    inserted = []
    model.rowsInserted.connect(lambda parent, first, last: inserted.append(first))
    doc.add_span(Span(32, 38, "LOC"))
    assert inserted == [2] and model.rowCount() == 3
    model.sort(3)  # by confidence: human spans (no confidence) first
    assert [model.span(r).start for r in range(3)] == [0, 32, 21]
    doc.remove_span(Span(0, 12, "PER"))
    assert [model.span(r).start for r in range(2)] == [32, 21]
    assert model.row_of(Span(21, 27, "LOC", Source.MODEL, 0.3)) == 1


def test_the_entity_table_by_position_follows_the_document_both_ways(qtbot):
    """By position the rows are the document's own order (no sort of its spans): ascending,
    descending, after edits, and found again by bisection."""
    text = " ".join(f"City{i} is here ." for i in range(300))
    doc = Document.from_text(text)
    doc.set_spans([Span(text.index(f"City{i} "), text.index(f"City{i} ") + len(f"City{i}"), "LOC")
                   for i in range(0, 300, 3)])
    model = EntityTableModel(SpanStyle(LabelSet.conll2003()))
    model.show_document(doc)
    assert [model.span(r) for r in range(model.rowCount())] == list(doc.spans)
    model.sort(POSITION, Qt.SortOrder.DescendingOrder)
    assert [model.span(r) for r in range(model.rowCount())] == list(reversed(doc.spans))
    new = Span(text.index("City1 "), text.index("City1 ") + 5, "ORG")
    doc.add_span(new)
    assert model.row_of(new) == model.rowCount() - 2  # second from the end, descending
    model.sort(POSITION)
    assert [model.span(r) for r in range(model.rowCount())] == list(doc.spans)
    assert all(model.row_of(span) == row for row, span in enumerate(doc.spans))
