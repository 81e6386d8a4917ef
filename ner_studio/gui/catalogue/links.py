"""The catalogue the window shows, at one revision, with the indexes built from it.

One owner (napari's model side): the views ask it for a link's name and a span's suggested
link (``LinkLook`` in gui/annotate/qt_highlighter.py), the chooser for its ranking index. It
reads the project again only when the catalogue revision moved (core/store/project_catalogue.py),
so polling it after every live update costs one small query. The indexes are built lazily,
once per revision.
"""

from __future__ import annotations

from ner_studio.core.catalogue.entries import CatalogueEntry, CatalogueSnapshot
from ner_studio.core.catalogue.ranking import CatalogueIndex
from ner_studio.core.catalogue.suggestions import AliasIndex
from ner_studio.core.text.spans import Span


class CatalogueLinks:
    def __init__(self):
        self.snapshot = CatalogueSnapshot()
        self._loaded = False
        self._ranking: CatalogueIndex | None = None
        self._aliases: AliasIndex | None = None

    def load(self, project, *, force: bool = False) -> bool:
        """Read the catalogue if it changed since it was read; True if it did."""
        revision = project.catalogue_revision()
        if self._loaded and not force and revision == self.snapshot.revision:
            return False
        self.snapshot = project.catalogue()
        self._loaded = True
        self._ranking = self._aliases = None
        return True

    @property
    def entries(self) -> dict[str, CatalogueEntry]:
        return self.snapshot.entries

    def __bool__(self) -> bool:
        return bool(self.snapshot.entries)

    @property
    def ranking(self) -> CatalogueIndex:
        if self._ranking is None:
            self._ranking = CatalogueIndex(self.snapshot.entries.values(), self.snapshot.revision)
        return self._ranking

    @property
    def aliases(self) -> AliasIndex:
        if self._aliases is None:
            self._aliases = AliasIndex(self.snapshot.entries.values(), self.snapshot.revision)
        return self._aliases

    # --- LinkLook (gui/annotate/qt_highlighter.py) ------------------------------------------
    def name_of(self, kb_id: str) -> str | None:
        return self.snapshot.name_of(kb_id)

    def suggestion(self, text: str, span: Span) -> str | None:
        if span.kb_id is not None or not self.snapshot.entries:
            return None
        return self.aliases.entry_for(text[span.start:span.end], span.label)
