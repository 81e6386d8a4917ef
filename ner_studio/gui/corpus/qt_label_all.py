"""Label all occurrences (Ctrl+Shift+L): from an entity or a selection, every whole-token
occurrence of the same text across the project, previewed with its context, current label and
source, each with a checkbox (``core.corpus.label_all`` unticks occurrences in reviewed documents,
with a confirmed entity, or overlapping other entities, and says why), then applied to all
documents in one transaction. Label Every Match does the same for what Find lists (a regular
expression's matches, say, "every capitalised word outside an entity"). Applying patterns is the
same kind of step. Ctrl+Z in an open
document takes back its part; Edit > Undo Label All takes back all of the last step
(``qt_project_steps``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QLabel, QTableView,
    QVBoxLayout, QWidget,
)

from ner_studio.core.errors import NerStudioError, SpanError
from ner_studio.core.corpus.label_all import Occurrence, label_all_edits, preview_hits, preview_label_all
from ner_studio.core.corpus.pattern_matcher import Matcher, project_pattern_edits
from ner_studio.core.corpus.patterns import read_patterns
from ner_studio.core.store.step_files import recovered_message
from ner_studio.gui.annotate.editing import shown_place
from ner_studio.gui.corpus.project_steps import ProjectStep
from ner_studio.gui.corpus.qt_project_steps import apply_step, take_back
from ner_studio.core.plural import plural
from ner_studio.gui.shell.qt_actions import Command
from ner_studio.gui.shell.qt_host import Host
from ner_studio.gui.shell.qt_table_model import ColumnsTableModel
from ner_studio.gui.shell.qt_match_context import CONTEXT_ROLE, MatchContextDelegate, context_cell
from ner_studio.gui.shell.qt_tables import FittedColumns, read_only

UNDO_TEXT = "Undo La&bel All"  # with nothing to take back; else the step's own name
COMMANDS = (
    Command("label_all", "Label All O&ccurrences…", ("Ctrl+Shift+L",),
            "Give every occurrence of the selected text in the project the same label, after a preview",
            "start"),
    Command("apply_patterns", "Appl&y Patterns or Dictionary…", (),
            "Suggest entities from a dictionary (text<TAB>LABEL or CSV) or Prodigy-style JSONL patterns; they "
            "never override your own or accepted entities", "apply_patterns"),
    Command("undo_label_all", UNDO_TEXT, (), "Take the last Label All or patterns back in every document",
            "undo"),
)
# With Find (gui/corpus/qt_find.py): its matches, whatever the query, labelled after the same preview.
FIND_COMMANDS = (
    Command("label_found", "Label Every Matc&h…", (),
            "Give every match Find lists (a regular expression's too) a label, after a preview", "label_found"),
)
PATTERN_FILTER = "Patterns and dictionaries (*.jsonl *.tsv *.txt *.csv);;All files (*)"
COLUMNS = ("", "Document", "Occurrence", "Now", "Note")


class OccurrenceRows(ColumnsTableModel):
    """The preview's rows, each drawn when the table shows it: filling 990 rows of five table
    items up front was most of the time Label All froze the window before its dialog
    (benchmarks/results/2026-12-07-stalls-label-all-training-switching.md)."""

    columns = COLUMNS

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.occurrences: list[Occurrence] = []
        self.ticks: list[bool] = []

    def show(self, occurrences: list[Occurrence]) -> None:
        self.beginResetModel()
        self.occurrences = occurrences
        self.ticks = [occurrence.ticked for occurrence in occurrences]
        self.endResetModel()

    def row_count(self) -> int:
        return len(self.occurrences)

    def text(self, row: int, column: int) -> str:
        occurrence = self.occurrences[row]
        if column == 1:
            return occurrence.document
        if column == 2:
            hit = occurrence.hit
            return context_cell(hit.before, hit.text, hit.after)
        if column == 3:
            return f"{occurrence.label} ({occurrence.source})" if occurrence.label else "—"
        return occurrence.note if column == 4 else ""

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        row, column = index.row(), index.column()
        if column == 0:
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if self.ticks[row] else Qt.CheckState.Unchecked
            return None
        if role == CONTEXT_ROLE and column == 2:
            hit = self.occurrences[row].hit
            return (hit.before, hit.text, hit.after)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):  # the tip: the whole text
            return self.text(row, column)
        return None

    def flags(self, index):
        if index.column() == 0:
            return Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802 - Qt override
        if index.column() != 0 or role != Qt.ItemDataRole.CheckStateRole:
            return False
        self.ticks[index.row()] = Qt.CheckState(value) == Qt.CheckState.Checked
        self.dataChanged.emit(index, index, [role])
        return True


class LabelAllDialog(QDialog):
    def __init__(self, parent: QWidget | None, surface: str, labels: list[str], label: str,
                 preview, linked_to: str | None = None):
        """``preview(label)`` lists the occurrences for a label (recomputed when it changes);
        ``linked_to``: the catalogue entry Link All Occurrences links them to, named in the
        heading (a preview that said only "Label all" left the analyst guessing what Apply links)."""
        super().__init__(parent)
        self.linked_to = linked_to
        self.setWindowTitle("Link all occurrences" if linked_to else "Label all occurrences")
        self._preview = preview
        self.surface = surface
        self.label = QComboBox()
        self.label.addItems(labels)
        self.label.setCurrentText(label)
        self.heading = QLabel()
        self.rows = OccurrenceRows(self)
        self.table = QTableView()
        self.table.setModel(self.rows)
        read_only(self.table, pick_rows=False)
        self.columns = FittedColumns(self.table, stretch=(2,))  # elided in the middle, whole on hover
        self.table.setItemDelegateForColumn(2, MatchContextDelegate(self.table))  # but the match stays in view
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Apply")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.heading, 1)
        row.addWidget(QLabel("as"))
        row.addWidget(self.label)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.label.currentTextChanged.connect(self.refresh)
        self.resize(820, 480)
        self.refresh()

    @property
    def occurrences(self) -> list[Occurrence]:
        return self.rows.occurrences

    def refresh(self) -> None:
        occurrences = self._preview(self.label.currentText())
        found = f"{plural(len(occurrences), 'occurrence')} of “{self.surface}”"
        self.heading.setText(f"Link all {found} to the catalogue entry “{self.linked_to}”, labelled" if self.linked_to
                             else f"Label all {found}")
        self.rows.show(occurrences)

    def chosen(self) -> list[Occurrence]:
        return [o for o, ticked in zip(self.rows.occurrences, self.rows.ticks) if ticked]


class LabelAllController(QObject):
    def __init__(self, host: Host, find=None):
        """``find``: the Find controller (gui/corpus/qt_find.py) whose matches Label Every Match labels."""
        super().__init__(host)
        self.host = host
        self.find = find
        commands, layout = COMMANDS, ("label_all", "apply_patterns", "undo_label_all")
        if find is not None:
            commands, layout = COMMANDS + FIND_COMMANDS, ("label_all", "label_found", "apply_patterns", "undo_label_all")
        self.actions = host.add_commands("&Edit", commands, self, layout)
        if find is not None:
            find.panel.add_action(self.actions["label_found"])
        self.last: ProjectStep | None = None  # the last project-wide step, for Undo Label All
        self.actions["undo_label_all"].setEnabled(False)
        host.workspace_changed.connect(self._recover)
        self._recover()
        # Ctrl+Z in a document may take back its part; the group outlives workspaces.
        host.workspace.undo_group.indexChanged.connect(lambda _index: self._update_undo())

    def _recover(self) -> None:
        """A project opened: the steps its opening recovered after a kill (core/store/step_files.py)
        are said, and the last can be taken back as if it had just been applied; so are those it
        left where they are (read-only, or another machine's)."""
        self.host.workspace.labels_changed.connect(self._on_labels_changed)
        project = self.host.workspace.project
        steps, said = project.take_recovered_steps(), project.take_steps_left()  # left: read-only, another machine's
        self.last = ProjectStep.recovered(steps)
        self._update_undo()
        if steps:
            undo = ""
            if self.last is not None:
                undo = f"; Edit > {self.last.menu_text} {'applies it again' if self.last.undone else 'takes it back'}"
            said.insert(0, f"{recovered_message(steps)}{undo}")
        if said:
            text = "; ".join(said)
            self.host.show_status(f"{text[0].upper()}{text[1:]}.", 15000)

    def _on_labels_changed(self) -> None:
        """A label renamed or removed: a step whose entities name it cannot be taken back (the
        workspace says so, as it ends the documents' undo history for the same reason)."""
        names = {label.name for label in self.host.workspace.labels}
        if self.last is not None and any(span.label not in names for part in self.last.standing()
                                         for span in (*part.delta.added, *part.delta.removed)):
            self._forget()

    def _forget(self) -> None:
        self.last = None
        self._update_undo()

    def _update_undo(self) -> None:
        """The action names the step it takes back (a recovered undo: "Redo Label All ...")."""
        action, offered = self.actions["undo_label_all"], self.last is not None and bool(self.last.standing())
        action.setEnabled(offered)
        action.setText(with_letter(self.last.menu_text, "b") if offered else UNDO_TEXT)

    def start(self) -> None:
        doc, view = self.host.doc, self.host.view
        if doc is None:
            return
        span = view.current_span()
        start, end = (span.start, span.end) if span is not None else view.selection()
        if start >= end:
            self.host.show_status("Select some text or an entity first, then Label All Occurrences.")
            return
        self.preview(doc.text[start:end], span.label if span is not None else None)

    def preview(self, surface: str, label: str | None, *, name: str = "Label All", kb_id: str | None = None,
                entry_name: str | None = None) -> bool:
        """The preview of labelling every occurrence of ``surface`` (as ``label``, or the
        first label); True if the analyst applied it. ``name`` names the step in Edit > Undo;
        ``kb_id`` links every occurrence to that catalogue entry too (gui/catalogue), which
        the preview names as ``entry_name``."""
        labels = [label.name for label in self.host.workspace.labels]
        corpus = self.host.workspace.corpus
        dialog = LabelAllDialog(self.host, surface, labels, label if label in labels else labels[0],
                                lambda chosen: preview_label_all(corpus, surface, chosen, kb_id=kb_id),
                                linked_to=(entry_name or kb_id) if kb_id is not None else None)
        if not dialog.exec():
            return False
        chosen = dialog.label.currentText()
        shown = surface if len(surface) <= 30 else surface[:30] + "…"
        done = "Labelled and linked" if kb_id is not None else "Labelled"
        return self.apply(label_all_edits(dialog.chosen(), chosen, kb_id), f"{name} '{shown}' as {chosen}", done)

    def label_found(self) -> None:
        """Label Every Match: Find's matches as they are now (searched again, in Find's worker
        thread: the documents may have changed since), previewed as Label All previews."""
        self.find.search(then=self.label_hits)

    def label_hits(self, hits) -> bool:
        """The preview of labelling ``hits`` (Find's, of the query it shows); True if applied."""
        if not hits:
            self.host.show_status("Find something first (Ctrl+F): Label Every Match labels what Find lists.", 6000)
            return False
        searched = self.find.searched_for() or "the matches"
        labels = [label.name for label in self.host.workspace.labels]
        corpus = self.host.workspace.corpus
        dialog = LabelAllDialog(self.host, searched, labels, labels[0], lambda chosen: preview_hits(corpus, hits, chosen))
        if not dialog.exec():
            return False
        chosen = dialog.label.currentText()
        shown = searched if len(searched) <= 30 else searched[:30] + "…"
        return self.apply(label_all_edits(dialog.chosen(), chosen), f"Label every match of {shown} as {chosen}")

    def apply_patterns(self, *, path: str | None = None) -> bool:
        """Pattern suggestions (source ``pattern``) in every document not reviewed yet.
        ``path`` is keyword-only: the menu item passes ``checked`` to its handler."""
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self.host, "Patterns or dictionary", "", PATTERN_FILTER)
            if not path:
                return False
        try:
            matcher = Matcher(read_patterns(path))
            edits = project_pattern_edits(self.host.workspace.corpus, matcher)
        except NerStudioError as error:
            self.host.show_error("The patterns cannot be used", error)
            return False
        if not edits:
            self.host.show_status("The patterns match nothing new in the documents not reviewed yet.")
            return False
        return self.apply(edits, f"Apply {Path(path).name}")

    def apply(self, edits: list, text: str = "Label All", done: str = "Labelled") -> bool:
        """Apply a project-wide step named ``text``; an undo step in every open document.
        ``done`` starts the status line that says what it did."""
        if not edits:
            return False
        try:
            self.last = apply_step(self.host.workspace, text, edits)
        except NerStudioError as error:
            if isinstance(error, SpanError):
                error = SpanError(f"{error}. The documents changed since the preview; nothing was applied: "
                                  "run Label All again")
            self.host.show_error("Label All could not be applied", error)
            return False
        self._update_undo()
        self.host.show_status(f"{done} {plural(sum(len(e.added) for e in edits), 'entity')} in {plural(len(edits), 'document')}; "
                              "Ctrl+Z takes back a document's part, Edit > Undo Label All all of it.", 8000)
        return True

    def undo(self) -> None:
        """Take back every part of the last step still standing, open documents or not."""
        if self.last is None or not self.last.standing():
            return
        try:
            parts = take_back(self.host.workspace, self.last)
        except NerStudioError as error:
            if isinstance(error, SpanError):
                error = SpanError(f"{error}. Entities it labelled were changed since; nothing was taken back: "
                                  "undo those changes first (Ctrl+Z in their document)")
            self.host.show_error(f"{self.last.text} could not be {'applied again' if self.last.undone else 'taken back'}",
                                 error)
            return
        text, done = self.last.text, "applied again" if self.last.undone else "taken back"
        self._forget()
        self.host.show_status(f"{text}: {done} in {plural(len(parts), 'document')}.")
        shown = self.host.doc  # the shown document's part: show where it was
        part = next((p for p in parts if shown is not None and p.doc_id == shown.doc_id), None)
        place = part and shown_place(part.delta.removed, part.delta.added)
        if place:
            self.host.show_range(shown.doc_id, *place)


def with_letter(text: str, letter: str) -> str:
    """``text`` as a menu item's, its Alt letter ``letter`` (the item's own, unique in its menu)."""
    text = text.replace("&", "&&")
    at = text.lower().find(letter)
    return f"{text[:at]}&{text[at:]}" if at >= 0 else f"{text} (&{letter.upper()})"


def install_label_all(host: Host, find=None) -> LabelAllController:
    return LabelAllController(host, find)
