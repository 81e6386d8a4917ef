"""One error hierarchy for the whole app; only the CLI and the GUI turn these into exit codes
or dialogs."""

from __future__ import annotations

from pathlib import Path

from ner_studio.core.secrets import redact_secrets


class NerStudioError(Exception):
    """Base class of every error NER Studio raises on purpose."""

    def __reduce__(self):
        """Pickled as its message and fields, rebuilt without calling ``__init__``: an error
        from the training child (gui/learning/training_process.py) arrives as itself, its
        ``path`` and ``line`` fields as they were, whatever its ``__init__`` takes (Python's
        own pickling calls ``__init__`` with the message alone: ``PartlyOpened`` failed, and
        came as a TrainingError with its file and line folded into the message)."""
        return _rebuilt, (type(self), self.args, dict(self.__dict__))


def _rebuilt(kind: type[NerStudioError], args: tuple, fields: dict) -> NerStudioError:
    error = kind.__new__(kind, *args)
    error.args = args
    error.__dict__.update(fields)
    return error


class FormatError(NerStudioError):
    """Bad input in a file or a string: names the file, the 1-based line and the reason."""

    def __init__(self, reason: str, path: str | Path | None = None, line: int | None = None):
        self.reason = reason
        self.path = str(path) if path is not None else None
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [self.path] if self.path else []
        if self.line is not None:
            where.append(f"line {self.line}")
        return f"{', '.join(where)}: {self.reason}" if where else self.reason


class PartlyOpened(FormatError):
    """A big file failed part-way: the ``added`` documents of its earlier parts are in the
    project (each part was stored as it came), the rest of the file is not."""

    def __init__(self, error: FormatError, added: int):
        super().__init__(error.reason, error.path, error.line)
        self.added = added


class SpanError(NerStudioError):
    """A span that cannot be placed: out of range, empty, or overlapping another one."""


class TagError(NerStudioError):
    """An invalid tag or tag sequence; ``index`` is the 0-based token position when known."""

    def __init__(self, reason: str, index: int | None = None):
        self.reason = reason
        self.index = index
        super().__init__(reason if index is None else f"token {index + 1}: {reason}")


class CheckpointError(NerStudioError):
    """A model file that cannot be loaded: corrupt, truncated, foreign or from a newer version."""

    def __init__(self, reason: str, path: str | Path | None = None):
        self.reason = reason
        self.path = str(path) if path is not None else None
        super().__init__(f"{self.path}: {reason}" if self.path else reason)


class ProjectError(NerStudioError):
    """The project store cannot be opened or written (locked, read-only, full disk, corrupt).

    ``reason`` says what went wrong and what to do; ``path`` is the project file when known.
    Both may come from a server URL or a driver's message: they are kept without passwords."""

    def __init__(self, reason: str, path: str | Path | None = None):
        self.reason = redact_secrets(reason)
        self.path = redact_secrets(str(path)) if path is not None else None
        super().__init__(f"{self.path}: {reason}" if self.path else reason)


class ProjectLockedError(ProjectError):
    """Another program holds the project's write lock for longer than the timeout."""


class ChangedMeanwhileError(ProjectError):
    """What a save would replace was changed by someone else since it was read (another
    curator saved the gold version): nothing was written."""


class ReadOnlyProjectError(ProjectError):
    """The project file or its folder cannot be written."""


class DiskFullError(ProjectError):
    """The disk (or the database's size limit) is full."""


class CorruptProjectError(ProjectError):
    """The project file is damaged; ``backup`` is the newest healthy backup, if there is one."""

    def __init__(self, reason: str, path: str | Path | None = None, backup: str | Path | None = None):
        self.backup = Path(backup) if backup is not None else None
        super().__init__(reason, path)


class LabelError(NerStudioError):
    """An invalid label set: bad or duplicate name, duplicate shortcut key, bad colour."""


class AnnotatorError(NerStudioError):
    """An unusable annotator name, or an annotator with no version of a document."""


class SettingsError(NerStudioError):
    """The settings file cannot be written."""


class TrainingError(NerStudioError):
    """Training cannot start or went wrong (too little reviewed data, a NaN loss)."""


class OutputError(NerStudioError):
    """An output path that must not or cannot be written: one of the command's inputs, a
    folder, a file of another kind, or in a folder that is missing or read-only."""

    def __init__(self, reason: str, path: str | Path | None = None):
        self.reason = reason
        self.path = str(path) if path is not None else None
        super().__init__(f"{self.path}: {reason}" if self.path else reason)


class SearchError(NerStudioError):
    """A Find pattern that cannot be used: a regular expression that does not compile (the
    reason says where), or one that ran past the search's time budget."""
