"""The real main window, offscreen, in temporary user folders, with a tiny trained model."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from ner_studio.core.text.document import Document  # noqa: E402
from ner_studio.core.text.spans import Span  # noqa: E402

# Sentences with their entities, written for these tests; enough for a tiny BiLSTM-CRF to
# learn the sample document's most frequent names in a few seconds.
TRAINING_SENTENCES = [
    ("Karin Olsson visited Lisbon on Thursday .", [("Karin Olsson", "PER"), ("Lisbon", "LOC")]),
    ("The council met in Madrid and London .", [("Madrid", "LOC"), ("London", "LOC")]),
    ("Meridian Capital hired Daniel Okafor .", [("Meridian Capital", "ORG"), ("Daniel Okafor", "PER")]),
    ("Portugal and France welcomed the decision .", [("Portugal", "LOC"), ("France", "LOC")]),
    ("Hannah Whitcombe led the bid in Auckland .", [("Hannah Whitcombe", "PER"), ("Auckland", "LOC")]),
    ("Atlantica Energia pledged money to Lisbon .", [("Atlantica Energia", "ORG"), ("Lisbon", "LOC")]),
    ("the British team said nothing .", [("British", "MISC")]),
    ("nothing happened on Wednesday .", []),
]


def training_documents() -> list[Document]:
    docs = []
    for text, entities in TRAINING_SENTENCES:
        doc = Document.from_text(text)
        for surface, label in entities:
            start = text.index(surface)
            doc.add_span(Span(start, start + len(surface), label))
        docs.append(doc)
    return docs


@pytest.fixture(scope="session")
def tiny_model_path(tmp_path_factory):
    import torch

    from ner_studio.model.checkpoint import save_checkpoint
    from ner_studio.model.training import TrainingConfig
    from ner_studio.model.workflow import train_tagger

    torch.set_num_threads(1)
    docs = training_documents()
    config = {"word_dim": 16, "char_dim": 8, "char_filters": 8, "casing_dim": 4, "hidden": 16}
    loaded, _ = train_tagger(docs, docs, config=config,
                             training=TrainingConfig(epochs=30, batch_size=2, patience=30,
                                                           singleton_unk=0.0, learning_rate=0.03))
    path = tmp_path_factory.mktemp("model") / "tiny.pt"
    save_checkpoint(path, loaded.model, loaded.vocabs, loaded.labels, loaded.scheme, loaded.metadata)
    return path


@pytest.fixture
def user_dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("NER_STUDIO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("NER_STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    return tmp_path


@pytest.fixture
def dialogs(monkeypatch):
    """Message boxes and error dialogs recorded instead of shown (they would block the test)."""
    from PySide6.QtWidgets import QMessageBox

    from ner_studio.gui.shell.qt_error_dialog import ErrorDialog

    shown: list[str] = []

    def record_error(dialog):
        shown.append(f"{dialog.message.text()}\n{dialog.informative.text()}")
        return 0

    def record_exec(box):
        shown.append(f"{box.text()}\n{box.informativeText()}")
        return QMessageBox.StandardButton.Ok

    def record_static(answer):
        def static(parent, title, text, *args, **kwargs):
            shown.append(f"{title}: {text}")
            return answer
        return static

    monkeypatch.setattr(QMessageBox, "exec", record_exec)
    monkeypatch.setattr(ErrorDialog, "exec", record_error)
    monkeypatch.setattr(QMessageBox, "question", record_static(QMessageBox.StandardButton.Yes))
    monkeypatch.setattr(QMessageBox, "warning", record_static(QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "about", record_static(None))
    return shown


@pytest.fixture
def start_window(qtbot, user_dirs, tiny_model_path, dialogs, monkeypatch):
    """``start_window(*argv)``: the real main window as ``ner-studio ARGV`` opens it, after
    its files are read and tagged."""
    from ner_studio.gui import app

    monkeypatch.setattr(app, "bundled_model_path", lambda: tiny_model_path)
    windows = []

    def start(*argv):
        window = app.create_main_window([str(a) for a in argv])
        qtbot.addWidget(window)
        windows.append(window)
        wait_idle(qtbot, window)
        return window

    yield start
    for window in windows:
        window.close()
    refused = [window.windowTitle() for window in windows if window.isVisible()]
    assert not refused, f"windows left open (their threads would abort the run at exit): {refused}"


@pytest.fixture
def idle(qtbot):
    """``idle(window)`` waits until the window's workers are done."""
    return lambda window: wait_idle(qtbot, window)


def wait_idle(qtbot, window, timeout=20_000):
    """Until no file is being read, no document is being tagged, no write is in flight and Find's
    search has listed its matches."""
    workspace = window.workspace
    qtbot.waitUntil(lambda: not workspace.is_importing() and not workspace.is_predicting()
                    and not workspace.project.writing and not window.find.busy, timeout=timeout)


def backed_up_project(start_window):
    """``(doc_id, text, path)`` of the sample in a project closed after it was reopened once:
    reopening writes its first backup (in a worker, which closing the window waits for)."""
    window = start_window()
    doc_id, text = window.doc.doc_id, window.doc.text
    window.close()
    again = start_window()
    path = again.workspace.project.path
    again.close()
    return doc_id, text, path
