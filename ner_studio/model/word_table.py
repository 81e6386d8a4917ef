"""Distinct words with their model inputs, for fast prediction.

Text is Zipfian: a million tokens hold a few tens of thousands of distinct words. Each word is
looked up in the vocabularies and run through the character CNN once; a batch is then just
an index tensor into these tables, with no per-token Python work beyond one dict lookup.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn

from ner_studio.model.batching import MAX_WORD_CHARS
from ner_studio.model.vocab import PAD_INDEX, Vocabularies, casing_index, normalize_word

_CHUNK = 4096  # words per character-CNN call when filling the table


@dataclass
class TableBatch:
    words: Tensor  # (batch, time) word ids
    casing: Tensor  # (batch, time)
    char_features: Tensor  # (batch, time, filters)
    lengths: Tensor  # (batch,)
    mask: Tensor  # (batch, time) bool


class WordTable:
    """Row 0 is padding; every other row is one distinct word string."""

    def __init__(self, vocabs: Vocabularies, char_features: nn.Module, filters: int):
        self._vocabs = vocabs
        self._char_features = char_features
        self._rows: dict[str, int] = {}
        self._word_ids = [PAD_INDEX]
        self._casing = [PAD_INDEX]
        self._pending: list[str] = []
        self._features = torch.zeros(1, filters)
        self._tensors: tuple[Tensor, Tensor] | None = None

    def __len__(self) -> int:
        return len(self._word_ids)

    def rows_of(self, words: list[str]) -> list[int]:
        rows = self._rows
        found = []
        for word in words:
            row = rows.get(word)
            if row is None:
                row = rows[word] = len(self._word_ids)
                self._word_ids.append(self._vocabs.words.index(normalize_word(word)))
                self._casing.append(casing_index(word))
                self._pending.append(word)
            found.append(row)
        return found

    def batch(self, sentences: list[list[int]]) -> TableBatch:
        """Inputs for sentences given as row lists (from :meth:`rows_of`)."""
        self._fill()
        word_ids, casing = self._tensors
        lengths = torch.tensor([len(s) for s in sentences])
        time = int(lengths.max())
        rows = torch.tensor([s + [0] * (time - len(s)) for s in sentences])
        mask = torch.arange(time).unsqueeze(0) < lengths.unsqueeze(1)
        return TableBatch(word_ids[rows], casing[rows], self._features[rows], lengths, mask)

    def _fill(self) -> None:
        if self._pending:
            chars = self._vocabs.chars
            new = []
            for start in range(0, len(self._pending), _CHUNK):
                words = [w[:MAX_WORD_CHARS] for w in self._pending[start : start + _CHUNK]]
                width = max(len(w) for w in words)
                ids = torch.tensor([[chars.index(c) for c in w] + [PAD_INDEX] * (width - len(w)) for w in words])
                new.append(self._char_features(ids.unsqueeze(0))[0])
            self._features = torch.cat([self._features, *new])
            self._pending = []
            self._tensors = None
        if self._tensors is None:
            self._tensors = (torch.tensor(self._word_ids), torch.tensor(self._casing))

