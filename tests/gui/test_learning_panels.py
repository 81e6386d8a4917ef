"""The learning panels on their own: progress text, the plot, the models table, the queue."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from ner_studio.core.text.document import Document
from ner_studio.core.store.project import ModelVersion
from ner_studio.core.text.spans import Source, Span
from ner_studio.gui.shell.qt_chart import Axis, Series, draw_chart, nice_range
from ner_studio.gui.learning.qt_models_panel import model_rows
from ner_studio.gui.review.qt_review_panel import entity_lines, sentence_html
from ner_studio.gui.learning.qt_training_panel import DEV_F1, EMPTY_TEXT, TrainingPanel, format_eta
from ner_studio.gui.review.review_queue import ReviewQueue, dry_message
from ner_studio.model.training import TrainingProgress


@dataclass(frozen=True)
class Scores:
    least_confidence: float
    mnlp: float
    entropy: float


def test_progress_shows_epoch_batch_and_eta_and_epochs_reach_the_plot(qtbot):
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    panel.started("Fine-tuning", 5)
    panel.show_progress(TrainingProgress("batch", 2, 5, 3, 4, 0.8, 65.0))
    assert panel.progress.format() == "Epoch 2/5 · batch 3/4 · ETA ≤ 1:05"
    assert (panel.progress.value(), panel.progress.maximum()) == (7, 20)
    panel.show_progress(TrainingProgress("epoch", 2, 5, 4, 4, 0.7, 60.0, 0.9, 0.55, 2))
    assert panel.plot.series[DEV_F1].points == [(2, 0.55)]
    assert "hold-out F1 55.0" in panel.status.text()
    panel.ended("Training failed: boom", error=True)
    assert not panel.cancel.isEnabled() and "boom" in panel.status.text()
    assert format_eta(3725) == "1:02:05"


def test_the_chart_draws_each_series_in_its_colour():
    image = QImage(400, 240, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    draw_chart(painter, QRectF(0, 0, 400, 240), [Series("loss", "#ff0000", [(1, 2.0), (2, 1.0), (3, 0.5)]),
                                                 Series("f1", "#00ff00", [(1, 0.2), (3, 0.9)], axis="right")],
               x_label="epoch", left=Axis("loss"), right=Axis("F1", 0, 1, percent=True))
    painter.end()
    colours = {image.pixelColor(x, y).name() for x in range(0, 400, 2) for y in range(0, 240, 2)}
    assert QColor("#ff0000").name() in colours and QColor("#00ff00").name() in colours
    assert nice_range([0.3, 1.7], None, None) == (0.0, 2.0, 0.5)
    assert nice_range([0.5], 0.4, 1.0)[:2] == (0.4, 1.0)


def test_an_empty_chart_has_round_axes_and_says_no_training_yet():
    assert nice_range([], None, None) == (0.0, 1.0, 0.2)  # not 0 to 1e-09
    assert nice_range([0.0, 0.0], None, None)[:2] == (0.0, 1.0)
    assert nice_range([2.5], 2.5, None)[:2] == (2.5, 5.0)

    def centre_pixels(empty_text: str) -> set[str]:
        image = QImage(400, 240, QImage.Format.Format_ARGB32)
        painter = QPainter(image)
        draw_chart(painter, QRectF(0, 0, 400, 240), [Series("loss", "#ff0000")], x_label="epoch",
                   left=Axis("loss"), x_range=(0, 5), empty_text=empty_text)
        painter.end()
        return {image.pixelColor(x, y).name() for x in range(120, 280) for y in range(100, 140)}

    assert len(centre_pixels(EMPTY_TEXT)) > len(centre_pixels(""))


def test_model_rows_compare_every_version_and_the_bundled_model_on_the_check_set(tmp_path):
    first, second, bundled = tmp_path / "a.pt", tmp_path / "b.pt", tmp_path / "default.pt"
    first.write_bytes(b"x")
    second.write_bytes(b"x")
    dev = {"overall": {"f1": 0.8}, "per_label": {"PER": {"f1": 0.9}, "LOC": {"f1": 0.7}}}
    kept = {"adopt": False, "reason": "not adopted: check F1 50.0 vs 60.0 for #1 on 40 check sentences"}
    versions = [ModelVersion(1, str(first), None, "2024-05-01T10:00:00", {"dev": dev, "epochs": 3}, ""),
                ModelVersion(2, str(second), 1, "2024-05-02T10:00:00", {"dev": dev, "epochs": 4, "verdict": kept}, "")]
    check = {"sentences": 40, "scores": {
        str(first): {"overall": {"f1": 0.6}, "per_label": {"PER": {"f1": 0.75}, "LOC": {"f1": 0.5}}},
        str(second): {"overall": {"f1": 0.5}, "per_label": {}},
        str(bundled): {"overall": {"f1": 0.312}, "per_label": {}}}}
    rows = model_rows(versions, bundled, first, check)
    assert [r.version_id for r in rows] == [2, 1, None]
    assert rows[1].cells[0] == "●" and rows[0].cells[0] == ""
    assert [r.cells[1] for r in rows] == ["#2 · 05-02 10:00", "#1 · 05-01 10:00", "bundled"]
    assert [r.cells[2] for r in rows] == ["50.0", "60.0", "31.2"]
    assert rows[0].cells[3] == kept["reason"] and rows[1].cells[3] == "—"
    assert "LOC 50.0 · PER 75.0" in rows[1].tooltip and "Fine-tuned from #1" in rows[0].tooltip
    assert [r.cells[2] for r in model_rows(versions, bundled, first)] == ["—", "—", "—"]


def test_the_sentence_shows_entities_with_label_and_confidence():
    doc = Document.from_text("Ann met <Bob> in Oslo. Then she left.")
    doc.add_span(Span(0, 3, "PER"))
    start = doc.text.index("Oslo")
    doc.add_span(Span(start, start + 4, "LOC", Source.MODEL, 0.42))
    text = sentence_html(doc, 0, lambda label: "#336699")
    assert "&lt;Bob&gt;" in text and "LOC 42%" in text and "PER</sup>" in text
    assert entity_lines(doc, 0) == ["Ann — PER (yours)", "Oslo — LOC (model, 42% sure)"]
    assert entity_lines(doc, 1) == ["no entities predicted"]


def test_the_queue_skips_reviewed_and_accepted_sentences_and_keeps_skips_at_the_back():
    queue = ReviewQueue("least_confidence")
    scores = {1: [Scores(0.9, -1, 0), Scores(0.5, -1, 0)], 2: [Scores(0.7, -1, 0)], 3: [Scores(1.0, -1, 0)]}
    queue.rebuild(scores, reviewed={3}, accepted={1: {1}})
    assert [i.key for i in queue.items] == [(1, 0), (2, 0)]
    queue.skip((1, 0))
    assert [i.key for i in queue.items] == [(2, 0), (1, 0)]
    queue.rebuild(scores, reviewed={3}, accepted={1: {1}})
    assert [i.key for i in queue.items] == [(2, 0), (1, 0)] and queue.items[-1].skipped
    queue.remove((2, 0))
    assert queue.head().key == (1, 0)


def test_a_queue_with_nothing_unsure_left_runs_dry_on_the_settled_sentences_least_sure_first():
    queue = ReviewQueue("least_confidence")
    scores = {1: [Scores(0.9, -1, 0), Scores(0.1, -1, 0)], 2: [Scores(0.3, -1, 0), Scores(0.2, -1, 0)]}
    settled = {1: {1}, 2: {0, 1}}
    queue.rebuild(scores, reviewed=set(), accepted={}, settled=settled)
    assert [i.key for i in queue.items] == [(1, 0)] and not queue.dry and not queue.head().settled
    queue.rebuild(scores, reviewed=set(), accepted={1: {0}}, settled=settled)
    assert queue.dry and [i.key for i in queue.items] == [(2, 0), (2, 1), (1, 1)]
    assert all(i.settled for i in queue.items)
    queue.skip((2, 0))
    assert [i.key for i in queue.items] == [(2, 1), (1, 1), (2, 0)] and queue.items[-1].settled
    queue.rebuild(scores, reviewed={1, 2}, accepted={}, settled=settled)
    assert queue.dry and queue.items == []
    assert dry_message(0, 0, 3) == "Nothing left to review: all 3 documents are reviewed. File > Export (Ctrl+E) writes them."
