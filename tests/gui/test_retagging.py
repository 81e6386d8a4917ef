"""Re-tagging a shown document through the window (Tag with Model, Ctrl+T): the worker merges the
new model spans into the document's (issue 29), and the UI thread swaps them in only if nothing
changed meanwhile; a person's edit that lands while the result is on its way wins. Everything
that is not the model's stays, and what is shown is what is stored."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt

from ner_studio.core.store.project import Project
from ner_studio.core.text.document import Status
from ner_studio.core.text.spans import Source, Span
from ner_studio.gui.shell import qt_dialogs, tagging_jobs


def stored_spans(window) -> list[Span]:
    """The shown document's spans as a second connection reads them from the project file."""
    with Project.open(window.workspace.project.path, read_only=True) as project:
        return list(project.load_document(window.doc.doc_id).spans)


def label_key(window, name: str) -> Qt.Key:
    [label] = [label for label in window.workspace.labels if label.name == name]
    return Qt.Key(ord(label.key))


def word_span(doc, word: str) -> tuple[int, int]:
    start = doc.text.index(word)
    return start, start + len(word)


def test_re_tagging_swaps_only_the_model_spans_and_stores_what_it_shows(start_window, qtbot, idle, monkeypatch):
    window = start_window()
    doc = window.doc
    window.view.setFocus()
    model = [s for s in doc.spans if s.source == Source.MODEL]
    accepted = model[0]
    window.view.jump_to(accepted)
    qtbot.keyClick(window.view, Qt.Key.Key_Return)  # accept one
    window.view.select_range(*word_span(doc, "Thursday"))
    qtbot.keyClick(window.view, label_key(window, "MISC"))  # draw one
    pattern = Span(*word_span(doc, "council"), "ORG", Source.PATTERN)  # a dictionary's suggestion
    doc.add_span(pattern)
    # An older model's guesses, which the current model does not make: re-tagging drops them.
    stale = Span(*word_span(doc, "the"), "LOC", Source.MODEL, 0.3)
    assert doc.span_at(stale.start) is None
    doc.add_span(stale)
    kept = [s for s in doc.spans if s.source != Source.MODEL]
    assert {s.source for s in kept} == {Source.ACCEPTED, Source.HUMAN, Source.PATTERN}

    project = window.workspace.project
    writes = []
    write = project._write
    monkeypatch.setattr(project, "_write", lambda doing, *args, **kwargs: (writes.append(doing),
                                                                          write(doing, *args, **kwargs))[1])
    qtbot.keyClick(window.view, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert window.workspace.is_predicting()
    idle(window)

    assert writes == []  # the tagging worker saved the new spans, on its own connection
    assert [s for s in doc.spans if s.source != Source.MODEL] == kept  # never touched
    assert doc.span_at(stale.start) is None  # the stale guess went
    fresh = [s for s in doc.spans if s.source == Source.MODEL]
    assert fresh and all(not s.overlaps(k) for s in fresh for k in kept)
    assert stored_spans(window) == list(doc.spans)
    summary = window.workspace.summary(doc.doc_id)
    assert (summary.entity_count, summary.model_count) == (len(doc.spans), len(fresh) + 1)  # + the pattern
    assert window.entities.table_model.rowCount() == len(doc.spans)


def test_an_edit_made_while_the_new_spans_are_on_their_way_wins(start_window, qtbot, idle, monkeypatch):
    window = start_window()
    doc = window.doc
    window.view.setFocus()
    target = next(s for s in doc.spans if s.source == Source.MODEL)
    relabel = next(name for name in ("ORG", "PER") if name != target.label)
    results, ready = [], threading.Event()
    save = tagging_jobs.saved

    def saved_in_the_worker(tagged, writer):
        result = save(tagged, writer)
        results.append(result)
        ready.set()
        return result

    monkeypatch.setattr(tagging_jobs, "saved", saved_in_the_worker)
    qtbot.keyClick(window.view, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    # The UI thread waits without handling events: the worker merges, saves and sends its
    # result, which lands in the queue behind the analyst's key press.
    assert ready.wait(30)
    window.view.select_range(target.start, target.end)
    qtbot.keyClick(window.view, label_key(window, relabel))
    mine = Span(target.start, target.end, relabel)
    assert doc.span_at(target.start) == mine
    assert window.workspace.is_predicting()  # the result has not been applied yet
    [result] = results
    merge = result.merge
    assert result.saved and target in merge.spans and mine not in merge.spans  # worked out and saved before the edit
    idle(window)

    assert doc.span_at(target.start) == mine  # the edit won: merged again around it
    assert all(not s.overlaps(mine) for s in doc.spans if s != mine)
    others = [s for s in doc.spans if s != mine]
    assert others == [s for s in merge.spans if not s.overlaps(mine)]  # the rest is the new tagging
    assert stored_spans(window) == list(doc.spans)


def test_a_suggestion_deleted_while_the_new_spans_are_on_their_way_is_stored_as_shown(start_window, qtbot, idle,
                                                                                        monkeypatch):
    window = start_window()
    doc = window.doc
    window.view.setFocus()
    ready = threading.Event()
    save = tagging_jobs.saved
    monkeypatch.setattr(tagging_jobs, "saved", lambda tagged, writer: (save(tagged, writer), ready.set())[0])
    qtbot.keyClick(window.view, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert ready.wait(30)  # the new spans are saved, the window has not shown them yet
    target = next(s for s in doc.spans if s.source == Source.MODEL)
    window.view.jump_to(target)
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)  # deleted from the file too, where the new one lies
    idle(window)
    assert any(s.start == target.start and s.source == Source.MODEL for s in doc.spans)  # the model suggests it again
    assert stored_spans(window) == list(doc.spans)  # and the file says so: the window saved over the worker's rows


def test_a_document_reviewed_while_the_worker_saves_its_tagging_keeps_only_what_the_analyst_confirmed(
        start_window, qtbot, idle, monkeypatch):
    window = start_window()
    doc = window.doc
    window.view.setFocus()
    window.view.jump_to(next(s for s in doc.spans if s.source == Source.MODEL))
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)  # one suggestion deleted: the model finds it again
    saves, ready = [], threading.Event()
    save = tagging_jobs.saved

    def saved_in_the_worker(tagged, writer):
        result = save(tagged, writer)
        saves.append(result.saved)
        ready.set()
        return result

    monkeypatch.setattr(tagging_jobs, "saved", saved_in_the_worker)
    monkeypatch.setattr(qt_dialogs, "ask_unsure_entities", lambda parent, count: ("accept", False))
    qtbot.keyClick(window.view, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert ready.wait(30) and saves == [True]  # stored, but not yet shown...
    qtbot.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # ...when it is reviewed
    idle(window)
    assert doc.status == Status.REVIEWED and all(s.confirmed for s in doc.spans)
    assert stored_spans(window) == list(doc.spans)  # the worker's suggestions are gone from the file too


def block_colours(view, offset: int) -> set[str]:
    """The background colours the highlighter gave the block holding character ``offset``."""
    block = view.document().findBlock(offset)
    return {f.format.background().color().name() for f in block.layout().formats()}


def test_colours_are_painted_as_the_text_scrolls_into_view_and_follow_a_re_tagging(start_window, qtbot, idle,
                                                                                     tmp_path, monkeypatch):
    paragraphs = [f"Paragraph {i} : Karin Olsson visited Lisbon on Thursday ." for i in range(600)]
    path = tmp_path / "long.txt"
    path.write_text("\n\n".join(paragraphs), encoding="utf-8")
    window = start_window(path)
    doc, view = window.doc, window.view
    assert doc.name == "long" and len(doc.spans) > 600
    last = doc.spans[-1]
    qtbot.waitUntil(lambda: len(block_colours(view, doc.spans[0].start)) > 0)  # on screen: coloured
    assert block_colours(view, last.start) == set()  # far below: not yet, nothing spent on it
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(block_colours(view, last.start)) > 0)
    seen = block_colours(view, last.start)

    # A re-tag swaps every model span: what is on screen is coloured again from the new ones,
    # the rest when it is shown.
    highlighted = []
    original = view.highlighter.highlightBlock
    monkeypatch.setattr(view.highlighter, "highlightBlock", lambda text: (highlighted.append(text), original(text)))
    qtbot.keyClick(view, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    idle(window)
    qtbot.waitUntil(lambda: len(highlighted) > 0)
    assert block_colours(view, doc.spans[-1].start) == seen
    assert len(highlighted) < 100 < len(paragraphs)
    qtbot.keyClick(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(block_colours(view, doc.spans[0].start)) > 0)


def long_text_window(start_window, tmp_path):
    """A document of 2 x HEAD_SENTENCES + 50 sentences: tagged first screens first."""
    sentences = [f"Karin Olsson visited Lisbon on day {i} ." for i in range(2 * tagging_jobs.HEAD_SENTENCES + 50)]
    path = tmp_path / "long.txt"
    path.write_text(" ".join(sentences), encoding="utf-8")
    return start_window(path)


def test_a_long_documents_first_screens_are_shown_at_once_and_saved_with_its_final_spans(start_window, qtbot, idle,
                                                                                         tmp_path, monkeypatch):
    window = long_text_window(start_window, tmp_path)
    doc, project = window.doc, window.workspace.project
    results = []
    take = tagging_jobs.take_tagged
    monkeypatch.setattr("ner_studio.gui.window.qt_workspace.take_tagged",
                        lambda project, tagged, *args: (results.append((tagged.final, tagged.saved)),
                                                        take(project, tagged, *args))[1])
    writes = []
    write = project._write
    monkeypatch.setattr(project, "_write", lambda doing, *args, **kwargs: (writes.append(doing),
                                                                          write(doing, *args, **kwargs))[1])
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    idle(window)
    assert results == [(False, False), (True, True)]  # first screens shown; the final spans saved by the worker
    assert writes == [] and stored_spans(window) == list(doc.spans)


def test_first_screens_shown_when_the_tagging_then_fails_are_saved_as_shown(start_window, qtbot, idle, tmp_path,
                                                                             monkeypatch, dialogs):
    window = long_text_window(start_window, tmp_path)
    doc = window.doc

    def failing(tagged, writer):
        raise RuntimeError("the tagger broke after the first screens")

    monkeypatch.setattr(tagging_jobs, "saved", failing)
    # An older model's guesses: one in the first screens, one far down (kept until the rest is tagged).
    doc.replace_model_spans([Span(*word_span(doc, "day 3 "), "MISC", Source.MODEL, 0.3),
                             Span(*word_span(doc, "day 420"), "MISC", Source.MODEL, 0.3)])
    before = list(doc.spans)
    assert stored_spans(window) == before
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    idle(window)
    assert any("could not tag" in shown for shown in dialogs)
    assert len(doc.spans) > len(before) and doc.span_at(before[1].start) == before[1]  # first screens only
    assert stored_spans(window) == list(doc.spans)  # shown, and saved as shown
