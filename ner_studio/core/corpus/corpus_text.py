"""The project's texts and token offsets in memory, for find, label-all and consistency checks.

Why no FTS5 table: a document's text never changes after import, so a text index needs no
upkeep on edits, and at our size a scan is as fast as an index lookup. Measured on 1,000
documents / 1M tokens (benchmarks/corpus_tools.py, benchmarks/results/2026-12-01-corpus-tools.md): reading every text
and token table takes ~40 ms once a session, a regular-expression scan of all 6 MB of text
~10 ms, whereas SQLite's FTS5 tokenizers disagree with ours (``U.S.`` is two FTS5 terms,
``abc東`` one), so every hit would need the same exact check after the lookup anyway.

Entities come from the ``spans`` table, which every edit commits before it returns. They are
kept in memory until the project's revision changes (every committed write bumps it); then
only the documents whose spans changed since are read again (a trigger stamps them: schema
version 3 in core/store/project_schema.py), so results always show the current labels and an edit
costs a microsecond or so a span row here.

:class:`CorpusText` loads each document once and picks up documents added or deleted since
(:meth:`refresh`, one cheap query of ids).
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter

from ner_studio.core.text.document import Document, Status
from ner_studio.core.store.project_rows import of_annotator, with_links, with_status
from ner_studio.core.store.project_schema import changed_since, revision
from ner_studio.core.text.spans import Source, Span
from ner_studio.core.store.project_dialect import Connection

FEW_DOCUMENTS = 100  # up to this many documents' entities are read by document, not all at once
CONTEXT = 40  # characters of context either side of a hit
WORD_RUN = 40  # words a run of DocumentText.word_runs
_UINT32 = "I" if array("I").itemsize == 4 else "L"  # as core/store/project_schema.py packs them
_ONE_LINE = str.maketrans("\n\r\t\f\v", "     ")


@dataclass(frozen=True, slots=True)
class DocumentText:
    """One document's immutable text and token offsets (compact arrays, 8 bytes a token)."""

    doc_id: int
    text: str
    starts: array
    ends: array
    lower: str | None  # text.lower() when that keeps every offset, for case-insensitive search

    @classmethod
    def of(cls, doc) -> DocumentText:
        """The text of an open :class:`Document`."""
        return cls(doc.doc_id or 0, doc.text, doc.tokens.starts, doc.tokens.ends, _lower(doc.text))

    def is_token_start(self, offset: int) -> bool:
        i = bisect_left(self.starts, offset)
        return i < len(self.starts) and self.starts[i] == offset

    def is_token_end(self, offset: int) -> bool:
        i = bisect_left(self.ends, offset)
        return i < len(self.ends) and self.ends[i] == offset

    def words(self) -> list[str]:
        text = self.text
        return list(map(text.__getitem__, map(slice, self.starts, self.ends)))

    def word_runs(self, size: int = WORD_RUN) -> Iterator[list[str]]:
        """The words in runs of ``size``, one run at a time, for reading that wants sentences
        (the training's text vectors): a run's ends matter as little there as a sentence's,
        and a long document is never turned into one list of strings."""
        text, starts, ends = self.text, self.starts, self.ends
        for first in range(0, len(starts), size):
            last = first + size
            yield list(map(text.__getitem__, map(slice, starts[first:last], ends[first:last])))

    def context(self, start: int, end: int, width: int = CONTEXT) -> tuple[str, str]:
        """``(before, after)``: up to ``width`` characters either side, on one line."""
        before = self.text[max(0, start - width) : start]
        after = self.text[end : end + width]
        return _one_line(before), _one_line(after)


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    doc_id: int
    name: str
    status: Status


SpanRow = tuple  # (doc_id, start, end, label, source, confidence, kb_id) as the spans table holds it


@dataclass(frozen=True)
class Listing:
    """The project's documents as a worker read them (``documents``, in list order) and their
    ``texts`` in that order: those the window had, and ``new`` ones, for CorpusText to keep."""

    documents: dict[int, DocumentInfo]
    texts: list[DocumentText]
    new: dict[int, DocumentText]


