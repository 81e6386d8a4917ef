"""The README screenshot of Label All's preview: the sample tagged by the bundled model, the
analyst's "Lisbon" as LOC, and the preview of labelling all its occurrences LOC.

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python scripts/take_label_all_screenshot.py docs/screenshot-label-all.png

Projects and settings go to a temporary folder; nothing of the user's is touched.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> int:
    output = Path(sys.argv[1])
    folder = Path(tempfile.mkdtemp(prefix="ner-studio-shot-"))
    os.environ["NER_STUDIO_DATA_DIR"] = str(folder / "data")
    os.environ["NER_STUDIO_CONFIG_DIR"] = str(folder / "config")

    from PySide6.QtTest import QTest

    from ner_studio.core.corpus.corpus_text import CorpusText
    from ner_studio.core.corpus.label_all import preview_label_all
    from ner_studio.core.text.spans import Source, Span
    from ner_studio.gui import app
    from ner_studio.gui.corpus.qt_label_all import LabelAllDialog
    from take_screenshot import few_colours, window_with_tagged_sample

    qt_app, window = window_with_tagged_sample(app)
    doc = window.doc
    first = doc.text.index("Lisbon")
    doc.set_spans([s for s in doc.spans if not s.overlaps(Span(first, first + 6, "LOC"))]
                  + [Span(first, first + 6, "LOC", Source.HUMAN)])
    corpus = CorpusText(window.workspace.project)
    labels = [label.name for label in window.workspace.labels]
    dialog = LabelAllDialog(window, "Lisbon", labels, "LOC", lambda label: preview_label_all(corpus, "Lisbon", label))
    dialog.show()
    QTest.qWait(600)
    shot = dialog.grab()
    output.parent.mkdir(parents=True, exist_ok=True)
    few_colours(shot.toImage()).save(str(output), "PNG", 0)
    print(f"{output}: {shot.width()}x{shot.height()}")
    dialog.close()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
