"""Growing a trained tagger for fine-tuning: new words, characters and labels get rows that
start where the parent would put them, and every learned weight is kept.

A new word starts as the parent's ``<unk>`` vector, i.e. exactly how the parent saw it (``finetune``
then moves the ones the project's text has a vector for to it: ``model/text_vectors.py``). A new
label's tags start as the parent's average entity at the same position (output rows and CRF
scores alike), so a label with few examples only has to be told apart from the others instead
of climbing out of a random start. The scheme's transition constraints are rebuilt for the grown
tag set.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace

import torch
from torch import Tensor

from ner_studio.model.batching import Sentences
from ner_studio.model.checkpoint import LoadedModel
from ner_studio.model.network import BiLSTMNetwork
from ner_studio.model.vocab import UNK_INDEX, Vocab, Vocabularies, model_word, normalize_word
from ner_studio.model.workflow import entity_labels

_PREFIXES = {"bioes": "BIES", "iob2": "BI"}


def grow_vocabularies(parent: Vocabularies, train: Sentences, scheme: str,
                      dev: Sentences | None = None) -> tuple[Vocabularies, list[str]]:
    """A copy of ``parent`` extended by the words and characters of ``train`` and the labels of
    ``train`` and ``dev`` (a dev-only label must still be encodable); returns it with the
    labels that are new."""
    grown = Vocabularies.from_dict(parent.to_dict())
    for words in train.words:
        for word in words:
            grown.words.add(normalize_word(word))
            for char in model_word(word):
                grown.chars.add(char)
    known = set(entity_labels(parent.tags.to_list()))
    tag_sequences = train.tags + (dev.tags if dev is not None else [])
    new_labels = sorted({t[2:] for seq in tag_sequences for t in seq if t != "O"} - known)
    for label in new_labels:
        for prefix in _PREFIXES[scheme]:
            grown.tags.add(f"{prefix}-{label}")
    return grown, new_labels


def _prototypes(parent_tags: list[str], grown_tags: list[str]) -> list[list[int]]:
    """For every grown tag, the parent tags it starts from: an old tag itself; a new ``P-NEW``
    every parent tag with the same prefix ``P`` (the average entity at that position)."""
    index = {t: i for i, t in enumerate(parent_tags)}
    return [[index[tag]] if tag in index else [i for i, t in enumerate(parent_tags) if t[:2] == tag[:2]]
            for tag in grown_tags]


def _grown_transitions(old: torch.Tensor, grown_tags: list[str], prototypes: list[list[int]],
                       parent_tags: list[str]) -> torch.Tensor:
    """CRF transitions for the grown tag set: between two tags of one new label, the mean of
    the same move within each old label (B-X -> I-X); otherwise the mean over the prototypes."""
    size = len(grown_tags)
    result = torch.zeros(size, size)
    old_labels = {t[2:] for t in parent_tags if t != "O"}
    position = {t: i for i, t in enumerate(parent_tags)}
    for i, a in enumerate(grown_tags):
        for j, b in enumerate(grown_tags):
            if i < len(parent_tags) and j < len(parent_tags):
                result[i, j] = old[i, j]
            elif a != "O" and b != "O" and a[2:] == b[2:]:
                pairs = [(position[f"{a[:2]}{x}"], position[f"{b[:2]}{x}"]) for x in old_labels
                         if f"{a[:2]}{x}" in position and f"{b[:2]}{x}" in position]
                result[i, j] = torch.stack([old[p, q] for p, q in pairs]).mean() if pairs else 0.0
            else:
                result[i, j] = old[prototypes[i]][:, prototypes[j]].mean() if prototypes[i] and prototypes[j] else 0.0
    return result


def grow_model(parent: LoadedModel, vocabs: Vocabularies, *, average_start: bool = True,
               word_pieces: int | None = None) -> BiLSTMNetwork:
    """A new network shaped for ``vocabs`` (a superset of the parent's) holding the parent's
    weights in the old rows. A new word starts as the parent's ``<unk>``; a new tag (of a new
    label) starts as the average of the parent's tags at the same position (its output rows and
    CRF scores), so from the first step it is a plausible entity the model only has to tell
    apart, rather than a random row with a few examples to climb out from."""
    config = replace(parent.model.config, num_words=len(vocabs.words), num_chars=len(vocabs.chars),
                     num_tags=len(vocabs.tags))
    if word_pieces is not None:  # a new piece table (zeros until the caller fills it)
        config = replace(config, word_pieces=word_pieces)
    grown_tags, parent_tags = vocabs.tags.to_list(), parent.vocabs.tags.to_list()
    prototypes = _prototypes(parent_tags, grown_tags)
    model = BiLSTMNetwork(config, grown_tags, parent.scheme)
    state = model.state_dict()
    old = parent.model.state_dict()
    with torch.no_grad():
        for name, target in state.items():
            source = old.get(name)
            if name.endswith("_penalty") or source is None or (name == "piece_vectors" and word_pieces is not None):
                continue  # scheme constraints (the new constructor built them for all tags), a new table
            if name in ("word_embedding.weight", "char_features.embedding.weight"):
                target[:] = source[UNK_INDEX]  # unseen rows start as the parent's <unk>
                target[tuple(slice(0, n) for n in source.shape)] = source
            elif not average_start:
                if name.startswith("crf."):
                    target.zero_()
                target[tuple(slice(0, n) for n in source.shape)] = source
            elif name == "crf.transitions":
                target[:] = _grown_transitions(source, grown_tags, prototypes, parent_tags)
            elif name in ("crf.start", "crf.end") or name.startswith(("output.", "shared.")):
                target[:] = torch.stack([source[rows].mean(dim=0) if rows else torch.zeros_like(source[0])
                                         for rows in prototypes])
            else:
                target[tuple(slice(0, n) for n in source.shape)] = source
    model.load_state_dict(state)
    return model


def with_vector_words(parent: LoadedModel, words: Sequence[str], vectors: Tensor) -> tuple[LoadedModel, int]:
    """``parent`` with a row for each of ``words`` (normalised, as the vocabulary keys them) it
    has none for, holding its row of ``vectors``; returns it and how many rows were added.

    This is the model that training with those rows would have given, if they started from the
    same vectors: a row no training sentence uses has a zero gradient, Adam never moves such a
    row (its moments stay zero, and there is no weight decay), the moving average of a constant
    is that constant, and ``<unk>`` (word dropout, singletons) is a row of its own. So every row
    of the trained model that training never used is still its vector, and a network reads no
    row but its own word's. What does change is what the model reads for those words: their
    vector instead of ``<unk>``."""
    vocabs = Vocabularies.from_dict(parent.vocabs.to_dict())
    first = len(vocabs.words)
    chosen = [k for k, word in enumerate(words) if word not in vocabs.words and vocabs.words.add(word) >= first]
    model = grow_model(parent, vocabs, average_start=False)
    with torch.no_grad():
        model.word_embedding.weight[first:] = vectors[chosen].float()
    return LoadedModel(model, vocabs, list(parent.labels), parent.scheme, json.loads(json.dumps(parent.metadata))), \
        len(chosen)


def with_word_pieces(parent: LoadedModel, pieces: Sequence[str], vectors: Tensor) -> LoadedModel:
    """``parent`` holding ``pieces`` and their ``vectors`` (in its word embedding's space), in
    place of any it had: model/word_pieces.py composes new words' start rows from them."""
    vocabs = Vocabularies.from_dict(parent.vocabs.to_dict())
    vocabs.pieces = Vocab(pieces, specials=())
    if len(vocabs.pieces) != len(vectors):
        raise ValueError(f"{len(pieces)} pieces ({len(vocabs.pieces)} distinct) but {len(vectors)} vectors")
    model = grow_model(parent, vocabs, average_start=False, word_pieces=len(vectors))
    model.piece_vectors.copy_(vectors)
    return LoadedModel(model, vocabs, list(parent.labels), parent.scheme, json.loads(json.dumps(parent.metadata)))
