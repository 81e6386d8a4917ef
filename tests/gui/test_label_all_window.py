"""Label all occurrences from the window: preview, ticks, one transaction, undo."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from ner_studio.core.text.document import Document
from ner_studio.core.text.spans import Source, Span
from ner_studio.gui.corpus import qt_label_all


def accept_with(monkeypatch, label, untick=()):
    seen = {}

    def exec_(dialog):
        dialog.label.setCurrentText(label)
        for row in untick:  # as a person unticks one: its box current, then Space
            dialog.table.setCurrentIndex(dialog.rows.index(row, 0))
            QTest.keyClick(dialog.table, Qt.Key.Key_Space)
        seen["dialog"] = dialog
        return True

    monkeypatch.setattr(qt_label_all.LabelAllDialog, "exec", exec_)
    return seen


def test_label_all_occurrences_across_documents_and_undo(start_window, idle, monkeypatch):
    window = start_window()
    sample = window.doc
    other = Document.from_text("Flights to Lisbon resumed . Lisbon airport reopened .", name="other")
    window.workspace.add_documents([other])
    idle(window)
    other_id = other.doc_id
    window.show_document(sample.doc_id)
    first = sample.text.index("Lisbon")
    sample.set_spans([s for s in sample.spans if not (s.start <= first < s.end)]
                     + [Span(first, first + 6, "ORG", Source.HUMAN)])  # the analyst's own: kept
    second = sample.text.index("Lisbon", first + 1)
    window.view.select_range(second, second + 6)
    seen = accept_with(monkeypatch, "LOC")
    window.label_all.start()
    dialog = seen["dialog"]
    occurrences = dialog.occurrences
    assert dialog.heading.text() == f"Label all {len(occurrences)} occurrences of “Lisbon”"
    assert len(occurrences) == sample.text.count("Lisbon") + 2  # "LISBON" in a headline is another word
    mine = next(o for o in occurrences if o.doc_id == sample.doc_id and o.start == first)
    assert not mine.ticked and "confirmed ORG" in mine.note
    assert all(o.ticked for o in occurrences if o is not mine)
    labels = {(s.start, s.label, s.source) for s in sample.spans if sample.text[s.start:s.end] == "Lisbon"}
    assert (first, "ORG", Source.HUMAN) in labels
    assert all(label == "LOC" and source == Source.HUMAN for start, label, source in labels if start != first)
    on_disk = window.workspace.document(other_id)
    assert [(other.text[s.start:s.end], s.label) for s in on_disk.spans if s.source == Source.HUMAN] == [
        ("Lisbon", "LOC"), ("Lisbon", "LOC")]
    assert window.label_all.actions["undo_label_all"].isEnabled()
    window.label_all.undo()
    assert not any(s.source == Source.HUMAN and s.label == "LOC" for s in sample.spans)
    assert not window.label_all.actions["undo_label_all"].isEnabled()


def test_label_all_needs_a_selection(start_window):
    window = start_window()
    doc = window.doc
    caret = next(i for i, c in enumerate(doc.text) if c == " " and doc.span_at(i) is None)
    window.view.select_range(caret, caret)
    assert window.view.current_span() is None
    window.label_all.start()
    assert "Select some text" in window.statusBar().currentMessage()


def test_a_dictionary_suggests_pattern_entities_and_keeps_the_analysts_own(start_window, idle, tmp_path):
    window = start_window()
    doc = Document.from_text("Meridia Bank opened in Tagus Valley . Meridia Bank again .", name="bank")
    window.workspace.add_documents([doc])
    idle(window)
    first = doc.text.index("Meridia Bank")
    doc.set_spans([Span(first, first + 12, "PER", Source.HUMAN)])  # the analyst's call stands
    gazetteer = tmp_path / "names.tsv"
    gazetteer.write_text("Meridia Bank\tORG\nTagus Valley\tLOC\n", encoding="utf-8")
    assert window.label_all.apply_patterns(path=str(gazetteer))
    spans = {(doc.text[s.start:s.end], s.start, s.label, s.source) for s in window.workspace.document(doc.doc_id).spans}
    second = doc.text.index("Meridia Bank", first + 1)
    assert ("Meridia Bank", first, "PER", Source.HUMAN) in spans
    assert ("Meridia Bank", second, "ORG", Source.PATTERN) in spans
    assert ("Tagus Valley", doc.text.index("Tagus"), "LOC", Source.PATTERN) in spans
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"label": "ORG", "pattern": [{"lower": "x"}]}\n{"label": 3}\n', encoding="utf-8")
    assert not window.label_all.apply_patterns(path=str(bad))


def test_the_preview_shows_open_documents_as_the_window_holds_them_and_others_as_stored(
        start_window, idle, monkeypatch):
    """Open documents' entities come from memory, the rest from the project: both current."""
    window = start_window()
    sample = window.doc
    stored = Document.from_text("Lisbon again . Lisbon .", name="never opened")
    stored.set_spans([Span(0, 6, "PER", Source.MODEL, 0.5)])
    window.workspace.project.add_documents([stored])  # in the project, not open in this window
    first = sample.text.index("Lisbon")
    sample.set_spans([s for s in sample.spans if not (s.start <= first < s.end)]
                     + [Span(first, first + 6, "MISC", Source.HUMAN)])
    second = sample.text.index("Lisbon", first + 1)
    window.view.select_range(second, second + 6)
    later = stored.text.index("Lisbon", 1)
    seen = accept_with(monkeypatch, "LOC", untick=(sample.text.count("Lisbon") + 1,))  # stored's second
    window.actions_["label_all"].trigger()
    dialog = seen["dialog"]
    by_place = {(o.doc_id, o.start): o for o in dialog.occurrences}
    assert [(o.doc_id, o.start) for o in dialog.occurrences][-1] == (stored.doc_id, later)
    assert dialog.rows.data(dialog.rows.index(dialog.rows.rowCount() - 1, 0), Qt.ItemDataRole.CheckStateRole) \
        == Qt.CheckState.Unchecked
    assert dialog.rows.data(dialog.rows.index(0, 1), Qt.ItemDataRole.ToolTipRole) == dialog.occurrences[0].document
    mine = by_place[(sample.doc_id, first)]
    assert (mine.label, mine.source, mine.ticked) == ("MISC", Source.HUMAN, False)
    theirs = by_place[(stored.doc_id, 0)]
    assert (theirs.label, theirs.source, theirs.ticked) == ("PER", Source.MODEL, True)
    # Applied: the stored document changed on disk (not where it was unticked), the open one in memory.
    assert [(s.start, s.label) for s in window.workspace.project.load_document(stored.doc_id).spans] == [(0, "LOC")]
    assert sample.span_at(second).label == "LOC"


