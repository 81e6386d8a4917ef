"""Tokens and sentences of a text: character offsets, and token indices.

Separate from :mod:`ner_studio.core.text.document` so that the tokenizer, which makes them, and the
document, which holds them, do not import each other.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from ner_studio.core.errors import SpanError


class Token(NamedTuple):
    """``text[start:end]`` is the token."""

    start: int
    end: int


class TokenList(Sequence):
    """A sequence of :class:`Token` kept as two lists of ints.

    Creating a million ``Token`` tuples takes ~0.6 s, more than the rest of loading a CoNLL
    file; a ``TokenList`` makes a ``Token`` only when one is read, so readers and the
    tokenizer can hand over plain offset lists."""

    __slots__ = ("starts", "ends")

    def __init__(self, starts: list[int], ends: list[int]):
        if len(starts) != len(ends):
            raise SpanError(f"{len(starts)} token starts but {len(ends)} ends")
        self.starts = starts
        self.ends = ends

    @classmethod
    def of(cls, tokens: Iterable[tuple[int, int]]) -> TokenList:
        if isinstance(tokens, TokenList):
            return tokens
        tokens = list(tokens)
        return cls([t[0] for t in tokens], [t[1] for t in tokens])

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return TokenList(self.starts[index], self.ends[index])
        return Token(self.starts[index], self.ends[index])

    def __iter__(self) -> Iterator[Token]:
        return map(Token, self.starts, self.ends)

    def __eq__(self, other) -> bool:
        if isinstance(other, TokenList):
            return self.starts == other.starts and self.ends == other.ends
        if isinstance(other, (list, tuple)):
            return list(self) == list(other)
        return NotImplemented

    def __repr__(self) -> str:
        shown = ", ".join(f"({s}, {e})" for s, e in zip(self.starts[:5], self.ends[:5]))
        return f"TokenList([{shown}{', ...' if len(self) > 5 else ''}], {len(self)} tokens)"


class Sentence(NamedTuple):
    """Token indices ``[start, end)`` of one sentence."""

    start: int
    end: int
