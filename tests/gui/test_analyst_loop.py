"""The simulated analyst of ``benchmarks/analyst_loop.py`` in the real window with the tiny
model: it reviews the queue's sentences through the window's keys, each sentence ends exactly
at its gold entities, its corrections are edit commands on the documents' undo stacks, the loop
counts every accepted sentence, the table has a row per batch with its columns, and
``--screenshot`` saves the window with the effort chart in front, ``--finish-round`` lets the
round under way end and rows the model in use then. (Timing
is the benchmark's business, not this test's.)"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from benchmarks.analyst_loop import COLUMNS, finish_round, review_tweets, save_screenshot, score_models, table
from ner_studio.core.text.document import Document, Status
from ner_studio.core.text.spans import Span

PEOPLE = ("Karin Olsson", "Daniel Okafor", "Hannah Whitcombe", "Ines Varga")
PLACES = ("Lisbon", "Madrid", "Auckland", "Porto")


def tweet(k: int) -> Document:
    """A tweet-like sentence whose gold differs from what the tiny model proposes in every way
    an analyst fixes: a relabel (a place as ORG), a narrower extent (the surname only), a name
    it does not know (drawn), its ORG left out (deleted)."""
    person, place = PEOPLE[k % 4], PLACES[(k // 4) % 4]
    text = f"{person} flew to {place} with Meridian Capital and Zorblax ."
    doc = Document.from_text(text, name=f"tweet {k + 1}")
    who = person.split()[1] if k % 4 == 1 else person
    gold = [(who, "PER"), (place, "ORG" if k % 2 else "LOC"), ("Zorblax", "MISC")]
    if k % 3 == 0:
        gold.append(("Meridian Capital", "ORG"))
    for surface, label in gold:
        start = text.index(surface)
        doc.add_span(Span(start, start + len(surface), label))
    return doc


@pytest.fixture
def empty_window(start_window, monkeypatch):
    from ner_studio.gui import app

    monkeypatch.setattr(app, "add_sample", lambda window: None)
    return start_window()


def test_the_analyst_reviews_through_the_keys_and_the_table_has_its_rows(empty_window, tiny_model_path):
    window = empty_window
    tweets = [tweet(k) for k in range(20)]
    rows = review_tweets(QApplication.instance(), window, tweets, count=16, batch=8, pace=0.0, loop="on",
                         log=lambda _line: None)
    assert [(r.loop, r.first, r.last) for r in rows] == [("on", 1, 8), ("on", 9, 16)]
    assert all(r.tokens > 0 and r.corrections > 0 and r.model == str(tiny_model_path) for r in rows)
    workspace = window.workspace
    reviewed = [i for i in workspace.document_ids() if workspace.summary(i).status == Status.REVIEWED]
    assert len(reviewed) == 16
    gold = {t.name: {(s.start, s.end, s.label) for s in t.spans} for t in tweets}
    undo_steps = 0
    for doc_id in reviewed:
        doc = workspace.document(doc_id)
        assert {(s.start, s.end, s.label) for s in doc.spans} == gold[doc.name] and all(s.confirmed for s in doc.spans)
        stack = workspace.undo_stack(doc_id)  # the corrections, then Space's accept and mark reviewed
        undo_steps += sum(not stack.text(k).startswith(("Accept", "Mark")) for k in range(stack.count()))
    assert sum(r.corrections for r in rows) == undo_steps
    assert window.learning.loop.state.pending == 16  # each Space counted for the loop
    score_models(rows, tweets[16:], log=lambda _line: None)
    assert all(r.f1 is not None and 0 <= r.f1 <= 100 for r in rows)
    header, _rule, *lines = table(rows).splitlines()
    assert [c.strip() for c in header.strip("|").split("|")] == list(COLUMNS)
    assert len(lines) == 2 and all(len(line.strip("|").split("|")) == len(COLUMNS) for line in lines)


def test_the_screenshot_is_the_window_with_the_effort_chart_of_the_reviews(empty_window, tmp_path):
    from PySide6.QtGui import QImage

    window = empty_window
    app = QApplication.instance()
    review_tweets(app, window, [tweet(k) for k in range(12)], count=10, batch=10, pace=0.0, loop="off",
                  log=lambda _line: None)
    app.processEvents()
    chart = window.learning.training_panel.effort
    assert chart.batches and chart.batches[0].sentences == 10  # the chart shows this run's reviews
    shot = tmp_path / "shots" / "loop.png"
    save_screenshot(app, window, shot)
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (window.width(), window.height()) == (1400, 900)
    assert chart.isVisible() and not chart.visibleRegion().isEmpty()  # the Training dock in front


def test_finish_round_lets_the_round_under_way_end_and_rows_the_model_in_use_then(empty_window):
    from ner_studio.model.interface import FinetuneOptions

    window = empty_window
    app = QApplication.instance()
    learning = window.learning
    learning.min_sentences = 2
    learning.training_options = FinetuneOptions(epochs=2, batch_size=2, patience=2, learning_rate=0.01,
                                                 singleton_unk=0.0, threads=1)
    rows = review_tweets(app, window, [tweet(k) for k in range(10)], count=8, batch=8, pace=0.0, loop="off",
                         log=lambda _line: None)
    assert finish_round(app, window, rows) is None  # the loop is off and nothing trains
    assert learning.start_training()  # as a round under way when the analyst stops
    ended = finish_round(app, window, rows, log=lambda _line: None)
    assert not learning.is_training() and ended is not None
    assert (ended.loop, ended.first, ended.last, ended.tokens) == ("off, its last round ended", 8, 8, 0)
    assert ended.model == str(window.workspace.model.path) and ended.seconds > 0
    assert table([*rows, ended]).splitlines()[-1].split("|")[5].strip() == "-"  # no tokens: no rate


def test_the_analyst_follows_review_next_through_the_dry_queue(empty_window, monkeypatch):
    from ner_studio.core.learning import active_learning

    # Every sentence without an entity counts as one the model is sure of: the queue runs dry
    # once the tweets with names are reviewed, and Review Next goes on with the calm ones.
    monkeypatch.setattr(active_learning, "UNSURE_BELOW", 0.0)
    window = empty_window
    calm = [Document.from_text(f"nothing happened on {day} .", name=f"calm {day}") for day in ("Wednesday", "Thursday")]
    tweets = [tweet(k) for k in range(4)] + calm
    said = []
    rows = review_tweets(QApplication.instance(), window, tweets, count=6, batch=6, pace=0.0, loop="off",
                         log=said.append)
    assert [(r.first, r.last) for r in rows] == [(1, 6)]
    workspace = window.workspace
    assert all(workspace.summary(i).status == Status.REVIEWED for i in workspace.document_ids())
    assert any("after 4 tweets: Nothing the model is unsure of: 2 open sentences left" in line for line in said)
    assert any("2 from the dry queue" in line for line in said)
