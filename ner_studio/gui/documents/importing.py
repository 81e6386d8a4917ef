"""Finding and reading the files the analyst opens (no Qt: runs inside a worker job).

A file larger than one part (``PART_CHARS`` of text) is read a part at a time
(``core/formats/stream.py``): a plain text becomes documents "report.txt (part 3 of 48)", cut
between paragraphs, and a CoNLL or JSONL file is cut between its documents or sentences. Only
the file's text is held whole, never all its tokens: the reader waits (:class:`PartsGate`)
while the parts it handed over are still being stored and tagged, so memory holds a few
parts whatever the file's size (benchmarks/gui_big_document.py measures it).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

from ner_studio.core import heap
from ner_studio.core.errors import FormatError
from ner_studio.core.formats import EXTENSIONS, FORMAT_NAMES, file_patterns
from ner_studio.core.formats.stream import read_pieces
from ner_studio.core.text.sentences import ProjectSplitter, shipped_splitter

log = logging.getLogger(__name__)
# Big files whose opening stopped before their last part (a close, a kill): {path: [parts
# stored, parts]}, kept as each part is stored, so the next opening says so and opening the
# file again adds the rest instead of showing it as "already in the project".
UNFINISHED_SETTING = "import.unfinished"

# Every extension a reader takes, from core/formats (so a new format is offered here too).
FILE_FILTER = (f"Documents ({file_patterns()});;"
               f"{', '.join(FORMAT_NAMES.values())} ({file_patterns(FORMAT_NAMES)});;All files (*)")


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
    heap.forget_source_lines()  # what Qt's import hook read of NLTK's modules
    yield from ()


def project_splitter(sentence_params: dict | None) -> ProjectSplitter:
    """The project's learning splitter; damaged stored parameters are logged and start over
    (they only ever add to the shipped ones)."""
    try:
        return ProjectSplitter(sentence_params)
    except FormatError:
        log.warning("the project's sentence-splitter parameters are damaged; starting afresh", exc_info=True)
        return ProjectSplitter()


# A quarter of a megabyte of text per part (~48k tokens, ~2.5k sentences of news): storing a
# part and applying its model spans are the UI thread's share, ~0.08 s of CPU a part; with
# 512 KB parts a loaded machine stalled the UI up to 1.2 s, with these 0.7 s (benchmarks/results/2026-12-01-big-files.md,
# benchmarks/gui_big_document.py). A 50 MB file is ~190 documents in the list.
PART_CHARS = 1 << 18
# Parts read ahead of the tagger: one being tagged, one waiting.
PARTS_IN_FLIGHT = 2


class PartsGate:
    """Lets the reader hand over at most ``limit`` parts of big files that the workspace has
    not finished with (stored, tagged, let go). The reader calls :meth:`wait_for_room` before
    each part; the workspace calls :meth:`part_done` once per part it was handed.

    The second part also waits until the first part's first screens are highlighted
    (:meth:`first_screens_shown`), or the first part is done: reading a part is ~0.2 s of
    Python holding the interpreter lock, which slowed the tagging of those first screens on
    two cores, while the second part cannot be tagged before the first is anyway."""

    def __init__(self, limit: int = PARTS_IN_FLIGHT):
        self._room = threading.Semaphore(limit)
        self._first_shown = threading.Event()

    def wait_for_room(self, should_stop: Callable[[], bool], *, after_first_screens: bool = False) -> bool:
        """Block until a part may go (True), or the job is cancelled (False)."""
        while after_first_screens and not self._first_shown.wait(timeout=0.05):
            if should_stop():
                return False
        while not self._room.acquire(timeout=0.05):
            if should_stop():
                return False
        return True

    def first_screens_shown(self) -> None:
        self._first_shown.set()

    def part_done(self) -> None:
        self._first_shown.set()
        self._room.release()


class Imported(NamedTuple):
    """One file's outcome, or one part's of a big file: its documents or the error, and what
    the project's sentence splitter knows after reading it (JSON for the project's settings,
    with the file's last part). ``parts`` > 1: the file was cut, and this is part ``part``."""

    path: Path
    docs: list | None
    error: FormatError | None
    sentence_params: dict | None = None
    part: int = 1
    parts: int = 1


def unfinished_imports(project) -> dict[str, list[int]]:
    """Big files whose opening stopped before their last part: {path: [parts stored, parts]}."""
    return project.get_setting(UNFINISHED_SETTING, {}) or {}


def import_job(paths: list[Path], sentence_params: dict | None = None, gate: PartsGate | None = None,
               part_chars: int | None = None, stored: dict[Path, int] | None = None):
    """A worker job yielding an :class:`Imported` per file (per part of a big file), so one
    malformed file is reported and the others still load. Sentences are split by Punkt with
    what the project's documents taught it so far (``sentence_params``), and each file's text
    teaches it more. Parts of big files pass ``gate`` (if given) before they are yielded.
    ``stored``: the parts of a file the project has already (an opening that stopped): skipped."""

    def job(report: Callable[[int, int], None], should_stop: Callable[[], bool]) -> Iterator:
        splitter = None
        chunk_chars = part_chars or PART_CHARS
        for index, path in enumerate(paths):
            if should_stop():
                return
            try:
                if splitter is None:  # here, not on the GUI thread: it imports NLTK
                    splitter = project_splitter(sentence_params)
                start = (stored or {}).get(path, 0) + 1
                for piece in read_pieces(path, splitter=splitter, chunk_chars=chunk_chars):
                    if piece.number < start:
                        continue
                    gated = piece.count > 1 and gate is not None
                    if gated and piece.number == start and not gate.wait_for_room(should_stop):
                        return
                    more, first = piece.number < piece.count, piece.number == start
                    yield Imported(path, piece.docs, None, None if more else splitter.to_json(),
                                   piece.number, piece.count)
                    del piece  # the workspace holds the documents now, as long as it needs them
                    # Room for the next part before it is parsed, so no parsed part waits here.
                    if gated and more and not gate.wait_for_room(should_stop, after_first_screens=first):
                        return
            except FormatError as error:
                yield Imported(path, None, error)
            report(index + 1, len(paths))

    return job


class PartsInFlight:
    """The workspace's side of the gate: which documents of the parts it was handed it still
    works on. A part's room goes back to its gate once all its documents are finished
    (stored and tagged, or not to be tagged)."""

    def __init__(self):
        self._parts: dict[int, tuple[PartsGate, set[int], Callable[[], None] | None]] = {}

    def hand_over(self, gate: PartsGate, doc_ids: list[int], then: Callable[[], None] | None = None) -> None:
        """The documents of one part; ``then`` is called once all of them are finished."""
        part = set(doc_ids)
        if not part:  # nothing was added (the project refused it): the room is free again
            gate.part_done()
            if then is not None:
                then()
        for doc_id in part:
            self._parts[doc_id] = (gate, part, then)

    def __contains__(self, doc_id: int) -> bool:
        return doc_id in self._parts

    def shown(self, doc_id: int) -> None:
        """``doc_id``'s first screens (or all its spans) are highlighted: its reader may go on."""
        entry = self._parts.get(doc_id)
        if entry is not None:
            entry[0].first_screens_shown()

    def finish(self, doc_id: int) -> bool:
        """Done with ``doc_id``: True if it was a document of a part in flight."""
        entry = self._parts.pop(doc_id, None)
        if entry is None:
            return False
        gate, part, then = entry
        part.discard(doc_id)
        if not part:
            gate.part_done()
            if then is not None:
                then()
        return True