def read_listing(conn: Connection, annotator: str | None, known: Mapping[int, DocumentText]) -> Listing:
    """The document list on ``conn``, with the texts not in ``known`` read (texts never change)."""
    documents = {info.doc_id: info for info in document_infos(conn, annotator)}
    missing = [doc_id for doc_id in documents if doc_id not in known]
    new = {text.doc_id: text for text in read_texts(conn, missing)} if missing else {}
    return Listing(documents, [known.get(doc_id) or new[doc_id] for doc_id in documents], new)


@dataclass(frozen=True)
class StoredRows:
    """Every document's stored entity rows (sorted by start) at project ``revision`` (None: none read)."""

    rows: dict[int, list[SpanRow]] = field(default_factory=dict)
    revision: int | None = None


class CorpusText:
    """Texts of a project's documents by id; ``project`` is an open :class:`Project`.
    ``open_document(doc_id)`` is the document as the window holds it, None if not open: the
    entities of an open document are read from it (they are what the analyst sees, newer than
    the table if a write is pending), not from the project, because reading 10,000 rows of a
    50k-token document on the UI thread was most of a Label All preview's stall
    (benchmarks/results/2026-12-07-stalls-label-all-training-switching.md)."""

    def __init__(self, project, open_document: Callable[[int], Document | None] | None = None):
        self.project = project
        self.open_document = open_document or (lambda doc_id: None)
        self._texts: dict[int, DocumentText] = {}
        self.documents: dict[int, DocumentInfo] = {}  # in list order
        self._span_rows: dict[int, list[SpanRow]] = {}
        self._revision: int | None = None

    def refresh(self) -> None:
        """Load documents added since the last call, forget deleted ones, re-read names and
        statuses (they change; texts do not)."""
        own = self.project.version_annotator
        infos = self.project.query("listing the documents", lambda conn: document_infos(conn, own))
        self.documents = {info.doc_id: info for info in infos}
        for gone in self._texts.keys() - self.documents.keys():
            del self._texts[gone]
        missing = [doc_id for doc_id in self.documents if doc_id not in self._texts]
        if missing:
            for text in self.project.query("reading texts", lambda conn: read_texts(conn, missing)):
                self._texts[text.doc_id] = text

    def texts(self, doc_ids: Iterable[int] | None = None) -> list[DocumentText]:
        """Texts of ``doc_ids`` (all documents by default), in list order."""
        self.refresh()
        if doc_ids is None:
            return [self._texts[doc_id] for doc_id in self.documents]
        wanted = set(doc_ids)
        return [self._texts[doc_id] for doc_id in self.documents if doc_id in wanted]

    def known_texts(self) -> dict[int, DocumentText]:
        """The texts read so far, for a worker's :func:`read_listing` (a copy)."""
        return dict(self._texts)

    def keep_texts(self, texts: Mapping[int, DocumentText]) -> None:
        """Keep texts a worker read (a document deleted since is forgotten at the next refresh)."""
        self._texts.update(texts)

    def text(self, doc_id: int) -> DocumentText:
        if doc_id not in self._texts:
            self.refresh()
        return self._texts[doc_id]

    def span_rows(self, doc_ids: Collection[int] | None = None) -> dict[int, list[SpanRow]]:
        """The entities of ``doc_ids`` (all documents by default; the result may hold more)
        by document, sorted by start, as plain rows (making 100,000 Span objects would cost
        more than the search). Once all are in memory, a new revision of the project reads
        again only the documents whose spans changed (``documents.spans_revision``)."""
        current = self.project.query("reading the revision", revision)
        if current == self._revision:
            return self._span_rows
        if self._revision is not None:
            since = self._revision
            changed = self.project.query("reading entities", lambda conn: changed_since(conn, since))
            if changed is not None and len(changed) <= FEW_DOCUMENTS:
                rows = self._rows_by_document(changed)
                for doc_id in changed:
                    self._span_rows[doc_id] = rows.get(doc_id, [])
                self._revision = current
                return self._span_rows
        if doc_ids is not None and len(doc_ids) <= FEW_DOCUMENTS:
            return self._rows_by_document(doc_ids)  # a few documents now, all of them later
        own = self.project.version_annotator
        rows = self.project.query("reading entities", lambda conn: all_span_rows(conn, own))
        self._span_rows = {doc_id: list(group) for doc_id, group in groupby(rows, itemgetter(0))}
        self._revision = current
        return self._span_rows

    def _rows_by_document(self, doc_ids: Collection[int]) -> dict[int, list[SpanRow]]:
        if not doc_ids:
            return {}
        own = self.project.version_annotator
        rows = self.project.query("reading entities", lambda conn: span_rows_of(conn, list(doc_ids), own))
        return {doc_id: list(group) for doc_id, group in groupby(rows, itemgetter(0))}

    def stored(self) -> StoredRows:
        """The entity rows kept, and their revision, for a worker to bring up to date
        (core/corpus/stored_entities.py); a copy, as :meth:`span_rows` changes its own."""
        return StoredRows(dict(self._span_rows), self._revision)

    def keep(self, read: StoredRows) -> None:
        """Keep the rows a worker read, unless those kept here are as new or newer."""
        if read.revision is not None and (self._revision is None or read.revision > self._revision):
            self._span_rows, self._revision = read.rows, read.revision

    def spans(self, doc_id: int) -> list[Span]:
        """The current entities of one document."""
        return [to_span(row) for row in self.span_rows([doc_id]).get(doc_id, ())]


