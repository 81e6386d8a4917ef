"""The catalogue as a CSV or JSONL file, to share it, edit it in a spreadsheet or bring in
one made elsewhere (a Wikidata query's result, a staff list).

CSV: a header row naming the columns ``id, name, label, aliases, external_id, description``
(any order; ``name`` and ``label`` are required, the others optional), UTF-8 (a byte-order
mark is fine), aliases separated by ``|``. JSONL: one object a line with the same keys,
``aliases`` a list of strings. A row without an ``id`` gets a new one; a row whose id the
project knows replaces that entry. A bad row stops the import with the file, the line and
what is wrong: nothing is imported half.

Written atomically; a CSV cell that Excel would run as a formula (``=``, ``+``, ``-``, ``@``)
gets a leading ``'``, taken off again when the file is read back.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path

from ner_studio.core.atomic import AtomicWriter
from ner_studio.core.catalogue.entries import CatalogueEntry, clean_aliases, new_entry_id
from ner_studio.core.errors import FormatError
from ner_studio.core.formats.spreadsheet import neutralised
from ner_studio.core.utf8_file import read_utf8_file

COLUMNS = ("id", "name", "label", "aliases", "external_id", "description")
ALIAS_SEPARATOR = "|"
_FORMULA = ("'=", "'+", "'-", "'@", "'\t", "'\r")


def catalogue_format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    raise FormatError("a catalogue file is .csv or .jsonl", path)


def read_catalogue(path: str | Path) -> list[CatalogueEntry]:
    """The entries of a CSV or JSONL catalogue file (see module doc)."""
    fmt = catalogue_format(path)
    text = read_utf8_file(path)
    return parse_catalogue(text, fmt, path)


def parse_catalogue(text: str, fmt: str, path: str | Path | None = None) -> list[CatalogueEntry]:
    entries = _parse_csv(text, path) if fmt == "csv" else _parse_jsonl(text, path)
    seen: dict[str, int] = {}
    for line, entry in entries:
        if entry.entry_id in seen:
            raise FormatError(f"the id {entry.entry_id!r} is used on line {seen[entry.entry_id]} too", path, line)
        seen[entry.entry_id] = line
    return [entry for _, entry in entries]


def _entry(values: dict, aliases: list[str], path, line: int) -> CatalogueEntry:
    for key in ("name", "label"):
        value = values.get(key)
        if not isinstance(value, str) or not value.strip():
            raise FormatError(f"the entry has no {key}", path, line)
    for key in ("id", "external_id", "description"):
        if values.get(key) is not None and not isinstance(values[key], str):
            raise FormatError(f"{key} must be text, not {values[key]!r}", path, line)
    name = values["name"].strip()
    return CatalogueEntry((values.get("id") or "").strip() or new_entry_id(), name, values["label"].strip(),
                          clean_aliases(name, aliases), (values.get("external_id") or "").strip(),
                          (values.get("description") or "").strip())


def _unneutralised(value: str) -> str:
    return value[1:] if value.startswith(_FORMULA) else value


def _parse_csv(text: str, path) -> list[tuple[int, CatalogueEntry]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except StopIteration:
        return []
    except csv.Error as error:
        raise FormatError(f"not a CSV file: {error}", path, 1) from None
    unknown = [name for name in header if name not in COLUMNS]
    if unknown or not {"name", "label"} <= set(header):
        raise FormatError(f"the header row must name the columns {', '.join(COLUMNS)} (name and label at "
                          f"least); unknown: {', '.join(unknown) or 'none'}", path, 1)
    entries = []
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(header):
                raise FormatError(f"{len(row)} cells but the header names {len(header)} columns", path, line)
            values = {name: _unneutralised(cell) for name, cell in zip(header, row)}
            aliases = [a for a in values.get("aliases", "").split(ALIAS_SEPARATOR)]
            entries.append((line, _entry(values, aliases, path, line)))
    except csv.Error as error:
        raise FormatError(f"not a CSV row: {error}", path, reader.line_num) from None
    return entries


def _parse_jsonl(text: str, path) -> list[tuple[int, CatalogueEntry]]:
    entries = []
    for line, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            values = json.loads(raw)
        except json.JSONDecodeError as error:
            raise FormatError(f"not JSON: {error.msg} at column {error.colno}", path, line) from None
        if not isinstance(values, dict):
            raise FormatError("each line must be a JSON object with name and label", path, line)
        unknown = sorted(set(values) - set(COLUMNS))
        if unknown:
            raise FormatError(f"unknown keys {', '.join(unknown)}; the keys are {', '.join(COLUMNS)}", path, line)
        aliases = values.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise FormatError("aliases must be a list of strings", path, line)
        entries.append((line, _entry(values, aliases, path, line)))
    return entries


def entry_record(entry: CatalogueEntry) -> dict:
    return {"id": entry.entry_id, "name": entry.name, "label": entry.label, "aliases": list(entry.aliases),
            "external_id": entry.external_id, "description": entry.description}


def write_catalogue(entries: Iterable[CatalogueEntry], path: str | Path) -> int:
    """Write ``entries`` as CSV or JSONL (by the suffix), atomically; returns how many."""
    fmt = catalogue_format(path)
    count = 0
    with AtomicWriter(path) as handle:
        if fmt == "jsonl":
            for entry in entries:
                handle.write(json.dumps(entry_record(entry), ensure_ascii=False) + "\n")
                count += 1
        else:
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\r\n")
            writer.writerow(COLUMNS)
            for entry in entries:
                writer.writerow([neutralised(v) for v in (entry.entry_id, entry.name, entry.label,
                                 ALIAS_SEPARATOR.join(entry.aliases), entry.external_id, entry.description)])
                count += 1
            handle.write("\ufeff" + buffer.getvalue())
    return count
