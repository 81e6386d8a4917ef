"""What the log tells support: versions at start, the project opened and closed, imports and
exports with their counts, training's start, end and verdict, shutdown; never a document's
text. The app runs offscreen as ``ner-studio`` starts it; the log file is read afterwards."""

from __future__ import annotations

import logging
import platform

from PySide6 import QtCore
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog

from ner_studio import __version__
from ner_studio.core.logs import LOG_FILE, setup_logging
from ner_studio.gui import app
from ner_studio.gui.learning import qt_learning
from ner_studio.gui.shell import qt_dialogs
from ner_studio.gui.window.qt_main_window import MainWindow
from ner_studio.model import checkpoint
from ner_studio.model.interface import FinetuneOptions
from ner_studio.resources import resource_path
from tests.gui.conftest import TRAINING_SENTENCES, wait_idle
from tests.gui.test_files import accept_dialog


def log_text(log_folder) -> str:
    for handler in logging.getLogger("ner_studio").handlers:
        handler.flush()
    return (log_folder / LOG_FILE).read_text(encoding="utf-8")


def sentences_of(text: str) -> list[str]:
    return [line.strip() for line in text.replace(". ", ".\n").splitlines() if len(line.strip()) > 20]


def test_a_session_from_start_to_shutdown_is_in_the_log_without_the_texts(
        qtbot, user_dirs, tiny_model_path, dialogs, log_folder, monkeypatch):
    monkeypatch.setattr(app, "bundled_model_path", lambda: tiny_model_path)
    monkeypatch.setattr(checkpoint, "_torch_logged", False)  # as in a fresh process
    qt_app = QApplication.instance()
    seen = []

    def close_when_idle():
        windows = [w for w in qt_app.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if windows and not windows[0].workspace.is_importing() and not windows[0].workspace.is_predicting() \
                and windows[0].model.loaded_labels is not None:
            seen.append(windows[0])
            timer.stop()
            windows[0].close()

    timer = QTimer()
    timer.timeout.connect(close_when_idle)
    timer.start(100)
    QTimer.singleShot(60_000, qt_app.quit)  # a safety net: never hang the suite
    assert app.run_app([]) == 0  # ner-studio with no argument: the first project, the sample
    assert seen, "the window never became idle"

    text = log_text(log_folder)
    assert (f"started: NER Studio {__version__}, Python {platform.python_version()}, {platform.platform()}, "
            f"Qt {QtCore.qVersion()}") in text
    assert "project created: " in text and "My annotations" in text
    assert f"model {tiny_model_path.name} read (torch " in text
    assert "added 1 document " in text and "sample.txt" in text
    assert "project closed: " in text
    assert text.rstrip().endswith("shut down (exit code 0)")
    sample = resource_path("samples", "sample.txt").read_text(encoding="utf-8")
    assert sentences_of(sample) and not any(s in text for s in sentences_of(sample))


def test_imports_exports_and_training_are_logged_with_counts_and_never_the_text(
        start_window, qtbot, tmp_path, log_folder, monkeypatch):
    conll = tmp_path / "team.conll"
    blocks = []
    for sentence, entities in TRAINING_SENTENCES[:6]:
        tags = {}
        for surface, label in entities:
            tags.update({w: ("B-" if k == 0 else "I-") + label for k, w in enumerate(surface.split())})
        blocks.append("-DOCSTART-\tO\n\n" + "".join(f"{w}\t{tags.get(w, 'O')}\n" for w in sentence.split()))
    conll.write_text("\n".join(blocks), encoding="utf-8")
    setup_logging()  # what run_app does first (start_window starts at the window)
    window = start_window()

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(conll)], ""))
    window.actions_["import"].trigger()
    wait_idle(qtbot, window)
    imported = [d for d in map(window.workspace.document, window.workspace.document_ids()) if d.name.startswith("team")]
    assert len(imported) == 6

    target = tmp_path / "out.jsonl"

    def choose(dialog):
        dialog.which.setCurrentIndex(dialog.which.findData("all"))
        dialog.fmt.setCurrentIndex(dialog.fmt.findData("jsonl"))
        dialog.path.setText(str(target))

    accept_dialog(monkeypatch, qt_dialogs.ExportDialog, choose)
    window.actions_["export"].trigger()
    assert target.exists()

    for doc in imported:
        window.workspace.mark_reviewed(doc)
    window.learning.min_sentences = 3
    window.learning.training_options = FinetuneOptions(epochs=2, batch_size=2, patience=2, threads=1)
    accept_dialog(monkeypatch, qt_learning.TrainDialog, lambda dialog: dialog.epochs.setValue(2))
    window.actions_["train"].trigger()
    assert window.learning.is_training()
    qtbot.waitUntil(lambda: not window.learning.is_training(), timeout=60_000)

    text = log_text(log_folder)
    assert "added 6 documents (" in text and "team.conll" in text
    assert "exported 7 documents (" in text and "out.jsonl" in text
    assert "training started (by you): fine-tuning tiny on 4 sentences from 6 documents" in text
    assert "at most 2 epochs" in text
    (ended,) = [line for line in text.splitlines() if "training ended: model " in line]
    assert " adopted" in ended or " kept aside: " in ended  # the verdict, said once
    assert not any(sentence in text for sentence, _ in TRAINING_SENTENCES)
