"""Unsaved project-wide steps kept on disk until the writer thread has committed them.

A project-wide step (Label All, Link All, patterns, and their undo) is applied in memory and
committed a moment later by the project's writer thread (core/store/journal_writer.py). A kill
(not a close) in that moment would lose it. So before the step is handed to the writer, the
journal it sends is written to a small side file (atomic + fsync; a few ms for 1,000 spans)
carrying a step id; the commit records the id in the store (``written_steps``, project_schema
``_WRITTEN_STEPS``) in the same transaction, and the file is deleted once the commit is through.

The next :meth:`Project.open` of the project finds the files of processes that are gone: a
step whose id is in the store was committed (the app stopped before deleting its file), any
other is committed then, with its id. Replaying is idempotent (a journal's records can be
applied again, core/store/span_rows.py), and the id keeps a step from being applied twice.

Where: beside a project file (``.NAME.step-PID@HOST-ID.json``, hidden like the atomic writes'
temporaries); for a server project, in the user data folder, keyed by the project's location
(without its password). The file names the process that wrote it: one still running (another
window of the same project) is writing its own step, never replayed from here. And the machine:
a project file in a shared folder may be open on another one, whose process ids mean nothing
here, so only this machine's files are replayed; another's are left to it and said
(:func:`other_hosts`). A file named without a host (written before) counts as this machine's.

A project opened read-only replays nothing: its files stay for the next writable opening, and
the opening says so (:func:`waiting_message`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import re
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path

from ner_studio.core.atomic import atomic_write_bytes, process_alive
from ner_studio.core.errors import ProjectError
from ner_studio.core.locations import user_data_dir
from ner_studio.core.store.span_rows import ModelSpansSwap, SpansDelta, SpansSnapshot, StatusEdit
from ner_studio.core.text.document import Status
from ner_studio.core.text.spans import Source, Span

log = logging.getLogger(__name__)

FORMAT = 1
_RECORDS = {kind.__name__: kind for kind in (SpansDelta, ModelSpansSwap, SpansSnapshot, StatusEdit)}
# A committed step's id is kept this long: enough for any file left by a kill between the
# commit and its deletion to be recognised at the next opening.
KEEP_WRITTEN_DAYS = 30


@dataclass(frozen=True)
class UnsavedStep:
    """A step as its side file holds it: ``edits`` the whole journal sent, ``first`` the index
    of the step's own edits in it (edits before it were waiting already), ``name`` what the
    Edit menu called it ("Label All 'Lisbon' as LOC"; '' if unnamed); ``undo``: the step takes
    the step ``name`` back (Edit > Undo Label All), so taking it back applies ``name`` again."""

    step_id: str
    name: str
    edits: list
    first: int
    path: Path
    undo: bool = False

    @property
    def own_edits(self) -> list:
        return self.edits[self.first:]

    @property
    def title(self) -> str:
        """What the step did, as the status bar says it ("Undo Label All 'Lisbon' as LOC")."""
        return f"Undo {self.name}" if self.undo and self.name else self.name


def step_folder(path: Path | None, location: str) -> tuple[Path, str]:
    """The folder of a project's step files and their name prefix: beside the file, or (a
    server project, ``path`` None) in the user data folder, keyed by ``location``."""
    if path is not None:
        return path.parent, f".{path.name}.step-"
    key = hashlib.sha256(str(location).encode("utf-8")).hexdigest()[:16]
    return user_data_dir() / "unsaved-steps", f"{key}.step-"


def this_host() -> str:
    """This machine's name as step files carry it: a host name's own characters, others as _."""
    return re.sub(r"[^A-Za-z0-9.-]", "_", socket.gethostname())[:64] or "_"  # a file name's room


def write_step(folder: Path, prefix: str, edits: list, name: str = "", first: int = 0, *,
               undo: bool = False) -> UnsavedStep:
    """Write ``edits`` (the journal about to be sent) to a new step file, durably; the step."""
    step_id = uuid.uuid4().hex
    path = folder / f"{prefix}{os.getpid()}@{this_host()}-{step_id}.json"
    record = {"format": FORMAT, "step": step_id, "name": name, "first": first, "undo": undo,
              "edits": [_encode(edit) for edit in edits]}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
                           private=True)
    except OSError as error:
        raise ProjectError(f"the step cannot be kept safe while it is saved: {error}", path) from error
    return UnsavedStep(step_id, name, list(edits), first, path, undo)


def remove_step(step: UnsavedStep | None) -> None:
    """Delete ``step``'s file (written, or superseded); a file already gone is fine."""
    if step is None:
        return
    try:
        step.path.unlink(missing_ok=True)
    except OSError as error:  # harmless: its id is in the store, so it is never replayed
        log.warning("the saved step's file %s could not be deleted: %s", step.path, error)


