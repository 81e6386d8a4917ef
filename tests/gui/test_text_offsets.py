"""OffsetMap finds the characters Qt counts twice (outside the BMP) with isascii and a regex
in C, not a walk of the text in Python (issue 29: 6 ms of every switch between parts)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ner_studio.gui.annotate.text_offsets import OffsetMap

CHARS = st.sampled_from(["a", " ", "\n", "é", "\uffff", "\U00010000", "😀", "\U0010ffff", "中"])


@settings(deadline=None)  # a busy machine: the first example took 0.57 s once (0.03 ms after)
@given(st.lists(CHARS, max_size=60).map("".join))
def test_the_map_knows_every_astral_character_and_converts_both_ways(text):
    offsets = OffsetMap(text)
    qt = 0
    for offset, char in enumerate(text):
        assert offsets.to_qt(offset) == qt and offsets.from_qt(qt) == offset
        qt += 2 if ord(char) > 0xFFFF else 1
    assert offsets.to_qt(len(text)) == len(text.encode("utf-16-le")) // 2
    assert offsets.is_identity == all(ord(c) <= 0xFFFF for c in text)


@settings(deadline=None)  # a QTextDocument per example
@given(st.lists(st.sampled_from(["a", " ", "\n", "\n\n", "\r\n", "\r", "b c"]), max_size=80).map("".join))
def test_the_display_text_keeps_every_offset_and_gives_the_text_back(text):
    from PySide6.QtGui import QTextDocument

    from ner_studio.gui.annotate.text_offsets import LINES_PER_BLOCK, display_text

    shown = display_text(text)
    assert len(shown) == len(text) and "\r" not in shown
    qt = QTextDocument()
    qt.setPlainText(shown)
    assert qt.toPlainText() == text.replace("\r\n", " \n").replace("\r", "\n")
    lines = [block.text().count("\u2028") + 1 for block in _blocks(qt)]
    assert max(lines) <= LINES_PER_BLOCK


def _blocks(qt):
    block = qt.begin()
    while block.isValid():
        yield block
        block = block.next()


def test_a_text_of_short_lines_is_shown_in_few_blocks_with_its_colours_and_edits_in_place(start_window, qtbot,
                                                                                           tmp_path):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    lines = [f"Karin Olsson visited Lisbon on day {k} ." if k % 3 == 0 else f"line {k} of the list" for k in range(600)]
    path = tmp_path / "lines.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    window = start_window(path)
    doc, view = window.doc, window.view
    assert view.toPlainText() == doc.text and view.document().blockCount() < len(lines) // 10
    last = doc.spans[-1]
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    block = view.document().findBlock(last.start)
    colour = window.span_style.format_for(last).background().color().name()
    qtbot.waitUntil(lambda: any(f.format.background().color().name() == colour
                                and block.position() + f.start == last.start and f.length == last.end - last.start
                                for f in block.layout().formats()))
    start = doc.text.rindex("line 598")
    view.select_range(start, start + 4)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_1)  # PER, on the word "line"
    assert doc.span_at(start).label == "PER" and doc.text[doc.span_at(start).start:doc.span_at(start).end] == "line"
    view.select_range(start - 5, start + 4)  # across a line break: copied with "\n"
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == doc.text[start - 5:start + 4] and "\n" in QApplication.clipboard().text()
