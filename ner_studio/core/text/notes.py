"""Notes: what analysts write to each other about an entity or a whole document (INCEpTION's
and Label Studio's comments).

A note on an entity is anchored by the entity's character offsets ``[start, end)``, not by the
entity: spans are offsets on the text, so a note stays where it was when the entity is
relabelled, and when the entity is deleted it remains a note on that text range (it is never
lost with the entity). A document note has no range (``start`` and ``end`` None).

In files a note travels as a plain record (JSONL ``meta.notes``, a spreadsheet's notes): see
:meth:`Note.record` and :func:`notes_from_records`. ``doc.meta["notes"]`` (:data:`NOTES_META`)
holds such records while a document is between a file and a project.
"""

from __future__ import annotations

from dataclasses import dataclass

NOTES_META = "notes"  # the key of a document's note records in ``doc.meta`` and in JSONL ``meta``
RECORD_FIELDS = ("text", "author", "created", "resolved", "start", "end")


@dataclass(frozen=True)
class Note:
    """One note. ``id`` and ``document_id`` are the project's (None before it is stored);
    ``created`` and ``modified`` are ISO 8601 times; ``author`` the annotator who wrote it."""

    id: int | None
    document_id: int | None
    start: int | None
    end: int | None
    author: str
    created: str
    modified: str
    text: str
    resolved: bool = False

    @property
    def on_document(self) -> bool:
        return self.start is None

    def overlaps(self, start: int, end: int) -> bool:
        """Whether this note's range shares a character with ``[start, end)`` (a document note never)."""
        return self.start is not None and self.start < end and start < self.end

    def record(self) -> dict:
        """The note as a file carries it: ``{text, author, created, resolved, start, end}``."""
        return {"text": self.text, "author": self.author, "created": self.created, "resolved": self.resolved,
                "start": self.start, "end": self.end}

    def excerpt(self, width: int = 80) -> str:
        """The note's text on one line, cut to ``width`` characters with an ellipsis."""
        line = " ".join(self.text.split())
        return line if len(line) <= width else line[: width - 1] + "…"


def check_range(start, end, text_length: int) -> tuple[int | None, int | None]:
    """``(start, end)`` checked: both None (a document note) or ``0 <= start < end <= text_length``;
    a ValueError says what is wrong."""
    if start is None and end is None:
        return None, None
    if not (_is_int(start) and _is_int(end)):
        raise ValueError(f"a note's start and end are character offsets (or both null), got {start!r} and {end!r}")
    if not 0 <= start < end <= text_length:
        raise ValueError(f"a note's range {start}-{end} is not inside the text ({text_length} characters)")
    return start, end


def note_from_record(record, text_length: int) -> Note:
    """A note read from a file's record (see :meth:`Note.record`); a ValueError says what is wrong."""
    if not isinstance(record, dict):
        raise ValueError(f"each of meta.notes is an object with {', '.join(RECORD_FIELDS)}; got {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError('each note needs a "text" string that is not empty')
    author, created = record.get("author", ""), record.get("created", "")
    if not isinstance(author, str) or not isinstance(created, str):
        raise ValueError('a note\'s "author" and "created" are strings')
    resolved = record.get("resolved", False)
    if not isinstance(resolved, bool):
        raise ValueError(f'a note\'s "resolved" is true or false, got {resolved!r}')
    start, end = check_range(record.get("start"), record.get("end"), text_length)
    return Note(None, None, start, end, author, created, created, text, resolved)


def notes_from_records(value, text_length: int) -> list[Note]:
    """The notes of a ``meta.notes`` list; a ValueError names the first bad one."""
    if not isinstance(value, list):
        raise ValueError(f'"meta.notes" must be a list of notes, got {type(value).__name__}')
    notes = []
    for k, record in enumerate(value, 1):
        try:
            notes.append(note_from_record(record, text_length))
        except ValueError as error:
            raise ValueError(f"note {k} of meta.notes: {error}") from None
    return notes


def notes_on(notes, start: int, end: int) -> list[Note]:
    """The notes among ``notes`` whose range overlaps ``[start, end)`` (an entity's notes)."""
    return [note for note in notes if note.overlaps(start, end)]


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
