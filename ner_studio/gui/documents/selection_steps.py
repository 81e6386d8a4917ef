"""Several documents at once, without Qt: the menu texts that say how many, the status a
document not reviewed gets back, and a status change of several documents as one undo step.

A status change of several documents (Mark 5 Documents Reviewed) puts one step on each
document's own undo stack, as Ctrl+Enter does, so Ctrl+Z in one of them takes back its part
and its history stays whole. :class:`SelectionStep` remembers where each part sits (the
stack's position after it and the step's menu text); Document > Undo Mark… takes back every part
still on top of its stack, and says which documents were edited since (Ctrl+Z there first).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ner_studio.core.plural import plural
from ner_studio.core.text.document import Document, Status
from ner_studio.core.text.spans import Source


def counted(count: int, template: str) -> str:
    """A menu text for ``count`` documents: ``counted(5, "Mark {} Reviewed")`` is "Mark 5
    Documents Reviewed", with one "Mark Document Reviewed"."""
    return template.format("Document" if count == 1 else plural(count, "Document"))


def status_not_reviewed(doc: Document) -> Status:
    """What Mark Not Reviewed makes a document: "predicted" if the model's entities are in
    it (confirmed or not), else "new" (a person's labels alone are no prediction)."""
    model = (Source.MODEL, Source.ACCEPTED)
    return Status.PREDICTED if any(span.source in model for span in doc.spans) else Status.NEW


@dataclass(frozen=True, slots=True)
class Part:
    """One document's share: its undo stack's position just after it, and its menu text."""

    doc_id: int
    index: int
    text: str


@dataclass
class SelectionStep:
    """A status change of several documents; ``text`` names it ("Mark 5 Documents Reviewed")."""

    text: str
    parts: list[Part] = field(default_factory=list)

    def on_top(self, doc_id: int, index: int, top_text: str | None) -> bool:
        """Whether ``doc_id``'s part is still the last step of its stack (``index`` the stack's
        position now, ``top_text`` the text of the step under it)."""
        part = next((p for p in self.parts if p.doc_id == doc_id), None)
        return part is not None and part.index == index and part.text == top_text
