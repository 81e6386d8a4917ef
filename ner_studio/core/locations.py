"""Per-user folders: where new projects, the settings file and fetched corpora live.

``NER_STUDIO_DATA_DIR``, ``NER_STUDIO_CONFIG_DIR``, ``NER_STUDIO_CACHE_DIR`` and
``NER_STUDIO_LOG_DIR`` override the appdirs defaults (tests and portable installs use them). appdirs is imported lazily: it is a tiny pure-Python dependency
and only these functions need it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

APP_NAME = "NER Studio"
PROJECT_SUFFIX = ".nerstudio"
URL_SCHEMES = ("postgresql://", "postgres://")


def is_server_url(location: object) -> bool:
    """A project on a PostgreSQL server rather than a file: the URL's text only, so settings
    and the command line can tell without the store (or psycopg)."""
    return isinstance(location, str) and location.startswith(URL_SCHEMES)


def user_data_dir() -> Path:
    return _user_dir("NER_STUDIO_DATA_DIR", "user_data_dir")


def user_config_dir() -> Path:
    return _user_dir("NER_STUDIO_CONFIG_DIR", "user_config_dir")


def user_cache_dir() -> Path:
    """Downloaded corpora (``ner-studio data fetch``)."""
    return _user_dir("NER_STUDIO_CACHE_DIR", "user_cache_dir")


def user_log_dir() -> Path:
    """The rotating log files (see :mod:`ner_studio.core.logs`)."""
    return _user_dir("NER_STUDIO_LOG_DIR", "user_log_dir")


def _user_dir(override_variable: str, appdirs_function: str) -> Path:
    override = os.environ.get(override_variable)
    if override:
        return Path(override)
    import appdirs

    return Path(getattr(appdirs, appdirs_function)(APP_NAME))


def default_projects_dir() -> Path:
    """Where new projects go unless the user picks a place (not created until needed)."""
    return user_data_dir() / "projects"


def named_project_path(name: str) -> Path:
    """The project file in :func:`default_projects_dir` named after ``name`` (it may exist)."""
    stem = re.sub(r"[^\w\- ]+", "_", name).strip(" ._") or "project"
    return default_projects_dir() / f"{stem}{PROJECT_SUFFIX}"


def default_project_path(name: str) -> Path:
    """A project file in :func:`default_projects_dir` named after ``name``; never an existing
    file (``name-2``, ``name-3``, ... when taken)."""
    named = named_project_path(name)
    return unused_path(named.parent, named.stem, PROJECT_SUFFIX)


def unused_path(folder: Path, stem: str, suffix: str) -> Path:
    """``folder/stem+suffix``, or ``stem-2``, ``stem-3``... the first name not taken."""
    candidate = folder / f"{stem}{suffix}"
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{number}{suffix}"
        number += 1
    return candidate
