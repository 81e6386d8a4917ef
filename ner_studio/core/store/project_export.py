"""Reading many documents of a project for an export when some cannot be read.

Why: one document with damaged bytes (invalid UTF-8 in its text, an unreadable row) stopped
``project export`` of all the others, naming none (issue 24). Each document is read on its
own; those that fail are listed with their name and the reason, and the caller decides:
refuse, saying how to go on, or write the others and name the damaged ones. And whose version
each exported document is and when it changed, for the entity spreadsheet (the writer in
formats/ is handed it: formats does not read the store).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ner_studio.core.text.document import Document
from ner_studio.core.errors import ProjectLockedError
from ner_studio.core.formats.spreadsheet import Attribution
from ner_studio.core.store.annotators import GOLD, display_name, version_times


@dataclass(frozen=True)
class Damaged:
    """A document that cannot be read, and why."""

    doc_id: int
    name: str
    reason: str

    def __str__(self) -> str:
        name = f" {self.name!r}" if self.name else ""
        return f"document {self.doc_id}{name} ({self.reason})"


def read_each(load: Callable[[int], Document], documents: Iterable[tuple[int, str]]) -> tuple[list[Document], list[Damaged]]:
    """``load(doc_id)`` for each ``(doc_id, name)``: the documents read, in order, and the
    damaged ones. A locked or closed project is not damage and raises as usual."""
    read, damaged = [], []
    for doc_id, name in documents:
        try:
            read.append(load(doc_id))
        except ProjectLockedError:
            raise
        # Damaged bytes can break decoding anywhere (UTF-8, offsets, JSON); see project_check.
        except Exception as error:  # noqa: BLE001
            damaged.append(Damaged(doc_id, name, _first_line(error)))
    return read, damaged


def damage_report(damaged: list[Damaged], total: int) -> str:
    """One line naming the damaged documents (the first five)."""
    named = "; ".join(map(str, damaged[:5])) + (f"; and {len(damaged) - 5} more" if len(damaged) > 5 else "")
    return f"{len(damaged)} of {total} documents cannot be read: {named}"


def _first_line(error: Exception) -> str:
    reason = getattr(error, "reason", None) or str(error)
    lines = reason.strip().splitlines()
    return lines[0] if lines else type(error).__name__


def version_attribution(project, annotator: str | None = None):
    """``doc -> Attribution`` for documents of ``project`` (a core Project): whose version of
    each was exported and when it last changed. ``annotator`` None: the gold version where
    curated, else the project's own annotator (what export and training use)."""
    own = project.version_annotator
    if own is None:  # a project from before annotators: no versions, no times
        return lambda doc: Attribution()
    times = project.query("reading when versions changed", version_times)
    curated = project.gold_documents() if annotator is None else set()

    def of(doc) -> Attribution:
        who = annotator if annotator is not None else GOLD if doc.doc_id in curated else own
        return Attribution(display_name(who), times.get((doc.doc_id, who), ""))

    return of


def export_documents(project, docs: list[Document], path, fmt: str, scheme: str = "iob2", *,
                     kb_column: bool = False):
    """What File > Export writes for ``docs`` of ``project``: the documents with their notes
    (JSONL ``meta.notes``, the spreadsheets' notes), whose version each is (spreadsheets), the
    catalogue's names of their links (JSONL ``kb_name``; ``kb_column``: CoNLL's column of links)
    and, beside a CoNLL or JSONL corpus with links, the catalogue itself: where it went, or None."""
    from ner_studio.core.formats.spreadsheet import export_entities  # openpyxl: when exporting
    from ner_studio.core.store.project_catalogue import export_catalogue_beside

    kb_names = project.kb_names()
    export_entities(project.with_notes(docs), path, fmt, scheme, version_attribution(project), kb_names, kb_column)
    return export_catalogue_beside(project, path) if kb_names and fmt in ("conll", "jsonl") else None
