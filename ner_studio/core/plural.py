"""Counts in messages: "1 text", "2 texts", "1 entity", "3 entities".

Every message the app or the command line builds around a number goes through
:func:`plural`, so none says "1 documents" and the rule lives in one place.
"""

from __future__ import annotations

_SIBILANT_ENDS = ("s", "x", "z", "ch", "sh")


def plural_form(word: str) -> str:
    """The English plural of a regular noun: "entity" -> "entities", "match" -> "matches"."""
    if word.endswith("y") and word[-2:-1] not in ("", *"aeiou"):
        return word[:-1] + "ies"
    if word.endswith(_SIBILANT_ENDS):
        return word + "es"
    return word + "s"


def plural(count: int, word: str, many: str | None = None) -> str:
    """``count`` and ``word`` in agreement: ``plural(1, "document")`` is "1 document",
    ``plural(2, "entity")`` "2 entities"; ``many`` gives an irregular plural. Thousands are
    grouped ("12,480 tokens")."""
    form = word if count == 1 else (many or plural_form(word))
    return f"{count:,} {form}"
