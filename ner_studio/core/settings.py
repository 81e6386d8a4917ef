"""The user's settings (not per project): recent projects, window geometry, last model, and any
other JSON value, in ``settings.json`` under :func:`~ner_studio.core.locations.user_config_dir`.

Usage::

    settings = Settings.load()                  # never fails; see settings.problem
    settings.add_recent_project(project.location)   # a path or a URL; newest first, at most MAX_RECENT
    settings.recent_projects                    # ["/home/ann/news.nerstudio", ...]
    settings.window_geometry = bytes(window.saveGeometry())   # stored as base64 text
    settings.last_model_path = "/models/news.pt"
    settings.set("font_size", 12); settings.get("font_size", 11)

Every change is written at once, atomically (temp file, fsync, rename). Read, change and write
happen under a lock on ``settings.json.lock`` beside the file (``core/file_lock.py``: flock on Linux),
so windows and commands that change settings at the same time each start from the others'
saved changes and none is lost. A write that fails raises :class:`SettingsError`; the
in-memory value is kept, so the app can report it and carry on.

The file is the user's alone (mode 0600) and never holds a password: a server project's URL
is kept without it, and every other text value passes through
:func:`~ner_studio.core.secrets.redact_secrets` before it is written.

A damaged file never stops the app: :meth:`Settings.load` falls back to defaults, keeps the bad
file as ``settings.json.corrupt`` and explains in ``problem``.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ner_studio.core import json_text
from ner_studio.core.atomic import atomic_write_text
from ner_studio.core.errors import SettingsError
from ner_studio.core.file_lock import LockTimeout, locked
from ner_studio.core.locations import is_server_url, user_config_dir
from ner_studio.core.secrets import redact_secrets, url_without_secrets

FILE_NAME = "settings.json"
MAX_RECENT = 10
FORMAT_VERSION = 1
LOCK_TIMEOUT = 10.0  # seconds; a write holds the lock for milliseconds


def default_settings_path() -> Path:
    return user_config_dir() / FILE_NAME


def _empty() -> dict[str, Any]:
    return {"format": FORMAT_VERSION, "recent_projects": [], "window_geometry": None,
            "last_model_path": None, "values": {}}


def _cleaned(raw: dict) -> dict[str, Any]:
    """Known fields with the right types; anything malformed falls back to its default."""
    clean = _empty()
    recent = raw.get("recent_projects")
    if isinstance(recent, list):
        entries = [_recent_entry(p) for p in recent if isinstance(p, str) and p]
        clean["recent_projects"] = list(dict.fromkeys(entries))[:MAX_RECENT]  # an older file's URLs lose their password
    geometry = raw.get("window_geometry")
    if isinstance(geometry, str) and _decode(geometry) is not None:
        clean["window_geometry"] = geometry
    if isinstance(raw.get("last_model_path"), str):
        clean["last_model_path"] = raw["last_model_path"]
    if isinstance(raw.get("values"), dict):
        clean["values"] = dict(raw["values"])
    return clean


def _decode(text: str) -> bytes | None:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        return None


def _read(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    """``(values, problem)``; values is None when the file is missing or unusable."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, None
    except (OSError, UnicodeDecodeError) as error:
        if isinstance(error, UnicodeDecodeError):
            return None, _set_aside(path, "is not UTF-8 text")
        return None, f"cannot read {path}: {error.strerror}; using default settings"
    try:
        raw = json_text.loads(text)  # too deep: a JSONDecodeError too
    except json.JSONDecodeError as error:
        return None, _set_aside(path, f"is not valid JSON (line {error.lineno}: {error.msg})")
    if not isinstance(raw, dict):
        return None, _set_aside(path, "does not hold a JSON object")
    return _cleaned(raw), None


def _set_aside(path: Path, reason: str) -> str:
    corrupt = path.with_name(path.name + ".corrupt")
    try:
        os.replace(path, corrupt)
    except OSError:
        return f"{path} {reason}; using default settings"
    return f"{path} {reason}; using default settings (the old file is kept as {corrupt.name})"


