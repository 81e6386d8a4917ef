"""Annotation commands on the host: label, relabel, accept, delete, resize, review, and moving
between documents.

Each turns the text view's selection into a :mod:`ner_studio.gui.annotate.editing` edit and hands it
to the workspace, which applies it through the document's undo stack (and so to the project).
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

from ner_studio.core.text.document import Status
from ner_studio.core.errors import NerStudioError
from ner_studio.core.plural import plural
from ner_studio.gui.annotate import editing
from ner_studio.gui.shell import qt_dialogs
from ner_studio.gui.annotate.qt_history import HistoryDialog
from ner_studio.gui.annotate.qt_label_editor import LabelEditor
from ner_studio.gui.annotate.qt_label_palette import guideline_tooltip
from ner_studio.gui.shell.qt_actions import Command, keys_act_only_in
from ner_studio.gui.shell.qt_host import Host

# False once the analyst ticked "Don't ask again" on the unsure-entities question.
ASK_UNSURE_SETTING = "ask_before_accepting_unsure"

EDIT_COMMANDS = (
    Command("accept", "&Accept Entity", ("Return", "Enter"), "Confirm the selected model entity as it is (and its suggested catalogue link)", "accept_selected"),
    Command("delete", "&Delete Entity", ("Delete", "Backspace"), "Delete the selected entity (or all entities in the selection)", "delete_selected"),
    Command("grow_end", "&Grow Entity at the End", ("Alt+Shift+Right",), "Add the next token to the selected entity (or drag its right edge)", "grow_end"),
    Command("shrink_end", "Shrin&k Entity at the End", ("Alt+Shift+Left",), "Take the last token off the selected entity", "shrink_end"),
    Command("grow_start", "Grow Entity at the &Start", ("Alt+Left",), "Add the previous token to the selected entity (or drag its left edge)", "grow_start"),
    Command("shrink_start", "Shrink Entity at the S&tart", ("Alt+Right",), "Take the first token off the selected entity", "shrink_start"),
    Command("accept_all", "Accept All &Model Entities", ("A",), "Confirm every model entity of this document", "accept_all"),
    Command("review_next", "Mark Re&viewed and Next", ("Ctrl+Return", "Ctrl+Enter"), "Mark this document reviewed and open the next one not reviewed yet", "review_and_next"),
    Command("edit_labels", "&Edit Labels…", ("Ctrl+L",), "Add, rename, recolour or remove labels; renaming relabels every entity", "edit_labels"),
)
EDIT_MENU = ("accept", "delete", "accept_all", None, "grow_end", "shrink_end", "grow_start", "shrink_start", None,
             "review_next", None, "edit_labels")
EDIT_TOOLBAR = ("accept_all", "review_next")
# Commands whose keys edit the entity under the caret: they act only in the text view (a key
# typed in the document filter or a table must not edit the document shown); the menu runs
# them from anywhere.
TEXT_KEYS = ("accept", "delete", "accept_all", "grow_end", "shrink_end", "grow_start", "shrink_start")
DOCUMENT_COMMANDS = (
    Command("predict", "&Tag with Model", ("Ctrl+T",), "Tag this document with the current model again (your entities are kept)", "predict_current"),
    Command("history", "&History…", (), "Who added and changed this document's entities, and when", "show_history"),
    Command("next_doc", "&Next Document", ("Ctrl+PgDown",), "Open the next document in the list", "next_document"),
    Command("previous_doc", "&Previous Document", ("Ctrl+PgUp",), "Open the previous document in the list", "previous_document"),
)
DOCUMENT_MENU = ("predict", "history", None, "next_doc", "previous_doc")
DOCUMENT_TOOLBAR = ("predict",)


class EditController(QObject):
    """The Edit and Document menus' commands, the label keys (Edit > Label As) and the text
    view's pop-up menu, on a :class:`Host`."""

    def __init__(self, host: Host):
        super().__init__(host)
        self.host = host
        self.actions = host.add_commands("&Edit", EDIT_COMMANDS, self, EDIT_MENU, EDIT_TOOLBAR)
        keys_act_only_in([self.actions[name] for name in TEXT_KEYS], host.view)
        self.label_menu = host.add_submenu("&Edit", "&Label As")
        self.label_menu.setToolTipsVisible(True)
        self.label_actions: list[QAction] = []
        self.actions.update(host.add_commands("&Document", DOCUMENT_COMMANDS, self, DOCUMENT_MENU, DOCUMENT_TOOLBAR))
        host.workspace_changed.connect(self._bind_workspace)
        self._bind_workspace()

    def _bind_workspace(self) -> None:
        self.host.workspace.labels_changed.connect(self.rebuild_label_actions)
        self.rebuild_label_actions()

    # --- labels --------------------------------------------------------------------------
    def rebuild_label_actions(self) -> None:
        """One action per label (shortcut = its key), in the Label As menu and the pop-up; its
        key works in the text view only, the menu item anywhere."""
        for action in self.label_actions:
            self.host.view.removeAction(action)  # now: its key would clash with the new one's
            action.deleteLater()
        self.label_menu.clear()
        self.label_actions = []
        for label in self.host.workspace.labels:
            action = QAction(label.name, self)
            action.setObjectName(f"label_{label.name}")
            if label.key:
                action.setShortcut(QKeySequence(label.key))
            what = f"Label the selection, or relabel the selected entity, as {label.name}"
            action.setToolTip(guideline_tooltip(label, what))  # the label's guideline on hover
            action.setStatusTip(what)
            action.triggered.connect(lambda _checked=False, name=label.name: self.label_selection(name))
            self.label_menu.addAction(action)
            self.label_actions.append(action)
        keys_act_only_in(self.label_actions, self.host.view)
        context = [*self.label_actions, None, self.actions["accept"], self.actions["delete"]]
        self.host.view.set_context_actions(context)

    def label_selection(self, name: str) -> None:
        """Label the selected tokens as ``name``; a selected entity is relabelled instead."""
        if self.host.doc is None:
            return
        span = self.host.view.current_span()
        if span is not None:
            edit = editing.relabel(span, name)
        else:
            edit = editing.label_range(self.host.doc, *self.host.view.selection(), name)
        if edit is None:
            return
        if self.host.workspace.apply_edit(self.host.doc, edit):
            added = self.host.doc.span_at(edit.added[0].start)
            if added is not None:
                self.host.view.select_range(added.start, added.end, reveal=False)

    def edit_labels(self) -> None:
        counts = self.host.workspace.project.label_counts()
        dialog = LabelEditor(self.host, self.host.workspace.labels, counts)
        if dialog.exec():
            self.host.workspace.save_labels(dialog.labels, delete_spans_of_removed=dialog.delete_spans)

    # --- entities ------------------------------------------------------------------------
    def _selected_spans(self):
        if self.host.doc is None:
            return []
        span = self.host.view.current_span()
        if span is not None:
            return [span]
        start, end = self.host.view.selection()
        return self.host.doc.spans_between(start, end) if start < end else []

    def accept_selected(self) -> None:
        """Enter: the selected model entity, and its suggested catalogue link (gui/catalogue)."""
        span = self.host.view.current_span()
        if span is not None:
            links = self.host.span_style.links
            suggested = links.suggestion(self.host.doc.text, span) if links is not None else None
            self.host.workspace.apply_edit(self.host.doc, editing.accept(span, suggested))
            self.host.view.select_range(span.start, span.end, reveal=False)

    def delete_selected(self) -> None:
        spans = self._selected_spans()
        if spans:
            start = spans[0].start
            self.host.workspace.apply_edit(self.host.doc, editing.delete(spans))
            self.host.view.select_range(start, start, reveal=False)

    # --- an entity's extent: by token from the keyboard, by its edges with the mouse ---------
    def resize_entity(self, span, start: int, end: int) -> None:
        """The view's edge drag: ``span`` over the tokens of ``[start, end)``. A drag that
        changes nothing (a click on the edge) or runs into another entity just snaps back."""
        edit = editing.resize(self.host.doc, span, start, end) if self.host.doc is not None else None
        if edit is not None:
            self._apply_resize(edit)

    def _step_edge(self, edge: str, step: int) -> None:
        span = self.host.view.current_span()
        if span is None or self.host.view.selection()[0] == self.host.view.selection()[1]:
            self.host.show_status("Select an entity first (click it, or Tab to it)", 4000)
            return
        self._apply_resize(editing.step_edge(self.host.doc, span, edge, step))

    def _apply_resize(self, edit) -> None:
        if edit is None:
            self.host.show_status("The entity cannot grow or shrink that way (one token is "
                                         "the least; another entity may be in the way)", 4000)
            return
        if self.host.workspace.apply_edit(self.host.doc, edit):
            new = edit.added[0]
            self.host.view.select_range(new.start, new.end, reveal=False)

    def grow_end(self) -> None:
        self._step_edge("end", 1)

    def shrink_end(self) -> None:
        self._step_edge("end", -1)

    def grow_start(self) -> None:
        self._step_edge("start", -1)

    def shrink_start(self) -> None:
        self._step_edge("start", 1)

    def accept_all(self) -> None:
        """A: every model entity of the document, with the catalogue links suggested for the
        entities (``editing.accept_all`` says why); the status bar says how many links."""
        if self.host.doc is None:
            return
        edit = editing.accept_all(self.host.doc, self._suggest())
        if self.host.workspace.apply_edit(self.host.doc, edit):
            self._say_links(edit, "Accepted")

    def _suggest(self):
        links = self.host.span_style.links
        return links.suggestion if links is not None else None

    def _say_links(self, edit, done: str) -> None:
        links = editing.links_taken(edit)
        entities = sum(1 for old in edit.removed if not old.confirmed)
        if links:
            self.host.show_status(f"{done} {plural(entities, 'entity')} and {plural(links, 'suggested link')}.", 5000)

    # --- documents -----------------------------------------------------------------------
    def review_and_next(self) -> None:
        """Mark the document reviewed and move on: what the analyst left standing is confirmed,
        so the remaining model entities are accepted in the same (undoable) step."""
        if self.host.doc is None or not self._unsure_entities_settled():
            return
        doc_id = self.host.doc.doc_id
        self.host.workspace.mark_reviewed(self.host.doc, suggest=self._suggest())
        if self.host.doc is None or self.host.doc.doc_id != doc_id:
            return  # Review Next, driving, went on to its queue's next sentence
        following = self.host.workspace.next_document(doc_id)
        if following is None:
            try:
                yours = bool(self.host.workspace.project.assigned_documents())
            except NerStudioError:
                yours = False
            self.host.show_status(f"Every document{' assigned to you' if yours else ''} is reviewed.", 5000)
        else:
            self.host.show_document(following)

    def _unsure_entities_settled(self) -> bool:
        """Marking reviewed turns every model entity into truth for training and evaluation:
        with unsure ones left, first offer to show them (or go on, if the analyst says so)."""
        unsure = [s for s in self.host.doc.spans if self.host.span_style.is_low_confidence(s)]
        if not unsure or not self.host.settings.get(ASK_UNSURE_SETTING, True):
            return True
        choice, quiet = qt_dialogs.ask_unsure_entities(self.host, len(unsure))
        if quiet:
            self.host.settings.set(ASK_UNSURE_SETTING, False)
        if choice == "show":
            self.host.view.select_range(unsure[0].start, unsure[0].end)
            self.host.show_status(f"{plural(len(unsure), 'unsure entity')}: Enter accepts, a label key relabels, "
                                         "Del deletes, Tab goes to the next.", 8000)
        return choice == "accept"

    def _step_document(self, step: int) -> None:
        """In list order, wrapping; in a team's project, through the documents assigned to you."""
        current = self.host.doc.doc_id if self.host.doc is not None else None
        following = self.host.workspace.next_document(current, unreviewed=False, step=step)
        if following is not None:
            self.host.show_document(following)

    def next_document(self) -> None:
        self._step_document(1)

    def previous_document(self) -> None:
        self._step_document(-1)

    def predict_current(self) -> None:
        if self.host.doc is None:
            return
        if not self.host.workspace.model.available:
            self.host.show_status("No model is available to tag text.", 5000)
            return
        if self.host.doc.status == Status.REVIEWED:  # its entities change only by the analyst's edits
            self.host.show_status("This document is reviewed: the model does not tag it again "
                                  "(Ctrl+Z takes the review back first).", 8000)
            return
        self.host.workspace.predict([self.host.doc])

    def show_history(self) -> None:
        """Everyone's edits of the shown document, by annotator and time (gui/annotate/qt_history.py)."""
        doc = self.host.doc
        if doc is None:
            self.host.show_status("Open a document to see its history.", 5000)
            return
        try:
            entries = self.host.workspace.project.document_history(doc.doc_id, doc.text)
        except NerStudioError as error:
            self.host.show_error("The history cannot be read", error)
            return
        dialog = HistoryDialog(self.host, doc.name or "this document", entries,
                               lambda start, end: self.host.show_range(doc.doc_id, start, end))
        dialog.exec()
