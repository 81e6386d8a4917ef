"""The text view keeps where its entities' characters lie between paints (annotate/
qt_line_rects.py) and repaints only the lines Qt asks for: what it paints after a resize, a
zoom, another document, scrolling and a partial repaint must be what measuring afresh paints."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication

from ner_studio.core.text.document import Document
from ner_studio.core.text.spans import Source, Span
from ner_studio.gui.annotate.qt_line_rects import LineRects


class Unkept(LineRects):
    """Every place measured again at every paint, as before they were kept."""

    def begin(self, key) -> None:
        super().begin(object())


def painted(view):
    view.viewport().repaint()
    return view.viewport().grab().toImage()


def fresh(view):
    kept, view._places = view._places, Unkept()  # noqa: SLF001 - the reference rendering
    try:
        return painted(view)
    finally:
        view._places = kept


def model_entities(text: str, word: str) -> list[Span]:
    spans, start = [], text.find(word)
    while start >= 0:
        spans.append(Span(start, start + len(word), "LOC", Source.MODEL, 0.9 if len(spans) % 3 else 0.2))
        start = text.find(word, start + len(word))
    return spans


def test_outlines_after_resize_zoom_switch_scroll_and_partial_repaints(start_window, idle, qtbot):
    window = start_window()
    window.resize(1000, 700)
    long = Document.from_text("Porto met Lisbon and the river . " * 400, name="long")
    window.workspace.add_documents([long])
    idle(window)
    window.show_document(long.doc_id)
    long.set_spans(model_entities(long.text, "Lisbon"))  # dashed frames, some dotted (unsure)
    view = window.view
    qtbot.waitUntil(lambda: view.doc is long)
    start = long.text.index("Lisbon", 500)
    view.select_range(start, start + 6)  # the selected entity's solid frame
    QApplication.processEvents()
    assert painted(view) == fresh(view)
    window.resize(700, 700)  # lines wrap elsewhere: the places kept are wrong now
    qtbot.waitUntil(lambda: view.viewport().width() < 600)
    assert painted(view) == fresh(view)
    window.actions_["zoom_in"].trigger()
    QApplication.processEvents()
    assert painted(view) == fresh(view)
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum() // 2)
    QApplication.processEvents()
    assert painted(view) == fresh(view)
    whole = painted(view)
    strip = QRect(0, view.viewport().height() // 3, view.viewport().width(), 7)
    view.viewport().repaint(strip)  # as a blinking caret or a hover repaints a few lines
    assert view.viewport().grab().toImage() == whole
    window.show_document(window.workspace.document_ids()[0])  # another text, the same block numbers
    qtbot.waitUntil(lambda: view.doc is not long)
    QApplication.processEvents()
    assert view.doc.spans and painted(view) == fresh(view)
