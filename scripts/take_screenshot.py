"""The README screenshot: the real main window on an X screen, with the sample document tagged
by the model and a few entities confirmed by hand, as a newcomer sees it after a minute.

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python scripts/take_screenshot.py \\
        docs/screenshot.png [--model resources/models/default.pt] [--narrow]

``--narrow`` also writes the window at 1024x700 and 800x600 beside the output
(``screenshot-1024x700.png``, ``screenshot-800x600.png``): the sizes of a small laptop screen,
where the text must keep at least 40% of the width (issue 23). Without an X screen,
``QT_QPA_PLATFORM=offscreen`` grabs the window's contents (no frame).

Projects and settings go to a temporary folder; nothing of the user's is touched.
"""

from __future__ import annotations

import argparse
from array import array
import os
import sys
import tempfile
import time
from pathlib import Path


def few_colours(image):
    """``image`` with the 256 colours it uses most, as an 8-bit PNG: a third of the size.

    A window is flat colours plus anti-aliased text edges, so its own most frequent colours
    (backgrounds, label colours, the selection) stay exact; only edge pixels move to the
    nearest of them. Qt's generic palette would shift the label colours.
    """
    from collections import Counter

    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage

    rgb = image.convertToFormat(QImage.Format.Format_RGB32)
    pixels = array("I")
    pixels.frombytes(bytes(rgb.constBits())[: rgb.sizeInBytes()])
    table = [colour | 0xFF000000 for colour, _ in Counter(pixels).most_common(256)]
    return rgb.convertToFormat(QImage.Format.Format_Indexed8, table, Qt.ImageConversionFlag.ThresholdDither)


def window_with_tagged_sample(app, timeout: float = 120):
    """The app and its main window once the sample is tagged (or ``timeout`` seconds passed)."""
    qt_app = app.application()
    window = app.create_main_window([])
    deadline = time.time() + timeout
    while time.time() < deadline and not (window.doc and window.doc.spans and not window.workspace.is_predicting()):
        qt_app.processEvents()
        time.sleep(0.01)
    return qt_app, window


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--model", type=Path, help="model file (default: the bundled model)")
    parser.add_argument("--narrow", action="store_true", help="also take 1024x700 and 800x600 shots")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ner-studio-shot-"))
    os.environ["NER_STUDIO_DATA_DIR"] = str(folder / "data")
    os.environ["NER_STUDIO_CONFIG_DIR"] = str(folder / "config")

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from ner_studio.gui import app

    if args.model:
        app.bundled_model_path = lambda: args.model
    qt_app, window = window_with_tagged_sample(app)
    if not window.doc or not window.doc.spans:
        print("the sample was not tagged: is there a model?", file=sys.stderr)
        return 1
    window.activateWindow()
    QTest.qWait(200)
    view, text = window.view, window.doc.text

    def select(word: str, occurrence: int = 0) -> None:
        start = -1
        for _ in range(occurrence + 1):
            start = text.index(word, start + 1)
        view.select_range(start, start + len(word))

    for word in ("Karin Olsson", "London"):  # the analyst confirms a few entities
        select(word)
        QTest.keyClick(view, Qt.Key.Key_Return)
    for word in ("Lisbon", "Tagus"):  # and corrects two by hand (LOC)
        select(word)
        QTest.keyClick(view, Qt.Key.Key_2)
    select("Hannah Whitcombe")  # the details pane shows a model entity
    view.verticalScrollBar().setValue(0)
    QTest.qWait(500)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    outputs = [(args.output, None)]
    if args.narrow:
        outputs += [(args.output.with_name(f"{args.output.stem}-{w}x{h}{args.output.suffix}"), (w, h))
                    for w, h in NARROW_SIZES]
    for output, size in outputs:
        if size is not None:
            window.resize(*size)
            QTest.qWait(500)  # the docks give way after the resize (gui/shell/qt_dock_fit.py)
        shot = grab(qt_app, window)
        if not few_colours(shot.toImage()).save(str(output), "PNG", 0):
            print(f"cannot write {output}", file=sys.stderr)
            return 1
        share = window.centralWidget().width() / window.width()
        print(f"{output}: {shot.width()}x{shot.height()}, {output.stat().st_size // 1024} KB, "
              f"text {100 * share:.0f}% of the width")
    window.close()
    return 0


NARROW_SIZES = ((1024, 700), (800, 600))


def grab(qt_app, window):
    """The window with its frame from the X screen; offscreen, its contents."""
    if qt_app.platformName() == "offscreen":
        return window.grab()
    frame = window.frameGeometry()
    return qt_app.primaryScreen().grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())


if __name__ == "__main__":
    sys.exit(main())
