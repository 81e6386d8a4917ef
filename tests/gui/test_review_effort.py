"""What each review cost: corrections from the model's proposal and the time on screen."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ner_studio.core.text.document import Document
from ner_studio.core.learning.review_log import MAX_STRETCH_SECONDS
from ner_studio.core.text.spans import Source, Span
from ner_studio.gui.annotate.qt_edit_commands import ASK_UNSURE_SETTING
from ner_studio.gui.learning.review_effort import ReviewEffort

TEXT = "Karin Olsson met Daniel Okafor in Lisbon . Meridian Capital paid ."


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def token_span(doc, text, label, source=Source.MODEL):
    start = doc.text.index(text)
    return Span(start, start + len(text), label, source, 0.8 if source == Source.MODEL else None)


def test_a_review_counts_edits_from_the_proposal_and_the_time_on_screen():
    clock = Clock()
    effort = ReviewEffort(clock)
    doc = Document.from_text(TEXT)
    doc.doc_id = 1
    doc.set_spans([token_span(doc, "Karin Olsson", "PER"), token_span(doc, "Lisbon", "ORG"),
                   token_span(doc, "Meridian", "ORG")])
    assert effort.reviewed(doc) is None  # the model never tagged it here: nothing to measure
    effort.proposed(doc, "model-7")
    effort.shown(1)
    clock.now = 30.0
    effort.shown(2)  # the analyst looks at another document for a while
    clock.now = 5000.0
    effort.shown(1)
    clock.now = 5000.0 + 2 * MAX_STRETCH_SECONDS  # left open over lunch: capped
    lisbon, meridian = doc.spans[1], doc.spans[2]
    doc.edit((lisbon, meridian), (lisbon.relabelled("LOC"), token_span(doc, "Meridian Capital", "ORG", Source.HUMAN)))
    doc.add_span(token_span(doc, "Daniel Okafor", "PER", Source.HUMAN))
    doc.edit((doc.spans[0],), (doc.spans[0].accepted(),))
    record = effort.reviewed(doc)
    assert (record.model, record.tokens, record.sentences) == ("model-7", len(doc.tokens), 2)
    assert record.corrections == 3  # relabelled, widened, drawn; the accepted one cost nothing
    assert record.seconds == 30.0 + MAX_STRETCH_SECONDS
    first_sentence_end = doc.text.index(" Meridian")
    part = effort.reviewed(doc, 0, first_sentence_end, seconds=4.0)
    assert (part.sentences, part.corrections, part.seconds) == (1, 2, 4.0)


def test_review_and_next_logs_the_review_and_the_chart_shows_the_batch(start_window, qtbot):
    window = start_window()
    window.settings.set(ASK_UNSURE_SETTING, False)
    doc = window.doc
    model_spans = [s for s in doc.spans if not s.confirmed]
    assert model_spans
    window.workspace.apply_edit(doc, window_delete(model_spans[0]))
    qtbot.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    [record] = window.workspace.review_log()
    assert record.model == window.model.name and record.corrections == 1
    assert record.tokens == len(doc.tokens) and record.sentences == len(doc.sentences)
    chart = window.learning.training_panel.effort
    assert len(chart.batches) == 1 and chart.series["corrections / 100 tokens"].points == [
        (1, 100 * 1 / len(doc.tokens))]


def window_delete(span):
    from ner_studio.gui.annotate import editing

    return editing.delete((span,))


def test_a_document_marked_reviewed_at_a_glance_is_logged_but_not_counted(start_window, qtbot):
    window = start_window()
    window.settings.set(ASK_UNSURE_SETTING, False)
    doc = window.doc
    assert len(doc.sentences) > 1
    qtbot.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # no edit, no time
    [record] = window.workspace.review_log()
    assert record.sentences == len(doc.sentences) and not record.looked
    assert window.learning.training_panel.effort.batches == []  # no point pretends it cost nothing


def test_the_chart_has_a_point_per_batch_marked_with_the_version_that_took_over(qtbot):
    from ner_studio.core.learning.review_log import ReviewRecord, batches
    from ner_studio.gui.learning.qt_effort_chart import CORRECTIONS, EffortChart

    chart = EffortChart()
    qtbot.addWidget(chart)
    chart.resize(400, 200)
    records = [ReviewRecord("bundled", 10, 1, 1, 3.0)] * 20 + [ReviewRecord("tiny-v1", 10, 1, 0, 2.0)] * 4
    chart.show_batches(batches(records))
    assert chart.series[CORRECTIONS].points == [(1, 10.0), (2, 10.0), (3, 0.0)]
    assert chart.marks == [(1, "bundled"), (3, "tiny-v1")]
    assert "batch 3 (tiny-v1): 4 sentences" in chart.toolTip()
    image = chart.grab().toImage()
    assert not image.isNull()