def test_label_all_in_the_shown_document_colours_what_is_on_screen_now_and_the_rest_when_shown(
        start_window, idle, qtbot, tmp_path, monkeypatch):
    """Past a few spans, a change only marks its blocks stale (issue 29): Label All's hundreds
    in the shown part cost the blocks painted, not a Python highlightBlock each."""
    paragraphs = [f"Paragraph {i} : the ferry from Oslo left on Thursday ." for i in range(120)]
    path = tmp_path / "ferries.txt"
    path.write_text("\n\n".join(paragraphs), encoding="utf-8")
    window = start_window(path)
    idle(window)
    doc, view = window.doc, window.view
    occurrences = [i for i in range(len(doc.text)) if doc.text.startswith("Oslo", i)]
    view.select_range(occurrences[0], occurrences[0] + 4)
    accept_with(monkeypatch, "ORG")
    highlighted = []
    original = view.highlighter.highlightBlock
    monkeypatch.setattr(view.highlighter, "highlightBlock", lambda text: (highlighted.append(text), original(text)))
    window.actions_["label_all"].trigger()
    assert [doc.span_at(i).label for i in occurrences] == ["ORG"] * len(occurrences)
    org = view.highlighter.style.format_for(doc.span_at(occurrences[0])).background().color().name()

    def colours(offset):
        return {f.format.background().color().name() for f in view.document().findBlock(offset).layout().formats()}

    qtbot.waitUntil(lambda: org in colours(occurrences[0]))  # on screen: painted again
    assert len(highlighted) < len(occurrences) // 2
    assert org not in colours(occurrences[-1])  # far below: stale until shown
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: org in colours(occurrences[-1]))
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the part taken back
    assert all(doc.span_at(i) is None or doc.span_at(i).label != "ORG" for i in occurrences)
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)  # undo showed the first place
    qtbot.waitUntil(lambda: org not in colours(occurrences[-1]))
