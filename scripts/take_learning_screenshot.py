"""Screenshots of the learning loop on another domain, as an analyst would live it: tweets
(WNUT-16, labels mapped onto PER/LOC/ORG/MISC) tagged by the bundled news model, corrected to
the gold annotation and marked reviewed in two rounds with a fine-tune in between.

    ner-studio data fetch wnut16
    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python scripts/take_learning_screenshot.py docs/

Writes ``screenshot-models.png`` (the Models panel: every version's check-set F1 and verdict)
and ``screenshot-effort.png`` (the Training dock with the review batches' corrections and
time). The "analyst" spends no real time, so seconds per sentence stay near zero here.
Projects and settings go to a temporary folder; nothing of the user's is touched.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

ROUND = 150  # tweets reviewed before each fine-tune


def wait(qt_app, done, timeout: float = 600) -> None:
    deadline = time.time() + timeout
    while not done():
        if time.time() > deadline:
            raise TimeoutError("the app did not finish in time")
        qt_app.processEvents()
        time.sleep(0.01)


def review_like_the_gold(window, docs, gold) -> None:
    """Turn each tagged tweet into its gold entities (a model entity that is right is accepted,
    everything else drawn by hand) and mark it reviewed."""
    from ner_studio.core.text.spans import Source, Span

    for doc, truth in zip(docs, gold):
        window.show_document(doc.doc_id)
        proposed = {(s.start, s.end, s.label): s for s in doc.spans}
        final = [proposed[(s.start, s.end, s.label)].accepted() if (s.start, s.end, s.label) in proposed
                 else Span(s.start, s.end, s.label, Source.HUMAN) for s in truth.spans]
        doc.set_spans(final)
        window.workspace.mark_reviewed(doc)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ner-studio-shot-"))
    os.environ["NER_STUDIO_DATA_DIR"] = str(folder / "data")
    os.environ["NER_STUDIO_CONFIG_DIR"] = str(folder / "config")

    from PySide6.QtTest import QTest

    from ner_studio.core.datasets.fetch import corpus_files
    from ner_studio.core.text.document import Document
    from ner_studio.core.datasets.tweet_corpus import mapped, read_tweets
    from ner_studio.gui.shell import qt_dialogs
    from ner_studio.gui import app
    from take_screenshot import few_colours

    qt_dialogs.ask_adopt = lambda parent, name, reason: True  # what most analysts would answer
    gold = [mapped(tweet) for tweet in read_tweets(corpus_files("wnut16")["all"])[: 2 * ROUND]]
    qt_app = app.application()
    window = app.create_main_window([])
    window.resize(1400, 860)
    learning = window.learning
    # One fine-tune between the two rounds, as the README's captions say: the loop would start
    # its own rounds every 50 reviewed tweets.
    window.actions_["learn_continuously"].trigger()

    def idle() -> bool:
        return not window.workspace.is_predicting() and not window.workspace.is_importing()

    wait(qt_app, idle)
    for first in (0, ROUND):
        docs = [Document(t.text, t.tokens, list(t.sentences), name=t.name) for t in gold[first:first + ROUND]]
        window.workspace.add_documents(docs)
        wait(qt_app, idle)
        review_like_the_gold(window, docs, gold[first:first + ROUND])
        if first == 0:
            assert learning.start_training()
            wait(qt_app, lambda: not learning.is_training())
            wait(qt_app, idle)
    learning.show_models()
    wait(qt_app, lambda: learning.versions._scoring is None)
    window.activateWindow()
    QTest.qWait(500)
    args.folder.mkdir(parents=True, exist_ok=True)
    for name, dock in (("screenshot-models.png", "models"), ("screenshot-effort.png", "training")):
        learning.docks[dock].show()
        learning.docks[dock].raise_()
        QTest.qWait(400)
        frame = window.frameGeometry()
        shot = qt_app.primaryScreen().grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
        few_colours(shot.toImage()).save(str(args.folder / name), "PNG", 0)
        print(f"{args.folder / name}: {shot.width()}x{shot.height()}")
    for batch in learning.training_panel.effort.batches:
        print(f"{batch.model}: {batch.sentences} sentences, {batch.corrections_per_100_tokens:.1f} corrections "
              "per 100 tokens")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
