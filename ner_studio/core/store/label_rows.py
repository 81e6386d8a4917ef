"""The label set's rows and the span rows a label change rewrites: reading and writing the
labels with their guidelines (``_GUIDELINES``), counting spans per label, renaming and removing
labels in one transaction (:func:`store_labels`). Apart from project_rows.py so each stays small;
no transactions here either.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import replace

from ner_studio.core import json_text
from ner_studio.core.errors import LabelError
from ner_studio.core.store.annotators import of_annotator
from ner_studio.core.store.project_dialect import Connection
from ner_studio.core.store.project_schema import GUIDELINES_SCHEMA, NEXT_REVISION, has_schema
from ner_studio.core.text.labels import Label, LabelSet
from ner_studio.core.text.spans import Span


def relabel_spans(spans: Iterable[Span], renames: Mapping[str, str], removed: set[str]):
    """``(gone, replacements)`` that apply ``renames`` and drop ``removed`` labels in memory,
    keeping each span's source and confidence."""
    gone = tuple(s for s in spans if s.label in renames or s.label in removed)
    added = tuple(replace(s, label=renames[s.label]) for s in gone if s.label in renames)
    return gone, added


def read_labels(conn: Connection) -> LabelSet:
    if not has_schema(conn, GUIDELINES_SCHEMA):  # read-only, not migrated: no guidelines yet
        rows = conn.execute("SELECT name, colour, key FROM labels ORDER BY position")
        return LabelSet(Label(name, colour, key) for name, colour, key in rows)
    rows = conn.execute("SELECT name, colour, key, description, examples FROM labels ORDER BY position")
    return LabelSet(Label(name, colour, key, description, tuple(_examples(examples)))
                    for name, colour, key, description, examples in rows)


def _examples(stored: str) -> list[str]:
    """A label's stored examples; damaged JSON (written by hand?) costs the examples, not the project."""
    try:
        examples = json_text.loads(stored)
    except ValueError:
        return []
    return [e for e in examples if isinstance(e, str)] if isinstance(examples, list) else []


def write_labels(conn: Connection, labels: LabelSet) -> None:
    conn.execute("DELETE FROM labels")
    conn.executemany(
        "INSERT INTO labels (name, position, colour, key, description, examples) VALUES (?, ?, ?, ?, ?, ?)",
        ((label.name, i, label.colour, label.key, label.description,
          json.dumps(list(label.examples), ensure_ascii=False)) for i, label in enumerate(labels)),
    )


def label_counts(conn: Connection, doc_id: int | None = None, annotator: str | None = None) -> dict[str, int]:
    """Spans per label in ``annotator``'s versions (everyone's if ``None``)."""
    condition, parameters = of_annotator(annotator)
    if doc_id is None:
        return dict(conn.execute(f"SELECT label, COUNT(*) FROM spans WHERE 1 = 1{condition}"
                                 " GROUP BY label ORDER BY label", parameters))
    return dict(conn.execute(f"SELECT label, COUNT(*) FROM spans WHERE document_id = ?{condition}"
                             " GROUP BY label ORDER BY label", (doc_id, *parameters)))


def documents_with_label(conn: Connection, label: str, annotator: str | None) -> set[int]:
    condition, parameters = of_annotator(annotator)
    rows = conn.execute(f"SELECT DISTINCT document_id FROM spans WHERE label = ?{condition}", (label, *parameters))
    return {row[0] for row in rows}


def rename_span_labels(conn: Connection, renames: Mapping[str, str]) -> None:
    """Apply all renames at once (one CASE), so swaps such as A<->B work; the catalogue's
    entries follow (core/store/project_catalogue.py: its revision tells other instances)."""
    if not renames:
        return
    cases = " ".join("WHEN ? THEN ?" for _ in renames)
    holders = ", ".join("?" for _ in renames)
    params = [value for pair in renames.items() for value in pair] + list(renames)
    for table in ("spans", "catalogue_entries"):
        conn.execute(f"UPDATE {table} SET label = CASE label {cases} END WHERE label IN ({holders})", params)
    conn.execute(f"UPDATE project_info SET value = {NEXT_REVISION} WHERE key = 'catalogue_revision'")


def delete_span_labels(conn: Connection, names: Iterable[str]) -> None:
    conn.executemany("DELETE FROM spans WHERE label = ?", ((name,) for name in names))


def store_labels(conn: Connection, labels: LabelSet,
                 delete_spans_of_removed: bool) -> tuple[set[str], dict[str, str], LabelSet]:
    """Save the changes made to ``labels`` since its last save, applied to the labels stored
    now (another process may have changed them: ``LabelChanges``): delete spans of removed
    labels (only if allowed), then apply renames (in that order, so "remove MISC, rename ORG
    to MISC" works). Returns ``(removed names, renames applied, the labels now stored)``."""
    stored_set = read_labels(conn)
    stored = set(stored_set.names())
    changes = labels.changes()
    renames = {old: new for old, new in changes.renames.items() if old in stored}
    removed = set(changes.removed) & stored
    merged = changes.apply(stored_set)
    counts = label_counts(conn)
    used = {name: counts[name] for name in removed if counts.get(name)}
    if used and not delete_spans_of_removed:
        listing = ", ".join(f"{name} ({n} spans)" for name, n in sorted(used.items()))
        raise LabelError(f"removed labels are still used: {listing}; delete those spans too, "
                         "or rename the label instead of removing it")
    delete_span_labels(conn, removed)
    rename_span_labels(conn, renames)
    write_labels(conn, merged)
    return removed, renames, merged
