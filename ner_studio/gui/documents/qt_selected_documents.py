"""Commands on the documents selected in the list (Ctrl- and Shift-click, Shift+arrows,
Ctrl+A): mark reviewed or not reviewed, tag with the model, export, assign to annotators,
delete. They are in the Document menu and the list's context menu, and their texts say how
many ("Mark 5 Documents Reviewed").

Marking several documents reviewed is what Ctrl+Enter does to each (the model's entities
left standing are accepted), without the unsure-entities question; the review log records
each as it records Ctrl+Enter, and its rule (``review_effort.py``) counts a document nobody
looked at as not looked at, so a bulk mark is no review in the effort chart. A status change
of several documents is one step: Document > Undo Mark… takes it back in every document, and
Ctrl+Z in one of them its part (``selection_steps.py``). Delete asks once, names how many
and what is lost, and cannot be undone. Export writes one file, as Export does: JSONL by
default, one line per document, which is what doccano exports and reads back (CoNLL, Excel
and CSV as usual).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QInputDialog, QMessageBox

from ner_studio.core.errors import NerStudioError
from ner_studio.core.plural import plural
from ner_studio.core.text.document import Document, Status
from ner_studio.gui.documents.qt_document_list import DocumentList
from ner_studio.gui.documents.selection_steps import Part, SelectionStep, counted, status_not_reviewed
from ner_studio.gui.documents.qt_file_commands import EXPORT_FOLDER_SETTING
from ner_studio.gui.shell.qt_actions import Command
from ner_studio.gui.shell.qt_dialogs import ExportDialog
from ner_studio.gui.shell.qt_host import Host

COMMANDS = (
    Command("mark_selected_reviewed", "Mark Document &Reviewed", (),
            "Mark the documents selected in the list reviewed (their model entities are accepted); one undo step",
            "mark_reviewed"),
    Command("mark_selected_not_reviewed", "Mark Document N&ot Reviewed", (),
            "Mark the documents selected in the list not reviewed (their entities stay); one undo step",
            "mark_not_reviewed"),
    Command("tag_selected", "Tag Document with &Model", (),
            "Tag the documents selected in the list with the current model (your entities are kept)", "tag"),
    Command("export_selected", "&Export Document…", (),
            "Write the documents selected in the list to one JSONL (or CoNLL, Excel, CSV) file", "export"),
    Command("assign_selected", "&Assign Document…", (),
            "Give the documents selected in the list to annotators, in place of whom they were assigned to",
            "assign"),
    Command("delete_selected", "&Delete Document…", (),
            "Remove the documents selected in the list from the project (asks once; cannot be undone)", "delete"),
    Command("undo_selection_step", "&Undo Mark Documents", (),
            "Take back the last status change of several documents, in every one of them", "undo"),
)
MENU = ("mark_selected_reviewed", "mark_selected_not_reviewed", "tag_selected", "export_selected",
        "assign_selected", "delete_selected", None, "undo_selection_step")
# Menu texts with their Alt letters (unique in the Document menu: tests/gui/test_menu_mnemonics.py).
TEXTS = {"mark_selected_reviewed": "Mark {} &Reviewed", "mark_selected_not_reviewed": "Mark {} N&ot Reviewed",
         "tag_selected": "Tag {} with &Model", "export_selected": "&Export {}…", "assign_selected": "&Assign {}…",
         "delete_selected": "&Delete {}…"}


class SelectedDocuments(QObject):
    """The commands on the list's selection; ``tools`` is the list's DocumentListTools (its
    one-document Delete, and the assignments shown)."""

    def __init__(self, host: Host, documents: DocumentList, tools):
        super().__init__(host)
        self.host = host
        self.documents = documents
        self.tools = tools
        self.last: SelectionStep | None = None
        self.actions = host.add_commands("&Document", COMMANDS, self, MENU)
        documents.context_actions = [self.actions[name] for name in TEXTS]
        documents.selectionModel().selectionChanged.connect(lambda *_: self.update_texts())
        documents.model().modelReset.connect(self.update_texts)
        documents.model().rowsRemoved.connect(lambda *_: self.update_texts())
        host.document_shown.connect(lambda _doc_id: self.update_texts())
        host.workspace_changed.connect(self._forget)
        host.workspace.undo_group.indexChanged.connect(lambda _index: self._update_undo())
        self.update_texts()
        self._update_undo()

    def selected(self) -> list[int]:
        return self.documents.selected_ids()

    def update_texts(self) -> None:
        count = len(self.selected())
        for name, template in TEXTS.items():
            self.actions[name].setText(counted(max(count, 1), template))
            self.actions[name].setEnabled(count > 0)

    def _forget(self) -> None:
        self.last = None
        self._update_undo()

    # --- status ------------------------------------------------------------------------------
    def _documents(self, ids: list[int]) -> list[Document]:
        """The documents of ``ids``, loaded (a damaged one is reported by the workspace and left out)."""
        docs = []
        for doc_id in ids:
            try:
                docs.append(self.host.workspace.document(doc_id))
            except NerStudioError:
                continue
        return docs

    def mark_reviewed(self) -> None:
        workspace = self.host.workspace
        ids = [i for i in self.selected() if workspace.summary(i).status != Status.REVIEWED]
        self._change_status(ids, counted(len(ids), "Mark {} Reviewed"), workspace.mark_reviewed,
                            "reviewed", "reviewed already")

    def mark_not_reviewed(self) -> None:
        workspace = self.host.workspace
        ids = [i for i in self.selected() if workspace.summary(i).status == Status.REVIEWED]
        self._change_status(ids, counted(len(ids), "Mark {} Not Reviewed"),
                            lambda doc: workspace.set_status(doc, status_not_reviewed(doc)), "not reviewed",
                            "not reviewed")

    def _change_status(self, ids: list[int], text: str, change, now: str, already: str) -> None:
        """``change(doc)`` for each of ``ids``, one step on each document's stack; together one
        step for Document > Undo Mark…. ``now``: what they are after it, ``already``: those left out."""
        left = len(self.selected()) - len(ids)
        if not ids:
            self.host.show_status(f"The selected {'document is' if left == 1 else 'documents are'} {already}.", 5000)
            return
        step = SelectionStep(text)
        for doc in self._documents(ids):
            stack = self.host.workspace.undo_stack(doc.doc_id)
            before = stack.index()
            change(doc)
            if stack.index() != before:
                step.parts.append(Part(doc.doc_id, stack.index(), stack.text(stack.index() - 1)))
        if step.parts:
            self.last = step
        self._update_undo()
        note = f" ({left} {already})" if left else ""
        self.host.show_status(f"Marked {plural(len(step.parts), 'document')} {now}{note}; "
                              f"Document > Undo {text} takes it back.", 8000)

    def _update_undo(self) -> None:
        action = self.actions["undo_selection_step"]
        action.setEnabled(bool(self.last and self._standing()))
        action.setText(f"&Undo {self.last.text}" if self.last else "&Undo Mark Documents")

    def _standing(self) -> list[Part]:
        """The parts of the last step still the last step of their document's stack."""
        if self.last is None:
            return []
        standing, present = [], set(self.host.workspace.document_ids())
        for part in self.last.parts:
            if part.doc_id not in present:  # deleted since
                continue
            stack = self.host.workspace.undo_stack(part.doc_id)
            index = stack.index()
            if self.last.on_top(part.doc_id, index, stack.text(index - 1) if index > 0 else None):
                standing.append(part)
        return standing

    def undo(self) -> None:
        """Take back every part of the last status change still on top of its document's history."""
        if self.last is None:
            return
        step, standing = self.last, self._standing()
        for part in standing:
            self.host.workspace.undo_stack(part.doc_id).undo()
        self.last = None
        self._update_undo()
        edited = len(step.parts) - len(standing)
        since = (f"; {plural(edited, 'document')} edited since {'keeps' if edited == 1 else 'keep'} it "
                 "(Ctrl+Z there takes it back)") if edited else ""
        self.host.show_status(f"{step.text}: taken back in {plural(len(standing), 'document')}{since}.", 8000)

    # --- tagging, export, assignment -----------------------------------------------------------
    def tag(self) -> None:
        workspace = self.host.workspace
        if not workspace.model.available:
            self.host.show_status("No model is available to tag text.", 5000)
            return
        ids = self.selected()
        wanted = [i for i in ids if workspace.summary(i).status != Status.REVIEWED]
        reviewed = len(ids) - len(wanted)
        note = (f" ({plural(reviewed, 'reviewed document')} left as {'it is' if reviewed == 1 else 'they are'}: "
                "the model does not tag a reviewed document again)") if reviewed else ""
        if not wanted:
            self.host.show_status(f"Nothing to tag{note}.", 8000)
            return
        workspace.predict(self._documents(wanted))
        self.host.show_status(f"Tagging {plural(len(wanted), 'document')} with {workspace.model.name}{note}.", 8000)

    def export(self) -> None:
        ids = self.selected()
        if not ids:
            return
        workspace = self.host.workspace
        folder = Path(self.host.settings.get(EXPORT_FOLDER_SETTING) or Path.home())
        what = f"the {plural(len(ids), 'selected document')}" if len(ids) > 1 else "the selected document"
        dialog = ExportDialog(self.host, folder / f"{workspace.project.name} selection.jsonl",
                              documents=[(what, "selected")], export=True)
        if not dialog.exec():
            return
        choice = dialog.choice()
        curated = workspace.project.gold_documents()  # exported as their gold versions, as Export does
        if workspace.export(ids, choice.path, choice.fmt, choice.scheme, gold=curated, kb_column=choice.kb_column):
            self.host.show_status(f"Exported {plural(len(ids), 'document')} to {choice.path}", 5000)

    def assign(self) -> None:
        ids = self.selected()
        if not ids:
            return
        project = self.host.workspace.project
        try:
            known = sorted({name for names in project.assignments().values() for name in names})
        except NerStudioError:
            known = []
        hint = f" (assigned now: {', '.join(known)})" if known else ""
        answer, accepted = QInputDialog.getText(
            self.host, "Assign documents",
            f"Give the {plural(len(ids), 'selected document')} to (names, separated by commas){hint}; "
            "whom they were assigned to before no longer has them:")
        names = [name.strip() for name in answer.split(",") if name.strip()] if accepted else []
        if not names:
            return
        try:
            project.assign_documents(ids, names)
        except NerStudioError as error:
            self.host.show_error("The documents could not be assigned", error)
            return
        self.tools.refresh_assigned()
        self.host.show_status(f"Assigned {plural(len(ids), 'document')} to {', '.join(names)}", 5000)

    # --- deleting ------------------------------------------------------------------------------
    def delete(self) -> None:
        ids = self.selected()
        if len(ids) == 1:
            self.tools.delete(ids[0])  # names the document and its entities
            return
        if not ids:
            return
        workspace = self.host.workspace
        summaries = [workspace.summary(i) for i in ids]
        entities = sum(s.entity_count for s in summaries)
        confirmed = sum(s.entity_count - s.model_count for s in summaries)
        names = ", ".join(f"“{s.name}”" for s in summaries[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")
        lost = (f"{plural(len(ids), 'document')} ({names}; {plural(sum(s.token_count for s in summaries), 'token')}) "
                f"and their {plural(entities, 'entity')} ({confirmed} confirmed by you) will be removed from the "
                "project. This cannot be undone (the last backups keep older copies).")
        answer = QMessageBox.question(self.host, f"Delete {plural(len(ids), 'document')}", lost,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        order = workspace.document_ids()
        shown = self.host.doc.doc_id if self.host.doc is not None else None
        following = _first_after(order, shown, set(ids)) if shown in ids else None
        if shown in ids:
            self.host.show_document(None)
        deleted = 0
        for doc_id in ids:
            if not workspace.delete_document(doc_id):  # the workspace has said why
                break
            deleted += 1
        if following is not None:
            self.host.show_document(following)
        left = f"; {len(ids) - deleted} not" if deleted < len(ids) else ""
        self.host.show_status(f"Deleted {plural(deleted, 'document')}{left}.", 8000)


def _first_after(order: list[int], doc_id: int, gone: set[int]) -> int | None:
    """The first document after ``doc_id`` in list order (wrapping) that is not ``gone``."""
    at = order.index(doc_id)
    return next((i for i in order[at + 1:] + order[:at] if i not in gone), None)
