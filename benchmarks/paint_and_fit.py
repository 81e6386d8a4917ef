"""Two pieces of the UI thread's work, alone, in CPU time (``time.thread_time``): the text
view's paint of a screen of model entities, and Find's results table fitting its columns.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/paint_and_fit.py [--code DIR] [--size 250000]

Paint: a ``--size``-byte text of gui_big_document.py's paragraphs, every run of capitalised
words a model entity (one in five unsure: dotted), in an 800x700 view; a full repaint at 8
places, 5 times each ("a screen seen": the places kept between paints), and the first paint
after scrolling to 8 other places. Fit: Find's panel (qt_find.FindPanel) listing 100, 1,000
and 12,119 hits, and one fit measured again (what a new list costs; a resize costs less).
``--code DIR`` measures another checkout's ner_studio (a before copy).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from array import array
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def paint(app, size: int) -> str:
    from gui_big_document import big_text

    from ner_studio.core.text.document import Document
    from ner_studio.core.text.labels import LabelSet
    from ner_studio.core.text.spans import Source, Span
    from ner_studio.gui.annotate.qt_highlighter import SpanStyle
    from ner_studio.gui.annotate.qt_text_view import EntityTextView

    text = big_text(size)
    doc = Document.from_text(text, name="big")
    doc.set_spans([Span(m.start(), m.end(), "LOC", Source.MODEL, 0.9 if i % 5 else 0.3)
                   for i, m in enumerate(re.finditer(r"[A-Z][a-z]+(?: [A-Z][a-z]+)*", text))])
    view = EntityTextView(SpanStyle(LabelSet.conll2003()))
    view.resize(800, 700)
    view.show()
    view.show_document(doc)
    for _ in range(20):
        app.processEvents()
    bar = view.verticalScrollBar()
    seen = 0.0
    for k in range(8):
        bar.setValue(bar.maximum() * k // 8)
        app.processEvents()
        view.viewport().repaint()
        started = time.thread_time()
        for _ in range(5):
            view.viewport().repaint()
        seen += time.thread_time() - started
    first = 0.0
    for k in range(8):
        bar.setValue(bar.maximum() * k // 8 + 3)
        app.processEvents()
        started = time.thread_time()
        view.viewport().repaint()
        first += time.thread_time() - started
    view.close()
    return (f"paint: {len(doc.spans):,} entities; a screen seen {seen / 40 * 1000:.2f} ms, "
            f"the first paint after a scroll {first / 8 * 1000:.2f} ms")


def fit(app) -> str:
    from PySide6.QtWidgets import QMainWindow

    from ner_studio.core.corpus.corpus_text import DocumentText
    from ner_studio.core.corpus.find import Hit
    from ner_studio.gui.corpus.qt_find import FindPanel

    text = "the quick brown fox jumps over the lazy dog. " * 3000
    doc = DocumentText(1, text, array("I"), array("I"), text)
    hits = [Hit(doc, i, i + 3) for i in range(0, len(text) - 50, 11)][:12_119]
    window, panel = QMainWindow(), FindPanel()
    window.setCentralWidget(panel)
    window.resize(500, 700)
    window.show()
    app.processEvents()
    figures = []
    for n in (100, 1_000, 12_119):
        started = time.thread_time()
        panel.show_hits(hits[:n], {1: "a document name"})
        app.processEvents()
        listed = time.thread_time() - started
        getattr(panel.columns, "_measured", {}).clear()  # measure again (kept until the rows change)
        started = time.thread_time()
        panel.columns.fit()
        figures.append(f"{n:,} rows: listed {listed * 1000:.1f} ms, one fit {(time.thread_time() - started) * 1000:.1f} ms")
    window.close()
    return "fit: " + "; ".join(figures)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--code", type=Path, default=Path(__file__).resolve().parent.parent,
                        help="the checkout whose ner_studio is measured (default: this script's)")
    parser.add_argument("--size", type=int, default=250_000, help="the painted text's size in bytes")
    args = parser.parse_args()
    sys.path.insert(0, str(args.code.resolve()))
    from PySide6.QtWidgets import QApplication

    import ner_studio

    app = QApplication([])
    print(f"code under test: {Path(ner_studio.__file__).resolve().parent.parent}; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(paint(app, args.size))
    print(fit(app))
    return 0


if __name__ == "__main__":
    sys.exit(main())
