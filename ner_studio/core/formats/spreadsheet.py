"""Entities as a spreadsheet for analysts who work in Excel: one row per entity, and in an
``.xlsx`` a second sheet counting entities per document and label.

Written, never read back: a spreadsheet holds entities without their tokens and sentences, so
it is an end point, not a format to annotate in. Why these choices:

- ``.xlsx`` through openpyxl in write-only mode: rows stream to disk as they come, so memory
  stays bounded however many entities (only the counts per document and label are kept).
- ``.csv`` through the csv module, UTF-8 with a byte-order mark: without it Excel reads the
  file in the system's code page and "Zürich" arrives as "ZÃ¼rich".
- A text cell starting with ``= + - @``, a tab or a carriage return is a formula to Excel
  (OWASP "CSV injection"): an entity or a sentence from an untrusted document could run one.
  In a CSV such a cell gets a leading ``'`` (Excel shows the text as it is); in an ``.xlsx`` it
  is stored as a string cell, never as a formula.
- An ``.xlsx`` cannot hold control characters other than tab and line breaks, nor more than
  32,767 characters in a cell: such characters become U+FFFD and a longer sentence context
  is cut with "…". The offsets always refer to the original text, which is never changed.
- Analysts' notes (``doc.meta["notes"]``, core/text/notes.py): an entity's notes (those on a
  range it overlaps) in its row's ``notes`` cell, one a line, "author: text", "[resolved]" after
  a resolved one; an ``.xlsx`` lists every note, a document's own too, in a "Notes" sheet. A
  CSV has one table, so a note on a whole document is in the ``.xlsx`` only.
- A worksheet holds at most 1,048,576 rows: past that the entities go on in "Entities 2",
  "Entities 3", each with the header row, so nothing is left out.

Both are written atomically (core/atomic.py): a failed export leaves the old file as it was.
"""

from __future__ import annotations

import csv
import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ner_studio.core.atomic import AtomicWriter
from ner_studio.core.learning.error_analysis import sentence_text
from ner_studio.core.errors import FormatError
from ner_studio.core.text.notes import NOTES_META

log = logging.getLogger(__name__)

SHEET_FORMATS = {".xlsx": "xlsx", ".csv": "csv"}
EXPORTS = ("conll", "jsonl", "xlsx", "csv")  # what export, convert and predict write
ENTITY_COLUMNS = ("document", "sentence", "text", "label", "source", "confidence", "annotator", "time",
           "start", "end", "notes")
COUNT_COLUMNS = ("document", "label", "entities")
NOTE_COLUMNS = ("document", "start", "end", "text", "note", "author", "created", "resolved")
ENTITIES_SHEET, COUNTS_SHEET, NOTES_SHEET = "Entities", "Counts", "Notes"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_XLSX_CELL_MAX = 32_767
XLSX_MAX_ROWS = 1_048_576  # Excel's limit per worksheet, header row included
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def sheet_format(path: str | Path) -> str | None:
    """``"xlsx"`` or ``"csv"`` if ``path``'s extension names a spreadsheet, else None."""
    return SHEET_FORMATS.get(Path(path).suffix.lower())


def export_format(path: str | Path, fmt: str | None = None) -> str:
    """``fmt``, else the format ``path``'s extension names (a spreadsheet or a document format)."""
    from ner_studio.core.formats import format_of

    try:
        return fmt or sheet_format(path) or format_of(path)
    except FormatError as error:
        raise FormatError(f"{error.reason}; a spreadsheet of the entities: .xlsx or .csv", error.path) from None


def neutralised(value: str) -> str:
    """``value`` as a CSV cell Excel shows as text, never runs as a formula."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


@dataclass(frozen=True)
class Attribution:
    """Who made a document's version and when (ISO 8601), where that is known (a project)."""

    annotator: str = ""
    time: str = ""


def entity_rows(doc, attribution: Attribution = Attribution()) -> Iterable[tuple]:
    """One row per entity of ``doc`` in :data:`ENTITY_COLUMNS` order; ``sentence`` is the text of the
    sentence the entity starts in, ``start``/``end`` its character offsets, ``notes`` the
    notes on its range."""
    contexts: dict[int, str] = {}
    notes = [record for record in doc.meta.get(NOTES_META) or () if record.get("start") is not None]
    for span in doc.spans:
        first = doc.token_range(span.start, span.end)[0]
        k = doc.sentence_of_token(first) if doc.sentences and first < len(doc.tokens) else -1
        if k not in contexts:
            contexts[k] = sentence_text(doc, k) if k >= 0 else ""
        yield (doc.name, contexts[k], doc.text[span.start:span.end], span.label, str(span.source),
               span.confidence, attribution.annotator, attribution.time, span.start, span.end,
               "\n".join(note_line(r) for r in notes if r["start"] < span.end and span.start < r["end"]))


def note_line(record: dict) -> str:
    """A note in a cell: "author: text", and "[resolved]" after a resolved one."""
    line = f"{record.get('author') or '?'}: {record['text']}"
    return line + " [resolved]" if record.get("resolved") else line


def note_rows(doc) -> Iterable[tuple]:
    """One row per note of ``doc`` in :data:`NOTE_COLUMNS` order (a document note: no range)."""
    for record in doc.meta.get(NOTES_META) or ():
        start, end = record.get("start"), record.get("end")
        yield (doc.name, start, end, "" if start is None else doc.text[start:end], record["text"],
               record.get("author") or "", record.get("created") or "", bool(record.get("resolved")))


