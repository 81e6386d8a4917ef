"""Finding and reading the files the analyst opens (no Qt: runs inside a worker job)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

from ner_studio.core.errors import FormatError
from ner_studio.core.formats import EXTENSIONS, read_documents
from ner_studio.core.sentences import ProjectSplitter, shipped_splitter

log = logging.getLogger(__name__)

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


# The project setting that keeps what its documents taught the sentence splitter.
SENTENCE_PARAMS_SETTING = "sentences.learned"


def warm_up_reading(report: Callable[[int, int], None], should_stop: Callable[[], bool]) -> Iterator:
    """Import NLTK and load Punkt's parameters (0.3-0.4 s, once per session) while the analyst
    picks files in the Open dialog, so the import worker does not wait for them."""
    shipped_splitter()
    yield from ()


def project_splitter(sentence_params: dict | None) -> ProjectSplitter:
    """The project's learning splitter; damaged stored parameters are logged and start over
    (they only ever add to the shipped ones)."""
    try:
        return ProjectSplitter(sentence_params)
    except FormatError:
        log.warning("the project's sentence-splitter parameters are damaged; starting afresh", exc_info=True)
        return ProjectSplitter()


class Imported(NamedTuple):
    """One file's outcome: its documents or the error, and what the project's sentence
    splitter knows after reading it (JSON for the project's settings)."""

    path: Path
    docs: list | None
    error: FormatError | None
    sentence_params: dict | None = None


def import_job(paths: list[Path], sentence_params: dict | None = None):
    """A worker job yielding an :class:`Imported` per file, so one malformed file is reported
    and the others still load. Sentences are split by Punkt with what the project's documents
    taught it so far (``sentence_params``), and each file's text teaches it more."""

    def job(report: Callable[[int, int], None], should_stop: Callable[[], bool]) -> Iterator:
        splitter = None
        for index, path in enumerate(paths):
            if should_stop():
                return
            try:
                if splitter is None:  # here, not on the GUI thread: it imports NLTK
                    splitter = project_splitter(sentence_params)
                docs = read_documents(path, splitter=splitter)
            except FormatError as error:
                yield Imported(path, None, error)
            else:
                yield Imported(path, docs, None, splitter.to_json())
            report(index + 1, len(paths))

    return job
