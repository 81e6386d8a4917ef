"""A catalogue entry, and the one normal form every comparison of names uses."""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

_SPACES = re.compile(r"\s+")


def normalised(text: str) -> str:
    """How names are compared: NFKC, case-folded, runs of white space as one space. So
    "NATO", "Nato" and "nato " are the same name, and a ligature or a full-width letter is
    the letter."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def new_entry_id() -> str:
    """A stable text id (uuid4 hex): never reused, the same in every export and store."""
    return uuid.uuid4().hex


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    """One person, place or organisation. ``entry_id`` is what a span's ``kb_id`` holds;
    ``external_id`` links it to the world (a Wikidata QID, a URL), optional."""

    entry_id: str
    name: str
    label: str
    aliases: tuple[str, ...] = ()
    external_id: str = ""
    description: str = ""

    @classmethod
    def create(cls, name: str, label: str, aliases: Iterable[str] = (), external_id: str = "",
               description: str = "") -> CatalogueEntry:
        """A new entry with a fresh id; aliases that repeat the name (or each other) dropped."""
        return cls(new_entry_id(), name.strip(), label, clean_aliases(name, aliases),
                   external_id.strip(), description.strip())

    def names(self) -> tuple[str, ...]:
        """The canonical name, then the aliases."""
        return (self.name, *self.aliases)

    def renamed(self, name: str) -> CatalogueEntry:
        """The same entry under ``name``; the old name becomes an alias, so mentions that
        used it are still found."""
        return replace(self, name=name.strip(), aliases=clean_aliases(name, (self.name, *self.aliases)))

    def absorbing(self, other: CatalogueEntry) -> CatalogueEntry:
        """This entry after merging ``other`` into it: ``other``'s names become aliases; its
        external id and description fill in only what this one lacks."""
        return replace(self, aliases=clean_aliases(self.name, (*self.aliases, *other.names())),
                       external_id=self.external_id or other.external_id,
                       description=self.description or other.description)


def clean_aliases(name: str, aliases: Iterable[str]) -> tuple[str, ...]:
    """``aliases`` stripped, without empties, the name or repeats (compared normalised)."""
    seen = {normalised(name)}
    kept = []
    for alias in aliases:
        alias = alias.strip()
        key = normalised(alias)
        if key and key not in seen:
            seen.add(key)
            kept.append(alias)
    return tuple(kept)


@dataclass(frozen=True)
class EntryCounts:
    """How often an entry is linked: mentions (spans) and the documents they are in."""

    mentions: int = 0
    documents: int = 0


@dataclass
class CatalogueSnapshot:
    """The entries at one catalogue revision (what the views and the ranking index hold)."""

    entries: dict[str, CatalogueEntry] = field(default_factory=dict)
    revision: int = 0

    def name_of(self, entry_id: str | None) -> str | None:
        entry = self.entries.get(entry_id) if entry_id else None
        return entry.name if entry is not None else None
