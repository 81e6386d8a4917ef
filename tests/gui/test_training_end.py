"""Faults found by hand in the Training dock (issue 13): after Cancel the bar says so, and
Cancel is disabled once training has ended, however it ended."""

from __future__ import annotations

from dataclasses import replace

from tests.gui.test_learning_training import train, trainable  # noqa: F401 - the fixture


def cancel_controls(window) -> tuple[bool, bool]:
    learning = window.learning
    return learning.training_panel.cancel.isEnabled(), learning.actions["cancel_training"].isEnabled()


def test_a_cancelled_run_says_cancelled_and_disables_cancel(trainable, qtbot):  # noqa: F811
    window, _, _ = trainable
    learning = window.learning
    learning.training_options = replace(learning.training_options, epochs=200)
    assert learning.start_training()
    assert cancel_controls(window) == (True, True)
    worker = learning.worker
    qtbot.waitUntil(lambda: learning.training_panel.progress.maximum() > 1, timeout=120_000)  # the child imports torch first
    learning.cancel_training()
    with qtbot.waitSignal(worker.finished, timeout=30_000):
        pass
    qtbot.waitUntil(lambda: not learning.is_training(), timeout=5000)
    assert learning.training_panel.progress.format() == "Cancelled"
    assert cancel_controls(window) == (False, False)


def test_a_finished_run_says_done_and_disables_cancel(trainable, qtbot, idle):  # noqa: F811
    window, _, _ = trainable
    train(qtbot, window)
    idle(window)
    assert window.learning.training_panel.progress.format() == "Done"
    assert cancel_controls(window) == (False, False)


def test_progress_that_arrives_after_the_end_does_not_overwrite_it(qtbot):
    from ner_studio.gui.learning.qt_training_panel import TrainingPanel
    from ner_studio.model.training import TrainingProgress

    panel = TrainingPanel()
    qtbot.addWidget(panel)
    panel.started("Fine-tuning", 5)
    panel.cancelling()
    panel.ended("Cancelled.", cancelled=True)
    panel.show_progress(TrainingProgress("batch", 2, 5, 3, 4, 0.8, 65.0))
    assert panel.progress.format() == "Cancelled" and not panel.cancel.isEnabled()
