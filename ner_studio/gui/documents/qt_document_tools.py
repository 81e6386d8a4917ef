"""The document list as a real list: a filter bar (name, status, ``label:ORG``, ``text:Lisbon``,
"Open notes", and in a project with assignments "Yours only") above it, and Rename / Delete from its context menu (Delete names what is lost and asks);
the commands on several selected documents are ``qt_selected_documents.py``'s."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QInputDialog, QLineEdit, QMessageBox, QVBoxLayout, QWidget

from ner_studio.core.text.document import Status
from ner_studio.core.errors import NerStudioError
from ner_studio.core.corpus.find import find
from ner_studio.core.plural import plural
from ner_studio.gui.documents.qt_document_list import DocumentList
from ner_studio.gui.documents.qt_selected_documents import SelectedDocuments
from ner_studio.gui.shell.qt_host import Host

STATUSES = (("Any status", None), ("New", Status.NEW), ("Predicted", Status.PREDICTED), ("Reviewed", Status.REVIEWED))


def parse_filter(text: str) -> tuple[str, str | None, str | None]:
    """``(name words, label, text)`` from the filter box: ``label:ORG`` and ``text:…`` (the rest
    of the line) are filters of their own, other words match the name."""
    label = search = None
    words = []
    parts = text.split()
    for i, part in enumerate(parts):
        if part.lower().startswith("text:"):
            search = " ".join([part[5:], *parts[i + 1:]]).strip() or None
            break
        if part.lower().startswith("label:"):
            label = part[6:] or None
        else:
            words.append(part)
    return " ".join(words), label, search


class DocumentsPane(QWidget):
    def __init__(self, documents: DocumentList, parent: QWidget | None = None):
        super().__init__(parent)
        self.documents = documents
        self.query = QLineEdit()
        self.query.setPlaceholderText("Filter: name, label:ORG, text:Lisbon")
        self.query.setClearButtonEnabled(True)
        self.status = QComboBox()
        for text, status in STATUSES:
            self.status.addItem(text, status)
        self.mine = QCheckBox("Yours only")
        self.mine.setToolTip("Only the documents assigned to you (they come first in the list)")
        self.mine.hide()  # shown in a project with assignments
        self.noted = QCheckBox("Open notes")
        self.noted.setToolTip("Only documents with open notes (on the document or on its text)")
        row = QHBoxLayout()
        row.addWidget(self.query, 1)
        row.addWidget(self.status)
        row.addWidget(self.mine)
        below = QHBoxLayout()  # a row of its own: the first must fit a narrow dock (issue 23)
        below.addWidget(self.noted)
        below.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addLayout(below)
        layout.addWidget(documents, 1)


class DocumentListTools(QObject):
    def __init__(self, host: Host, pane: DocumentsPane):
        super().__init__(host)
        self.host = host
        self.pane = pane
        pane.query.textChanged.connect(lambda _text: self.apply_filter())
        pane.query.returnPressed.connect(self.to_list)
        pane.status.currentIndexChanged.connect(lambda _index: self.apply_filter())
        pane.mine.toggled.connect(lambda _checked: self.apply_filter())
        pane.noted.toggled.connect(lambda _checked: self.apply_filter())
        host.workspace_changed.connect(self._bind_workspace)
        if host.workspace is not None:  # the window may have opened its project already
            self._bind_workspace()
        pane.documents.rename_requested.connect(self.rename)
        pane.documents.delete_requested.connect(self.delete)
        self.selected = SelectedDocuments(host, pane.documents, self)

    def apply_filter(self) -> None:
        name, label, search = parse_filter(self.pane.query.text())
        project = self.host.workspace.project
        ids = None
        try:
            if label is not None:
                ids = project.documents_with_label(label)
            if search is not None:
                found = {hit.doc_id for hit in find(self.host.workspace.corpus, search, whole_tokens=False)}
                ids = found if ids is None else ids & found
            if self.pane.noted.isChecked():
                noted = project.documents_with_open_notes()
                ids = noted if ids is None else ids & noted
        except NerStudioError as error:
            self.host.show_error("The documents cannot be filtered", error)
            return
        if self.pane.mine.isChecked() and not self.pane.mine.isHidden():
            mine = self.pane.documents.list_model.assigned
            ids = set(mine) if ids is None else ids & mine
        self.pane.documents.filter.set_filter(name, self.pane.status.currentData(), ids)

    def to_list(self) -> None:
        """Enter in the filter: into the list, its first row current (arrows walk, Enter opens)."""
        documents = self.pane.documents
        if not documents.currentIndex().isValid() and documents.model().rowCount():
            documents.setCurrentIndex(documents.model().index(0, 0))
        documents.setFocus()

    def _bind_workspace(self) -> None:
        live = self.host.workspace.live  # others' changes (gui/shell/qt_live.py), one per workspace
        if live is not None:
            live.refreshed.connect(self.refresh_assigned)
        self.host.workspace.project.notes_changed.connect(self._on_notes_changed)
        self._on_workspace_changed()

    def refresh_assigned(self) -> None:
        """After others' changes: the documents assigned to you may have changed."""
        if self.pane.documents.list_model.refresh_assigned():
            self._on_workspace_changed()

    def _on_notes_changed(self) -> None:
        if self.pane.noted.isChecked():  # a note resolved here or elsewhere may take a document out
            self.apply_filter()

    def _on_workspace_changed(self) -> None:
        self.pane.mine.setVisible(bool(self.pane.documents.list_model.assigned))
        self.apply_filter()

    def rename(self, doc_id: int) -> None:
        old = self.host.workspace.summary(doc_id).name
        name, ok = QInputDialog.getText(self.host, "Rename document", "Name:", text=old)
        if ok and name.strip() and name.strip() != old:
            self.host.workspace.rename_document(doc_id, name.strip())

    def delete(self, doc_id: int) -> None:
        workspace = self.host.workspace
        summary = workspace.summary(doc_id)
        confirmed = summary.entity_count - summary.model_count
        lost = (f"“{summary.name}” ({plural(summary.token_count, 'token')}) and its {plural(summary.entity_count, 'entity')} "
                f"({confirmed} confirmed by you) will be removed from the project. This cannot be undone "
                "(the last backups keep older copies).")
        answer = QMessageBox.question(self.host, "Delete document", lost,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        following = workspace.next_document(doc_id, unreviewed=False)
        showing = self.host.doc is not None and self.host.doc.doc_id == doc_id
        if showing:
            self.host.show_document(None)
        if workspace.delete_document(doc_id) and showing and following not in (None, doc_id):
            self.host.show_document(following)
