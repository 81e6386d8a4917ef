"""What Ctrl+S writes, put in words (no Qt).

A tester could not tell whether Save wrote the one document on screen or all thirty read
from the same file, nor that it was about to rewrite the file they had imported (issue 23).
The Save dialog offers these sets by what they are ("all 30 documents of report.conll",
"this document", "the 12 reviewed documents"), the status bar repeats the one written, and
:func:`rewritten_source` finds the imported file a target would replace, so the window can ask.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from ner_studio.core.store.project_rows import DocumentSummary


@dataclass(frozen=True)
class SaveSet:
    """Documents Save can write: ``which`` is remembered with the file, ``ids`` are in order."""

    which: str  # "source" (those read from the current document's file), "current", "reviewed", "all"
    ids: tuple[int, ...]
    description: str


def save_sets(current: int, summaries: Sequence[DocumentSummary], reviewed: Collection[int]) -> list[SaveSet]:
    """The sets offered when the current document is ``current``, the most likely first:
    documents read from one file are written back together, so none of them goes missing
    from it; sets that would repeat another are left out."""
    by_id = {s.doc_id: s for s in summaries}
    source = by_id[current].source_path if current in by_id else None
    sets = []
    siblings = tuple(s.doc_id for s in summaries if source and s.source_path == source)
    if len(siblings) > 1:
        sets.append(SaveSet("source", siblings, f"all {len(siblings)} documents of {Path(source).name}"))
    sets.append(SaveSet("current", (current,), "this document"))
    done = {tuple(s.ids) for s in sets}
    kept = tuple(s.doc_id for s in summaries if s.doc_id in reviewed)
    if kept and kept not in done:
        words = "the reviewed document" if len(kept) == 1 else f"the {len(kept)} reviewed documents"
        sets.append(SaveSet("reviewed", kept, words))
        done.add(kept)
    everything = tuple(s.doc_id for s in summaries)
    if everything not in done:
        sets.append(SaveSet("all", everything, f"all {len(everything)} documents of the project"))
    return sets


def chosen_set(sets: Sequence[SaveSet], which: str | None) -> SaveSet:
    """The set remembered as ``which`` (a file saved before sets had names: the first)."""
    return next((s for s in sets if s.which == which), sets[0])


def rewritten_source(target: Path, summaries: Sequence[DocumentSummary]) -> tuple[str, list[int]] | None:
    """``(file name, ids of the documents imported from it)`` when writing ``target`` would
    replace a file documents of the project were imported from; else None."""
    try:
        resolved = str(Path(target).expanduser().resolve())
    except OSError:
        return None
    ids = [s.doc_id for s in summaries if s.source_path and s.source_path == resolved]
    return (Path(resolved).name, ids) if ids else None
