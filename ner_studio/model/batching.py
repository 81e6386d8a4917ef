"""Sentences as words and tags, as index lists, and padded tensor batches of them.

Kept apart from the network so the same encoded sentences serve training, evaluation and
prediction, and so batches can be grouped by length (little padding, fast LSTM steps).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import Tensor

from ner_studio.model.vocab import PAD_INDEX, Vocabularies, casing_index, model_word, normalize_word

# Longer tokens (URLs, hashes) are cut: their first characters say enough and a single long
# token would otherwise widen the character tensor of its whole batch.
MAX_WORD_CHARS = 30


@dataclass
class Sentences:
    """Sentences as words with their tags in a model's scheme: what fine-tuning trains on and
    what growing a model's vocabularies reads (here, below both, so neither imports the other)."""

    words: list[list[str]] = field(default_factory=list)
    tags: list[list[str]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.words)


@dataclass
class EncodedSentence:
    words: list[int]
    chars: list[list[int]]
    casing: list[int]
    tags: list[int] | None = None
    document: int = 0  # which document the sentence comes from
    # Each token's word among its document's distinct words (see ``document_keys``); set for
    # models that pool over a word's mentions in the document.
    keys: list[int] | None = None
    # ``(len, features)``: a character language model's word features (network ``char_lm``)
    context: Tensor | None = None

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
    # (batch, time): tokens with the same id are one word of one document; 0 at padding.
    groups: Tensor | None = None
    context: Tensor | None = None  # (batch, time, features), zeros at padding; see EncodedSentence

    def inputs(self) -> tuple[Tensor, Tensor, Tensor, Tensor]:
        return self.words, self.chars, self.casing, self.lengths


def encode_sentence(vocabs: Vocabularies, words: list[str], tags: list[str] | None = None, *,
                    document: int = 0, keys: list[int] | None = None) -> EncodedSentence:
    """Index lists for one sentence; ``tags`` must already be in the model's scheme."""
    clipped = [model_word(w)[:MAX_WORD_CHARS] for w in words]
    return EncodedSentence(
        words=vocabs.encode_words(words),
        chars=vocabs.encode_chars(clipped),
        casing=[casing_index(w) for w in words],
        tags=vocabs.encode_tags(tags) if tags is not None else None,
        document=document,
        keys=keys,
    )


def document_keys(sentences: list[list[str]]) -> list[list[int]]:
    """For one document's sentences, each token's number among the document's distinct
    words (compared as the embedding looks them up: lower-cased, digits as 0)."""
    numbers: dict[str, int] = {}
    return [[numbers.setdefault(normalize_word(w), len(numbers)) for w in words] for words in sentences]


def group_ids(sentences: list[EncodedSentence]) -> Tensor | None:
    """``(batch, time)`` ids shared by the tokens of one word of one document, from 1 up;
    0 at padding. ``None`` unless every sentence has keys."""
    if any(s.keys is None for s in sentences):
        return None
    ids: dict[tuple[int, int], int] = {}
    time = max(len(s) for s in sentences)
    rows = [[ids.setdefault((s.document, k), len(ids) + 1) for k in s.keys] + [0] * (time - len(s))
            for s in sentences]
    return torch.tensor(rows, dtype=torch.long)


def document_batches(sentences: list[EncodedSentence], size: int, order: list[int] | None = None) -> list[list[int]]:
    """Indices of ``sentences`` in batches of whole documents, at least ``size`` sentences
    each (but the last), documents taken in ``order`` (default: as they come)."""
    by_document: dict[int, list[int]] = {}
    for i, sentence in enumerate(sentences):
        by_document.setdefault(sentence.document, []).append(i)
    documents = list(by_document)
    if order is not None:
        documents = [documents[i] for i in order]
    batches, current = [], []
    for document in documents:
        current.extend(by_document[document])
        if len(current) >= size:
            batches.append(current)
            current = []
    if current:
        batches.append(current)
    return batches


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
    context = None
    if sentences[0].context is not None:
        context = sentences[0].context.new_zeros(len(sentences), time, sentences[0].context.size(1))
        for row, s in enumerate(sentences):
            context[row, : len(s)] = s.context
    return Batch(
        words=pad([s.words for s in sentences]),
        chars=chars,
        casing=pad([s.casing for s in sentences]),
        lengths=lengths_tensor,
        mask=mask,
        tags=pad([s.tags for s in sentences]) if has_tags else None,
        groups=group_ids(sentences),
        context=context,
    )


def length_buckets(lengths: list[int], batch_size: int, max_tokens: int | None = None) -> list[list[int]]:
    """Indices grouped into batches of similar length (longest first), so each batch is
    padded to little more than its own length. With ``max_tokens``, a batch also holds at
    most that many tokens once padded (but always at least one sentence)."""
    batch_size = max(1, batch_size)
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    if max_tokens is None or not order or lengths[order[0]] * batch_size <= max_tokens:
        return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    batches, i = [], 0
    while i < len(order):
        # Longest first: the batch's first sentence sets the padded width of all of them.
        size = min(batch_size, max(1, max_tokens // max(1, lengths[order[i]])))
        batches.append(order[i : i + size])
        i += size
    return batches