def _step_files(folder: Path, prefix: str) -> list[tuple[str, int, str]]:
    """``(file name, pid, host)`` of every step file in ``folder`` (a name without a host,
    written before hosts were named: this machine)."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    found = []
    for name in names:
        if not (name.startswith(prefix) and name.endswith(".json")):
            continue
        pid, _, host = name[len(prefix):-len(".json")].rsplit("-", 1)[0].partition("@")
        if pid.isdigit():
            found.append((name, int(pid), host or this_host()))
    return found


def other_hosts(folder: Path, prefix: str) -> dict[str, int]:
    """Other machines with step files here (a project file in a shared folder): how many each.
    Their process ids mean nothing here, so their steps are theirs to write or recover."""
    here, hosts = this_host(), {}
    for _, _, host in _step_files(folder, prefix):
        if host != here:
            hosts[host] = hosts.get(host, 0) + 1
    return hosts


def stopped_steps(folder: Path, prefix: str) -> list[UnsavedStep]:
    """The step files left by this machine's processes that are gone, oldest first. A file that
    cannot be read is reported in the log and left where it is (never deleted unread)."""
    here, found = this_host(), []
    for name, pid, host in _step_files(folder, prefix):
        if host != here or process_alive(pid):
            continue
        path = folder / name
        try:
            found.append((path.stat().st_mtime, read_step(path)))
        except (OSError, ValueError, KeyError, TypeError) as error:
            log.error("an unsaved step's file %s cannot be read (left there): %s", path, error)
    return [step for _, step in sorted(found, key=lambda pair: pair[0])]


def read_step(path: Path) -> UnsavedStep:
    record = json.loads(path.read_text(encoding="utf-8"))
    if record.get("format") != FORMAT:
        raise ValueError(f"format {record.get('format')!r}, not {FORMAT}")
    edits = [_decode(item) for item in record["edits"]]
    name, undo = str(record.get("name", "")), record.get("undo")
    if undo is None:  # written before the flag: an undo was named "Undo Label All ..."
        undo = name.startswith("Undo ")
        name = name[len("Undo "):] if undo else name
    return UnsavedStep(str(record["step"]), name, edits, int(record.get("first", 0)), path, bool(undo))


def _encode(edit) -> dict:
    out = {"kind": type(edit).__name__}
    for field in dataclasses.fields(edit):
        value = getattr(edit, field.name)
        if isinstance(value, tuple):
            value = [[s.start, s.end, s.label, str(s.source), s.confidence, s.kb_id] for s in value]
        out[field.name] = str(value) if isinstance(value, Status) else value
    return out


def _decode(item: dict):
    kind = _RECORDS[item["kind"]]
    values = {}
    for field in dataclasses.fields(kind):
        if field.name not in item:
            continue
        value = item[field.name]
        if field.name in ("removed", "added", "spans"):
            value = tuple(Span(start, end, label, Source(source), confidence, kb_id)
                          for start, end, label, source, confidence, kb_id in value)
        elif field.name == "status":
            value = Status(value)
        values[field.name] = value
    return kind(**values)


# --- in the store -------------------------------------------------------------------------
def record_written(conn, step_id: str, stamp: str, expired: str) -> None:
    """Record ``step_id`` as committed (inside the commit's transaction), forgetting ids
    older than ``expired``."""
    conn.execute("DELETE FROM written_steps WHERE written < ?", (expired,))
    # Already there: another instance replayed the file of a step still in flight (a project
    # file shared over the network, its writer's process on another machine).
    conn.execute("INSERT INTO written_steps (id, written) VALUES (?, ?) ON CONFLICT (id) DO NOTHING", (step_id, stamp))


def was_written(conn, step_id: str) -> bool:
    return conn.execute("SELECT 1 FROM written_steps WHERE id = ?", (step_id,)).fetchone() is not None


def recovered_message(steps: list[UnsavedStep]) -> str:
    """"Recovered 1 step that was being saved when the app stopped: Label All 'Lisbon' as LOC"."""
    names = "; ".join(step.title for step in steps if step.title)
    many = f"{len(steps)} steps" if len(steps) != 1 else "1 step"
    return f"Recovered {many} that {'was' if len(steps) == 1 else 'were'} being saved when the app stopped" + (
        f": {names}" if names else "")


def waiting_message(steps: list[UnsavedStep]) -> str:
    """The opening was read-only: the steps left here stay for the next writable one."""
    many = f"{len(steps)} steps" if len(steps) != 1 else "1 step"
    return f"{many} left by a stopped app will be recovered when the project is opened for writing"


def elsewhere_message(hosts: dict[str, int]) -> str:
    """"A step from HOST is still being saved there" (another machine's files, left alone)."""
    return "; ".join(f"{'a step' if count == 1 else f'{count} steps'} from {host} "
                     f"{'is' if count == 1 else 'are'} still being saved there" for host, count in sorted(hosts.items()))
