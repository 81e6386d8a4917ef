"""Distinct words with their model inputs, for fast prediction.

Text is Zipfian: a million tokens hold a few tens of thousands of distinct words. Each word is
looked up in the vocabularies and run through the character CNN once; a batch is then just
an index tensor into these tables, with no per-token Python work beyond one dict lookup.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain

import torch
from torch import Tensor, nn

from ner_studio.model.batching import MAX_WORD_CHARS
from ner_studio.model.vocab import PAD_INDEX, Vocabularies, casing_index, model_word, normalize_word

# Words per character-CNN call when filling the table. The new words are sorted by length
# first, so a call's words are padded to little more than their own length: unsorted 4,096-word
# calls were padded to the longest of them (often the 30-character cut) and the CNN over 27k
# new words took 1.3-1.7 CPU-s, a third of tagging 300k tokens; sorted, 0.23 s (identical
# features: padding is masked). benchmarks/results/2026-12-07-tagging-speed-2.md.
_CHUNK = 1024


@dataclass
class TableBatch:
    words: Tensor  # (batch, time) word ids
    casing: Tensor  # (batch, time)
    char_features: Tensor  # (batch, time, filters)
    lengths: Tensor  # (batch,)
    mask: Tensor  # (batch, time) bool
    positions: Tensor  # (batch, time) each token's place in ``TableSentences.rows`` (clamped at padding)


@dataclass
class TableSentences:
    rows: Tensor  # every token's table row, sentence after sentence
    starts: Tensor  # (sentences,) where each sentence begins in ``rows``
    lengths: Tensor  # (sentences,)


class WordTable:
    """Row 0 is padding; every other row is one distinct word string."""

    def __init__(self, vocabs: Vocabularies, char_features: nn.Module, filters: int):
        self._vocabs = vocabs
        self._char_features = char_features
        self._rows: dict[str, int] = {}
        self._word_ids = [PAD_INDEX]
        self._casing = [PAD_INDEX]
        self._keys = [0]  # each row's word as the embedding reads it (lower-cased), numbered
        self._key_numbers: dict[str, int] = {}
        self._pending: list[str] = []
        self._features = torch.zeros(1, filters)
        self._tensors: tuple[Tensor, Tensor] | None = None

    def __len__(self) -> int:
        return len(self._word_ids)

    def rows_of(self, words: list[str]) -> list[int]:
        found = list(map(self._rows.get, words))
        if None in found:  # new words: rare once a few thousand sentences have been seen
            found = [self._add(word) if row is None else row for word, row in zip(words, found)]
        return found

    def _add(self, word: str) -> int:
        row = self._rows.get(word)
        if row is None:
            row = self._rows[word] = len(self._word_ids)
            key = normalize_word(word)
            self._word_ids.append(self._vocabs.words.index(key))
            self._casing.append(casing_index(word))
            self._keys.append(self._key_numbers.setdefault(key, len(self._key_numbers) + 1))
            self._pending.append(word)
        return row

    def sentences(self, sentences: list[list[str]]) -> TableSentences:
        """Many sentences' rows in one flat tensor, ready to be cut into batches. One lookup
        over all their words at once: a call per sentence cost as much again."""
        rows = self.rows_of(list(chain.from_iterable(sentences)))
        lengths = torch.tensor(list(map(len, sentences)))
        starts = torch.cumsum(lengths, 0) - lengths
        self._fill()  # every new word was met just now: encode them all at once
        return TableSentences(torch.tensor(rows), starts, lengths)

    def batch(self, sentences: TableSentences, indices: list[int]) -> TableBatch:
        """Padded inputs for the sentences ``indices`` of ``sentences`` (from :meth:`sentences`)."""
        word_ids, casing = self._tensors
        chosen = torch.tensor(indices)
        lengths = sentences.lengths[chosen]
        steps = torch.arange(int(lengths.max()))
        mask = steps < lengths.unsqueeze(1)
        positions = (sentences.starts[chosen].unsqueeze(1) + steps).clamp_max(len(sentences.rows) - 1)
        rows = torch.where(mask, sentences.rows[positions], 0)
        return TableBatch(word_ids[rows], casing[rows], self._features[rows], lengths, mask, positions)

    def mention_groups(self, sentences: TableSentences, documents: list[int]) -> Tensor:
        """For every token of ``sentences`` (flat), a number shared by the mentions of its word
        (lower-cased) in its document; ``documents`` gives each sentence's document."""
        document = torch.tensor(documents).repeat_interleave(sentences.lengths)
        keys = torch.tensor(self._keys)[sentences.rows]
        return torch.unique(document * (len(self._key_numbers) + 1) + keys, return_inverse=True)[1]

    def _fill(self) -> None:
        if self._pending:
            chars = self._vocabs.chars
            words = [model_word(w)[:MAX_WORD_CHARS] for w in self._pending]
            order = sorted(range(len(words)), key=lambda i: len(words[i]))
            features = torch.empty(len(words), self._features.size(1))
            for start in range(0, len(order), _CHUNK):
                chunk = order[start : start + _CHUNK]
                width = len(words[chunk[-1]])
                ids = torch.tensor([[chars.index(c) for c in words[i]] + [PAD_INDEX] * (width - len(words[i]))
                                    for i in chunk])
                # The words are distinct already: straight to the CNN, without its search for repeats.
                features[chunk] = self._char_features.features(ids)
            self._features = torch.cat([self._features, features])
            self._pending = []
            self._tensors = None
        if self._tensors is None:
            self._tensors = (torch.tensor(self._word_ids), torch.tensor(self._casing))
