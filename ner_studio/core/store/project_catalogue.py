"""The entity catalogue in the project (schema ``_CATALOGUE``): its entries, shared by the
whole team, and the spans linked to them (``spans.kb_id``).

A link is a field of its span (core/text/spans.py), so linking a mention is an ordinary span
edit of the annotator's version: saved, undone and compared like a relabelling. What is here
changes the catalogue itself. Merging, renaming and deleting entries act on every version's
links at once (the catalogue is the team's), in one transaction that stamps the documents it
touches (their spans change: project_schema ``_V3``), so other instances reload them; every
catalogue write also sets ``catalogue_revision``, which tells them to read the entries again
(gui/catalogue follows the live-update poll).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from ner_studio.core.catalogue.entries import CatalogueEntry, CatalogueSnapshot, EntryCounts
from ner_studio.core.catalogue.files import write_catalogue
from ner_studio.core.errors import ProjectError
from ner_studio.core.store.project_dialect import Connection
from ner_studio.core.store.project_rows import of_annotator, with_links
from ner_studio.core.store.project_schema import NEXT_REVISION, now


class Mention(NamedTuple):
    """One span linked to an entry, in the version read."""

    doc_id: int
    start: int
    end: int
    label: str
    source: str


def read_entries(conn: Connection) -> list[CatalogueEntry]:
    """Every entry; none in a project file opened read-only before the catalogue's migration."""
    try:
        rows = conn.execute("SELECT id, name, label, aliases, external_id, description FROM catalogue_entries"
                            " ORDER BY name, id").fetchall()
    except sqlite3.OperationalError as error:
        if "catalogue_entries" not in str(error):
            raise
        return []
    return [CatalogueEntry(i, name, label, tuple(json.loads(aliases)), external, description)
            for i, name, label, aliases, external, description in rows]


def read_catalogue_revision(conn: Connection) -> int:
    row = conn.execute("SELECT value FROM project_info WHERE key = 'catalogue_revision'").fetchone()
    return int(row[0]) if row else 0


def _stamp(conn: Connection) -> None:
    conn.execute(f"UPDATE project_info SET value = {NEXT_REVISION} WHERE key = 'catalogue_revision'")


def write_entries(conn: Connection, entries: Iterable[CatalogueEntry]) -> int:
    """Insert or replace ``entries`` (by id); returns how many."""
    stamp = now()
    rows = [(e.entry_id, e.name, e.label, json.dumps(list(e.aliases), ensure_ascii=False), e.external_id,
             e.description, stamp) for e in entries]
    conn.executemany(
        "INSERT INTO catalogue_entries (id, name, label, aliases, external_id, description, modified)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name,"
        " label = excluded.label, aliases = excluded.aliases, external_id = excluded.external_id,"
        " description = excluded.description, modified = excluded.modified", rows)
    _stamp(conn)
    return len(rows)


def read_entry(conn: Connection, entry_id: str) -> CatalogueEntry | None:
    return next((e for e in read_entries_by_id(conn, [entry_id])), None)


def read_entries_by_id(conn: Connection, ids: list[str]) -> list[CatalogueEntry]:
    if not ids:
        return []
    holders = ", ".join("?" for _ in ids)
    rows = conn.execute("SELECT id, name, label, aliases, external_id, description FROM catalogue_entries"
                        f" WHERE id IN ({holders})", ids).fetchall()
    return [CatalogueEntry(i, name, label, tuple(json.loads(aliases)), external, description)
            for i, name, label, aliases, external, description in rows]


def count_links(conn: Connection, entry_id: str) -> int:
    """Spans linked to ``entry_id`` in every version (what deleting it unlinks)."""
    (count,) = conn.execute("SELECT COUNT(*) FROM spans WHERE kb_id = ?", (entry_id,)).fetchone()
    return int(count)


def relink(conn: Connection, old: str, new: str | None) -> int:
    """Every span linked to ``old`` linked to ``new`` (None: unlinked); returns how many."""
    count = count_links(conn, old)
    if count:
        conn.execute("UPDATE spans SET kb_id = ? WHERE kb_id = ?", (new, old))
    return count


def entry_counts(conn: Connection, annotator: str | None) -> dict[str, EntryCounts]:
    """Mentions and documents per linked entry in ``annotator``'s versions."""
    condition, parameters = of_annotator(annotator)
    rows = with_links(conn, "SELECT {links}, COUNT(*), COUNT(DISTINCT document_id) FROM spans"
                      f" WHERE {{links}} IS NOT NULL{condition} GROUP BY {{links}}", parameters)
    return {kb_id: EntryCounts(mentions, documents) for kb_id, mentions, documents in rows}


def read_mentions(conn: Connection, entry_id: str, annotator: str | None) -> list[Mention]:
    condition, parameters = of_annotator(annotator, "s.")
    rows = conn.execute(
        "SELECT s.document_id, s.start_char, s.end_char, s.label, s.source FROM spans s"
        f" JOIN documents d ON d.id = s.document_id WHERE s.kb_id = ?{condition}"
        " ORDER BY d.position, d.id, s.start_char", (entry_id, *parameters)).fetchall()
    return [Mention(*row) for row in rows]