def to_span(row: SpanRow) -> Span:
    return Span(row[1], row[2], row[3], _SOURCES[row[4]], row[5], row[6])


def read_label_rows(conn: Connection, label: str, annotator: str | None) -> list[SpanRow]:
    """Entities labelled ``label`` in ``annotator``'s versions (project_rows.of_annotator)."""
    condition, parameters = of_annotator(annotator)
    return with_links(
        conn, "SELECT document_id, start_char, end_char, label, source, confidence, {links} FROM spans"
        f" WHERE label = ?{condition} ORDER BY document_id, start_char", (label, *parameters))


def span_rows_of(conn: Connection, doc_ids: list[int], annotator: str | None) -> list[SpanRow]:
    condition, parameters = of_annotator(annotator)
    return with_links(
        conn, "SELECT document_id, start_char, end_char, label, source, confidence, {links} FROM spans"
        f" WHERE document_id IN ({', '.join('?' * len(doc_ids))}){condition} ORDER BY document_id, start_char",
        (*doc_ids, *parameters))


def all_span_rows(conn: Connection, annotator: str | None) -> list[SpanRow]:
    condition, parameters = of_annotator(annotator)
    return with_links(
        conn, "SELECT document_id, start_char, end_char, label, source, confidence, {links} FROM spans"
        f" WHERE 1 = 1{condition} ORDER BY document_id, start_char", parameters)


_SOURCES = {str(s): s for s in Source}


def document_infos(conn: Connection, annotator: str | None) -> list[DocumentInfo]:
    """Every document with its status in ``annotator``'s version (project_rows.with_status)."""
    join, status, parameters = with_status(annotator)
    rows = conn.execute(f"SELECT d.id, d.name, {status} FROM documents d{join} ORDER BY d.position, d.id", parameters)
    return [DocumentInfo(doc_id, name, Status(status)) for doc_id, name, status in rows]


def read_texts(conn: Connection, doc_ids: list[int]) -> list[DocumentText]:
    sql = "SELECT document_id, text, tokens FROM document_contents"
    if len(doc_ids) <= FEW_DOCUMENTS:  # a few added since the last search
        sql += f" WHERE document_id IN ({', '.join('?' * len(doc_ids))})"
    wanted = set(doc_ids)
    texts = []
    for doc_id, text, tokens in conn.execute(sql, doc_ids if len(doc_ids) <= FEW_DOCUMENTS else ()):
        if doc_id in wanted:
            flat = array(_UINT32)
            flat.frombytes(tokens)
            if sys.byteorder == "big":
                flat.byteswap()
            texts.append(DocumentText(doc_id, text, flat[0::2], flat[1::2], _lower(text)))
    return texts


def _lower(text: str) -> str | None:
    lower = text.lower()
    return lower if len(lower) == len(text) else None


def _one_line(text: str) -> str:
    # Most contexts hold no line break; str.translate is slow, so only they pay for it.
    return text.translate(_ONE_LINE) if "\n" in text or "\t" in text or "\r" in text else text
