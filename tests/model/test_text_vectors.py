"""Word vectors from the project's own text: PPMI+SVD, the map into a model's space, new rows."""

from __future__ import annotations

import math
import random
from functools import partial

import pytest
import torch

from ner_studio.model import finetune as finetune_module
from ner_studio.model.finetune import sentence_lists, sentence_words
from ner_studio.model.text_vectors import (
    cooccurrence_counts, fit_map, ppmi, seed_new_rows, text_vectors, within_budget, words_to_add,
)
from ner_studio.model.training import TrainingConfig
from ner_studio.model.vocab import UNK_INDEX, Vocab
from ner_studio.model.workflow import train_tagger

from tests.model.conftest import TINY_CORPUS
from tests.model.test_finetune import TINY_NETWORK, documents, quick_options, tagged_document

ANIMALS = ["cat", "dog", "horse", "cow", "goat"]
MARKETS = ["stocks", "bonds", "shares", "prices", "futures"]


def two_topic_text(seed: int = 0, count: int = 400) -> list[list[str]]:
    """Animals and markets, each in their own contexts."""
    rng = random.Random(seed)
    text = []
    for _ in range(count):
        if rng.random() < 0.5:
            text.append(["the", rng.choice(ANIMALS), rng.choice(["ate", "slept", "ran"]), "in", "the",
                         rng.choice(["barn", "field"])])
        else:
            text.append([rng.choice(MARKETS), rng.choice(["fell", "rose", "closed"]), rng.choice(["sharply", "higher"]),
                         "on", rng.choice(["monday", "friday"])])
    return text


def cosine(vectors, a: str, b: str) -> float:
    return float(vectors.vectors[vectors.index[a]] @ vectors.vectors[vectors.index[b]])


def test_counts_pairs_within_the_window_in_both_directions_never_across_sentences():
    index = {"a": 0, "b": 1, "c": 2}
    counts = cooccurrence_counts([["a", "b", "c"], ["c", "a"]], index, window=1).to_dense()
    assert counts.tolist() == [[0, 1, 1], [1, 0, 1], [1, 1, 0]]
    # Unindexed words are skipped but still take their place in the window.
    assert cooccurrence_counts([["a", "zzz", "b"]], index, window=1).to_dense().sum() == 0
    assert cooccurrence_counts([["a", "zzz", "b"]], index, window=2).to_dense()[0, 1] == 1


def test_ppmi_matches_the_formula_and_drops_non_positive_values():
    dense = torch.tensor([[0.0, 9.0, 1.0], [9.0, 0.0, 1.0], [1.0, 1.0, 1.0]], dtype=torch.float64)
    result = ppmi(dense.to_sparse(), smoothing=1.0).to_dense()
    total, rows = dense.sum(), dense.sum(dim=1)
    expected = math.log(9.0 * total / (rows[0] * rows[1]))
    assert result[0, 1].item() == pytest.approx(expected)
    assert expected > 0
    assert math.log(1.0 * total / (rows[0] * rows[2])) < 0 and result[0, 2] == 0


def test_words_sharing_contexts_get_similar_unit_vectors():
    vectors = text_vectors(two_topic_text(), dimension=8)
    assert torch.allclose(vectors.vectors.norm(dim=1), torch.ones(len(vectors)), atol=1e-5)
    within = cosine(vectors, "cat", "dog"), cosine(vectors, "stocks", "bonds")
    across = cosine(vectors, "cat", "stocks"), cosine(vectors, "dog", "bonds")
    assert min(within) > max(across) + 0.3


def test_vectors_are_deterministic_normalised_and_need_min_count():
    text = two_topic_text() + [["Unique1999", "cat"]]
    first, second = text_vectors(text, dimension=8, seed=3), text_vectors(text, dimension=8, seed=3)
    assert first.index == second.index and torch.equal(first.vectors, second.vectors)
    assert "unique0000" not in first.index and first.counts["unique0000"] == 1  # lower case, digits as 0
    assert "unique0000" in text_vectors(text, dimension=8, min_count=1).index


def test_big_texts_are_read_up_to_the_token_budget_and_the_most_frequent_words():
    text = two_topic_text(count=400)
    budget = sum(len(s) for s in text[:100])
    assert within_budget(text, budget) == text[:100] and within_budget(text, budget - 1) == text[:99]
    assert text_vectors(text, dimension=8, max_tokens=budget).counts == text_vectors(text[:100], dimension=8).counts
    capped = text_vectors(text, dimension=8, max_words=5)
    frequent = sorted(capped.counts, key=lambda w: (-capped.counts[w], w))[:5]
    assert list(capped.index) == frequent


def test_too_little_text_gives_no_vectors():
    vectors = text_vectors([["just", "once"]])
    assert len(vectors) == 0 and vectors.vectors.shape[0] == 0


