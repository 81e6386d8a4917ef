"""A tester's walk: a web page with "Meri&shy;dian" (a soft hyphen) showed the name cut in two
and the model missed it. The window keeps the character in the text and tags the word whole."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from ner_studio.core.text.spans import Source

SENTENCE = "{m} Capital hired Daniel {o} in Lisbon."


def tagged(window, name):
    workspace = window.workspace
    (doc_id,) = [i for i in workspace.document_ids() if workspace.summary(i).name == name]
    doc = workspace.document(doc_id)
    return doc, [(doc.text[s.start:s.end], s.label) for s in doc.spans if s.source == Source.MODEL]


def test_a_soft_hyphen_never_splits_a_name_in_the_window(start_window, qtbot, tmp_path):
    plain, marked = tmp_path / "plain.html", tmp_path / "marked.html"
    plain.write_text(f"<p>{SENTENCE.format(m='Meridian', o='Okafor')}</p>", encoding="utf-8")
    marked.write_text(f"<p>{SENTENCE.format(m='Meri&shy;dian', o='Oka&#x200B;for')}</p>", encoding="utf-8")
    window = start_window(plain, marked)
    _, expected = tagged(window, "plain")
    doc, found = tagged(window, "marked")
    assert expected, "the tiny model tags the names it was trained on"
    assert "Meri\u00addian" in doc.text  # the text keeps what the page had
    assert [(text.replace("\u00ad", "").replace("\u200b", ""), label) for text, label in found] == expected
    # Chosen in the document list, a click on the name selects the whole word, soft hyphen and all.
    model = window.documents.model()
    window.documents.selectRow([model.index(row, 0).data() for row in range(model.rowCount())].index("marked"))
    assert window.doc is doc
    start = doc.text.index("Meri")
    cursor = QTextCursor(window.view.document())
    cursor.setPosition(start + 2)
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=window.view.cursorRect(cursor).center())
    assert doc.text[slice(*window.view.selection())].startswith("Meri\u00addian")
