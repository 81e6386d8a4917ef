"""Model > Train shows its dialog at once and counts the training set in a worker thread
(gui/learning/qt_train_dialog.py): "Counting…" and Train disabled until the counts arrive; the
check split never runs on the UI thread; too little to learn from closes the dialog and says
what is missing, as before."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QDialog

from ner_studio.core.learning.check_set import CheckSplit
from ner_studio.gui.learning import qt_train_dialog
from ner_studio.gui.learning.qt_train_dialog import COUNTING
from tests.gui.test_learning_training import trainable  # noqa: F401 - the fixture


def test_the_train_dialog_shows_at_once_and_counts_in_a_worker(trainable, qtbot, monkeypatch):  # noqa: F811
    window, docs, _ = trainable
    threads, seen = [], {}
    real_split = CheckSplit.split

    def split(self, docs):
        threads.append(threading.current_thread() is threading.main_thread())
        return real_split(self, docs)

    def look(dialog):
        seen["first"] = (dialog.what.text(), dialog.train_button.isEnabled(), dialog.examples.isVisibleTo(dialog))
        qtbot.waitUntil(lambda: not dialog.counting)
        seen["counted"] = (dialog.what.text(), dialog.train_button.isEnabled(), dialog.examples.text())
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(CheckSplit, "split", split)
    monkeypatch.setattr(qt_train_dialog.TrainDialog, "exec", look)
    window.actions_["train"].trigger()
    assert seen["first"] == (COUNTING, False, False)
    summary, enabled, rows = seen["counted"]
    sentences = sum(len(doc.sentences) for doc in docs)
    assert summary.startswith("Fine-tune ") and "reviewed sentences from 6 documents" in summary and enabled
    train, check = (int(summary.split(" on ")[1].split()[0]), int(summary.split("; ")[1].split()[0]))
    assert train + check == sentences and check > 0
    assert "<td>PER</td>" in rows
    assert threads == [False]  # the cut ran in the worker only
    assert not window.learning.is_training()


def test_too_little_to_learn_from_closes_the_dialog_and_says_what_is_missing(trainable, qtbot, monkeypatch, dialogs):  # noqa: F811
    window, _, _ = trainable
    window.learning.min_sentences = 1000
    closed = []

    def wait_for_answer(dialog):  # the counts arrive while the dialog waits for the analyst
        dialog.done(QDialog.DialogCode.Accepted)  # (what a result looks like before the counts)
        qtbot.waitUntil(lambda: any("needs at least 1000 reviewed sentences to learn from" in text for text in dialogs))
        closed.append((dialog.result(), dialog.train_button.isEnabled()))
        return dialog.result()

    monkeypatch.setattr(qt_train_dialog.TrainDialog, "exec", wait_for_answer)
    window.actions_["train"].trigger()
    assert closed == [(QDialog.DialogCode.Rejected, False)]  # closed by the count, Train never enabled
    assert not window.learning.is_training()
