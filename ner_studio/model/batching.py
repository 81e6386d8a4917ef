"""Sentences as index lists, and padded tensor batches of them.

Kept apart from the network so the same encoded sentences serve training, evaluation and
prediction, and so batches can be grouped by length (little padding, fast LSTM steps).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from ner_studio.model.vocab import PAD_INDEX, Vocabularies, casing_index

# Longer tokens (URLs, hashes) are cut: their first characters say enough and a single long
# token would otherwise widen the character tensor of its whole batch.
MAX_WORD_CHARS = 30


@dataclass
class EncodedSentence:
    words: list[int]
    chars: list[list[int]]
    casing: list[int]
    tags: list[int] | None = None

    def __len__(self) -> int:
        return len(self.words)


@dataclass
class Batch:
    words: Tensor  # (batch, time)
    chars: Tensor  # (batch, time, width)
    casing: Tensor  # (batch, time)
    lengths: Tensor  # (batch,)
    mask: Tensor  # (batch, time) bool
    tags: Tensor | None  # (batch, time), 0 at padding

    def inputs(self) -> tuple[Tensor, Tensor, Tensor, Tensor]:
        return self.words, self.chars, self.casing, self.lengths


def encode_sentence(vocabs: Vocabularies, words: list[str], tags: list[str] | None = None) -> EncodedSentence:
    """Index lists for one sentence; ``tags`` must already be in the model's scheme."""
    clipped = [w[:MAX_WORD_CHARS] for w in words]
    return EncodedSentence(
        words=vocabs.encode_words(words),
        chars=vocabs.encode_chars(clipped),
        casing=[casing_index(w) for w in words],
        tags=vocabs.encode_tags(tags) if tags is not None else None,
    )


def collate(sentences: list[EncodedSentence]) -> Batch:
    """Pad a list of non-empty sentences into one batch."""
    lengths = [len(s) for s in sentences]
    time = max(lengths)
    width = max(len(c) for s in sentences for c in s.chars)

    def pad(rows: list[list[int]]) -> Tensor:
        return torch.tensor([row + [PAD_INDEX] * (time - len(row)) for row in rows], dtype=torch.long)

    empty_word = [PAD_INDEX] * width
    chars = torch.tensor(
        [
            [c + [PAD_INDEX] * (width - len(c)) for c in s.chars] + [empty_word] * (time - len(s))
            for s in sentences
        ],
        dtype=torch.long,
    )
    lengths_tensor = torch.tensor(lengths, dtype=torch.long)
    mask = torch.arange(time).unsqueeze(0) < lengths_tensor.unsqueeze(1)
    has_tags = all(s.tags is not None for s in sentences)
    return Batch(
        words=pad([s.words for s in sentences]),
        chars=chars,
        casing=pad([s.casing for s in sentences]),
        lengths=lengths_tensor,
        mask=mask,
        tags=pad([s.tags for s in sentences]) if has_tags else None,
    )


def length_buckets(lengths: list[int], batch_size: int) -> list[list[int]]:
    """Indices grouped into batches of similar length (longest first), so each batch is
    padded to little more than its own length."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