def test_fit_map_recovers_a_linear_map():
    torch.manual_seed(0)
    source = torch.randn(200, 6)
    true = torch.randn(6, 4)
    target = source @ true + torch.tensor([1.0, -2.0, 0.5, 3.0])
    weights, r2 = fit_map(source, target, ridge=1e-6)
    assert r2 == pytest.approx(1.0, abs=1e-6)
    assert torch.allclose(weights[:6], true, atol=1e-3)
    assert torch.allclose(weights[6], torch.tensor([1.0, -2.0, 0.5, 3.0]), atol=1e-3)


def test_new_rows_start_from_their_mapped_vector_others_stay():
    vectors = text_vectors(two_topic_text(count=2000), dimension=4, min_count=2)
    known = [w for w in vectors.index if w not in ("dog", "bonds")]
    vocab = Vocab(known + ["dog", "bonds", "never-in-the-text"])
    first_new = len(vocab) - 3
    # A parent whose rows are a linear function of the vectors: the map must find it.
    true = torch.randn(4, 3, generator=torch.Generator().manual_seed(1))
    embedding = torch.full((len(vocab), 3), 7.0)
    for i, word in enumerate(vocab):
        if 1 < i < first_new:
            embedding[i] = vectors.vectors[vectors.index[word]] @ true
    report = seed_new_rows(embedding, vocab, first_new, vectors, fit_min_count=1, ridge=1e-6)
    assert report.seeded == 2 and report.fit_words == first_new - 2 and report.fit_r2 == pytest.approx(1.0, abs=1e-4)
    for word in ("dog", "bonds"):
        assert torch.allclose(embedding[vocab.index(word)], vectors.vectors[vectors.index[word]] @ true, atol=1e-3)
    assert torch.equal(embedding[-1], torch.full((3,), 7.0))  # no vector: left as it was (<unk>)


def test_too_few_shared_words_leave_every_row_alone():
    vectors = text_vectors(two_topic_text(), dimension=8)
    vocab = Vocab(["cat", "dog", "stocks"])
    embedding = torch.zeros(len(vocab), 3)
    report = seed_new_rows(embedding, vocab, 3, vectors)
    assert report.seeded == 0 and report.fit_r2 is None and report.fit_words == 1
    assert not embedding.any()
    assert report.to_dict() == {"vectors": len(vectors), "fit_words": 1, "fit_r2": None, "seeded": 0}


def test_words_to_add_are_project_words_with_a_vector_and_no_row():
    vectors = text_vectors(two_topic_text(), dimension=8)
    vocab = Vocab(["cat"])
    added = words_to_add(vectors, ["Cat", "DOG", "dog", "unheard", "Stocks"], vocab)
    assert added == ["dog", "stocks"]


# --- through finetune -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def parent():
    docs = documents(TINY_CORPUS)
    loaded, _ = train_tagger(docs, docs, config=TINY_NETWORK,
                             training=TrainingConfig(epochs=3, batch_size=4, patience=3, threads=1))
    return loaded


def project_text():
    """Unlabelled documents: the parent's own sentences five times over (so the map has words
    to fit on) and a city the parent never saw, three times."""
    plain = [(words, " ".join("O" for _ in words.split())) for words, _ in TINY_CORPUS] * 5
    plain += [("Mary visited Tokyo with Acme Corp .", "O O O O O O O")] * 3
    return [tagged_document(words, tags) for words, tags in plain]


def test_finetune_starts_the_projects_new_words_from_their_vectors(parent, monkeypatch):
    # A rank the tiny parent's ~30 words can fit (the default, 100, needs 202 shared words).
    monkeypatch.setattr(finetune_module, "text_vectors", partial(text_vectors, dimension=4))
    reviewed = documents(TINY_CORPUS)
    result = finetune_module.finetune(parent, reviewed, text=sentence_words(project_text()),
                                      options=quick_options(epochs=1, text_vectors=True))
    vocab = result.loaded.vocabs.words
    assert "tokyo" in vocab and "tokyo" not in parent.vocabs.words  # unlabelled, yet added
    report = result.loaded.metadata["text_vectors"]
    assert report["seeded"] >= 1 and report["fit_words"] >= 10 and report["fit_r2"] is not None
    row = result.loaded.model.word_embedding.weight[vocab.index("tokyo")]
    assert not torch.allclose(row, parent.model.word_embedding.weight[UNK_INDEX])
    # The parent's words keep their indices; the project's are appended.
    assert result.loaded.vocabs.words.to_list()[: len(parent.vocabs.words)] == parent.vocabs.words.to_list()


def test_without_the_option_the_projects_text_is_not_read(parent):
    result = finetune_module.finetune(parent, documents(TINY_CORPUS), text=sentence_words(project_text()),
                                      options=quick_options(epochs=1, text_vectors=False))
    assert "tokyo" not in result.loaded.vocabs.words
    assert result.loaded.metadata["text_vectors"] is None


def test_a_big_project_is_read_up_to_the_token_budget():
    docs = project_text()
    first = [docs[0].sentence_words(0), docs[1].sentence_words(0)]
    budget = sum(len(s) for s in first)
    assert sentence_lists(sentence_words(docs), budget) == first
    assert sentence_lists(sentence_words(docs), budget - 1) == first[:1]
