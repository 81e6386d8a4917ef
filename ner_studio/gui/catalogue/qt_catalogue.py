"""The catalogue's commands on the host (Catalogue menu, K in the text) and its dock.

Linking is a span edit of the shown document (gui/annotate/editing.link): one undo step, saved
like any edit, and a model entity linked is accepted with it. Changes to the catalogue itself
(import, a new entry from the chooser, rename, merge, delete) go to the project at once and
reach other instances through the live updates, which this controller follows by the
catalogue revision (core/store/project_catalogue.py).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from ner_studio.core.catalogue.entries import CatalogueEntry
from ner_studio.core.catalogue.files import read_catalogue, write_catalogue
from ner_studio.core.corpus.label_all import Change, preview_label_all
from ner_studio.core.errors import NerStudioError
from ner_studio.core.plural import plural
from ner_studio.core.text.document import Document
from ner_studio.gui.annotate import editing
from ner_studio.gui.catalogue.links import CatalogueLinks
from ner_studio.gui.catalogue.qt_catalogue_dock import CatalogueDock
from ner_studio.gui.catalogue.qt_chooser import NEW_ENTRY, LinkChooser
from ner_studio.gui.catalogue.qt_entry_counts import EntryCountsWorker
from ner_studio.gui.shell.qt_actions import Command, keys_act_only_in
from ner_studio.gui.shell.qt_host import Host

log = logging.getLogger(__name__)

COMMANDS = (
    Command("link_entity", "&Link Entity…", ("K",),
            "Link the selected entity to a catalogue entry: type to rank the entries, Enter links", "link_selected"),
    Command("unlink_entity", "&Unlink Entity", ("Shift+K",), "Remove the selected entity's catalogue link",
            "unlink_selected"),
    Command("link_all", "Link All &Occurrences…", ("Ctrl+Shift+K",),
            "Link every occurrence of the selected linked entity's text to its entry, after the Label All preview",
            "link_all"),
    Command("show_catalogue", "Show &Catalogue", (), "The catalogue's entries, their mentions and counts",
            "show_dock"),
    Command("import_catalogue", "&Import Catalogue…", (), "Add entries from a CSV or JSONL file (known ids are replaced)",
            "import_file"),
    Command("export_catalogue", "&Export Catalogue…", (), "Write the catalogue to a CSV or JSONL file", "export_file"),
)
MENU = ("link_entity", "unlink_entity", "link_all", None, "show_catalogue", None, "import_catalogue",
        "export_catalogue")
TEXT_KEYS = ("link_entity", "unlink_entity")  # one stroke edits: only while the keyboard is in the text
FILES = "Catalogue (*.csv *.jsonl);;All files (*)"
SHEETS = "Excel workbook (*.xlsx);;CSV (*.csv)"
NO_YES = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
NO = QMessageBox.StandardButton.No  # the default of a question whose answer cannot be undone


class CatalogueController(QObject):
    links_changed = Signal()  # the catalogue was read again: the names a view shows may differ

    def __init__(self, host: Host, label_all):
        super().__init__(host)
        self.host = host
        self.label_all = label_all  # gui/corpus/qt_label_all: Link All reuses its preview
        self.links = CatalogueLinks()
        self.chooser: LinkChooser | None = None
        self.actions = host.add_commands("&Catalogue", COMMANDS, self, MENU)
        keys_act_only_in([self.actions[name] for name in TEXT_KEYS], host.view)
        self.dock = CatalogueDock()
        self.dock_widget = host.add_dock("Catalogue", self.dock)
        self.dock_widget.hide()  # Catalogue > Show Catalogue: a narrow window keeps room for the text
        self.dock.entry_chosen.connect(self.list_mentions)
        self.dock.mention_chosen.connect(host.show_range)
        self.dock.action_requested.connect(self._on_dock_action)
        self.counts = EntryCountsWorker(self, lambda: self.project)
        self.counts.counted.connect(self._show_counts)
        self._counts = {}
        self.dock_widget.visibilityChanged.connect(lambda visible: visible and self.refresh())
        host.workspace_changed.connect(self._bind_workspace)
        host.closed.connect(self.counts.shutdown)
        self._bind_workspace()

    def _bind_workspace(self) -> None:
        workspace = self.host.workspace
        if workspace.live is not None:
            workspace.live.refreshed.connect(self.refresh)
        workspace.labels_changed.connect(self.refresh)  # a renamed label renames the entries' too
        # Every span edit of an open document (a link, an unlink, Enter, A, undo and redo of
        # them, a project-wide step's part) and every status change: the counts may move.
        workspace.document_updated.connect(self._count_again)
        self._counts = {}
        self.refresh(force=True)

    @property
    def project(self):
        return self.host.workspace.project

    def refresh(self, *, force: bool = False) -> None:
        """Read the catalogue again if it changed (here or elsewhere) and redraw what shows it."""
        try:
            changed = self.links.load(self.project, force=force)
        except NerStudioError as error:  # the next refresh tries again
            log.warning("reading the catalogue: %s", error)
            return
        if changed:
            self.host.span_style.links = self.links if self.links else None
            self.host.view.viewport().update()  # the link marks (the label colours stay)
            self.host.view.selection_changed.emit()  # the details pane names the link
            self.dock.show_entries(self.links.entries.values(), self._counts)  # the names now, counts follow
            self.links_changed.emit()
        self._count_again()

    def _count_again(self, _doc_id: int | None = None) -> None:
        """Counting reads every linked span (0.3-1.1 s on 1M tokens): in a worker, and only
        for the dock shown (showing it counts)."""
        if self.dock_widget.isVisible():
            self.counts.request()

    def _show_counts(self, counts) -> None:
        self._counts = counts
        self.dock.show_counts(counts)  # the entries are there already (refresh shows them)

    # --- linking ---------------------------------------------------------------------------
    def link_selected(self) -> None:
        doc, span = self.host.doc, self.host.view.current_span()
        if doc is None or span is None:
            self.host.show_status("Select an entity first (click it, or Tab to it), then K links it.", 5000)
            return
        self.refresh()
        linked = {s.kb_id for s in doc.spans if s.kb_id is not None}
        if self.chooser is not None:
            self.chooser.deleteLater()  # the last one, closed by now
        # On the window, not the text view: the view's one-stroke keys (labels, A, Enter) must
        # not act while the analyst types a name here.
        self.chooser = LinkChooser(self.host, self.links.ranking, doc.text[span.start:span.end], span.label, linked)
        self.chooser.chosen.connect(lambda choice, doc=doc, span=span: self.link(doc, span, choice))
        view = self.host.view
        cursor = view.textCursor()
        self.chooser.popup(view.viewport().mapToGlobal(view.cursorRect(cursor).bottomLeft()))

    def link(self, doc: Document, span, choice) -> bool:
        """Link ``span`` of ``doc`` to the entry ``choice`` (an id, or ``(NEW_ENTRY, name)``)."""
        mention = doc.text[span.start:span.end]
        if isinstance(choice, tuple) and choice[0] == NEW_ENTRY:
            entry = CatalogueEntry.create(choice[1], span.label, [mention])
            try:
                self.project.save_entries([entry])
            except NerStudioError as error:
                self.host.show_error("The entry could not be added", error)
                return False
            self.refresh()
            choice = entry.entry_id
        if not self.host.workspace.apply_edit(doc, editing.link(span, choice)):
            return False
        if self.host.doc is doc:
            self.host.view.select_range(span.start, span.end, reveal=False)
        self.host.show_status(f"Linked “{mention}” to {self.links.name_of(choice)}.", 4000)
        self.refresh()
        return True

    def unlink_selected(self) -> None:
        span = self.host.view.current_span()
        if self.host.doc is not None and span is not None and span.kb_id is not None:
            self.host.workspace.apply_edit(self.host.doc, editing.link(span, None))
            self.host.view.select_range(span.start, span.end, reveal=False)
            self.refresh()

    def link_all(self) -> None:
        doc, span = self.host.doc, self.host.view.current_span()
        if doc is None or span is None or span.kb_id is None:
            self.host.show_status("Link the entity first (K), then Link All Occurrences links its text everywhere.", 6000)
            return
        name = self.links.name_of(span.kb_id) or span.kb_id
        surface = doc.text[span.start:span.end]
        occurrences = preview_label_all(self.host.workspace.corpus, surface, span.label, kb_id=span.kb_id)
        if all(o.change == Change.NONE for o in occurrences):
            self.host.show_status(f"Every occurrence of “{surface}” is already linked to {name}.", 5000)
            return
        self.label_all.preview(surface, span.label, name=f"Link All to {name}", kb_id=span.kb_id, entry_name=name)
        self.refresh()

    # --- the dock ---------------------------------------------------------------------------
    def show_dock(self) -> None:
        self.refresh()
        self.dock_widget.show()
        self.dock_widget.raise_()
        self.dock.filter.setFocus()

    def list_mentions(self, entry_id: str) -> None:
        corpus = self.host.workspace.corpus
        try:
            mentions = [(m.doc_id, m.start, m.end, self.host.workspace.summary(m.doc_id).name,
                         corpus.text(m.doc_id).text) for m in self.project.entry_mentions(entry_id)]
        except NerStudioError as error:
            self.host.show_error("The mentions cannot be listed", error)
            return
        self.dock.show_mentions(self.links.entries.get(entry_id), mentions)

    def _on_dock_action(self, action: str, entry_id: str) -> None:
        entry = self.links.entries.get(entry_id)
        if entry is None:
            return
        try:
            getattr(self, f"{action}_entry")(entry)
        except NerStudioError as error:
            self.host.show_error(f"The entry could not be {action}d", error)
        self.refresh()

    # Merge, rename and delete are not undo steps. Why: the catalogue is the team's, shared
    # live; between a merge and its undo others link mentions to the merged entry, edit it or
    # merge it on, and an undo that split it again would have to guess which of their links go
    # back. So merge and delete ask first, with the mentions they move or unlink in every
    # version, and say plainly that they cannot be undone; a rename loses nothing (the old
    # name stays an alias) and another rename takes it back.
    def rename_entry(self, entry: CatalogueEntry) -> None:
        name, ok = QInputDialog.getText(self.host, "Rename entry", "Name (the old one stays an alias):", text=entry.name)
        if ok and name.strip() and name.strip() != entry.name:
            self.project.rename_entry(entry.entry_id, name)
            self.host.show_status(f"Renamed {entry.name} to {name.strip()} ({entry.name} stays an alias; "
                                  "Rename… again to change it back).")

    def merge_entry(self, entry: CatalogueEntry) -> None:
        others = sorted((e for e in self.links.entries.values() if e.entry_id != entry.entry_id),
                        key=lambda e: (e.label != entry.label, e.name))
        if not others:
            self.host.show_status("There is no other entry to merge into this one.")
            return
        names = [f"{e.name} ({e.label}) · {e.entry_id[:8]}" for e in others]
        chosen, ok = QInputDialog.getItem(self.host, "Merge entries", f"Merge into {entry.name}:", names, 0, False)
        if not ok:
            return
        gone = others[names.index(chosen)]
        count = self.project.links_of(gone.entry_id)
        answer = QMessageBox.question(
            self.host, "Merge entries", f"Merge {gone.name} into {entry.name}? Its "
            f"{plural(count, 'mention')} (in every annotator's version) will link to {entry.name}, and its "
            f"names become aliases.\n\nThis cannot be undone: the catalogue is shared by the team.", NO_YES, NO)
        if answer != QMessageBox.StandardButton.Yes:
            return
        _merged, moved, changed = self.project.merge_entries(entry.entry_id, gone.entry_id)
        self._changed_elsewhere(changed)
        self.host.show_status(f"Merged {gone.name} into {entry.name}: {plural(moved, 'mention')} moved.")

    def delete_entry(self, entry: CatalogueEntry) -> None:
        count = self.project.links_of(entry.entry_id)
        answer = QMessageBox.question(
            self.host, "Delete entry", f"Delete {entry.name}? {plural(count, 'mention')} will lose "
            "their link (in every annotator's version); the entities themselves stay.\n\n"
            "This cannot be undone: the catalogue is shared by the team.", NO_YES, NO)
        if answer != QMessageBox.StandardButton.Yes:
            return
        unlinked, changed = self.project.delete_entry(entry.entry_id)
        self._changed_elsewhere(changed)
        self.dock.show_mentions(None, [])
        self.host.show_status(f"Deleted {entry.name}; {plural(unlinked, 'mention')} lost their link.")

    def export_entry(self, entry: CatalogueEntry, path: str | None = None) -> None:
        """The entry's mentions as a spreadsheet (one row each, with its sentence)."""
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self.host, f"Mentions of {entry.name}", f"{entry.name}.xlsx", SHEETS)
            if not path:
                return
        from ner_studio.core.formats.spreadsheet import write_spreadsheet  # openpyxl: when exporting

        mentions = self.project.entry_mentions(entry.entry_id)
        docs = []
        for doc_id in dict.fromkeys(m.doc_id for m in mentions):
            doc = self.project.load_document(doc_id)
            spans = [s for s in doc.spans if s.kb_id == entry.entry_id]
            docs.append(Document(doc.text, doc.tokens, doc.sentences, spans, name=doc.name, doc_id=doc_id))
        write_spreadsheet(docs, path)
        self.host.show_status(f"Wrote {plural(len(mentions), 'mention')} of {entry.name} to {Path(path).name}.")

    def _changed_elsewhere(self, doc_ids: list[int]) -> None:
        """Open documents whose links the catalogue changed: their undo steps no longer fit."""
        for doc_id in doc_ids:
            self.host.workspace.undo_stack(doc_id).clear()
        self.host.view.viewport().update()
        self.host.view.selection_changed.emit()

    # --- files ------------------------------------------------------------------------------
    def import_file(self, *, path: str | None = None) -> int:
        """``path`` is keyword-only: the menu passes ``checked`` to its handler."""
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self.host, "Import a catalogue", "", FILES)
            if not path:
                return 0
        try:
            count = self.project.save_entries(read_catalogue(path))
        except NerStudioError as error:
            self.host.show_error("The catalogue cannot be imported", error)
            return 0
        self.refresh()
        self.host.show_status(f"Imported {plural(count, 'entry')} from {Path(path).name}.")
        return count

    def export_file(self, *, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self.host, "Export the catalogue", "catalogue.csv", FILES)
            if not path:
                return
        try:
            count = write_catalogue(self.links.entries.values(), path)
        except (NerStudioError, OSError) as error:
            self.host.show_error("The catalogue cannot be exported", error)
            return
        self.host.show_status(f"Exported {plural(count, 'entry')} to {Path(path).name}.")


def install_catalogue(host: Host, label_all) -> CatalogueController:
    return CatalogueController(host, label_all)
