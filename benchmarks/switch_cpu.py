"""What showing a ~50k-token part costs the UI thread, step by step, in CPU time.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/switch_cpu.py [--rounds 9] [--chars 262144]

One part as the app stores it (a quarter MB of ``gui_big_document.big_text``, ~13,000 blocks,
~12,000 entities: every name, place and organisation, a third of them unconfirmed model
entities) in a temporary SQLite project, and one text view (``EntityTextView``, offscreen,
1200x800). Prints the median ``time.process_time`` (ms) of each step of a switch:

``--width`` hard-wraps the text (more blocks for the same characters).

* read: ``Project.load_document`` (the text, tokens, sentences and spans from SQLite) on the
  UI thread; in a tree that reads parts in a worker, what is left on the UI thread:
  ``Project.adopt_read`` (is what the worker read still current?);
* set text: ``QPlainTextEdit.setPlainText`` with no highlighter (Qt's own work);
* show: ``EntityTextView.show_document`` (the text set, the highlighter attached);
* paint: the first paint after it (the ~50 blocks on screen coloured, outlines drawn).

CPU time does not depend on the machine's load, so two trees can be compared in one session:
run it with ``PYTHONPATH`` at each (before, after, before, ...).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gui_big_document import FIRST, LAST, ORGS, PLACES, big_text  # noqa: E402


def wrapped(text: str, width: int) -> str:
    """``text`` hard-wrapped at ``width`` (a space becomes a line break: offsets stay)."""
    chars, column = list(text), 0
    for i, char in enumerate(chars):
        column = 0 if char == "\n" else column + 1
        if char == " " and column > width:
            chars[i], column = "\n", 0
    return "".join(chars)


def part_with_entities(chars: int, width: int | None):
    from ner_studio.core.text.document import Document
    from ner_studio.core.text.spans import Source, Span

    text = big_text(chars)[:chars]
    text = text[: text.rfind("\n\n")]
    names = "|".join(re.escape(n) for n in [f"{a} {b}" for a in FIRST for b in LAST] + PLACES + ORGS)
    spans = []
    for k, match in enumerate(re.finditer(rf"\b(?:{names})\b", text)):
        label = "PER" if " " in match[0] and match[0].split()[0] in FIRST else "LOC" if match[0] in PLACES else "ORG"
        spans.append(Span(match.start(), match.end(), label, Source.MODEL, 0.3 + 0.6 * (k % 2)) if k % 3 == 0
                     else Span(match.start(), match.end(), label))
    doc = Document.from_text(wrapped(text, width) if width else text, name="part")
    doc.set_spans(spans)
    return doc


def read_in_a_thread(project, doc_id):
    """The part as the app's worker reads it (core/store/document_reader.py), in another thread."""
    import threading

    reader, box = project.document_reader(), []
    thread = threading.Thread(target=lambda: (box.append(reader.read(doc_id)), reader.close()))
    thread.start()
    thread.join()
    return box[0]


def median_ms(samples: list[float]) -> str:
    return f"{1000 * statistics.median(samples):7.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--chars", type=int, default=1 << 18, help="the part's size (the app's PART_CHARS)")
    parser.add_argument("--width", type=int, help="hard-wrap the text at this many characters a line "
                        "(more blocks: 20 gives ~13,000, as a text of one short line per sentence has)")
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication, QPlainTextEdit

    from ner_studio.core.store.project import Project
    from ner_studio.core.text.labels import LabelSet
    from ner_studio.gui.annotate.qt_highlighter import SpanStyle
    from ner_studio.gui.annotate.qt_text_view import EntityTextView

    app = QApplication.instance() or QApplication([])
    folder = Path(tempfile.mkdtemp(prefix="ner-studio-switch-"))
    project = Project.create(folder / "p.nerstudio")
    doc = part_with_entities(args.chars, args.width)
    [doc_id] = project.add_documents([doc])
    blocks = doc.text.count("\n") + 1
    print(f"a part of {len(doc.text):,} characters, {len(doc.tokens):,} tokens, {blocks:,} blocks, "
          f"{len(doc.spans):,} entities; median of {args.rounds} rounds, CPU ms; "
          f"load average {os.getloadavg()[0]:.1f}")
    view = EntityTextView(SpanStyle(LabelSet.conll2003()))
    view.resize(1200, 800)
    view.show()
    plain = QPlainTextEdit()
    plain.resize(1200, 800)
    empty = type(doc).from_text("x")
    reads_ahead = hasattr(project, "document_reader")  # the tree reads parts in a worker
    steps: dict[str, list[float]] = {"read": [], "set text": [], "show": [], "paint": []}
    for _ in range(args.rounds):
        if reads_ahead:  # read in another thread (not counted: process_time counts every thread,
            read = read_in_a_thread(project, doc_id)  # so it runs before the clock starts)
            started = time.process_time()
            loaded = project.adopt_read(read)
        else:
            started = time.process_time()
            loaded = project.load_document(doc_id)
        steps["read"].append(time.process_time() - started)
        plain.setPlainText("")
        started = time.process_time()
        plain.setPlainText(loaded.text)
        steps["set text"].append(time.process_time() - started)
        view.show_document(empty)
        app.processEvents()
        started = time.process_time()
        view.show_document(loaded)
        steps["show"].append(time.process_time() - started)
        started = time.process_time()
        view.viewport().repaint()
        steps["paint"].append(time.process_time() - started)
        app.processEvents()
    print("  ".join(f"{name} {median_ms(samples)}" for name, samples in steps.items()),
          f" total {median_ms([sum(s) for s in zip(*(steps[k] for k in ('read', 'show', 'paint')))])}")
    project.close()
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
