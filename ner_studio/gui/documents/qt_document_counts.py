"""The document list's lines of the open project (name, status, entity counts), kept current.

Read from the project once, at opening; after that each line follows what changes it, never a
new read: a document in memory is followed (its own edits and status changes recount its line),
a project-wide step's part in a document not in memory is counted from the step's edits
(:meth:`DocumentCounts.count_change`), and another annotator's changes arrive as the list the
live updates read (:meth:`DocumentCounts.take`). Listing the project's counts again costs more
the bigger it is: on the UI thread, after Label All, it froze the window (issue 29).

Moved out of gui/window/qt_workspace.py, which keeps the documents in memory and hands their
lines here; ``updated`` is the workspace's ``document_updated``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from ner_studio.core.store.project_rows import DocumentSummary
from ner_studio.core.text.document import Document


class DocumentCounts(QObject):
    updated = Signal(int)  # one document's name, status or counts changed

    def __init__(self, summaries: Iterable[DocumentSummary], parent: QObject | None = None):
        super().__init__(parent)
        self._summaries = {s.doc_id: s for s in summaries}
        self._listeners: list = []  # (document, on_spans, on_status) to disconnect on letting go

    def ids(self) -> list[int]:
        return list(self._summaries)

    def __getitem__(self, doc_id: int) -> DocumentSummary:
        return self._summaries[doc_id]

    def __contains__(self, doc_id) -> bool:
        return doc_id in self._summaries

    def get(self, doc_id: int) -> DocumentSummary | None:
        return self._summaries.get(doc_id)

    def source_paths(self) -> dict[str, int]:
        """The files documents were read from, each with one of its documents."""
        return {s.source_path: s.doc_id for s in self._summaries.values() if s.source_path}

    def documents_from(self, source_path: str) -> int:
        return sum(1 for s in self._summaries.values() if s.source_path == source_path)

    def add(self, docs: Iterable[Document], source_path: Path | None) -> None:
        """Lines of documents just stored (their counts follow once :meth:`follow` sees them):
        built, not read back, since a big file adds ~100 parts one after another."""
        source = str(source_path) if source_path is not None else None
        for doc in docs:
            self._summaries[doc.doc_id] = DocumentSummary(doc.doc_id, doc.name, doc.status, 0, 0, len(doc.tokens), source)

    def rename(self, doc_id: int, name: str) -> None:
        self._summaries[doc_id] = self._summaries[doc_id]._replace(name=name)
        self.updated.emit(doc_id)

    def forget(self, doc_id: int) -> None:
        """A document gone from the project (its listeners went when it left memory)."""
        del self._summaries[doc_id]

    def follow(self, doc: Document) -> None:
        """Count ``doc``'s line from the document in memory, and recount it on each change."""
        self.refresh(doc)

        def on_spans(change) -> None:
            self.count_change(doc.doc_id, change)

        def on_status(_status) -> None:
            self.refresh(doc)

        doc.changed.connect(on_spans)
        doc.status_changed.connect(on_status)
        self._listeners.append((doc, on_spans, on_status))

    def let_go(self, doc: Document | None = None) -> None:
        """Stop following ``doc`` (None: every document)."""
        going = [entry for entry in self._listeners if doc is None or entry[0] is doc]
        for followed, on_spans, on_status in going:
            followed.changed.disconnect(on_spans)
            followed.status_changed.disconnect(on_status)
        self._listeners = [entry for entry in self._listeners if entry not in going]

    def refresh(self, doc: Document) -> None:
        model = sum(1 for s in doc.spans if not s.confirmed)
        self._summaries[doc.doc_id] = self._summaries[doc.doc_id]._replace(
            status=doc.status, entity_count=len(doc.spans), model_count=model)
        self.updated.emit(doc.doc_id)

    def count_change(self, doc_id: int, change) -> None:
        """An edit in ``doc_id``'s list counts (a step's part in one not in memory too: qt_project_steps)."""
        self._summaries[doc_id] = self._summaries[doc_id].after(change.removed, change.added)
        self.updated.emit(doc_id)

    def take(self, fresh: dict[int, DocumentSummary], counted_here: Callable[[int], bool]) -> list[int]:
        """The lines as the project lists them now (those gone forgotten already): names follow,
        and the counts of documents not ``counted_here`` (in memory, or with edits waiting in the
        journal: their counts follow their edits); returns the ids new to the list."""
        added = [i for i in fresh if i not in self._summaries]
        for doc_id, summary in fresh.items():
            old = self._summaries.get(doc_id)
            if old is not None and counted_here(doc_id):
                summary = old._replace(name=summary.name)
            if summary != old:
                self._summaries[doc_id] = summary
                if old is not None:
                    self.updated.emit(doc_id)
        return added
