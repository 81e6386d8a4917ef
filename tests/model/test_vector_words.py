"""A vectors file's words get rows of their own (``vector_words``) and can stay fixed
(``freeze_words``), through training, saving, loading and fine-tuning."""

from __future__ import annotations

import torch

from ner_studio.model.checkpoint import load_checkpoint, save_checkpoint
from ner_studio.model.finetune import finetune
from ner_studio.model.training import TrainingConfig
from ner_studio.model.workflow import train_tagger
from tests.model.conftest import TINY_CORPUS
from tests.model.test_finetune import DATE_CORPUS, TINY_NETWORK, documents, quick_options

DIMENSION = TINY_NETWORK["word_dim"]
TRAINING = TrainingConfig(epochs=2, batch_size=4, patience=2, singleton_unk=0.0, learning_rate=0.03, threads=1)


def vectors_file(path, words):
    generator = torch.Generator().manual_seed(0)
    rows = torch.randn(len(words), DIMENSION, generator=generator)
    path.write_text("".join(f"{w} {' '.join(f'{x:.4f}' for x in row)}\n" for w, row in zip(words, rows.tolist())),
                    encoding="utf-8")
    return {w.lower(): row for w, row in zip(words, rows)}


def test_the_files_first_words_get_rows_holding_their_vectors(tmp_path):
    # "Paris" is in the training data; "netflix" and "seattle" are not, "zzz" is past the limit.
    table = vectors_file(tmp_path / "v.txt", ["Netflix", "paris", "seattle", "zzz"])
    docs = documents(TINY_CORPUS)
    loaded, _ = train_tagger(docs, docs, config={**TINY_NETWORK, "freeze_words": True}, training=TRAINING,
                             vectors=tmp_path / "v.txt", vector_words=3)
    words, weight = loaded.vocabs.words, loaded.model.word_embedding.weight
    assert "netflix" in words and "seattle" in words and "zzz" not in words
    for word in ("netflix", "paris", "seattle"):  # frozen: still exactly the file's vector
        assert torch.allclose(weight[words.index(word)], table[word], atol=1e-4)
    assert loaded.metadata["data"]["vector_words"] == 3
    assert loaded.metadata["data"]["vector_rows"] == 3


def test_without_vector_words_only_training_words_get_rows(tmp_path):
    vectors_file(tmp_path / "v.txt", ["netflix", "paris"])
    docs = documents(TINY_CORPUS)
    loaded, _ = train_tagger(docs, docs, config=TINY_NETWORK, training=TRAINING, vectors=tmp_path / "v.txt")
    assert "netflix" not in loaded.vocabs.words and "paris" in loaded.vocabs.words
    assert loaded.metadata["data"]["vector_rows"] == 1


def test_frozen_words_stay_frozen_when_saved_loaded_and_fine_tuned(tmp_path):
    vectors_file(tmp_path / "v.txt", ["monday", "friday", "paris"])
    docs = documents(TINY_CORPUS)
    parent, _ = train_tagger(docs, docs, config={**TINY_NETWORK, "freeze_words": True}, training=TRAINING,
                             vectors=tmp_path / "v.txt", vector_words=3)
    save_checkpoint(tmp_path / "m.pt", parent.model, parent.vocabs, parent.labels, parent.scheme, parent.metadata)
    loaded = load_checkpoint(tmp_path / "m.pt")
    assert loaded.model.config.freeze_words and not loaded.model.word_embedding.weight.requires_grad
    before = loaded.model.word_embedding.weight.detach().clone()
    result = finetune(loaded, documents(DATE_CORPUS), options=quick_options(epochs=3, text_vectors=False))
    after = result.loaded.model.word_embedding.weight.detach()
    assert torch.equal(after[: len(before)], before)  # the parent's rows did not move
    assert "DATE" in result.loaded.labels  # while the rest of the network learnt a new label
