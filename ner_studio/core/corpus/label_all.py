"""Label all occurrences of a surface string: a preview to tick, then per-document edits.

The preview lists every whole-token occurrence with its context, current entity and what
applying would do. Ticked by default: occurrences that would gain or change a suggestion's
label. Unticked by default, and saying why: occurrences in reviewed documents, those holding
a confirmed (human or accepted) entity, and those overlapping entities that do not cover them
exactly ("Lisbon" inside "University of Lisbon"): applying a ticked one of these replaces the
entities it overlaps, so the analyst chooses it knowingly; nothing is dropped silently.

Applying is :meth:`Project.edit_documents` on :func:`label_all_edits`, one transaction; its undo
is :func:`undo_edits` of the same list. Both are one step on the GUI's undo stack. With a
``kb_id`` the same preview and edits link every occurrence to that catalogue entry too ("Link
All Occurrences", gui/catalogue): an entity already so labelled but not so linked changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from ner_studio.core.corpus.corpus_text import CorpusText
from ner_studio.core.text.document import Status
from ner_studio.core.corpus.find import Hit, find
from ner_studio.core.store.project_rows import SpansDelta
from ner_studio.core.text.spans import Source, Span


class Change(StrEnum):
    """What applying the label does at one occurrence."""

    ADD = "add"  # no entity there yet
    RELABEL = "relabel"  # an entity covers exactly this text: it gets the new label
    NONE = "none"  # already a confirmed entity with this label
    REPLACE = "replace"  # overlaps other entities, which would be removed


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One whole-token occurrence: where (``hit``: document, range, context, the entities it
    overlaps), what applying would do, and whether it is ticked (``note`` says why not)."""

    hit: Hit
    document: str  # the document's name
    reviewed: bool  # the document is marked reviewed
    change: Change
    ticked: bool
    note: str

    @property
    def doc_id(self) -> int:
        return self.hit.doc_id

    @property
    def start(self) -> int:
        return self.hit.start

    @property
    def end(self) -> int:
        return self.hit.end

    @property
    def entities(self) -> tuple[Span, ...]:
        return self.hit.entities

    @property
    def label(self) -> str | None:
        """The current label, if an entity overlaps the occurrence."""
        return self.hit.label

    @property
    def source(self) -> Source | None:
        return self.hit.source


def preview_label_all(corpus: CorpusText, surface: str, label: str, *,
                      case_sensitive: bool = True, kb_id: str | None = None) -> list[Occurrence]:
    """Every whole-token occurrence of ``surface`` in the project, in document order
    (``kb_id``: linked to that catalogue entry too)."""
    hits = find(corpus, surface, whole_tokens=True, case_sensitive=case_sensitive)
    return preview_hits(corpus, hits, label, kb_id=kb_id)


def preview_hits(corpus: CorpusText, hits: Iterable[Hit], label: str, *,
                 kb_id: str | None = None) -> list[Occurrence]:
    """``hits`` (a Find result: a regular expression's matches, say) as occurrences to label
    ``label`` (and link to ``kb_id``), ticked or not by the same rules."""
    hits = list(hits)
    if any(hit.doc_id not in corpus.documents for hit in hits):
        corpus.refresh()  # hits of the open document: its project's list may not be read yet
    documents = corpus.documents
    occurrences = []
    for hit in hits:
        info = documents[hit.doc_id]
        reviewed = info.status == Status.REVIEWED
        change = _change(hit.start, hit.end, hit.entities, label, kb_id)
        only_link = kb_id is not None and change == Change.RELABEL and hit.entities[0].label == label
        note = _note(change, () if only_link else hit.entities, reviewed,
                     linked=kb_id is not None)  # a link alone loses nothing
        occurrences.append(Occurrence(hit, info.name, reviewed, change, not note, note))
    return occurrences


def label_all_edits(occurrences, label: str, kb_id: str | None = None) -> list[SpansDelta]:
    """The span edits, one per document, that give each of ``occurrences`` (the ticked ones)
    ``label`` as a human entity, removing the entities they overlap; ``kb_id`` links them.
    Without one, an entity keeps its link only where it keeps its extent and label."""
    by_doc: dict[int, tuple[dict[Span, None], list[Span]]] = {}
    for occurrence in occurrences:
        if occurrence.change == Change.NONE:
            continue
        removed, added = by_doc.setdefault(occurrence.doc_id, ({}, []))
        removed.update(dict.fromkeys(occurrence.entities))
        link = kb_id
        if link is None and occurrence.change == Change.RELABEL and occurrence.entities[0].label == label:
            link = occurrence.entities[0].kb_id
        added.append(Span(occurrence.start, occurrence.end, label, Source.HUMAN, kb_id=link))
    return [SpansDelta(doc_id, tuple(removed), tuple(added)) for doc_id, (removed, added) in by_doc.items()]


def undo_edits(edits: list[SpansDelta]) -> list[SpansDelta]:
    """The edits that take ``edits`` back."""
    return [SpansDelta(edit.doc_id, edit.added, edit.removed) for edit in reversed(edits)]


def _change(start: int, end: int, entities: tuple[Span, ...], label: str, kb_id: str | None = None) -> Change:
    if not entities:
        return Change.ADD
    if len(entities) == 1 and entities[0].start == start and entities[0].end == end:
        span = entities[0]
        done = span.label == label and span.confirmed and (kb_id is None or span.kb_id == kb_id)
        return Change.NONE if done else Change.RELABEL
    return Change.REPLACE


def _note(change: Change, entities: tuple[Span, ...], reviewed: bool, linked: bool = False) -> str:
    if change == Change.NONE:
        return "already labelled and linked so" if linked else "already labelled so"
    if reviewed:
        return "in a reviewed document"
    confirmed = [s for s in entities if s.confirmed]
    if confirmed:
        return f"has a confirmed {confirmed[0].label} entity"
    if change == Change.REPLACE:
        return "overlaps " + ", ".join(f"the {s.label} entity" for s in entities)
    return ""
