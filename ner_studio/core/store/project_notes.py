"""Notes in a project (the ``notes`` table, project_schema ``_NOTES``): written, edited,
resolved and deleted by any annotator, seen by all of them (a note is about the text, not
about one annotator's version of it), deleted with their document.

Every write stamps ``project_info.notes_revision`` with the revision it commits and tells other
instances that notes changed (core/store/project_changes.py), so their Notes docks follow.
:class:`ProjectNotes` is the Project's side; the functions take an open connection.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable

from ner_studio.core.errors import ProjectError
from ner_studio.core.events import Signal
from ner_studio.core.store.project_dialect import Connection
from ner_studio.core.store.project_schema import NEXT_REVISION, now
from ner_studio.core.text.document import Document
from ner_studio.core.text.notes import NOTES_META, Note, check_range

_COLUMNS = "n.id, n.document_id, n.start_char, n.end_char, n.author, n.created, n.modified, n.text, n.resolved"


def _note(row) -> Note:
    note_id, doc_id, start, end, author, created, modified, text, resolved = row
    return Note(note_id, doc_id, start, end, author, created, modified, text, bool(resolved))


def stamp_notes(conn: Connection) -> None:
    """Record that this transaction changed notes (its revision: bump_revision runs last)."""
    conn.execute(f"UPDATE project_info SET value = {NEXT_REVISION} WHERE key = 'notes_revision'")


def notes_revision(conn: Connection) -> int:
    """The revision that last changed a note (0: none, or a project from before notes)."""
    row = conn.execute("SELECT value FROM project_info WHERE key = 'notes_revision'").fetchone()
    return int(row[0]) if row else 0


def insert_note(conn: Connection, note: Note) -> Note:
    [(note_id,)] = conn.execute(
        "INSERT INTO notes (document_id, start_char, end_char, author, created, modified, text, resolved)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (note.document_id, note.start, note.end, note.author, note.created, note.modified, note.text,
         int(note.resolved))).fetchall()
    stamp_notes(conn)
    return Note(note_id, note.document_id, note.start, note.end, note.author, note.created, note.modified,
                note.text, note.resolved)


def read_note(conn: Connection, note_id: int) -> Note | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM notes n WHERE n.id = ?", (note_id,)).fetchone()
    return None if row is None else _note(row)


def read_notes(conn: Connection, doc_ids: Iterable[int] | None = None, *, open_only: bool = False) -> list[Note]:
    """Notes in list order (document position, then when written); of ``doc_ids`` only if given."""
    where = ["n.resolved = 0"] if open_only else []
    parameters: list = []
    if doc_ids is not None:
        ids = list(doc_ids)
        if not ids:
            return []
        where.append(f"n.document_id IN ({', '.join('?' * len(ids))})")
        parameters.extend(ids)
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    rows = conn.execute(f"SELECT {_COLUMNS} FROM notes n JOIN documents d ON d.id = n.document_id{clause}"
                        " ORDER BY d.position, d.id, n.created, n.id", parameters).fetchall()
    return [_note(row) for row in rows]


def insert_imported_notes(conn: Connection, doc_id: int, doc: Document, author: str) -> int:
    """The notes a file brought with ``doc`` (``doc.meta["notes"]``, read by the JSONL reader)
    on document ``doc_id``, those it has already (same text, range, author and time: an
    export of this project read back) left out; returns how many were added."""
    records = doc.meta.get(NOTES_META) or ()
    if not records:
        return 0
    have = {(n.text, n.start, n.end, n.author, n.created) for n in read_notes(conn, [doc_id])}
    added = 0
    for record in records:
        created = record.get("created") or now()
        note = Note(None, doc_id, record.get("start"), record.get("end"), record.get("author") or author,
                    created, created, record["text"], bool(record.get("resolved")))
        if (note.text, note.start, note.end, note.author, note.created) not in have:
            insert_note(conn, note)
            added += 1
    return added


class ProjectNotes:
    """Notes of a :class:`~ner_studio.core.store.project.Project` (a mixin: it uses the
    project's ``_read``, ``_write`` and ``annotator``). Notes are written at once, never by
    the writer thread (core/store/journal_writer.py), so reading them does not wait for a
    step's write in flight: a teammate's note shows while a Label All is being saved."""

    @property
    def notes_changed(self) -> Signal:
        """Emits after notes changed: written here, or (gui/shell/qt_live.py) by another instance."""
        signal = self.__dict__.get("_notes_changed")
        if signal is None:
            signal = self.__dict__["_notes_changed"] = Signal()
        return signal

    def add_note(self, doc_id: int, text: str, start: int | None = None, end: int | None = None) -> Note:
        """A new open note by whom the project is open as, on ``[start, end)`` of document
        ``doc_id`` (both None: on the document)."""
        text = _checked_text(text, self.where)

        def add(conn):
            row = conn.execute("SELECT LENGTH(text) FROM document_contents WHERE document_id = ?", (doc_id,)).fetchone()
            if row is None:
                raise ProjectError(f"there is no document {doc_id} in this project", self.where)
            try:
                first, last = check_range(start, end, row[0])
            except ValueError as error:
                raise ProjectError(str(error), self.where) from None
            stamp = now()
            return insert_note(conn, Note(None, doc_id, first, last, self.annotator, stamp, stamp, text))

        return self._changed_notes(self._write("saving a note", add, notes=True))

    def restore_note(self, note: Note) -> Note:
        """``note`` (deleted, say) written again as it was: author, times, text, state; a new id."""
        def restore(conn):
            return insert_note(conn, Note(None, note.document_id, note.start, note.end, note.author, note.created,
                                          note.modified, _checked_text(note.text, self.where), note.resolved))

        return self._changed_notes(self._write("saving a note", restore, notes=True))

    def edit_note(self, note_id: int, text: str) -> Note:
        text = _checked_text(text, self.where)
        return self._update_note(note_id, "text = ?", text)

    def set_note_resolved(self, note_id: int, resolved: bool = True) -> Note:
        return self._update_note(note_id, "resolved = ?", int(resolved))

    def put_note_state(self, note_id: int, state: Note) -> Note:
        """Note ``note_id`` given ``state``'s text, resolved or not and modified time: an undo
        (or redo) of an edit or a resolve puts the note back as it was, its time too, rather
        than making a new change of the undo."""
        text = _checked_text(state.text, self.where)
        return self._update_note(note_id, "text = ?, resolved = ?", (text, int(state.resolved)), state.modified)

    def delete_note(self, note_id: int) -> None:
        def delete(conn):
            conn.execute("DELETE FROM notes WHERE id = ?", (note_id,))
            stamp_notes(conn)

        self._write("deleting a note", delete, notes=True)
        self.notes_changed.emit()

    def note(self, note_id: int) -> Note | None:
        return self._read("reading a note", lambda conn: read_note(conn, note_id), settled=False)

    def notes(self, doc_ids: Iterable[int] | None = None, *, open_only: bool = False) -> list[Note]:
        """The notes of the project (of ``doc_ids`` only, if given) in list order."""
        return self._read("reading the notes", lambda conn: read_notes(conn, doc_ids, open_only=open_only)
                          if _has_notes(conn) else [], settled=False)

    def documents_with_open_notes(self) -> set[int]:
        def read(conn):
            if not _has_notes(conn):
                return set()
            return {doc_id for (doc_id,) in conn.execute("SELECT DISTINCT document_id FROM notes WHERE resolved = 0")}

        return self._read("reading the notes", read, settled=False)

    def with_notes(self, docs: Iterable[Document]) -> list[Document]:
        """``docs`` as an export writes them: a copy of each that has notes, with their records
        in ``meta["notes"]`` (JSONL ``meta.notes``, the spreadsheet's notes); the documents
        themselves are not changed."""
        docs = list(docs)
        by_doc: dict[int, list[dict]] = {}
        for note in self.notes([doc.doc_id for doc in docs if doc.doc_id is not None]):
            by_doc.setdefault(note.document_id, []).append(note.record())
        result = []
        for doc in docs:
            records = by_doc.get(doc.doc_id)
            if records:
                doc = copy.copy(doc)
                doc.meta = {**doc.meta, NOTES_META: records}
            result.append(doc)
        return result

    def _update_note(self, note_id: int, assignment: str, values, modified: str | None = None) -> Note:
        """``assignment``'s ``?`` take ``values`` (one value, or a tuple of them)."""
        values = values if isinstance(values, tuple) else (values,)

        def update(conn):
            conn.execute(f"UPDATE notes SET {assignment}, modified = ? WHERE id = ?",
                         (*values, modified or now(), note_id))
            stamp_notes(conn)
            note = read_note(conn, note_id)
            if note is None:
                raise ProjectError("the note was deleted meanwhile (perhaps by someone else)", self.where)
            return note

        return self._changed_notes(self._write("saving a note", update, notes=True))

    def _changed_notes(self, note: Note) -> Note:
        self.notes_changed.emit()
        return note


def _checked_text(text: str, where) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ProjectError("a note needs some text", where)
    return text


def _has_notes(conn: Connection) -> bool:
    """False in a project opened read-only before notes (nothing noted yet): its
    ``project_info`` has no ``notes_revision`` (the migration adds both)."""
    return conn.execute("SELECT 1 FROM project_info WHERE key = 'notes_revision'").fetchone() is not None
