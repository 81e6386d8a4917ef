"""Vocabularies that turn words, characters and tags into indices, and back.

Words are looked up lower-cased with digits folded to ``0`` (so "1996" and "2001" share a
vector) and without invisible format characters (:func:`model_word`); what lower-casing
throws away comes back as a separate casing feature. Every
vocabulary can grow (``add``) without disturbing existing indices, so a model can later be
fine-tuned on new words or labels by appending rows to its embedding and output layers.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ner_studio.core.text.tokenizer import visible_word

PAD = "<pad>"
UNK = "<unk>"
PAD_INDEX = 0
UNK_INDEX = 1

_DIGIT = re.compile(r"\d")

# Index 0 is padding; the rest describe how a token is written.
CASINGS = (
    PAD,
    "numeric",
    "mostly_numeric",
    "contains_digit",
    "lower",
    "upper",
    "title",
    "mixed",
    "other",
)
_CASING_INDEX = {name: i for i, name in enumerate(CASINGS)}


def model_word(word: str) -> str:
    """The word the network reads for a token: its text without invisible format characters
    (a soft hyphen in "Micro\u00adsoft" is no part of the name; the document keeps it), or
    the text itself if nothing visible is left."""
    return visible_word(word) or word


def normalize_word(word: str) -> str:
    """The key a word's embedding is stored under."""
    return _DIGIT.sub("0", model_word(word).lower())


def casing(word: str) -> str:
    """One of :data:`CASINGS` (never ``<pad>``) describing how ``word`` is written."""
    word = model_word(word)
    digits = sum(c.isdigit() for c in word)
    if word.isdigit():
        return "numeric"
    if digits / max(len(word), 1) > 0.5:
        return "mostly_numeric"
    if digits:
        return "contains_digit"
    if word.islower():
        return "lower"
    if word.isupper():
        return "upper"
    if word[:1].isupper() and (len(word) == 1 or word[1:].islower()):
        return "title"
    if any(c.isalpha() for c in word):
        return "mixed"
    return "other"


def casing_index(word: str) -> int:
    return _CASING_INDEX[casing(word)]


class Vocab:
    """An append-only list of strings with index lookup; unknown strings map to ``<unk>``
    when the vocabulary has one (word and character vocabularies), else raise ``KeyError``."""

    def __init__(self, items: Iterable[str] = (), *, specials: tuple[str, ...] = (PAD, UNK)):
        self._items: list[str] = []
        self._index: dict[str, int] = {}
        for item in (*specials, *items):
            self.add(item)
        self._unk = self._index.get(UNK)

    def add(self, item: str) -> int:
        """Index of ``item``, appending it if new (existing indices never change)."""
        index = self._index.get(item)
        if index is None:
            index = self._index[item] = len(self._items)
            self._items.append(item)
        return index

    def index(self, item: str) -> int:
        index = self._index.get(item, self._unk)
        if index is None:
            raise KeyError(item)
        return index

    def __getitem__(self, index: int) -> str:
        return self._items[index]

    def __contains__(self, item: str) -> bool:
        return item in self._index

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self):
        return iter(self._items)

    def to_list(self) -> list[str]:
        return list(self._items)

    @classmethod
    def from_list(cls, items: list[str]) -> Vocab:
        """Rebuild exactly (specials included) from :meth:`to_list`."""
        return cls(items, specials=())


@dataclass
class Vocabularies:
    """Everything needed to encode a sentence for one model."""

    words: Vocab
    chars: Vocab
    tags: Vocab  # the model's tag set in its own scheme, no specials
    # Word pieces with a vector each in the network (``piece_vectors``), to compose a start
    # vector for a word the vocabulary lacks (model/word_pieces.py); None for most models
    pieces: Vocab | None = None

    @classmethod
    def build(
        cls,
        sentences: Iterable[list[str]],
        tag_sequences: Iterable[list[str]],
        *,
        min_word_count: int = 1,
    ) -> Vocabularies:
        """Vocabularies from training data. Tags are sorted so the same data always gives
        the same indices."""
        word_counts: Counter[str] = Counter()
        char_counts: Counter[str] = Counter()
        for words in sentences:
            for word in words:
                word_counts[normalize_word(word)] += 1
                char_counts.update(model_word(word))
        tag_set = sorted({tag for tags in tag_sequences for tag in tags})
        words = Vocab(sorted(w for w, n in word_counts.items() if n >= min_word_count))
        chars = Vocab(sorted(char_counts))
        return cls(words=words, chars=chars, tags=Vocab(tag_set, specials=()))

    def encode_words(self, words: list[str]) -> list[int]:
        return [self.words.index(normalize_word(w)) for w in words]

    def encode_chars(self, words: list[str]) -> list[list[int]]:
        return [[self.chars.index(c) for c in model_word(w)] for w in words]

    def encode_tags(self, tags: list[str]) -> list[int]:
        return [self.tags.index(t) for t in tags]

    def decode_tags(self, indices: Iterable[int]) -> list[str]:
        return [self.tags[i] for i in indices]

    def to_dict(self) -> dict[str, list[str]]:
        found = {"words": self.words.to_list(), "chars": self.chars.to_list(), "tags": self.tags.to_list()}
        if self.pieces is not None:
            found["pieces"] = self.pieces.to_list()
        return found

    @classmethod
    def from_dict(cls, data: dict[str, list[str]]) -> Vocabularies:
        return cls(
            words=Vocab.from_list(data["words"]),
            chars=Vocab.from_list(data["chars"]),
            tags=Vocab.from_list(data["tags"]),
            pieces=Vocab.from_list(data["pieces"]) if "pieces" in data else None,
        )