class Settings:
    """Settings held in memory and mirrored to ``path`` on every change."""

    def __init__(self, path: Path, values: dict[str, Any] | None = None, problem: str | None = None):
        self.path = Path(path)
        self.problem = problem  # why the file could not be used, for a one-time notice
        self._values = values if values is not None else _empty()

    @classmethod
    def load(cls, path: str | Path | None = None) -> Settings:
        path = Path(path) if path is not None else default_settings_path()
        values, problem = _read(path)
        return cls(path, values, problem)

    # --- recent projects -----------------------------------------------------------------
    @property
    def recent_projects(self) -> list[str]:
        """Newest first; may name files that have since been moved or deleted."""
        return list(self._values["recent_projects"])

    def add_recent_project(self, path: str | Path) -> None:
        """A project file, or a server project's URL (which the caller gives without a password)."""
        entry = _recent_entry(path)

        def add(values):
            others = [p for p in values["recent_projects"] if p != entry]
            values["recent_projects"] = [entry, *others][:MAX_RECENT]

        self._update(add)

    def remove_recent_project(self, path: str | Path) -> None:
        entry = _recent_entry(path)
        self._update(lambda v: v.update(recent_projects=[p for p in v["recent_projects"] if p != entry]))

    # --- window and model ----------------------------------------------------------------
    @property
    def window_geometry(self) -> bytes | None:
        """Opaque bytes (Qt's ``saveGeometry()``), or None if never saved."""
        text = self._values["window_geometry"]
        return _decode(text) if text else None

    @window_geometry.setter
    def window_geometry(self, geometry: bytes | None) -> None:
        text = base64.b64encode(bytes(geometry)).decode("ascii") if geometry is not None else None
        self._update(lambda v: v.update(window_geometry=text))

    @property
    def last_model_path(self) -> str | None:
        return self._values["last_model_path"]

    @last_model_path.setter
    def last_model_path(self, path: str | Path | None) -> None:
        text = str(path) if path is not None else None
        self._update(lambda v: v.update(last_model_path=text))

    # --- anything else -------------------------------------------------------------------
    def get(self, key: str, default: Any = None) -> Any:
        return self._values["values"].get(key, default)

    def set(self, key: str, value: Any) -> None:
        """Store a JSON-serialisable ``value``."""
        try:
            json.dumps(value)
        except (TypeError, ValueError) as error:
            raise SettingsError(f"setting {key!r} cannot be saved as JSON: {error}") from error
        self._update(lambda v: v["values"].__setitem__(key, value))

    def remove(self, key: str) -> None:
        self._update(lambda v: v["values"].pop(key, None))

    # --- storage -------------------------------------------------------------------------
    def save(self) -> None:
        """Write what is in memory (as it is: another process's changes since are lost; a
        change through the setters merges with them)."""
        try:
            with self._locked():
                self._write()
        except OSError as error:
            raise SettingsError(f"cannot save settings to {self.path}: {error.strerror or error}") from error

    def _write(self) -> None:
        self._values = _without_secrets(self._values)
        atomic_write_text(self.path, json.dumps(self._values, indent=2, ensure_ascii=False) + "\n", private=True)

    def _update(self, change: Callable[[dict[str, Any]], Any]) -> None:
        """Re-read, change and write under the lock: another window or command may have saved
        since we loaded, and may be saving now."""
        changed = False
        try:
            with self._locked():
                on_disk, _ = _read(self.path) if self.path.exists() else (None, None)
                if on_disk is not None:
                    self._values = on_disk
                change(self._values)
                changed = True
                self._write()
        except (OSError, SettingsError) as error:
            if not changed:  # no lock, no folder: the value is still kept for this session
                change(self._values)
            if isinstance(error, SettingsError):
                raise
            raise SettingsError(f"cannot save settings to {self.path}: {error.strerror or error}") from error

    @contextmanager
    def _locked(self):
        """Held by every writer of this settings file, in this process or another."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_file = self.path.with_name(self.path.name + ".lock")
        try:
            with locked(lock_file, LOCK_TIMEOUT):
                yield
        except LockTimeout as error:
            raise SettingsError(f"cannot save settings to {self.path}: another program has held "
                                f"{lock_file} for {LOCK_TIMEOUT:g} s; try again") from error


def _recent_entry(path: str | Path) -> str:
    return url_without_secrets(path) if is_server_url(path) else os.path.abspath(path)


def _without_secrets(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` as they may be written: no password in any text (geometry is base64 bytes)."""
    clean = dict(values)
    clean["recent_projects"] = [_recent_entry(p) for p in values["recent_projects"]]
    if clean["last_model_path"]:
        clean["last_model_path"] = redact_secrets(clean["last_model_path"])
    clean["values"] = _redacted(values["values"])
    return clean


def _redacted(value: Any) -> Any:
    if isinstance(value, str):
        return redact_secrets(value)
    if isinstance(value, dict):
        return {redact_secrets(str(k)): _redacted(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redacted(v) for v in value]
    return value
