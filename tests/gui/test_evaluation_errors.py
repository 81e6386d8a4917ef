"""Model > Evaluate lists the errors behind the scores; filter by label and kind, and a click
on a row shows the error in the text (issue 26, item 4)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ner_studio.core.learning.check_set import check_sentences
from ner_studio.core.text.document import Document
from ner_studio.core.learning.error_analysis import ErrorKind
from ner_studio.core.text.spans import Span


def documents() -> list[Document]:
    """Two sentences each; "day" is an EVENT the model never learned, so it is always missed."""
    docs = []
    for i in range(40):
        text = f"Mayor Ann{i} spoke . Person{i} Smith visited Lisbon on day {i} ."
        doc = Document.from_text(text, name=f"d{i}")
        lisbon, day = text.index("Lisbon"), text.index(" day ") + 1
        doc.set_spans([Span(lisbon, lisbon + 6, "LOC"), Span(day, day + 3, "EVENT")])
        docs.append(doc)
    return docs


def click_row(qtbot, table, row: int) -> None:
    rect = table.visualItemRect(table.item(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_evaluate_lists_errors_filters_them_and_a_click_shows_one(start_window, qtbot):
    window = start_window()
    docs = documents()
    window.workspace.add_documents(docs)
    for doc in docs:
        window.workspace.mark_reviewed(doc)
    # Some document has only its second sentence in the check set: its excerpt's offsets differ.
    shifted = [doc for doc in docs if check_sentences(doc) == [1]]
    assert shifted
    window.actions_["evaluate"].trigger()
    dialog = window.learning.evaluation
    assert dialog.on_check.isChecked()
    qtbot.mouseClick(dialog.run, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=60_000)
    errors = dialog.errors
    everything = errors.shown()
    held = sum(len(check_sentences(doc)) for doc in docs)
    # Every EVENT of the check set is an error (missed, or wrong label if the model tags "day").
    missed = [e for e in everything if e.error.gold and e.error.gold[2] == "EVENT"]
    assert len(missed) == sum(1 for doc in docs for k in check_sentences(doc) if k == 1)
    assert errors.table.rowCount() == len(everything) and len(everything) >= len(missed) > 0
    assert held and f"{len(everything)} error" in errors.summary.text()

    errors.label.setCurrentIndex(errors.label.findData("EVENT"))
    assert {e.error.kind for e in errors.shown()} <= {ErrorKind.MISSED, ErrorKind.WRONG_LABEL}
    assert all("EVENT" in e.error.labels for e in errors.shown())
    errors.kind.setCurrentIndex(errors.kind.findData(str(ErrorKind.MISSED)))
    shown = errors.shown()
    assert errors.table.rowCount() == len(shown) and all(e.error.kind == ErrorKind.MISSED for e in shown)
    assert errors.table.item(0, 1).text() == "day (EVENT)" and errors.table.item(0, 2).text() == "—"

    target = next(r for r, e in enumerate(shown) if e.doc_id in {d.doc_id for d in shifted})
    found = shown[target]
    click_row(qtbot, errors.table, target)
    assert window.doc.doc_id == found.doc_id
    start, end = window.view.selection()
    assert window.doc.text[start:end] == "day"
    assert (start, end) == (found.error.gold[0] + window.doc.text.index("Person"), found.error.gold[1]
                            + window.doc.text.index("Person"))  # the excerpt's sentence starts at 0
    dialog.close()


def test_an_error_in_a_conll_file_says_why_it_is_not_shown(start_window, qtbot, tmp_path):
    from ner_studio.core.formats import write_documents

    window = start_window()
    gold = tmp_path / "gold.conll"
    write_documents(documents()[:3], gold)
    window.actions_["evaluate"].trigger()
    dialog = window.learning.evaluation
    dialog.path.setText(str(gold))
    dialog.on_file.setChecked(True)
    qtbot.mouseClick(dialog.run, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=60_000)
    assert dialog.errors.table.rowCount() >= 3  # every EVENT missed
    shown_before = window.doc.doc_id if window.doc is not None else None
    click_row(qtbot, dialog.errors.table, 0)
    assert "Cannot show this error in the text" in dialog.status.text()
    assert "not a document of this project" in dialog.status.text()
    assert (window.doc.doc_id if window.doc is not None else None) == shown_before
    dialog.close()
