"""The Notes dock on a project with 10k notes: the time from "show the dock" to the table
filled and painted (issue 26, item 9: < 0.5 s).

The project: ``--documents`` documents of a few sentences, ``--notes`` notes spread over them
(a third on whole documents, a fifth resolved), imported the way a JSONL file with
``meta.notes`` brings them. What is timed, as the controller does it (gui/notes/qt_notes.py
``refresh_list``): read every note (one query), the documents' names, fill the model, apply
the filter (resolved hidden), show the panel and let Qt paint it. Then typing a word into the
filter. Median and worst of ``--rounds`` rounds, offscreen Qt.

Run: ``QT_QPA_PLATFORM=offscreen PYTHONPATH=$PWD .venv/bin/python benchmarks/notes_dock.py``.
Prints figures only; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from ner_studio.core.store.project import Project  # noqa: E402
from ner_studio.core.text.document import Document  # noqa: E402
from ner_studio.gui.notes.qt_notes_dock import NotesPanel  # noqa: E402

TEXT = ("Karin Olsson of Meridian Capital flew from Lisbon to Madrid on Thursday . "
        "The council in Auckland said Hannah Whitcombe would lead the bid . ") * 3


def build(path: Path, documents: int, notes: int) -> Project:
    project = Project.create(path, annotator="bench")
    per_doc, extra = divmod(notes, documents)
    docs, k = [], 0
    for d in range(documents):
        records = []
        for _ in range(per_doc + (1 if d < extra else 0)):
            start = (k * 7) % (len(TEXT) - 20)
            on_document = k % 3 == 0
            records.append({"text": f"Note {k}: is this entity right? Ask the desk about source {k % 97}.",
                            "author": ("ann", "bob", "cy")[k % 3], "created": "2026-12-07T10:00:00+00:00",
                            "resolved": k % 5 == 0, "start": None if on_document else start,
                            "end": None if on_document else start + 12})
            k += 1
        docs.append(Document.from_text(TEXT, name=f"report {d}"))
        docs[-1].meta["notes"] = records
    project.add_documents(docs)
    return project


def open_dock(app: QApplication, project: Project) -> tuple[float, NotesPanel]:
    started = time.perf_counter()
    panel = NotesPanel()
    notes = project.notes()
    names = {summary.doc_id: summary.name for summary in project.document_summaries()}
    panel.show_notes(notes, names)  # the filter (resolved hidden) follows the model
    panel.resize(440, 700)
    panel.show()
    app.processEvents()  # laid out and painted
    return time.perf_counter() - started, panel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        project = build(Path(folder) / "notes.nerstudio", args.documents, args.notes)
        print(f"project: {args.documents} documents, {len(project.notes())} notes "
              f"({len(project.notes(open_only=True))} open); built in {time.perf_counter() - started:.1f} s")
        opened, filtered = [], []
        for _ in range(args.rounds):
            seconds, panel = open_dock(app, project)
            opened.append(seconds)
            started = time.perf_counter()
            panel.query.setText("source 42")
            app.processEvents()
            filtered.append(time.perf_counter() - started)
            shown = panel.filter.rowCount()
            panel.close()
            panel.deleteLater()
            app.processEvents()
        project.close()
    print(f"open the dock (read, fill, filter, paint): median {statistics.median(opened) * 1000:.0f} ms, "
          f"worst {max(opened) * 1000:.0f} ms (target < 500 ms)")
    print(f"type a filter ({shown} rows left): median {statistics.median(filtered) * 1000:.0f} ms, "
          f"worst {max(filtered) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
