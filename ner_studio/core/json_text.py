"""``json.loads`` that reports JSON nested too deeply as a :class:`json.JSONDecodeError` with
its line and column, like any other bad JSON.

Why: the standard parser recurses once per bracket and raises ``RecursionError`` past about
a thousand levels, which no reader expected: a patterns file, a settings file or a project's
stored metadata of ``[[[[...`` ended in a traceback (issue 24). Every caller already turns a
``JSONDecodeError`` (a ``ValueError``) into a message naming the file and line.
"""

from __future__ import annotations

import json

MAX_DEPTH = 500  # far beyond any document, pattern or setting NER Studio writes


def loads(text: str):
    """``json.loads(text)``; JSON nested deeper than the parser can go raises
    :class:`json.JSONDecodeError` at the bracket where it passes :data:`MAX_DEPTH` levels."""
    try:
        return json.loads(text)
    except RecursionError:
        raise json.JSONDecodeError(
            f"nested too deeply (more than {MAX_DEPTH} levels of brackets inside brackets) to be "
            f"data NER Studio can use", text, _too_deep_at(text)) from None


def _too_deep_at(text: str) -> int:
    """Where the nesting first passes :data:`MAX_DEPTH` (brackets inside strings ignored)."""
    depth, in_string, escaped = 0, False, False
    for position, ch in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return position
        elif ch in "]}":
            depth -= 1
    return 0
