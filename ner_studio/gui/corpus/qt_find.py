"""Find (Ctrl+F): text in this document or across the project, or every entity with a label.

A dock on the host (``shell/qt_host.py``), not part of the window: the query (text, or a
regular expression), whole tokens or not, case or not, where (this document, all documents)
and within what (anywhere, inside entities of a label, outside every entity); the results
list every match with its context and the entity there, and a click (or F3 / Shift+F3) shows
it in the text. Matches in the current document are highlighted. A bad pattern, or one that
runs past the search's time budget (core/corpus/find.py), is said under the query, in red. Searching reads the project store (``core.corpus.find``), so it also finds what is
not open; on 1M tokens a search takes ~0.15 s (benchmarks/corpus_tools.py).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QTableWidget,
    QToolButton, QVBoxLayout, QWidget,
)

from ner_studio.core.errors import NerStudioError, SearchError
from ner_studio.core.corpus.find import ANYWHERE, OUTSIDE_ENTITIES, Hit, Where, find, find_in_document, find_label, inside_entities
from ner_studio.core.plural import plural
from ner_studio.gui.shell.qt_actions import Command
from ner_studio.gui.shell.qt_host import Host
from ner_studio.gui.shell.qt_match_context import CONTEXT_ROLE, MatchContextDelegate, context_cell
from ner_studio.gui.shell.qt_tables import FittedColumns, item_with_tip, read_only

THIS_DOCUMENT, ALL_DOCUMENTS = "document", "project"
ERROR_STYLE = "color: #b91c1c;"
SHOWN = 2000  # rows listed (and matches highlighted); the count says how many there are

COMMANDS = (
    Command("find", "&Find…", ("Ctrl+F",), "Find text in this document or the whole project, or entities by label",
            "start"),
    Command("find_next", "Find &Next", ("F3",), "Show the next match", "next"),
    Command("find_previous", "Find &Previous", ("Shift+F3",), "Show the previous match", "previous"),
)


class QueryEdit(QLineEdit):
    """The query field keeps Enter for itself: the window's Enter shortcut accepts an entity."""

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return True
        return super().event(event)


