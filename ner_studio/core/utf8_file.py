"""Reading a small UTF-8 file whole, for every package of core/ (a helper at core's top, so
the readers of label sets, catalogues and patterns share one read and its errors, though
corpus/ may not import formats/)."""

from __future__ import annotations

from pathlib import Path

from ner_studio.core.errors import FormatError


def read_utf8_file(path: str | Path) -> str:
    """A small UTF-8 file's text (BOM dropped) for the readers of one-off files (label sets,
    catalogues, patterns); a :class:`FormatError` naming ``path`` if it cannot be read or decoded."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise FormatError(f"not UTF-8 text ({error.reason} at byte {error.start})", path) from None
    except OSError as error:
        raise FormatError(f"cannot be read: {error.strerror or error}", path) from None
