"""Annotating in the real main window by keyboard and mouse: label, relabel, delete, undo,
redo, accept, review — checked in the document and in the project file."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor

from ner_studio.core.text.document import Status
from ner_studio.core.store.project import Project
from ner_studio.core.text.spans import Source, Span


def stored_spans(window) -> list[Span]:
    """The spans of the shown document as a second connection reads them from disk."""
    project = Project.open(window.workspace.project.path, read_only=True)
    try:
        return list(project.load_document(window.doc.doc_id).spans)
    finally:
        project.close()


def select_word(window, qtbot, word: str) -> tuple[int, int]:
    """Select the first occurrence of ``word`` by clicking on its middle."""
    start = window.doc.text.index(word)
    cursor = QTextCursor(window.view.document())
    cursor.setPosition(start + len(word) // 2)
    point = window.view.cursorRect(cursor).center()
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    return start, start + len(word)


def test_first_start_shows_the_sample_tagged_by_the_model(start_window):
    window = start_window()
    assert window.doc.name == "sample"
    assert window.doc.status == Status.PREDICTED
    model_spans = [s for s in window.doc.spans if s.source == Source.MODEL]
    assert model_spans and all(0.0 <= s.confidence <= 1.0 for s in model_spans)
    summary = window.workspace.summary(window.doc.doc_id)
    assert summary.entity_count == len(window.doc.spans)
    assert window.entities.table_model.rowCount() == len(window.doc.spans)
    assert "Reviewed 0 / 1" == window.status_line.review_label.text()


def test_label_relabel_delete_undo_redo_by_keys(start_window, qtbot):
    window = start_window()
    window.view.setFocus()
    start, end = select_word(window, qtbot, "Thursday")
    assert window.view.selection() == (start, end)

    qtbot.keyClick(window.view, Qt.Key.Key_1)  # PER
    assert window.doc.span_at(start) == Span(start, end, "PER")
    qtbot.keyClick(window.view, Qt.Key.Key_4)  # relabel the selected entity as MISC
    assert window.doc.span_at(start) == Span(start, end, "MISC")
    assert Span(start, end, "MISC") in stored_spans(window)

    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert window.doc.span_at(start) is None
    assert all(s.start != start for s in stored_spans(window))

    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.doc.span_at(start).label == "MISC"
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.doc.span_at(start).label == "PER"
    qtbot.keyClick(window.view, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.doc.span_at(start).label == "MISC"
    assert Span(start, end, "MISC") in stored_spans(window)


def test_mouse_drag_snaps_to_whole_tokens(start_window, qtbot):
    window = start_window()
    text = window.doc.text
    first = text.index("Karin Olsson")
    view = window.view

    def point(offset: int) -> QPoint:
        cursor = QTextCursor(view.document())
        cursor.setPosition(offset)
        return view.cursorRect(cursor).center()

    viewport = view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=point(first + 2))
    qtbot.mouseMove(viewport, point(first + 8))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=point(first + 8))
    assert view.selection() == (first, first + len("Karin Olsson"))


def test_keyboard_only_path_walks_tokens_and_accepts(start_window, qtbot):
    window = start_window()
    view = window.view
    view.setFocus()
    view.select_range(0, 0)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    first = window.doc.tokens[0]
    assert view.selection() == (first.start, first.end)
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    second = window.doc.tokens[1]
    assert view.selection() == (first.start, second.end)
    qtbot.keyClick(view, Qt.Key.Key_3)
    assert window.doc.span_at(first.start) == Span(first.start, second.end, "ORG")

    model_span = next(s for s in window.doc.spans if s.source == Source.MODEL)
    view.select_range(model_span.start - 1 if model_span.start else 0, model_span.start - 1 if model_span.start else 0)
    while view.current_span() != model_span:
        qtbot.keyClick(view, Qt.Key.Key_Tab)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert window.doc.span_at(model_span.start) == model_span.accepted()


def test_accept_all_then_review_and_next(start_window, qtbot, idle, tmp_path):
    second = tmp_path / "second.txt"
    second.write_text("Daniel Okafor trained in Weymouth on Wednesday.\n", encoding="utf-8")
    window = start_window()
    window.files.open_paths([second])
    idle(window)
    window.show_document(window.workspace.document_ids()[0])
    qtbot.keyClick(window.view, Qt.Key.Key_A)
    assert all(s.confirmed for s in window.doc.spans)
    first_id = window.doc.doc_id
    qtbot.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.workspace.summary(first_id).status == Status.REVIEWED
    assert window.doc.name == "second"
    assert window.status_line.review_label.text() == "Reviewed 1 / 2"
    window.show_document(first_id)  # undo is per document
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.workspace.summary(first_id).status == Status.PREDICTED


def test_double_click_and_popup_menu_label_a_token(start_window, qtbot):
    window = start_window()
    start = window.doc.text.index("Wednesday")
    cursor = QTextCursor(window.view.document())
    cursor.setPosition(start + 3)
    point = window.view.cursorRect(cursor).center()
    qtbot.mouseDClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert window.view.selection() == (start, start + len("Wednesday"))

    menu = window.view.context_menu(point)
    [org] = [a for a in menu.actions() if a.text() == "ORG"]
    org.trigger()
    assert window.doc.span_at(start) == Span(start, start + len("Wednesday"), "ORG")
    assert {"Accept Entity", "Delete Entity"} <= {a.text().replace("&", "") for a in menu.actions()}


def test_dropping_a_file_opens_it(start_window, idle, tmp_path):
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    dropped = tmp_path / "dropped.txt"
    dropped.write_text("Karin Olsson met officials in Madrid.", encoding="utf-8")
    window = start_window()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(dropped))])
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    idle(window)
    assert window.doc.name == "dropped" and window.doc.status == Status.PREDICTED


def test_marking_reviewed_with_unsure_entities_left_shows_them_first_or_asks(start_window, qtbot, monkeypatch):
    from ner_studio.gui.shell import qt_dialogs
    from ner_studio.gui.annotate.qt_edit_commands import ASK_UNSURE_SETTING

    window = start_window()
    window.span_style.low_confidence = 1.01  # every model entity counts as unsure
    unsure = [s for s in window.doc.spans if not s.confirmed]
    assert unsure
    asked = []

    def answer(choice, quiet):
        def ask(parent, count):
            asked.append(count)
            return choice, quiet
        monkeypatch.setattr(qt_dialogs, "ask_unsure_entities", ask)

    answer("show", False)
    window.edit.review_and_next()
    assert asked == [len(unsure)] and window.doc.status != Status.REVIEWED
    assert window.view.selection() == (unsure[0].start, unsure[0].end)
    answer("cancel", False)
    window.edit.review_and_next()
    assert window.doc.status != Status.REVIEWED
    doc = window.doc
    answer("accept", True)
    window.edit.review_and_next()
    assert doc.status == Status.REVIEWED and window.settings.get(ASK_UNSURE_SETTING) is False
    accepted = [s for s in doc.spans if s.source == Source.ACCEPTED]
    assert [(s.start, s.confidence) for s in accepted] == [(s.start, s.confidence) for s in unsure]
