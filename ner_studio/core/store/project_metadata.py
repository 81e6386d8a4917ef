"""The project's labels, model versions and settings: the parts of
:class:`~ner_studio.core.store.project.Project` that are not documents or edits, apart so each file
stays small. A mixin: it uses the project's ``_read``/``_write`` transactions and its tracked
documents.
"""

from __future__ import annotations

import json
from pathlib import Path

from ner_studio.core.store import project_rows as rows
from ner_studio.core.store.annotators import personal_key
from ner_studio.core.errors import ProjectError
from ner_studio.core.text.labels import LabelSet
from ner_studio.core.store.project_rows import ModelVersion


class ProjectMetadata:
    """Labels, model versions and settings of a :class:`~ner_studio.core.store.project.Project`."""

    # --- labels --------------------------------------------------------------------------
    def labels(self) -> LabelSet:
        return self._read("reading the labels", rows.read_labels)

    def label_counts(self, doc_id: int | None = None) -> dict[str, int]:
        """Number of spans per label (including labels not in the label set) in this
        annotator's versions of the project's documents, or of document ``doc_id``."""
        return self._read("counting labels", lambda conn: rows.label_counts(conn, doc_id, self._version))

    def documents_with_label(self, label: str) -> set[int]:
        return self._read("finding documents by label", lambda conn: rows.documents_with_label(conn, label, self._version))

    def save_labels(self, labels: LabelSet, *, delete_spans_of_removed: bool = False) -> None:
        """Store ``labels`` and, in the same transaction, relabel the spans of labels renamed
        in it (``labels.renames()``). Spans of removed labels are deleted only with
        ``delete_spans_of_removed``; otherwise removing a used label raises LabelError."""

        def save(conn):
            return rows.store_labels(conn, labels, delete_spans_of_removed)

        removed, renames, _ = self._write("saving the labels", save)
        labels.mark_saved()
        self._relabel_tracked(renames, removed)

    def rename_label(self, old: str, new: str) -> None:
        """Rename a label and relabel all its spans in one transaction."""
        labels = self.labels()
        labels.rename(old, new)
        self.save_labels(labels)

    def remove_label(self, name: str, *, delete_spans: bool = False) -> None:
        labels = self.labels()
        labels.remove(name)
        self.save_labels(labels, delete_spans_of_removed=delete_spans)

    def _relabel_tracked(self, renames: dict[str, str], removed: set[str]) -> None:
        if not renames and not removed:
            return
        self._muted = True  # already in the database: the documents only catch up
        try:
            for doc, _, _ in self._tracked.values():
                gone, added = rows.relabel_spans(doc.spans, renames, removed)
                if gone:
                    doc.edit(gone, added)
        finally:
            self._muted = False

    # --- model versions and settings -----------------------------------------------------
    def add_model_version(self, path: str | Path, *, parent_id: int | None = None,
                          metrics: dict | None = None, notes: str = "") -> int:
        """Record a trained model (its file, the version it was fine-tuned from, its scores)."""
        def add(conn):
            if parent_id is not None and not conn.execute(
                    "SELECT 1 FROM model_versions WHERE id = ?", (parent_id,)).fetchone():
                raise ProjectError(f"there is no model version {parent_id}", self.where)
            return rows.insert_model_version(conn, str(path), parent_id, metrics or {}, notes)

        return self._write("recording a model version", add)

    def update_model_version(self, version_id: int, *, metrics: dict | None = None,
                             notes: str | None = None) -> None:
        """Merge ``metrics`` into a version's metrics and/or replace its notes."""
        def update(conn):
            row = conn.execute("SELECT metrics FROM model_versions WHERE id = ?", (version_id,)).fetchone()
            if row is None:
                raise ProjectError(f"there is no model version {version_id}", self.where)
            merged = {**json.loads(row[0]), **(metrics or {})}
            conn.execute("UPDATE model_versions SET metrics = ?, notes = COALESCE(?, notes) WHERE id = ?",
                         (json.dumps(merged), notes, version_id))

        self._write("updating a model version", update)

    def model_versions(self) -> list[ModelVersion]:
        """Oldest first."""
        return self._read("reading model versions", rows.read_model_versions)

    def get_setting(self, key: str, default=None):
        """The value stored under ``key``: this annotator's own for a personal setting (the
        review queue's accepted sentences, the review log, the document shown:
        core/store/annotators.PERSONAL_SETTINGS)."""
        key = personal_key(key, self._version)
        return self._read("reading a setting", lambda conn: rows.read_setting(conn, key, default))

    def set_setting(self, key: str, value) -> None:
        """Store a JSON-serialisable ``value`` under ``key`` (see :meth:`get_setting`)."""
        key = personal_key(key, self._version)
        self._write("saving a setting", lambda conn: rows.write_setting(conn, key, value))

    def set_settings(self, values: dict) -> None:
        """Store several settings in one transaction (one commit: see gui/shell/qt_deferred_settings.py)."""
        keyed = [(personal_key(key, self._version), value) for key, value in values.items()]

        def write(conn) -> None:
            for key, value in keyed:
                rows.write_setting(conn, key, value)

        self._write("saving settings", write)
