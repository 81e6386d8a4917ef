"""Tiny corpora and models: every model test runs in well under a second."""

from __future__ import annotations

import pytest
import torch

from ner_studio.model.batching import encode_sentence
from ner_studio.model.network import BiLSTMNetwork, NetworkConfig
from ner_studio.model.vocab import Vocabularies

# Tiny tensors gain nothing from threads, and idle spinning threads slow everything else down.
torch.set_num_threads(1)

# Sentences with BIOES tags; patterns a small network can learn exactly.
TINY_CORPUS = [
    ("John Smith lives in Paris .", "B-PER E-PER O O S-LOC O"),
    ("Mary visited Berlin with Acme Corp .", "S-PER O S-LOC O B-ORG E-ORG O"),
    ("Acme Corp hired John Smith", "B-ORG E-ORG O B-PER E-PER"),
    ("Paris is big", "S-LOC O O"),
    ("the German team won", "O S-MISC O O"),
    ("Mary Ann Jones flew to New York City", "B-PER I-PER E-PER O O B-LOC I-LOC E-LOC"),
    ("nothing happened today", "O O O"),
    ("Berlin and Paris", "S-LOC O S-LOC"),
]
TAGS = ["O"] + [f"{p}-{label}" for label in ("LOC", "MISC", "ORG", "PER") for p in "BIES"]


def tiny_examples():
    return [(words.split(), tags.split()) for words, tags in TINY_CORPUS]


@pytest.fixture
def examples():
    return tiny_examples()


@pytest.fixture
def vocabs(examples):
    return Vocabularies.build([w for w, _ in examples], [TAGS])


@pytest.fixture
def encoded(vocabs, examples):
    return [encode_sentence(vocabs, w, t) for w, t in examples]


def make_model(vocabs, decoder="crf", seed=0, **options):
    torch.manual_seed(seed)
    config = NetworkConfig(len(vocabs.words), len(vocabs.chars), len(vocabs.tags), word_dim=16, char_dim=8,
                          char_filters=8, casing_dim=4, hidden=16, decoder=decoder, **options)
    return BiLSTMNetwork(config, vocabs.tags.to_list(), "bioes")