class ProjectCatalogue:
    """The catalogue of a :class:`~ner_studio.core.store.project.Project` (a mixin: it uses the
    project's ``_read``, ``_write``, ``catch_up`` and ``tracked_documents``)."""

    def catalogue(self) -> CatalogueSnapshot:
        """Every entry, with the catalogue revision they were read at (one snapshot)."""
        def read(conn):
            return CatalogueSnapshot({e.entry_id: e for e in read_entries(conn)}, read_catalogue_revision(conn))
        return self._read("reading the catalogue", read, settled=False)  # not the writer thread's (below)

    def kb_names(self) -> dict[str, str]:
        """Entry id -> name, for exports (JSONL's ``kb_name``)."""
        return {entry_id: entry.name for entry_id, entry in self.catalogue().entries.items()}

    def catalogue_revision(self) -> int:
        """Changes whenever any instance changes the catalogue (a cheap read, for polling).
        The catalogue is written at once, never by the writer thread (its steps change spans,
        statuses and documents only), so its reads do not wait for a step's write in flight:
        the window reads it after another's change arrives, also while a Label All is saved."""
        return self._read("reading the catalogue", read_catalogue_revision, settled=False)

    def save_entries(self, entries: Iterable[CatalogueEntry]) -> int:
        """Add ``entries``, or replace those whose id is known; one transaction."""
        entries = list(entries)
        for entry in entries:
            if not entry.name.strip() or not entry.label.strip():
                raise ProjectError(f"a catalogue entry needs a name and a label (entry {entry.entry_id})", self.where)
        return self._write(f"saving {len(entries)} catalogue entries",
                           lambda conn: write_entries(conn, entries), changed=(None, ()))

    def rename_entry(self, entry_id: str, name: str) -> CatalogueEntry:
        """Rename an entry (its old name becomes an alias); links stay."""
        if not name.strip():
            raise ProjectError("a catalogue entry needs a name", self.where)

        def rename(conn):
            entry = self._existing(conn, entry_id)
            renamed = entry.renamed(name)
            write_entries(conn, [renamed])
            return renamed

        return self._write("renaming a catalogue entry", rename, changed=(None, ()))

    def merge_entries(self, keep_id: str, gone_id: str) -> tuple[CatalogueEntry, int, list[int]]:
        """Merge entry ``gone_id`` into ``keep_id``: its names become aliases, its mentions
        (in every version) link to ``keep_id``. Returns the merged entry, how many mentions
        moved, and the open documents that changed (their undo steps no longer fit)."""
        if keep_id == gone_id:
            raise ProjectError("an entry cannot be merged into itself", self.where)

        def merge(conn):
            keep, gone = self._existing(conn, keep_id), self._existing(conn, gone_id)
            merged = keep.absorbing(gone)
            moved = relink(conn, gone_id, keep_id)
            conn.execute("DELETE FROM catalogue_entries WHERE id = ?", (gone_id,))
            write_entries(conn, [merged])
            return merged, moved

        merged, moved = self._write("merging catalogue entries", merge)
        return merged, moved, self._catch_up_all()

    def delete_entry(self, entry_id: str) -> tuple[int, list[int]]:
        """Delete an entry; its mentions (in every version) lose their link. Returns how many
        did, and the open documents that changed."""
        def delete(conn):
            self._existing(conn, entry_id)
            unlinked = relink(conn, entry_id, None)
            conn.execute("DELETE FROM catalogue_entries WHERE id = ?", (entry_id,))
            _stamp(conn)
            return unlinked

        unlinked = self._write("deleting a catalogue entry", delete)
        return unlinked, self._catch_up_all()

    def links_of(self, entry_id: str) -> int:
        """Mentions linked to ``entry_id`` in every version (what a delete would unlink)."""
        return self._read("counting links", lambda conn: count_links(conn, entry_id))

    def entry_counts(self) -> dict[str, EntryCounts]:
        """Mentions and documents per entry, in this project's version."""
        return self._read("counting links", lambda conn: entry_counts(conn, self.version_annotator))

    def entry_mentions(self, entry_id: str) -> list[Mention]:
        """Every mention linked to ``entry_id`` in this version, in document order."""
        return self._read("listing mentions", lambda conn: read_mentions(conn, entry_id, self.version_annotator))

    def _existing(self, conn: Connection, entry_id: str) -> CatalogueEntry:
        entry = read_entry(conn, entry_id)
        if entry is None:
            raise ProjectError(f"the catalogue has no entry {entry_id} (deleted meanwhile?)", self.where)
        return entry

    def _catch_up_all(self) -> list[int]:
        return [doc.doc_id for doc in self.tracked_documents() if self.catch_up(doc.doc_id)]


def catalogue_beside(path: str | Path) -> Path:
    """Where a corpus export's catalogue goes: ``news.jsonl`` -> ``news.catalogue.jsonl``."""
    path = Path(path)
    return path.with_name(f"{path.stem}.catalogue.jsonl")


def export_catalogue_beside(project, path: str | Path) -> Path | None:
    """Write the project's catalogue beside the corpus export ``path`` (the ``kb_id`` of its
    spans means nothing without it); None, and nothing written, when the catalogue is empty."""
    entries = list(project.catalogue().entries.values())
    if not entries:
        return None
    target = catalogue_beside(path)
    write_catalogue(entries, target)
    return target
