"""Find (Ctrl+F): text in this document or across the project, or every entity with a label.

A dock on the host (``shell/qt_host.py``), not part of the window: the query (text, or a
regular expression), whole tokens or not, case or not, where (this document, all documents)
and within what (anywhere, inside entities of a label, outside every entity); the results
list every match with its context and the entity there, and a click (or F3 / Shift+F3) shows
it in the text. Matches in the current document are highlighted. A bad pattern, or one that
runs past the search's time budget (core/corpus/find.py), is said under the query, in red. Searching reads the project store (``core.corpus.find``), so it also finds what is
not open; on 1M tokens a search takes ~0.15 s (benchmarks/corpus_tools.py).

Why a worker thread: a regular expression may run for its whole 1 s budget (~2 s on a busy
machine), and on the UI thread that froze the window as long. The matching runs in a
:class:`TaskWorker` (it reads only immutable texts, and the regex engine lets go of the GIL
while it matches) and joins them with the entities there as the search began: an open
document's spans, and the others' stored rows. The worker reads the document list, the texts
not read yet and those rows on a connection of its own, a read-only project's too, with the
journal's unsaved edits replayed on them (core/corpus/stored_entities.py; "Entities labelled
X" too): a read on the UI thread waited for a write in flight. So the hits come back by
signal ready to list; the list is a model that makes a row's cells when it is drawn
(qt_hit_rows.py), so it holds every match. The search starts as the analyst types (a pause
of :data:`TYPING_MS`) or at Enter; a newer query cancels the one under way, whose results, if
they still come, are dropped: the list always shows the last query's.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from itertools import islice

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QTableView,
    QToolButton, QVBoxLayout, QWidget,
)

from ner_studio.core.errors import NerStudioError
from ner_studio.core.corpus.corpus_text import CorpusText, DocumentText
from ner_studio.core.corpus.find import (
    ANYWHERE, NO_ENTITIES, OUTSIDE_ENTITIES, Entities, Hit, Where, entities_of, inside_entities,
)
from ner_studio.core.corpus.stored_entities import EntityRead
from ner_studio.core.plural import plural
from ner_studio.gui.corpus.find_search import Search, match_job
from ner_studio.gui.corpus.qt_hit_rows import HitRows
from ner_studio.gui.shell.qt_actions import Command
from ner_studio.gui.shell.qt_host import Host
from ner_studio.gui.shell.qt_match_context import MatchContextDelegate
from ner_studio.gui.shell.qt_tables import FittedColumns, read_only
from ner_studio.gui.shell.qt_task_worker import TaskWorker

THIS_DOCUMENT, ALL_DOCUMENTS = "document", "project"
ERROR_STYLE = "color: #b91c1c;"
# Matches highlighted in the text: those on screen and a few screens either side, at most
# SHOWN (the list holds all). Highlighting 2,000 of a 50k-token part's matches took Qt
# 0.17-0.25 s of the UI thread after each search (benchmarks/ui_stalls.py, find).
SHOWN = 400
SCREENS = 2  # screens' worth of text either side of the one shown
TYPING_MS = 300  # a pause in typing this long searches: not every key of a word is a search

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
        self.rows = HitRows(self)
        self.results = QTableView()
        self.results.setModel(self.rows)
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

    def show_hits(self, hits: list[Hit], names: dict[int, str], firsts=None) -> None:
        self.rows.show(hits, names, firsts)


class FindController(QObject):
    """The matches of the last search are ``hits``; :attr:`busy` while one is due or under way."""

    def __init__(self, host: Host):
        super().__init__(host)
        self.host = host
        self.panel = FindPanel()
        self.dock = host.add_dock("Find", self.panel)
        self.dock.hide()
        self.actions = host.add_commands("&Edit", COMMANDS, self, ("find", None, "find_next", "find_previous"))
        self.hits: list[Hit] = []
        self._spots: dict[int, list[tuple[int, int]]] = {}  # the hits' places by document, sorted
        self.position = -1
        self._searching: int | None = None  # the number of the search under way (the newest asked)
        self._asked = 0  # searches asked so far: a result of an older one is dropped
        self._workers: set[TaskWorker] = set()  # every search thread not ended yet (cancelled ones too)
        self._then: list[Callable[[list[Hit]], None]] = []  # called once the search under way is listed
        self._step_after = 0  # F3 (1) or Shift+F3 (-1) pressed while searching: done once listed
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_MS)
        self._typing.timeout.connect(self.search)
        self.panel.query.textEdited.connect(lambda _text: self._typing.start())
        self.panel.query.returnPressed.connect(self.search)
        for box in (self.panel.whole, self.panel.case, self.panel.regex):
            box.toggled.connect(lambda _checked: self.search())
        for choice in (self.panel.scope, self.panel.within):
            choice.currentIndexChanged.connect(lambda _index: self.search())
        self.panel.results.clicked.connect(lambda index: self.show(index.row()))
        self._scrolled = QTimer(self)  # highlight what scrolling brought on screen
        self._scrolled.setSingleShot(True)
        self._scrolled.setInterval(TYPING_MS // 3)
        self._scrolled.timeout.connect(self._highlight)
        host.view.verticalScrollBar().valueChanged.connect(lambda _value: self.hits and self._scrolled.start())
        host.workspace_changed.connect(self._bind_workspace)
        host.closed.connect(self.shutdown)
        self._bind_workspace()

    def _bind_workspace(self) -> None:
        workspace = self.host.workspace
        self._drop_search()  # its documents were the other workspace's
        self._then, self._step_after = [], 0
        self.panel.set_scopes([label.name for label in workspace.labels])
        workspace.labels_changed.connect(self._on_labels_changed)
        self.hits, self.position, self._spots = [], -1, {}
        self.panel.show_hits([], {})

    def _on_labels_changed(self) -> None:
        self.panel.set_scopes([label.name for label in self.host.workspace.labels])

    @property
    def busy(self) -> bool:
        """A search is due (typing paused less than TYPING_MS ago) or under way."""
        return self._typing.isActive() or self._searching is not None

    @property
    def running_searches(self) -> int:
        """Search threads not ended yet, cancelled ones too (a runaway pattern's runs out its budget)."""
        return sum(worker.is_running() for worker in self._workers)

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

    def search(self, then: Callable[[list[Hit]], None] | None = None) -> None:
        """Search for the query now (the one under way is dropped); ``then(hits)`` once listed."""
        self._typing.stop()
        self._drop_search()
        if then is not None:
            self._then.append(then)
        scope = self.panel.scope.currentData() or THIS_DOCUMENT
        text = self.panel.query.text()
        by_label = scope.startswith("label:")
        self.panel.within.setEnabled(not by_label)  # every entity of a label: no text, no scope
        self.panel.regex.setEnabled(not by_label)
        options = {"whole_tokens": self.panel.whole.isChecked(), "case_sensitive": self.panel.case.isChecked(),
                   "regex": self.panel.regex.isChecked()}
        search = Search(self._asked + 1, text, options, self.panel.where(),
                        self.host.doc if scope == THIS_DOCUMENT else None)
        try:
            if not by_label and not text.split():  # nothing to look for
                self.panel.show_problem("")
                self._list([], False)
                return
            # The project's list, texts and entities are read in the worker, on a connection of its
            # own (a read here waited for a write in flight); here only where it has none.
            if scope == THIS_DOCUMENT:
                texts = [] if search.doc is None else [DocumentText.of(search.doc)]
                search = replace(search, entities=Entities({texts[0].doc_id: search.doc.spans} if texts else {}, {}))
            else:
                corpus = self.host.workspace.corpus
                reads = self._reads(corpus)
                texts = None if reads is not None else corpus.texts()
                entities = NO_ENTITIES if reads is not None else entities_of(corpus, [t.doc_id for t in texts])
                search = replace(search, label=scope.removeprefix("label:") if by_label else None, reads=reads,
                                 entities=entities)
        except NerStudioError as error:
            self.host.show_error("Find failed", error)
            self.panel.show_problem("")
            self._list([], False)
            return
        self._asked = self._searching = search.number
        worker = TaskWorker(partial(match_job, search, texts), "find")
        # Slots of this object (not lambdas, which PySide runs in the worker's thread): queued to the UI thread.
        worker.succeeded.connect(self._arrived)
        worker.finished.connect(self._ended)
        self._workers.add(worker)
        self.panel.summary.setText("Searching…")
        worker.start()

    def _reads(self, corpus: CorpusText) -> EntityRead | None:
        """What the worker reads the document list, the texts not read yet and every entity
        with, on a connection of its own (core/corpus/stored_entities.py), read-only projects
        too; None where the project has none (closed, too old): then they are read here."""
        project = corpus.project
        connect = project.read_connector()
        if connect is None:
            return None
        ids = corpus.documents.keys() | {doc.doc_id for doc in project.tracked_documents()}
        shown = {doc_id: doc.spans for doc_id in ids if (doc := corpus.open_document(doc_id)) is not None}
        return EntityRead(connect, project.version_annotator, corpus.stored(), shown, project.unsaved_edits(),
                          project.as_read_error, corpus.known_texts())

    def _drop_search(self) -> None:
        """Cancel the search under way: its thread stops at its next document or match."""
        self._searching = None
        for worker in self._workers:
            worker.cancel()

    @Slot()
    def _ended(self) -> None:
        """A search thread ended: let go of it (one still ending is let go at the next)."""
        self._workers = {worker for worker in self._workers if worker.is_running()}

    @Slot(object)
    def _arrived(self, searched: Search) -> None:
        if searched.number != self._searching:
            return  # an older query's (a newer one is under way or listed), or cancelled
        self._searching = None
        corpus = self.host.workspace.corpus
        if searched.stored is not None:
            corpus.keep(searched.stored)
        if searched.listing is not None:
            corpus.keep_texts(searched.listing.new)
        if searched.error is not None:
            self.host.show_error("Find failed", searched.error)
        hits = [] if searched.problem or searched.hits is None else searched.hits
        self.panel.show_problem(searched.problem[:1].upper() + searched.problem[1:])
        asked = searched.label is not None or bool(searched.text.strip())
        self._list(hits, asked and not searched.problem, searched.doc,
                   None if searched.listing is None else searched.listing.documents, searched.spots or {},
                   searched.firsts)

    def _list(self, hits: list[Hit], counted: bool, doc=None, documents: dict | None = None,
              spots: dict[int, list[tuple[int, int]]] | None = None, firsts=None) -> None:
        """Show ``hits`` (``counted``: with their count), then run what waited for them;
        ``documents``: the list as the search read it (else the one read last); ``spots``,
        ``firsts``: the hits' places by document and first rows (find_search.placed)."""
        self.hits, self.position, self._spots = hits, -1, spots or {}
        documents = self.host.workspace.corpus.documents if documents is None else documents
        names = {doc_id: info.name for doc_id, info in documents.items()}
        if doc is not None:
            names[doc.doc_id] = doc.name
        self.panel.show_hits(hits, names, firsts)
        self.panel.summary.setText(f"{plural(len(hits), 'match')} in {plural(len(self._spots), 'document')}"
                                   if counted else "")
        self._highlight()
        step, self._step_after = self._step_after, 0
        if step:
            self._step(step)
        waiting, self._then = self._then, []
        for then in waiting:
            then(list(hits))

    def shutdown(self) -> None:
        """The window closes: no search thread may outlive it."""
        self._typing.stop()
        self._drop_search()
        for worker in list(self._workers):
            worker.wait()

    def searched_for(self) -> str:
        """What the hits are of, in words: "/\\d+/" for a pattern, the text otherwise."""
        text = self.panel.query.text().strip()
        return f"/{text}/" if self.panel.regex.isChecked() else text

    def next(self) -> None:
        self._step(1)

    def previous(self) -> None:
        self._step(-1)

    def _step(self, step: int) -> None:
        if self.busy:  # the matches of what was just typed are coming: step through those
            self._step_after = step
            if self._typing.isActive():
                self.search()
            return
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
        self.panel.results.selectRow(row)
        self._highlight()

    def _highlight(self) -> None:
        doc, view = self.host.doc, self.host.view
        if doc is None or not self.hits:
            view.show_matches([])
            return
        first, last = view.visible_range()
        margin = SCREENS * max(last - first, 1)
        spots = self._spots.get(doc.doc_id, [])
        ranges = []
        for start, end in islice(spots, bisect_left(spots, (first - margin,)), None):
            if start > last + margin or len(ranges) == SHOWN:
                break
            if end <= last + margin:
                ranges.append((start, end))
        view.show_matches(ranges)


def install_find(host: Host) -> FindController:
    return FindController(host)
