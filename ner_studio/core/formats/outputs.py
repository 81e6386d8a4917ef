"""Checks every command runs on its output paths *before* the work starts, and a fallback
save for results that took long to compute.

Why: a command that writes over one of its own inputs, or replaces a file of another kind
(a model over an annotated CoNLL file), destroys the user's data; a folder that cannot be
written, found only after an hour of training, loses the model. So, before any work:

    out = check_output(args.output, "model", inputs=[args.train, args.dev], force=args.force)

and after long work:

    where = save_with_fallback(out, lambda path: save_checkpoint(path, ...))

Kinds: ``"conll"``, ``"jsonl"``, ``"txt"``, ``"json"`` (one JSON value, e.g. scores),
``"model"`` (a torch file), ``"sqlite"`` (a project), ``"xlsx"`` and ``"csv"`` (spreadsheets
of entities). An existing file may only be replaced
by one of the same kind, unless ``force``.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from ner_studio.core.atomic import check_not_special, special_file
from ner_studio.core.errors import OutputError

KINDS = ("conll", "jsonl", "txt", "json", "model", "sqlite", "xlsx", "csv")
_NAMES = {
    "conll": "a CoNLL file", "jsonl": "a JSONL file", "txt": "a plain text file",
    "json": "a JSON file", "model": "a model file", "sqlite": "a project (SQLite) file",
    "xlsx": "an Excel workbook", "csv": "a CSV file", "binary": "a binary file", "empty": "an empty file",
}
_SNIFF_BYTES = 64 * 1024


def check_output(path: str | Path, kind: str, *, inputs: Iterable[str | Path | None] = (),
                 force: bool = False) -> Path:
    """``path`` as a :class:`Path` once it is safe to write ``kind`` there; raises
    :class:`OutputError` (saying what to do) if it is one of ``inputs``, a folder, in a
    folder that is missing or cannot be written, or an existing file of another kind
    (unless ``force``), or a device, FIFO or socket (even with ``force``: only regular files
    are written). Nothing is created, changed or read from a special file."""
    if kind not in KINDS:
        raise ValueError(f"unknown output kind {kind!r}")
    path = Path(path)
    if not str(path).strip():
        raise OutputError("the output path is empty", path)
    for source in inputs:
        if source is not None and same_file(path, source):
            raise OutputError(
                f"this is also an input of the command ({source}); writing it would destroy the "
                f"input. Choose another output name", path)
    if str(path) == "-":
        raise OutputError("this command writes to a file, not to standard output; give a file name",
                          path)
    if path.is_dir():
        raise OutputError("this is a folder; give a file name inside it", path)
    check_not_special(path)  # before kind_of, which would block reading a FIFO
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.exists():
        raise OutputError(f"the folder {folder} does not exist; create it first", path)
    if not folder.is_dir():
        raise OutputError(f"{folder} is not a folder", path)
    if path.exists() and not force:
        found = kind_of(path)
        if found not in (kind, "empty"):
            raise OutputError(
                f"this is {_NAMES[found]}; the command would replace it with {_NAMES[kind]}. "
                f"Choose another name, or add --force to replace it", path)
    _probe_writable(folder, path)
    return path


def check_output_folder(folder: str | Path) -> Path:
    """``folder`` once files can be written in it: it is a folder, or can be created under
    its nearest existing parent, which can be written. Nothing is created."""
    folder = Path(folder)
    existing = folder
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if not existing.is_dir():
        raise OutputError(f"{existing} is a file, not a folder", folder)
    try:
        fd, probe = tempfile.mkstemp(prefix=".ner-studio.", suffix=".probe", dir=existing)
    except OSError as error:
        raise OutputError(f"cannot write in the folder {existing} ({error.strerror or error}); "
                          f"choose a folder you can write to", folder) from None
    os.close(fd)
    os.unlink(probe)
    return folder


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two paths name one file (symlinks, ``..`` and hard links included)."""
    a, b = Path(a), Path(b)
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def kind_of(path: str | Path) -> str:
    """What an existing file holds, from its first bytes (see :data:`KINDS`, plus
    ``"binary"`` and ``"empty"``); a device, FIFO or socket is never opened (``"binary"``)."""
    if special_file(path) is not None:
        return "binary"
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return "binary"
    if not head.strip():
        return "empty"
    if head.startswith(b"PK\x03\x04") and _is_workbook(path):
        return "xlsx"
    if head.startswith(b"PK\x03\x04") or head[:2] == b"\x80\x02":
        return "model"  # torch.save writes a zip archive (old versions a bare pickle)
    if head.startswith(b"SQLite format 3\x00"):
        return "sqlite"
    if b"\x00" in head:
        return "binary"
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if text.startswith(("{", "[")):
        first, newline, _ = text.partition("\n")
        if first.strip() in ("{", "[") or first.startswith("["):
            return "json"  # pretty-printed JSON, or an array
        if not newline and len(head) == _SNIFF_BYTES:
            return "jsonl"  # one long line: a big JSON Lines document
        try:
            return "jsonl" if isinstance(json.loads(first), dict) else "json"
        except ValueError:
            return "jsonl" if Path(path).suffix.lower() in (".jsonl", ".ndjson") else "json"
    if Path(path).suffix.lower() == ".csv":
        return "csv"
    from ner_studio.core.formats.text import looks_like_conll

    if looks_like_conll(text) or Path(path).suffix.lower() in (".conll", ".iob", ".bio", ".bioes", ".tsv"):
        return "conll"
    return "txt"


def _is_workbook(path: str | Path) -> bool:
    """Whether a zip archive is an Office Open XML workbook (torch files are zips too)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (OSError, zipfile.BadZipFile):
        return False
    return "[Content_Types].xml" in names and any(name.startswith("xl/") for name in names)


def _probe_writable(folder: Path, path: Path) -> None:
    """Create and remove a file beside ``path``: the only test that sees read-only mounts,
    ACLs and full quotas as they are."""
    if path.exists() and not os.access(path, os.W_OK):
        raise OutputError("the file is read-only; make it writable or choose another name", path)
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".probe", dir=folder)
    except OSError as error:
        raise OutputError(f"cannot write in the folder {folder} ({error.strerror or error}); "
                          f"choose a folder you can write to", path) from None
    os.close(fd)
    os.unlink(probe)


def fallback_path(path: str | Path) -> Path:
    """Where :func:`save_with_fallback` puts a result its own path refused: the user's data
    folder (``NER_STUDIO_DATA_DIR``), else the system's temporary folder; never an existing file."""
    from ner_studio.core.locations import unused_path, user_data_dir

    path = Path(path)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for folder in (user_data_dir() / "rescued", Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(folder, os.W_OK):
            return unused_path(folder, f"{path.stem}-{stamp}", path.suffix)
    raise OutputError("no folder to save a fallback copy in", path)


def save_with_fallback(path: str | Path, write: Callable[[Path], None]) -> tuple[Path, str | None]:
    """``write(path)``; if that fails with an :class:`OSError` (the folder vanished or turned
    read-only during the work, the disk filled), ``write`` a copy at :func:`fallback_path`.
    Returns ``(where it was saved, why the first path failed or None)``; raises
    :class:`OutputError` naming both paths if neither could be written."""
    path = Path(path)
    try:
        write(path)
        return path, None
    except OSError as error:
        reason = error.strerror or str(error)
    rescue = fallback_path(path)
    try:
        write(rescue)
    except OSError as error:
        raise OutputError(f"cannot write the file ({reason}), nor a copy at {rescue} "
                          f"({error.strerror or error})", path) from None
    return rescue, reason
