"""Notes in the window, added by :func:`install_notes`: Edit > Add Note… (on the selected entity
or text, else on the document), the notes of the selection in the details pane (Resolve /
Reopen, Edit, Delete; each a step of the document's undo history), a mark
on every range with open notes in the text, and the Notes dock (View > Notes) listing the
project's open notes.

The project owns the notes (core/store/project_notes.py) and announces every change
(``Project.notes_changed``: written here, or by another instance, seen by gui/shell/qt_live.py);
this controller reads them again then: the shown document's notes always (a few rows), the
whole list only while the dock is shown.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QPoint, QTimer
from PySide6.QtWidgets import QDialog, QScrollArea

from ner_studio.core.errors import NerStudioError
from ner_studio.core.store.annotators import display_name
from ner_studio.core.text.notes import Note, notes_on
from ner_studio.gui.notes.qt_note_dialog import NoteDialog
from ner_studio.gui.notes.qt_note_section import NoteSection
from ner_studio.gui.notes.qt_note_undo import NoteChangeCommand, NoteCommand, NoteRef
from ner_studio.gui.notes.qt_notes_dock import NotesPanel
from ner_studio.gui.shell.qt_actions import Command
from ner_studio.gui.shell.qt_host import Host

log = logging.getLogger(__name__)

COMMANDS = (
    Command("add_note", "Add N&ote…", ("Ctrl+Shift+N",),
            "Write a note for the team on the selected entity or text, or on the document when nothing is selected",
            "add_note"),
)
VIEW_COMMANDS = (
    Command("show_notes", "No&tes", (), "List the project's open notes; a click shows where one is", "show_dock"),
)


def quoted(text: str, width: int = 60) -> str:
    line = " ".join(text.split())
    return f"“{line if len(line) <= width else line[: width - 1] + '…'}”"


class NotesController(QObject):
    def __init__(self, host: Host):
        super().__init__(host)
        self.host = host
        self.panel = NotesPanel()
        self.dock = host.add_dock("Notes", self.panel)
        self.dock.hide()
        self.dock.visibilityChanged.connect(lambda visible: visible and self.refresh_list())
        self.section = NoteSection()
        host.add_details_section(self.section)
        self.actions = host.add_commands("&Edit", COMMANDS, self, ("add_note",))
        self.actions.update(host.add_commands("&View", VIEW_COMMANDS, self, ("show_notes",)))
        self.shown: list[Note] = []  # the shown document's notes
        self._refs: list[NoteRef] = []  # notes in undo steps, followed through new ids
        self.panel.note_chosen.connect(self.go_to)
        self.section.resolve_requested.connect(self.toggle_resolved)
        self.section.edit_requested.connect(self.edit_note)
        self.section.delete_requested.connect(self.delete_note)
        host.view.selection_changed.connect(self._show_section)
        host.document_shown.connect(lambda _doc_id: self.refresh_document())
        host.workspace_changed.connect(self._bind_workspace)
        self._bind_workspace()

    @property
    def project(self):
        return self.host.workspace.project

    def _bind_workspace(self) -> None:
        self._refs = []  # the new workspace has undo stacks of its own
        self.project.notes_changed.connect(self._on_notes_changed)
        self.host.workspace.document_removed.connect(lambda _doc_id: self._on_notes_changed())
        self._on_notes_changed()

    def _on_notes_changed(self) -> None:
        self.refresh_document()
        if self.dock.isVisible():
            self.refresh_list()

    # --- reading ---------------------------------------------------------------------------
    def refresh_document(self) -> None:
        """The shown document's notes again: its marks in the text and the details pane."""
        doc = self.host.doc
        try:
            self.shown = self.project.notes([doc.doc_id]) if doc is not None and doc.doc_id is not None else []
        except NerStudioError as error:  # the text still shows; its notes come with the next change
            log.warning("reading the document's notes: %s", error)
            self.shown = []
        self.host.view.set_marks([(n.start, n.end) for n in self.shown if not n.resolved and not n.on_document])
        self._show_section()

    def refresh_list(self) -> None:
        """Every note of the project in the dock (resolved ones hidden unless asked for)."""
        workspace = self.host.workspace
        try:
            notes = self.project.notes()
        except NerStudioError as error:
            self.host.show_error("The notes cannot be listed", error)
            return
        names = {}
        for doc_id in {note.document_id for note in notes}:
            try:
                names[doc_id] = workspace.summary(doc_id).name
            except KeyError:  # listed by another instance since our list was read: the number shows
                pass
        self.panel.show_notes(notes, names)

    def _show_section(self) -> None:
        notes, what = self.selected_notes()
        self.section.show_notes(notes, what)

    def selected_notes(self) -> tuple[list[Note], str]:
        """The notes the details pane shows and what they are on: the selected entity's, the
        selected text's, those under the caret, or else the document's own."""
        if self.host.doc is None:
            return [], ""
        span = self.host.view.current_span()
        start, end = self.host.view.selection()
        if span is not None:
            return notes_on(self.shown, span.start, span.end), "this entity"
        if start < end:
            return notes_on(self.shown, start, end), "the selected text"
        here = notes_on(self.shown, start, start + 1)
        if here:
            return here, "this text"
        return [note for note in self.shown if note.on_document], "this document"

    # --- commands --------------------------------------------------------------------------
    def show_dock(self) -> None:
        self.dock.show()
        self.dock.raise_()
        self.refresh_list()
        self.panel.query.setFocus()

    def add_note(self) -> None:
        doc = self.host.doc
        if doc is None or doc.doc_id is None:
            self.host.show_status("Open a document to write a note on it.")
            return
        span = self.host.view.current_span()
        start, end = self.host.view.selection()
        if span is not None:
            start, end = span.start, span.end
            about = (f"A note on the entity {quoted(doc.text[start:end])} ({span.label}); it stays on this "
                     "text if the entity changes.")
        elif start < end:
            about = f"A note on the text {quoted(doc.text[start:end])}."
        else:
            start = end = None
            about = f"A note on the whole document {quoted(doc.name or f'Document {doc.doc_id}')}."
        doc_id, project = doc.doc_id, self.project
        dialog = NoteDialog(self.host, "Add Note", about, lambda text: project.add_note(doc_id, text, start, end))
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved is not None:
            self._push(doc, dialog.saved, added=True)
            self.host.show_status("Note saved; the team sees it in the Notes list (View > Notes).")
            self.reveal_section()

    def edit_note(self, note: Note) -> None:
        project = self.project
        dialog = NoteDialog(self.host, "Edit Note", f"The note {display_name(note.author)} wrote on {note.created[:10]}.",
                            lambda text: project.edit_note(note.id, text), text=note.text)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved is not None:
            self._push_change(note, dialog.saved, "Edit Note")
            self.host.show_status("Note saved (Ctrl+Z takes the edit back).")

    def toggle_resolved(self, note: Note) -> None:
        """Resolve or reopen: one step of the document's undo history."""
        try:
            changed = self.project.set_note_resolved(note.id, not note.resolved)
        except NerStudioError as error:
            self.host.show_error("The note cannot be changed", error)
            return
        self._push_change(note, changed, "Resolve Note" if changed.resolved else "Reopen Note")
        self.host.show_status("Note resolved: it leaves the open notes." if changed.resolved else "Note reopened.")

    def delete_note(self, note: Note) -> None:
        """One step of the document's undo history (Ctrl+Z writes the note again)."""
        try:
            self.project.delete_note(note.id)
        except NerStudioError as error:
            self.host.show_error("The note cannot be deleted", error)
            return
        self._push(self.host.doc, note, added=False)
        self.host.show_status("Note deleted (Ctrl+Z brings it back).")

    def _push(self, doc, note: Note, *, added: bool) -> None:
        if doc is None or doc.doc_id != note.document_id:
            return  # (the shown document changed meanwhile: the step has no history to join)
        command = NoteCommand(self.project, doc, self._ref(note), added, self._report)
        self.host.workspace.undo_stack(doc.doc_id).push(command)

    def _push_change(self, before: Note, after: Note, title: str) -> None:
        doc = self.host.doc
        if doc is None or doc.doc_id != after.document_id:
            return  # (as in _push)
        command = NoteChangeCommand(self.project, doc, self._ref(after), before, after, title, self._report)
        self.host.workspace.undo_stack(doc.doc_id).push(command)

    def _ref(self, note: Note) -> NoteRef:
        """The one ref of ``note`` every step of it shares, set to the note as it is now."""
        ref = next((ref for ref in self._refs if ref.note.id == note.id), None)
        if ref is None:
            ref = NoteRef(note)
            self._refs.append(ref)
        ref.note = note  # as it is now (edited since it was added, say)
        return ref

    def _report(self, error: BaseException) -> None:
        self.host.show_error("The note cannot be changed", error)

    def go_to(self, note: Note) -> None:
        """Show the note's document, its range selected (the keyboard stays in the list), and
        the details pane's notes."""
        if note.on_document:
            self.host.show_document(note.document_id)
        else:
            self.host.show_range(note.document_id, note.start, note.end)
        self.reveal_section()

    def reveal_section(self) -> None:
        """Scroll the details pane down to the notes: under an entity's six rows they were out
        of sight in a 768-pixel-high window, so a click on a note, or a note just saved,
        showed the entity and not the note."""
        area = self.section.parentWidget()
        while area is not None and not isinstance(area, QScrollArea):
            area = area.parentWidget()
        if area is not None:
            QTimer.singleShot(0, area, lambda: area.verticalScrollBar().setValue(  # once laid out anew
                self.section.mapTo(area.widget(), QPoint(0, 0)).y()))  # its title at the top


def install_notes(host: Host) -> NotesController:
    return NotesController(host)
