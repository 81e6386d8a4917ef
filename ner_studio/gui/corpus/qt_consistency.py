"""The Inconsistencies dock: surface strings the project labels differently ("Lisbon: ORG ×5,
LOC ×1") or leaves unlabelled in some places, most documents first (``core.corpus.inconsistencies``).
Each row lists its places; a click shows one in the text, Harmonise opens Label All's preview
for it with the most frequent label. Computed when asked (Refresh): ~1 s on 1M tokens."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTreeWidget, QTreeWidgetItem,
    QVBoxLayout, QWidget,
)

from ner_studio.core.errors import NerStudioError
from ner_studio.core.corpus.inconsistencies import Inconsistency, inconsistencies
from ner_studio.core.plural import plural
from ner_studio.gui.shell.qt_actions import Command
from ner_studio.gui.shell.qt_host import Host

COMMANDS = (Command("inconsistencies", "Show &Inconsistencies", ("Ctrl+Shift+I",),
                    "List names labelled differently across the project, or labelled in some places only", "show"),)
LISTED = 500  # strings listed; the summary says how many there are


class ConsistencyPanel(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(("Text", "Labels", "Documents"))
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.labelled_only = QCheckBox("Only texts with different labels")
        self.labelled_only.setToolTip("Hide texts that are labelled in some places and unlabelled in others "
                                      "(common words labelled once or twice are often that)")
        self.refresh = QPushButton("Refresh")
        self.harmonise = QPushButton("Harmonise…")
        self.harmonise.setToolTip("Label every occurrence of the selected text the same way, after a preview")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.labelled_only, 1)
        row.addWidget(self.refresh)
        row.addWidget(self.harmonise)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        layout.addLayout(row)

    def show_found(self, found: list[Inconsistency], names: dict[int, str], name_of=None) -> None:
        """``name_of``: a catalogue entry's name, for texts linked to different entries."""
        self.tree.clear()
        for number, item in enumerate(found[:LISTED]):
            top = QTreeWidgetItem((item.surface, item.summary(name_of), str(item.documents)))
            top.setData(0, 256, number)
            for place in item.places:
                where = names.get(place.doc_id, f"document {place.doc_id}")
                label = "unlabelled" if place.label is None else f"{place.label} ({place.source})"
                if place.kb_id is not None and len(item.links) > 1:
                    label += f" → {(name_of and name_of(place.kb_id)) or place.kb_id}"
                child = QTreeWidgetItem((where, label, ""))
                child.setData(0, 256, (place.doc_id, place.start, place.end))
                top.addChild(child)
            self.tree.addTopLevelItem(top)


class ConsistencyController(QObject):
    def __init__(self, host: Host, label_all):
        super().__init__(host)
        self.host = host
        self.label_all = label_all  # the Label All tool: Harmonise is its preview
        self.panel = ConsistencyPanel()
        self.dock = host.add_dock("Inconsistencies", self.panel)
        self.dock.hide()
        self.actions = host.add_commands("&Edit", COMMANDS, self, ("inconsistencies",))
        self.found: list[Inconsistency] = []
        self.panel.refresh.clicked.connect(self.refresh)
        self.panel.labelled_only.toggled.connect(lambda _checked: self.refresh())
        self.panel.harmonise.clicked.connect(self.harmonise)
        self.panel.tree.itemClicked.connect(self._on_clicked)
        host.workspace_changed.connect(lambda: self.panel.tree.clear())

    def show(self) -> None:
        self.dock.show()
        self.dock.raise_()
        self.refresh()

    def refresh(self) -> None:
        corpus = self.host.workspace.corpus
        try:
            found = inconsistencies(corpus)
        except NerStudioError as error:
            self.host.show_error("Inconsistencies could not be listed", error)
            return
        if self.panel.labelled_only.isChecked():
            found = [item for item in found if len(item.labels) > 1]
        self.found = found
        links = self.host.span_style.links  # the catalogue's names (gui/catalogue), if there is one
        self.panel.show_found(found, {doc_id: info.name for doc_id, info in corpus.documents.items()},
                              links.name_of if links is not None else None)
        shown = f" (the first {LISTED})" if len(found) > LISTED else ""
        self.panel.summary.setText(f"{plural(len(found), 'text')} labelled inconsistently{shown}, most documents first.")

    def _on_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        where = item.data(0, 256)
        if isinstance(where, tuple):
            self.host.show_range(*where)

    def selected(self) -> Inconsistency | None:
        item = self.panel.tree.currentItem()
        if item is None:
            return None
        top = item if item.parent() is None else item.parent()
        number = top.data(0, 256)
        return self.found[number] if isinstance(number, int) and number < len(self.found) else None

    def harmonise(self) -> None:
        chosen = self.selected()
        if chosen is None:
            self.host.show_status("Choose a text in the list first.")
            return
        if self.label_all.preview(chosen.surface, chosen.labels[0] if chosen.labels else None, name="Harmonise"):
            self.refresh()


def install_consistency(host: Host, label_all) -> ConsistencyController:
    return ConsistencyController(host, label_all)
