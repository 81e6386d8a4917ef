"""Every menu is usable from the keyboard: each item of a top-level menu has its Alt letter
(the ``&`` of its text), and no two items of one menu share it (Qt would then only move
between them, not run one). Read from the real window's menus, also once the texts of the
Document menu's bulk commands count a selection, so a later addition that clashes is caught.
Then Alt+D, R runs Mark 2 Documents Reviewed through the keys."""

from __future__ import annotations

from collections import defaultdict

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu

from ner_studio.core.text.document import Document, Status

ALT = Qt.KeyboardModifier.AltModifier


def mnemonic(text: str) -> str | None:
    """The Alt letter of a menu text ("Mark 2 Documents &Reviewed": "R"), as Qt reads it."""
    key = QKeySequence.mnemonic(text)  # Alt+R
    return None if key.isEmpty() else QKeySequence(key[0].key()).toString()


def problems(menu: QMenu, where: str, *, every_item: bool = True) -> list[str]:
    """Items of ``menu`` (and, each on its own, of its submenus) without an Alt letter or
    sharing one. A submenu's items are the user's labels (1–9 are their keys): no letter needed."""
    found, by_letter = [], defaultdict(list)
    for action in menu.actions():
        if action.isSeparator() or not action.isVisible():
            continue
        letter = mnemonic(action.text())
        if letter is None:
            if every_item:
                found.append(f"{where} › {action.text()!r} has no Alt letter")
        else:
            by_letter[letter].append(action.text())
        if action.menu() is not None:
            found += problems(action.menu(), f"{where} › {action.text()}", every_item=False)
    found += [f"{where}: Alt+{letter} is {' and '.join(map(repr, texts))}"
              for letter, texts in by_letter.items() if len(texts) > 1]
    return found


def menu_problems(window) -> list[str]:
    found = []
    for top in window.menuBar().actions():
        found += problems(top.menu(), top.text())
    return found


def test_no_two_items_of_a_menu_share_an_alt_letter(start_window, idle, qtbot):
    window = start_window()
    assert menu_problems(window) == []
    tops = [mnemonic(top.text()) for top in window.menuBar().actions()]
    assert len(set(tops)) == len(tops)  # the menu bar's own letters too

    window.workspace.add_documents([Document.from_text(text, name=name) for name, text in (
        ("news 1", "Karin Olsson flew to Madrid on Monday ."), ("news 2", "Meridian Capital hired Daniel Okafor ."))])
    idle(window)
    news = window.workspace.document_ids()[1:]
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    click_row(window, 1)
    click_row(window, 2, Qt.KeyboardModifier.ShiftModifier)  # the keyboard is in the list
    assert window.documents.selected_ids() == news
    assert window.actions_["mark_selected_reviewed"].text() == "Mark 2 Documents &Reviewed"
    assert menu_problems(window) == []

    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.documents)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_D, ALT)  # the Document menu opens
    document_menu = window.menus["Document"]
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is document_menu)
    QTest.keyClick(document_menu, Qt.Key.Key_R)  # Mark 2 Documents Reviewed
    qtbot.waitUntil(lambda: [window.workspace.summary(i).status for i in news] == [Status.REVIEWED] * 2)
    assert window.actions_["undo_selection_step"].text() == "&Undo Mark 2 Documents Reviewed"
    assert menu_problems(window) == []


def click_row(window, row: int, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    table = window.documents
    rect = table.visualRect(table.model().index(row, 0))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifiers, rect.center())