class FindPanel(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.query = QueryEdit()
        self.query.setPlaceholderText("Text to find (Enter searches)")
        self.query.setClearButtonEnabled(True)
        self.scope = QComboBox()
        self.whole = QCheckBox("Whole tokens")
        self.whole.setChecked(True)
        self.whole.setToolTip("Match only whole tokens: 'on' does not find 'Boston'")
        self.case = QCheckBox("Match case")
        self.regex = QCheckBox("Regular expression")
        self.regex.setToolTip("Read the query as a Python regular expression, e.g. \\b[A-Z][a-z]+\\b "
                              "(with Match case) for capitalised words")
        self.within = QComboBox()
        self.within.setToolTip("Only matches inside entities (of one label), or outside every entity")
        self.problem = QLabel("")
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.results = QTableWidget(0, 3)
        self.results.setHorizontalHeaderLabels(("Document", "Match", "Entity"))
        read_only(self.results)
        # Elided in the middle, whole on hover; a narrow dock hides the entity column first.
        self.columns = FittedColumns(self.results, stretch=(1,), drop=(2,))
        self.results.setItemDelegateForColumn(1, MatchContextDelegate(self.results))  # the match stays in view
        options = QHBoxLayout()
        options.addWidget(self.scope, 1)
        options.addWidget(self.whole)
        options.addWidget(self.case)
        pattern = QHBoxLayout()
        pattern.addWidget(self.regex)
        pattern.addWidget(self.within, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.problem)
        layout.addLayout(options)
        layout.addLayout(pattern)
        layout.addWidget(self.summary)
        layout.addWidget(self.results, 1)

    def set_scopes(self, labels: list[str]) -> None:
        current = self.scope.currentData()
        self.scope.blockSignals(True)  # refilling is not a new choice: no search for each item
        self.scope.clear()
        self.scope.addItem("This document", THIS_DOCUMENT)
        self.scope.addItem("All documents", ALL_DOCUMENTS)
        for label in labels:
            self.scope.addItem(f"Entities labelled {label}", f"label:{label}")
        index = self.scope.findData(current)
        self.scope.setCurrentIndex(max(index, 0))
        self.scope.blockSignals(False)
        within = self.within.currentData()
        self.within.blockSignals(True)
        self.within.clear()
        self.within.addItem("Anywhere", "anywhere")
        self.within.addItem("Outside entities (unlabelled text)", "outside")
        self.within.addItem("Inside any entity", "inside:")
        for label in labels:
            self.within.addItem(f"Inside {label} entities", f"inside:{label}")
        self.within.setCurrentIndex(max(self.within.findData(within), 0))
        self.within.blockSignals(False)

    def show_problem(self, text: str) -> None:
        """Under the query, in red ("" hides it): a bad pattern is the analyst's to fix, not a dialog."""
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    def add_action(self, action) -> None:
        """A button under the results for a command on them (Label Every Match)."""
        button = QToolButton()
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.layout().addWidget(button, 0, Qt.AlignmentFlag.AlignRight)

    def where(self) -> Where:
        """The "within" choice as core.corpus.find reads it."""
        choice = self.within.currentData() or "anywhere"
        if choice == "outside":
            return OUTSIDE_ENTITIES
        if choice.startswith("inside:"):
            return inside_entities(choice.removeprefix("inside:") or None)
        return ANYWHERE

    def show_hits(self, hits: list[Hit], names: dict[int, str]) -> None:
        shown = hits[:SHOWN]
        self.results.setRowCount(len(shown))
        for row, hit in enumerate(shown):
            before, after = hit.before, hit.after
            cells = (names.get(hit.doc_id, f"document {hit.doc_id}"), context_cell(before, hit.text, after),
                     f"{hit.label} ({hit.source})" if hit.label else "")
            context = f"{before}{hit.text}{after}"
            tips = (f"{cells[0]}\n{context}", context, f"{cells[2]}\n{context}" if cells[2] else context)
            for column, (text, tip) in enumerate(zip(cells, tips)):
                self.results.setItem(row, column, item_with_tip(text, tip))
            self.results.item(row, 1).setData(CONTEXT_ROLE, (before, hit.text, after))


class FindController(QObject):
    def __init__(self, host: Host):
        super().__init__(host)
        self.host = host
        self.panel = FindPanel()
        self.dock = host.add_dock("Find", self.panel)
        self.dock.hide()
        self.actions = host.add_commands("&Edit", COMMANDS, self, ("find", None, "find_next", "find_previous"))
        self.hits: list[Hit] = []
        self.position = -1
        self.panel.query.returnPressed.connect(self.search)
        for box in (self.panel.whole, self.panel.case, self.panel.regex):
            box.toggled.connect(lambda _checked: self.search())
        for choice in (self.panel.scope, self.panel.within):
            choice.currentIndexChanged.connect(lambda _index: self.search())
        self.panel.results.cellClicked.connect(lambda row, _column: self.show(row))
        host.workspace_changed.connect(self._bind_workspace)
        self._bind_workspace()

    def _bind_workspace(self) -> None:
        workspace = self.host.workspace
        self.panel.set_scopes([label.name for label in workspace.labels])
        workspace.labels_changed.connect(self._on_labels_changed)
        self.hits, self.position = [], -1
        self.panel.show_hits([], {})

    def _on_labels_changed(self) -> None:
        self.panel.set_scopes([label.name for label in self.host.workspace.labels])

    # --- commands ----------------------------------------------------------------------------
    def start(self) -> None:
        """Ctrl+F: the Find dock with the selected text (if any) as the query."""
        doc = self.host.doc
        if doc is not None:
            start, end = self.host.view.selection()
            if 0 < end - start <= 100 and "\n" not in doc.text[start:end]:
                self.panel.query.setText(doc.text[start:end])
        self.dock.show()
        self.dock.raise_()
        self.panel.query.setFocus()
        self.panel.query.selectAll()
        if self.panel.query.text().strip():
            self.search()

    def search(self) -> None:
        scope = self.panel.scope.currentData() or THIS_DOCUMENT
        text = self.panel.query.text()
        by_label = scope.startswith("label:")
        self.panel.within.setEnabled(not by_label)  # every entity of a label: no text, no scope
        self.panel.regex.setEnabled(not by_label)
        where = self.panel.where()
        options = {"whole_tokens": self.panel.whole.isChecked(), "case_sensitive": self.panel.case.isChecked(),
                   "regex": self.panel.regex.isChecked(), "where": where}
        self.panel.show_problem("")
        try:
            if scope == THIS_DOCUMENT:
                doc = self.host.doc
                self.hits = [] if doc is None else find_in_document(doc, text, **options)
            elif scope == ALL_DOCUMENTS:
                self.hits = find(self.host.workspace.corpus, text, **options)
            else:
                self.hits = find_label(self.host.workspace.corpus, scope.removeprefix("label:"))
        except SearchError as error:  # the analyst's pattern: said under it, nothing listed
            self.hits = []
            self.panel.show_problem(str(error)[:1].upper() + str(error)[1:])
        except NerStudioError as error:
            self.host.show_error("Find failed", error)
            return
        self.position = -1
        names = {doc_id: info.name for doc_id, info in self.host.workspace.corpus.documents.items()}
        if scope == THIS_DOCUMENT and self.host.doc is not None:
            names[self.host.doc.doc_id] = self.host.doc.name
        self.panel.show_hits(self.hits, names)
        documents = len({hit.doc_id for hit in self.hits})
        more = f" (the first {SHOWN} listed)" if len(self.hits) > SHOWN else ""
        self.panel.summary.setText(f"{plural(len(self.hits), 'match')} in {plural(documents, 'document')}{more}"
                                   if (text.strip() or by_label) and not self.panel.problem.text() else "")
        self._highlight()

    def searched_for(self) -> str:
        """What the hits are of, in words: "/\\d+/" for a pattern, the text otherwise."""
        text = self.panel.query.text().strip()
        return f"/{text}/" if self.panel.regex.isChecked() else text

    def next(self) -> None:
        self._step(1)

    def previous(self) -> None:
        self._step(-1)

    def _step(self, step: int) -> None:
        if not self.hits:
            self.start()
            return
        if self.position < 0:  # none shown yet: Next shows the first, Previous the last
            self.show(0 if step > 0 else len(self.hits) - 1)
        else:
            self.show((self.position + step) % len(self.hits))

    def show(self, row: int) -> None:
        if not 0 <= row < len(self.hits):
            return
        self.position = row
        hit = self.hits[row]
        self.host.show_range(hit.doc_id, hit.start, hit.end)
        if row < self.panel.results.rowCount():
            self.panel.results.selectRow(row)
        self._highlight()

    def _highlight(self) -> None:
        doc = self.host.doc
        ranges = [(h.start, h.end) for h in self.hits if doc is not None and h.doc_id == doc.doc_id]
        self.host.view.show_matches(ranges[:SHOWN])


def install_find(host: Host) -> FindController:
    return FindController(host)
