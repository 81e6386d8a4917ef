"""A start vector for a word no vector file has, composed from its word pieces.

The bundled model's word vectors were distilled from all-MiniLM-L6-v2 for wordfreq's most
frequent English words (``scripts/build_word_vectors.py``); tweets are full of words outside any
such list ("#nowplaying", "loooove", "tmrw"). The encoder's own answer to an unknown word is to cut
it into pieces of its vocabulary (WordPiece: "##ing", "play"), and the same script writes a vector
for every piece in the words' space. A word's vector is then the mean of its pieces' vectors
(the script's linear map makes that mean land where the words' own vectors are).

Segmentation is BERT's uncased tokenizer in pure Python, so nothing of ``transformers`` is needed
at run time: lower case, accents stripped, every punctuation character a token of its own, then
greedy longest-match-first pieces within each token ("##" marks a piece that continues one).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import torch
from torch import Tensor, nn

from ner_studio.model.vocab import Vocabularies

MAX_CHARS = 100  # BERT's limit: a longer token is one unknown piece
CONTINUATION = "##"


def bert_punctuation(char: str) -> bool:
    """BERT's rule: ASCII symbols count too ("$", "@", "^"), not only Unicode's P* classes."""
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def basic_tokens(word: str) -> list[str]:
    """``word`` lower-cased without accents, split around punctuation and white space."""
    text = "".join(c for c in unicodedata.normalize("NFD", word.lower()) if unicodedata.category(c) != "Mn")
    tokens: list[str] = []
    current = ""
    for char in text:
        if char.isspace() or bert_punctuation(char):
            if current:
                tokens.append(current)
            current = ""
            if not char.isspace():
                tokens.append(char)
        else:
            current += char
    if current:
        tokens.append(current)
    return tokens


def greedy_pieces(token: str, vocabulary: set[str] | dict[str, int]) -> list[str] | None:
    """The longest-match-first pieces of ``token``; None when some part matches no piece (the
    encoder would read the whole token as ``[UNK]``)."""
    if len(token) > MAX_CHARS:
        return None
    pieces, start = [], 0
    while start < len(token):
        end = len(token)
        while end > start:
            piece = token[start:end] if start == 0 else CONTINUATION + token[start:end]
            if piece in vocabulary:
                break
            end -= 1
        else:
            return None
        pieces.append(piece)
        start = end
    return pieces


def segment(word: str, vocabulary: set[str] | dict[str, int]) -> list[str]:
    """Every piece of ``word``'s tokens that can be cut into pieces (the others are left out)."""
    found: list[str] = []
    for token in basic_tokens(word):
        found += greedy_pieces(token, vocabulary) or []
    return found


class WordPieces:
    """Word pieces with a vector each; :meth:`vector` composes one for any word."""

    def __init__(self, pieces: Sequence[str], vectors: Tensor):
        if len(pieces) != len(vectors):
            raise ValueError(f"{len(pieces)} pieces but {len(vectors)} vectors")
        self.pieces = list(pieces)
        self.vectors = vectors
        self._index = {piece: i for i, piece in enumerate(self.pieces)}

    def __len__(self) -> int:
        return len(self.pieces)

    def segment(self, word: str) -> list[str]:
        return segment(word, self._index)

    def vector(self, word: str) -> Tensor | None:
        """The mean vector of ``word``'s pieces, or None if none of it has a piece."""
        rows = [self._index[piece] for piece in self.segment(word)]
        return self.vectors[rows].float().mean(0) if rows else None

    def vectors_of(self, words: Sequence[str]) -> tuple[list[int], Tensor]:
        """``(positions, rows)``: the composed vectors of those of ``words`` that have pieces."""
        found = [(k, v) for k, v in enumerate(map(self.vector, words)) if v is not None]
        if not found:
            return [], torch.zeros(0, self.vectors.shape[1])
        positions, rows = zip(*found)
        return list(positions), torch.stack(rows)


def seed_from_pieces(model: nn.Module, vocabs: Vocabularies, first_new: int) -> int | None:
    """Set the word rows ``first_new:`` of ``model`` (new words of a fine-tune) that have pieces
    to their composed vector; returns how many, or None when the model holds no piece table."""
    if vocabs.pieces is None or getattr(model, "piece_vectors", None) is None:
        return None
    table = WordPieces(vocabs.pieces.to_list(), model.piece_vectors)
    positions, rows = table.vectors_of(vocabs.words.to_list()[first_new:])
    if positions:
        with torch.no_grad():
            model.word_embedding.weight[[first_new + k for k in positions]] = rows
    return len(positions)
