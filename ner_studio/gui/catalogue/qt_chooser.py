"""The link chooser: a pop-up under the selected entity with a line edit and a ranked list.

Typing re-ranks (core/catalogue/ranking.py: exact, token, fuzzy; the mention's label, then
entries linked in this document, first) :data:`DEBOUNCE_MS` after the last keystroke, so a
fast typist's keys are never held up by a ranking whose result the next key replaces (the
ranking's own cost per keystroke is bounded there); Enter, Up and Down rank what is typed
first if a ranking is due, so they never act on a stale list. Up/Down move in the list while the keyboard stays in
the line edit; Enter links the current row; the last row, "New entry", makes an entry from
what is typed (or the mention) with the mention's label. Esc or a click elsewhere closes it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from ner_studio.core.catalogue.ranking import CatalogueIndex, Match

NEW_ENTRY = "new"  # the data of the "New entry" row
_HOW = {Match.EXACT: "", Match.TOKEN: "", Match.FUZZY: " ~", Match.NONE: ""}
DEBOUNCE_MS = 30  # below the gap between two keys of a fast typist (~80-120 ms)


class LinkChooser(QFrame):
    """``chosen`` emits an entry id, or ``(NEW_ENTRY, name)`` for a new entry."""

    chosen = Signal(object)

    def __init__(self, parent: QWidget, index: CatalogueIndex, mention: str, label: str, linked: set[str]):
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("linkChooser")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.index, self.mention, self.label, self.linked = index, mention, label, linked
        self.heading = QLabel(f"Link “{mention}” ({label}) to…")
        self.query = QLineEdit(mention)
        self.query.setPlaceholderText("Type a name or alias")
        self.query.selectAll()
        self.list = QListWidget()
        self.list.setMinimumWidth(360)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.heading)
        layout.addWidget(self.query)
        layout.addWidget(self.list)
        self._due = QTimer(self)
        self._due.setSingleShot(True)
        self._due.setInterval(DEBOUNCE_MS)
        self._due.timeout.connect(lambda: self.rank(self.query.text()))
        self.query.textChanged.connect(lambda _text: self._due.start())
        self.query.installEventFilter(self)
        self.list.itemActivated.connect(self._choose)
        self.rank(mention)

    @property
    def ranking_due(self) -> bool:
        return self._due.isActive()

    def rank_now(self) -> None:
        """Rank what is typed, if a keystroke's ranking is still due."""
        if self._due.isActive():
            self._due.stop()
            self.rank(self.query.text())

    def rank(self, text: str) -> None:
        self.list.clear()
        for candidate in self.index.rank(text, label=self.label, linked=self.linked):
            entry = candidate.entry
            alias = f" — “{candidate.matched_name}”" if candidate.matched_name != entry.name else ""
            where = " · in this document" if entry.entry_id in self.linked else ""
            external = f" · {entry.external_id}" if entry.external_id else ""
            item = QListWidgetItem(f"{entry.name} ({entry.label}){alias}{_HOW[candidate.match]}{where}{external}")
            item.setData(Qt.ItemDataRole.UserRole, entry.entry_id)
            item.setToolTip(entry.description or entry.name)
            self.list.addItem(item)
        name = text.strip() or self.mention
        new = QListWidgetItem(f"+ New entry: “{name}” ({self.label})")
        new.setData(Qt.ItemDataRole.UserRole, (NEW_ENTRY, name))
        self.list.addItem(new)
        self.list.setCurrentRow(0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (watched is self.query and event.type() == QEvent.Type.ShortcutOverride
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape, Qt.Key.Key_Up, Qt.Key.Key_Down)):
            event.accept()  # the chooser's keys, not the window's (Enter would accept the entity)
            return True
        if watched is self.query and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.rank_now()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                step = 1 if key == Qt.Key.Key_Down else -1
                self.list.setCurrentRow(max(0, min(self.list.count() - 1, self.list.currentRow() + step)))
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._choose(self.list.currentItem())
                return True
            if key == Qt.Key.Key_Escape:
                self.close()
                return True
        return super().eventFilter(watched, event)

    def _choose(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        choice = item.data(Qt.ItemDataRole.UserRole)
        self.close()
        self.chosen.emit(tuple(choice) if isinstance(choice, (list, tuple)) else choice)

    def popup(self, where) -> None:
        """Show at ``where`` (global coordinates) with the keyboard in the line edit."""
        self.adjustSize()
        self.move(where)
        self.show()
        self.query.setFocus()
