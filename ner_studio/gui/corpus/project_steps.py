"""A project-wide edit (Label All, Harmonise, patterns) as undo sees it: one part per document
it changed, each standing or taken back.

Two undos reach the same parts: Ctrl+Z in an open document takes back that document's part
(its own undo stack holds it beside the analyst's other edits), and Edit > Undo Label All
takes back every part still standing, in open documents and in those only on disk. Each reads
and sets ``standing``, so neither takes a part back twice and neither clears other history.
"""

from __future__ import annotations

from dataclasses import dataclass

from ner_studio.core.corpus.label_all import undo_edits
from ner_studio.core.store.project_rows import SpansDelta
from ner_studio.core.store.step_files import UnsavedStep


@dataclass(eq=False)
class DocumentPart:
    """One document's share of a project-wide edit; ``delta`` as stored (what undo removes)."""

    delta: SpansDelta
    standing: bool = True

    @property
    def doc_id(self) -> int:
        return self.delta.doc_id


@dataclass(eq=False)
class ProjectStep:
    """A project-wide edit applied in one transaction; ``text`` names it in the Edit menu
    ("Label All 'Lisbon' as LOC"). ``undone``: the parts take the step ``text`` back (its undo,
    left by a kill and recovered at opening), so taking them back applies ``text`` again."""

    text: str
    parts: list[DocumentPart]
    undone: bool = False

    @classmethod
    def applied(cls, text: str, stored: list[SpansDelta]) -> ProjectStep:
        return cls(text, [DocumentPart(delta) for delta in stored])

    @classmethod
    def recovered(cls, steps: list[UnsavedStep]) -> ProjectStep | None:
        """The last of ``steps`` (left unsaved by a kill, committed when the project was opened
        again: core/store/step_files.py) as Edit > Undo Label All takes it back; None if none."""
        if not steps:
            return None
        step = steps[-1]
        deltas = [SpansDelta(e.doc_id, e.removed, e.added) for e in step.own_edits if isinstance(e, SpansDelta)]
        if not deltas:
            return None
        return cls(step.name or "the recovered step", [DocumentPart(delta) for delta in deltas], step.undo)

    @property
    def menu_text(self) -> str:
        """What taking the step back does, for the Edit menu: "Undo Label All 'Lisbon' as LOC
        in Every Document", or for a recovered undo "Redo ...". (Ctrl+Z's item above it names
        the same step: it takes back the shown document's part.)"""
        return f"{'Redo' if self.undone else 'Undo'} {self.text} in Every Document"

    def standing(self) -> list[DocumentPart]:
        """The parts not taken back yet (by either undo)."""
        return [part for part in self.parts if part.standing]

    def take_back_edits(self) -> list[SpansDelta]:
        """The edits that take back every part still standing, for ``Project.edit_documents``."""
        return undo_edits([part.delta for part in self.standing()])
