"""One Find search as the worker thread runs it (gui/corpus/qt_find.py starts it): what was
asked, and what the worker made of it. Qt-free: the worker's part reads only the immutable
texts and the entities it is handed or reads on a connection of its own
(core/corpus/stored_entities.py), then joins them (core/corpus/find.py ``match_texts``,
``joined_hits``), so the hits arrive joined with their entities (that join held the UI thread
~120 ms for 39,000 matches of entities, the first read of the stored ones 0.27 s once, and
"Entities labelled LOC" ~76 ms of CPU for 12,448 entities)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from ner_studio.core.corpus.corpus_text import DocumentText, Listing, StoredRows
from ner_studio.core.corpus.find import (
    NO_ENTITIES,
    Entities,
    Hit,
    Query,
    Where,
    joined_hits,
    label_hits,
    match_texts,
)
from ner_studio.core.corpus.stored_entities import EntityRead
from ner_studio.core.errors import NerStudioError, SearchError
from ner_studio.core.logs import log_failure

log = logging.getLogger(__name__)
FirstRows = tuple[dict[int, int], dict[tuple[str, str], int]]  # by document id; by (label, source)


@dataclass(frozen=True)
class Search:
    """One search as asked (``number``: the how-manieth), the query and its options, where it
    looks (the shown document, or the project) and the entities there as it began
    (``entities``, or ``reads``: what the worker reads them with), or every entity of ``label``;
    and what the worker made of it: ``hits`` (None: cancelled), ``problem`` (a bad or runaway
    pattern) or ``error`` (a bug, logged), and ``stored``, ``listing``: the rows, the document
    list and the texts it read, for CorpusText."""

    number: int
    text: str
    options: dict
    where: Where
    doc: object = None  # the shown Document for "This document", else None (the project)
    entities: Entities = NO_ENTITIES
    reads: EntityRead | None = None
    label: str | None = None
    stored: StoredRows | None = None
    listing: Listing | None = None  # the document list and texts it read, for CorpusText and the names
    hits: list[Hit] | None = None
    spots: dict[int, list[tuple[int, int]]] | None = None  # the hits' [start, end) by document, sorted
    firsts: FirstRows | None = None  # the first row of each document and entity label (first_rows)
    problem: str = ""
    error: BaseException | None = None


def first_rows(hits: list[Hit]) -> FirstRows:
    """The first row of each document and of each entity ``(label, source)`` among ``hits``:
    the distinct values of the list's document and entity columns, whose longest its table
    measures (qt_hit_rows.HitRows.longest_rows) instead of every row."""
    documents: dict[int, int] = {}
    labels: dict[tuple[str, str], int] = {}
    for row, hit in enumerate(hits):
        documents.setdefault(hit.doc.doc_id, row)
        if hit.entities:
            labels.setdefault((hit.entities[0].label, hit.entities[0].source), row)
    return documents, labels


def placed(search: Search) -> Search:
    """``search`` with its hits' places by document, for the window to count the documents and
    highlight those on screen by bisection, and their :func:`first_rows`: over 12,119 hits on
    the UI thread these passes were ~30 ms a search, the highlights' again at every scroll."""
    if search.hits is None:
        return search
    spots: dict[int, list[tuple[int, int]]] = {}
    for hit in search.hits:
        spots.setdefault(hit.doc.doc_id, []).append((hit.start, hit.end))
    for places in spots.values():
        places.sort()
    return replace(search, spots=spots, firsts=first_rows(search.hits))


def match_job(search: Search, texts: list[DocumentText] | None, _report, should_stop) -> Search:
    """The worker's part: the matches of ``search`` in ``texts`` (None: the project's, as its
    ``reads`` lists them). It always returns, so the result names its search: the worker's
    ``failed`` would not say which search failed."""
    try:
        if search.reads is not None:
            shown, stored, read, listing = search.reads.read_all()
            search = replace(search, entities=Entities(shown, stored), reads=None, stored=read, listing=listing)
            if listing is not None:
                texts = listing.texts
        if search.label is not None:
            return placed(replace(search, hits=label_hits(texts, search.entities, search.label, should_stop)))
        query = Query(search.text, **search.options)  # its time budget starts here, in the worker
        found = match_texts(texts, query, should_stop)
        return placed(replace(search, hits=None if found is None else joined_hits(found, search.entities,
                                                                                  search.where, should_stop)))
    except SearchError as error:  # the analyst's pattern: said under the query, not logged
        return replace(search, problem=str(error))
    except NerStudioError as error:  # the store's (a lost server, a locked file): said, as a read here would be
        log.warning("finding text: %s", error)
        return replace(search, error=error)
    except Exception as error:  # noqa: BLE001 - a bug: logged here with its trace, then said
        log_failure(log, "finding text", error)
        return replace(search, error=error)
