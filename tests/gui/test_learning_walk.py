"""The learning faults of the tester's walk (issue 23): the Models panel's footnote counts the
check set as it is today, and the training plot says what its "dev F1" was measured on."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt

from ner_studio.core.learning import check_set
from ner_studio.core.text.document import Document
from ner_studio.core.text.spans import Span
from ner_studio.gui.annotate.qt_edit_commands import ASK_UNSURE_SETTING
from tests.gui.test_learning_training import train, trainable  # noqa: F401 - the fixture


def check_documents(count: int) -> list[Document]:
    """``count`` one-sentence documents whose sentence falls in the check set."""
    docs = []
    for i in range(1000):
        text = f"Person{i} Smith visited Lisbon on day {i} ."
        doc = Document.from_text(text, name=f"check {i}")
        if all(check_set.in_check_set(h) for h in check_set.document_hashes(doc)):
            doc.add_span(Span(0, len(f"Person{i} Smith"), "PER"))
            docs.append(doc)
        if len(docs) == count:
            return docs
    raise AssertionError("not enough check sentences")


def today_check_sentences(window) -> int:
    docs = window.learning.labelled_documents()[0]
    return sum(len(doc.sentences) for doc in check_set.split_check(docs)[1])


def counted(window) -> int | None:
    found = re.search(r"on (\d+) reviewed sentences|set has (\d+) now", window.learning.models_panel.check_note.text())
    return int(found.group(1) or found.group(2)) if found else None


def test_the_models_footnote_counts_todays_check_sentences(trainable, qtbot, idle):  # noqa: F811
    window, _, _ = trainable
    window.settings.set(ASK_UNSURE_SETTING, False)
    extra = check_documents(3)
    window.workspace.add_documents(extra)
    idle(window)
    window.actions_["models"].trigger()
    before = today_check_sentences(window)
    qtbot.waitUntil(lambda: counted(window) == before, timeout=10_000)
    # Review the three check documents the way the analyst does: Ctrl+Enter on each.
    for doc in extra:
        window.show_document(doc.doc_id)
        window.view.setFocus()
        qtbot.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    idle(window)
    assert today_check_sentences(window) == before + 3
    qtbot.waitUntil(lambda: counted(window) == before + 3, timeout=10_000)


def test_the_training_plot_says_its_f1_is_the_early_stopping_hold_out(trainable, qtbot):  # noqa: F811
    window, _, _ = trainable
    train(qtbot, window)
    panel = window.learning.training_panel
    [name] = [n for n in panel.plot.series if "F1" in n]
    assert name == "hold-out F1" and panel.plot.series[name].points
    tip = panel.plot.toolTip()
    assert "decide when to stop" in tip and "It is not the check set" in tip
