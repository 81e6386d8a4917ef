"""Annotators' versions of documents on a :class:`~ner_studio.core.store.project.Project`: who has
one, reading another's (read-only), and the curated gold version that export and training use.
A mixin, apart from project.py so each file stays small; it uses the project's ``_read`` and
``_write`` transactions. The rules are in core/store/annotators.py.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable

from ner_studio.core.store import annotators as team
from ner_studio.core.store import project_rows as rows
from ner_studio.core.store.project_notes import insert_imported_notes
from ner_studio.core.store.annotators import GOLD, UNOWNED
from ner_studio.core.text.document import Document
from ner_studio.core.errors import AnnotatorError, ChangedMeanwhileError, ProjectError
from ner_studio.core.plural import plural
from ner_studio.core.store.project_schema import schema_version
from ner_studio.core.text.spans import Span
from ner_studio.core.learning.training_set import snapshot

log = logging.getLogger(__name__)

# The schema version that brought annotators (project_schema._V4).
ANNOTATORS_SCHEMA = 4


def with_annotator(edit, annotator: str | None):
    """``edit`` (a journal record: spans or a status) saved to ``annotator``'s version
    (``None``: a project too old for annotators, where it stays as it is)."""
    if annotator is None or not hasattr(edit, "annotator"):
        return edit
    return dataclasses.replace(edit, annotator=annotator)


class ProjectVersions:
    """Versions of documents per annotator (mixed into Project)."""

    def _settle_version(self) -> None:
        """Pick the version this project reads and writes; a writable project claims spans
        of no one for its annotator (the single user of an older project: nothing changes)."""
        if self.read_only:
            def key(conn):
                if schema_version(conn, self._store.dialect) < ANNOTATORS_SCHEMA:
                    return None  # not migrated: every span is the one user's
                return UNOWNED if self.annotator != GOLD and team.needs_claim(conn) else self.annotator
            self._version = self._read("reading the annotators", key)
            return
        self._version = self.annotator
        if self.annotator != GOLD and self._read("reading the annotators", team.needs_claim):
            self._write("giving the existing entities to their annotator",
                        lambda conn: team.claim_unowned(conn, self.annotator))

    @property
    def version_annotator(self) -> str | None:
        """The ``spans.annotator`` this project reads and writes (``project_rows.of_annotator``):
        normally :attr:`annotator`."""
        return self._version

    def annotators(self) -> list[str]:
        """Everyone with a version of some document, by name (not the gold version)."""
        return self._read("listing the annotators", team.annotators)

    def versions_of(self, doc_id: int) -> list[str]:
        """The annotators (and :data:`~ner_studio.core.store.annotators.GOLD`) with a version of
        document ``doc_id``."""
        return self._read("listing a document's versions", lambda conn: team.versions_of(conn, doc_id))

    def worked_versions(self, doc_id: int) -> list[str]:
        """The annotators who marked their version of ``doc_id`` reviewed or confirmed an
        entity in it (core/store/annotators.py)."""
        return self._read("listing a document's versions", lambda conn: team.worked_versions(conn, doc_id))

    def gold_documents(self) -> set[int]:
        """Ids of the documents that have a curated gold version."""
        return self._read("finding curated documents", lambda conn: team.documents_with_version(conn, GOLD))

    def load_version(self, doc_id: int, annotator: str) -> Document:
        """``annotator``'s version of document ``doc_id`` (empty if they have none), a copy
        that is never tracked: reading another's work must not edit it."""
        if annotator == self._version:
            return self._untracked_copy(doc_id)
        if annotator != GOLD and annotator != UNOWNED:
            team.check_annotator_name(annotator)
        doc = self._read("loading a version of a document", lambda conn: rows.read_document(conn, doc_id, annotator))
        if doc is None:
            raise ProjectError(f"there is no document {doc_id} in this project", self.where)
        return doc

    def _untracked_copy(self, doc_id: int) -> Document:
        if doc_id in self._tracked:  # as shown, edits not saved yet included
            return snapshot(self._tracked[doc_id][0])
        doc = self._read("loading a document", lambda conn: rows.read_document(conn, doc_id, self._version))
        if doc is None:
            raise ProjectError(f"there is no document {doc_id} in this project", self.where)
        return doc

    def spans_of(self, doc_id: int, annotator: str) -> list[Span]:
        """The spans of ``annotator``'s version of document ``doc_id``."""
        return self._read("reading a version's entities", lambda conn: rows.read_spans(conn, doc_id, annotator))

    def save_gold(self, doc_id: int, spans: Iterable[Span], *, expected: Iterable[Span] | None = None) -> None:
        """Store ``spans`` as the curated gold version of document ``doc_id`` (replacing the
        previous one) in one transaction. ``expected``: the gold spans the curator started from
        (none if it was never curated); if the stored ones differ by then, another curator saved
        meanwhile and nothing is written (ChangedMeanwhileError)."""
        gold = rows.SpansSnapshot(doc_id, tuple(sorted(spans)), GOLD, self.editor)
        if not self._read("checking the document", lambda conn: rows.document_exists(conn, doc_id)):
            raise ProjectError(f"there is no document {doc_id} in this project", self.where)
        started = None if expected is None else sorted(expected)

        def save(conn) -> None:
            if started is not None:
                stored = sorted(rows.read_spans(conn, doc_id, GOLD))
                if stored != started:
                    raise ChangedMeanwhileError(
                        f"someone saved another gold version of document {doc_id} ({plural(len(stored), 'entity')}) since "
                        "you opened it; nothing was saved", self.where)
            gold.apply(conn)

        self._write("saving the curated version", save, changed=(GOLD, [doc_id]))

    def training_version(self, doc_id: int) -> Document:
        """What export and fine-tuning use: the gold version if the document was curated,
        else this annotator's own (the tracked instance if it is open)."""
        return self.training_versions([doc_id])[0]

    def training_versions(self, doc_ids: Iterable[int]) -> list[Document]:
        """:meth:`training_version` of each of ``doc_ids``, the curated ones looked up once."""
        curated = self.gold_documents()
        return [self.load_version(doc_id, GOLD) if doc_id in curated else self.load_document(doc_id)
                for doc_id in doc_ids]

    def import_version(self, docs: Iterable[Document], annotator: str, *, source_path=None) -> list[int]:
        """Add ``docs`` with their spans as ``annotator``'s versions (``project import
        --annotator``), in one transaction. A document whose text is already in the project
        (preferably under the same name) and of which ``annotator`` has no version yet gets
        this version, so that two annotators' files of the same texts meet on the same
        documents; any other becomes a new document. Never overwrites a version. Returns
        each document's id (also set as its ``doc_id``)."""
        annotator = team.check_annotator_name(annotator)
        docs = list(docs)
        source = str(source_path) if source_path is not None else None

        def add(conn):
            rows.add_unknown_labels(conn, docs)
            team.fill_text_hashes(conn)
            ids: list[int] = []
            met: set[int] = set()  # documents this import gave the annotator a version of
            for doc in docs:
                match = team.matching_document(conn, doc, annotator, exclude=met)
                if match is None:
                    ids.append(rows.insert_document(conn, doc, source, annotator))
                else:
                    rows.insert_spans(conn, match, doc.spans, annotator)
                    team.touch_version(conn, match, annotator, doc.status)
                    ids.append(match)
                    met.add(match)
                insert_imported_notes(conn, ids[-1], doc, annotator)  # JSONL meta.notes
            return ids

        ids = self._write(f"importing {len(docs)} document(s)", add)
        for doc, doc_id in zip(docs, ids):
            doc.doc_id = doc_id
        log.info("imported %d documents (%d entities) as %s's versions from %s", len(docs),
                 sum(len(d.spans) for d in docs), annotator, source or "the app")
        return ids

    def rename_annotator(self, old: str, new: str) -> None:
        """Give ``old``'s versions to ``new`` (a person who changed the name they work
        under), in one transaction; refused if ``new`` has versions already, as two people's
        work must never merge silently. Reopen the project as ``new`` afterwards."""
        new = team.check_annotator_name(new)
        names = self.annotators()
        if old not in names:
            raise AnnotatorError(f"{self.where}: no annotator named {old!r} to rename")
        if new in names:
            raise AnnotatorError(f"{self.where}: {new!r} has versions in this project already; "
                                 "pick a name nobody here uses")
        self._write("renaming an annotator", lambda conn: team.rename(conn, old, new))

    def require_annotator(self, annotator: str) -> str:
        """``annotator`` if they have a version of some document, else an AnnotatorError
        listing who has."""
        names = self.annotators()
        if annotator not in names:
            known = ", ".join(names) or "nobody yet"
            raise AnnotatorError(f"{self.where}: no annotator named {annotator!r} (annotators: {known})")
        return annotator
