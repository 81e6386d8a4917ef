"""Finding and reading the files the analyst opens (no Qt: runs inside a worker job)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from ner_studio.core.errors import FormatError
from ner_studio.core.formats import EXTENSIONS, read_documents

FILE_FILTER = (
    "Documents (*.txt *.conll *.iob *.iob2 *.bio *.bioes *.tsv *.jsonl *.ndjson *.json "
    "*.docx *.html *.htm *.xhtml *.md *.markdown *.pdf);;"
    "Word, HTML, Markdown, PDF (*.docx *.html *.htm *.xhtml *.md *.markdown *.pdf);;All files (*)"
)


def supported_files(folder: Path) -> list[Path]:
    """Every file under ``folder`` (recursively, hidden ones skipped) that a reader accepts,
    in a stable order."""
    found = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_file() and path.suffix.lower() in EXTENSIONS:
            found.append(path)
    return found


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given, folders replaced by their supported files."""
    expanded = []
    for path in paths:
        expanded.extend(supported_files(path) if path.is_dir() else [path])
    return expanded


def import_job(paths: list[Path]):
    """A worker job yielding ``(path, documents, None)`` or ``(path, None, FormatError)`` per
    file, so one malformed file is reported and the others still load."""

    def job(report: Callable[[int, int], None], should_stop: Callable[[], bool]) -> Iterator:
        for index, path in enumerate(paths):
            if should_stop():
                return
            try:
                docs = read_documents(path)
            except FormatError as error:
                yield path, None, error
            else:
                yield path, docs, None
            report(index + 1, len(paths))

    return job
