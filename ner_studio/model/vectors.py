"""Pre-trained word vectors from a GloVe or word2vec *text* file the user already has.

Lookup uses the same normalisation as the word vocabulary (lower case, digits → 0). Words the
file lacks keep their random initialisation, so a partial vectors file is never an error.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from ner_studio.core.errors import FormatError
from ner_studio.model.vocab import PAD, UNK, Vocab, normalize_word


def read_vectors(path: str | Path, wanted: set[str] | None = None) -> tuple[dict[str, list[float]], int]:
    """``({normalised word: vector}, dimension)``. With ``wanted``, only those keys are kept
    (a 400k-word file then costs little memory). A cased entry never overrides one whose
    original spelling is already the normalised form ("paris" beats "Paris")."""
    path = Path(path)
    vectors: dict[str, list[float]] = {}
    exact: set[str] = set()
    dimension = None
    number = 0
    try:
        with path.open(encoding="utf-8", errors="strict") as stream:
            for number, line in enumerate(stream, start=1):
                parts = line.rstrip("\n").rstrip(" ").split(" ")
                if number == 1 and len(parts) == 2 and all(p.isdigit() for p in parts):
                    continue  # word2vec header: "<words> <dimension>"
                if parts == [""]:
                    continue
                if len(parts) < 2:
                    raise FormatError("expected a word followed by numbers", path, number)
                if dimension is None:
                    dimension = len(parts) - 1
                elif len(parts) - 1 != dimension:
                    raise FormatError(f"{len(parts) - 1} numbers where earlier lines have {dimension}",
                                      path, number)
                word = parts[0]
                key = normalize_word(word)
                if (wanted is not None and key not in wanted) or key in exact:
                    continue
                if key in vectors and word != key:
                    continue
                try:
                    vectors[key] = [float(x) for x in parts[1:]]
                except ValueError:
                    raise FormatError(f"not a number in the vector of {word!r}", path, number) from None
                if word == key:
                    exact.add(key)
    except OSError as error:
        raise FormatError(f"cannot read the vectors file ({error.strerror or error})", path) from error
    except UnicodeDecodeError:
        # Binary word2vec files (.bin) fail here; so does any other non-text file.
        raise FormatError("not a UTF-8 text vectors file (binary word2vec .bin files are not read; "
                          "convert it to the text format: a word and its numbers on each line)",
                          path, number + 1) from None
    if dimension is None:
        raise FormatError("the vectors file has no vectors", path)
    return vectors, dimension


def initialise_embedding(embedding: nn.Embedding, words: Vocab, vectors: dict[str, list[float]]) -> int:
    """Copy vectors into the rows of the words that have one; returns how many rows."""
    if embedding.embedding_dim != len(next(iter(vectors.values()), [])) and vectors:
        raise ValueError(
            f"vectors have {len(next(iter(vectors.values())))} dimensions but the word "
            f"embedding has {embedding.embedding_dim}"
        )
    found = 0
    with torch.no_grad():
        for index, word in enumerate(words):
            vector = vectors.get(word)
            if vector is not None and word not in (PAD, UNK):
                embedding.weight[index] = torch.tensor(vector)
                found += 1
    return found