class SpreadsheetWriter:
    """``with SpreadsheetWriter(path) as out: out.write(docs)`` for each piece; the file
    (format by extension, or ``fmt``) replaces ``path`` when the block ends without an
    exception. ``rows`` and ``documents`` count what was written."""

    def __init__(self, path: str | Path, fmt: str | None = None):
        self.path = Path(path)
        self.fmt = fmt or sheet_format(self.path)
        if self.fmt not in SHEET_FORMATS.values():
            raise FormatError("a spreadsheet is written as .xlsx or .csv", self.path)
        self._atomic = AtomicWriter(self.path, binary=self.fmt == "xlsx")
        self._counts: Counter[tuple[str, str]] = Counter()
        self._notes: list[tuple] = []  # for the .xlsx's Notes sheet (notes are few)
        self.rows = self.documents = 0

    def __enter__(self) -> SpreadsheetWriter:
        try:
            self._handle = self._atomic.__enter__()
        except OSError as error:
            raise FormatError(f"cannot write the file: {error.strerror or error}", self.path) from None
        if self.fmt == "csv":
            self._handle.write("\ufeff")
            self._csv = csv.writer(self._handle)
            self._csv.writerow(ENTITY_COLUMNS)
        else:
            from openpyxl import Workbook

            self._book = Workbook(write_only=True)
            self._sheets = 0
            self._next_sheet()
        return self

    def _next_sheet(self) -> None:
        self._sheets += 1
        self._sheet = self._book.create_sheet(ENTITIES_SHEET if self._sheets == 1 else f"{ENTITIES_SHEET} {self._sheets}")
        self._sheet.append(ENTITY_COLUMNS)
        self._sheet_rows = 1

    def write(self, docs: Iterable, attribution=None) -> None:
        """Add the entities of ``docs``; ``attribution(doc)`` gives an :class:`Attribution`."""
        for doc in docs:
            self.documents += 1
            if self.fmt == "xlsx":
                self._notes.extend(note_rows(doc))
            for row in entity_rows(doc, attribution(doc) if attribution else Attribution()):
                self._counts[row[0], row[3]] += 1
                self.rows += 1
                if self.fmt == "csv":
                    self._csv.writerow([neutralised(v) if isinstance(v, str) else ("" if v is None else v)
                                        for v in row])
                else:
                    if self._sheet_rows == XLSX_MAX_ROWS:
                        self._next_sheet()
                    self._sheet.append([self._xlsx_cell(v) if v != "" else None for v in row])
                    self._sheet_rows += 1

    def _xlsx_cell(self, value):
        if not isinstance(value, str):
            return value
        if _ILLEGAL_XML.search(value):
            value = _ILLEGAL_XML.sub("\ufffd", value)
        if len(value) > _XLSX_CELL_MAX:
            value = value[:_XLSX_CELL_MAX - 1] + "…"
        if not value.startswith(_FORMULA_STARTS):
            return value
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(self._sheet, value)
        cell.data_type = "s"  # openpyxl reads "=..." as a formula; this is text
        return cell

    def __exit__(self, kind, error, trace) -> None:
        if kind is None and self.fmt == "xlsx":
            try:
                self._finish_book()
            except BaseException as failure:
                self._atomic.__exit__(type(failure), failure, None)  # removes the temporary file
                if isinstance(failure, OSError):
                    raise FormatError(f"cannot write the file: {failure.strerror or failure}", self.path) from None
                raise
        try:
            self._atomic.__exit__(kind, error, trace)
        except OSError as failure:
            raise FormatError(f"cannot write the file: {failure.strerror or failure}", self.path) from None

    def _finish_book(self) -> None:
        counts = self._book.create_sheet(COUNTS_SHEET)
        counts.append(COUNT_COLUMNS)
        for (document, label), n in self._counts.items():
            counts.append([self._xlsx_cell(document), self._xlsx_cell(label), n])
        if self._notes:
            sheet = self._book.create_sheet(NOTES_SHEET)
            sheet.append(NOTE_COLUMNS)
            for row in self._notes:
                sheet.append([self._xlsx_cell(v) if v != "" else None for v in row])
        self._book.save(self._handle)


def export_entities(docs, path: str | Path, fmt: str, scheme: str = "iob2", attribution=None,
                    kb_names=None, kb_column: bool = False) -> None:
    """What Export writes: documents as CoNLL or JSONL, or their entities as a spreadsheet
    (with whose version each came from and when, if ``attribution`` says: ``doc -> Attribution``,
    e.g. ``core/store/project_export.version_attribution``; ``kb_names``: the catalogue's entry
    names for JSONL's ``kb_name``; ``kb_column``: CoNLL's column of links)."""
    from ner_studio.core.formats import write_documents

    if fmt in SHEET_FORMATS.values():
        write_spreadsheet(docs, path, fmt, attribution)
    else:
        write_documents(docs, path, fmt, scheme, kb_names=kb_names, kb_column=kb_column)


def write_spreadsheet(docs: Iterable, path: str | Path, fmt: str | None = None, attribution=None) -> SpreadsheetWriter:
    """Write the entities of ``docs`` to ``path`` (``.xlsx`` or ``.csv``); returns the writer
    with its counts."""
    with SpreadsheetWriter(path, fmt) as out:
        out.write(docs, attribution)
    log.info("exported %d documents (%d entities) to %s", out.documents, out.rows, path)
    return out
