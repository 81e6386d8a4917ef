"""The character language model (``model/char_lm.py``) and a fine-tune that reads it
(``FinetuneOptions.char_lm``, ``model/finetune_char_lm.py``): it learns a tiny text, its word
features read each word in context, the tagger starts as its parent exactly, and a model that
carries it saves, loads with ``weights_only=True`` and tags."""

from __future__ import annotations

import pytest
import torch

from ner_studio.core.errors import CheckpointError
from ner_studio.model.batching import collate, encode_sentence
from ner_studio.model.char_lm import (
    CharLanguageModel,
    char_table,
    lm_string,
    load_char_lm,
    save_char_lm,
    train_direction,
)
from ner_studio.model.checkpoint import load_checkpoint, save_checkpoint
from ner_studio.model.finetune import finetune
from ner_studio.model.finetune_char_lm import with_char_lm
from ner_studio.model.predict import TorchPredictor
from tests.model.conftest import TINY_CORPUS
from tests.model.test_finetune import documents, quick_options, train_parent

SENTENCES = [words.split() for words, _ in TINY_CORPUS]


@pytest.fixture(scope="module")
def lm():
    texts = [lm_string(words)[0] for words in SENTENCES] * 20
    torch.manual_seed(0)
    model = CharLanguageModel(char_table(texts), embedding=8, hidden=16)
    for direction in ("left_to_right", "right_to_left"):
        report = train_direction(model, texts, direction, seconds=1.5, chunk=40, batch_size=8, learning_rate=0.01)
        assert report["steps"] > 0
        assert report["held_out_bits"] < report["held_out_bits_before"] - 1  # it learnt the text
    return model


@pytest.fixture(scope="module")
def parent():
    return train_parent()


def test_lm_string_places_every_word():
    text, firsts, lasts = lm_string(["New", "York", "."])
    assert text == "\nNew York . "
    assert [text[f : l + 1] for f, l in zip(firsts, lasts)] == ["New", "York", "."]


def test_a_words_features_read_its_left_and_right_context(lm):
    hidden = lm.hidden
    one, other = lm.word_features([["John", "lives", "in", "Paris"], ["John", "lives", "in", "Berlin"]])
    assert one.shape == (4, 2 * hidden)
    # Left to right: the words before "Paris"/"Berlin" read the same; right to left they do not.
    assert torch.allclose(one[:3, :hidden], other[:3, :hidden])
    assert not torch.allclose(one[:3, hidden:], other[:3, hidden:])
    padded = lm.word_features([["Paris"], ["John", "lives", "in", "Paris"]])
    assert padded.shape == (2, 4, 2 * hidden) and torch.equal(padded[0, 1:], torch.zeros(3, 2 * hidden))


def test_a_saved_language_model_loads_with_weights_only_and_reads_the_same(lm, tmp_path):
    path = tmp_path / "lm.pt"
    save_char_lm(path, lm, {"sources": {"tiny": True}})
    assert torch.load(path, weights_only=True)["format"] == "ner-studio-char-lm"
    loaded, metadata = load_char_lm(path)
    assert metadata == {"sources": {"tiny": True}} and loaded.chars == lm.chars
    assert torch.equal(loaded.word_features([SENTENCES[0]]), lm.word_features([SENTENCES[0]]))


def test_a_file_that_is_no_language_model_is_refused_by_name(tmp_path, parent):
    tagger = tmp_path / "tagger.pt"
    save_checkpoint(tagger, parent.model, parent.vocabs, parent.labels, parent.scheme)
    for path, says in ((tagger, "not a character language model"), (tmp_path / "none.pt", "no such")):
        with pytest.raises(CheckpointError, match=says) as caught:
            load_char_lm(path)
        assert path.name in str(caught.value)


def test_the_tagger_reading_the_language_model_starts_as_its_parent(parent, lm):
    grown = with_char_lm(parent.model, lm, parent.vocabs.tags.to_list(), parent.scheme).eval()
    assert grown.lstm.input_size == parent.model.lstm.input_size + lm.feature_size
    assert not any(p.requires_grad for p in grown.char_lm.parameters())
    encoded = [encode_sentence(parent.vocabs, words) for words in SENTENCES]
    batch = collate(encoded)
    context = lm.word_features(SENTENCES)
    with torch.no_grad():
        assert torch.allclose(grown(*batch.inputs(), context=context), parent.model(*batch.inputs()), atol=1e-6)
        with pytest.raises(ValueError, match="context"):
            grown(*batch.inputs())


def test_a_finetune_with_the_language_model_learns_saves_loads_and_tags(parent, lm, tmp_path):
    lm_path = tmp_path / "lm.pt"
    save_char_lm(lm_path, lm)
    docs = documents(TINY_CORPUS * 2)
    result = finetune(parent, docs, options=quick_options(epochs=3, patience=3, char_lm=str(lm_path)))
    model = result.loaded.model
    assert model.char_lm is not None and result.loaded.metadata["char_lm"]["from"] == str(lm_path)
    assert torch.equal(model.char_lm.state_dict()["left_to_right.lstm.weight_hh_l0"],
                       lm.state_dict()["left_to_right.lstm.weight_hh_l0"])  # frozen
    learnt = model.lstm.weight_ih_l0[:, -lm.feature_size :]
    assert learnt.abs().sum() > 0  # its input weights left zero
    assert parent.model.char_lm is None  # the parent is never changed

    path = tmp_path / "tuned.pt"
    save_checkpoint(path, model, result.loaded.vocabs, result.loaded.labels, result.loaded.scheme,
                    result.loaded.metadata)
    assert "char_lm.right_to_left.lstm.weight_ih_l0" in torch.load(path, weights_only=True)["state_dict"]
    loaded = load_checkpoint(path)  # weights_only=True
    tags = [p.tags for p in TorchPredictor(loaded).predict_sentences(SENTENCES)]
    assert tags == [p.tags for p in TorchPredictor(result.loaded).predict_sentences(SENTENCES)]
    assert any(tag != "O" for sentence in tags for tag in sentence)
    # As the app tags: int8 and the ONNX runtime asked for (torch runs a model with a language model).
    app = TorchPredictor(load_checkpoint(path), quantize=True, threads=1, runtime="onnx")
    assert app.runtime == "torch"
    predictions = app.predict_documents(documents(TINY_CORPUS))
    assert len(predictions) == len(TINY_CORPUS) and any(p.spans for p in predictions)

    # The window's loader: int8 batches side by side on two threads, each needing its sentences' features.
    from ner_studio.gui.shell.tagging_jobs import load_predictor

    window = load_predictor(path)
    assert [p.spans for p in window.predict_documents(documents(TINY_CORPUS))] == [p.spans for p in predictions]

    # The loop's next round continues with the model's own language model, whatever the option says.
    again = finetune(loaded, docs, options=quick_options(epochs=1, patience=1))
    assert again.loaded.metadata["char_lm"]["from"] == "parent" and again.loaded.model.char_lm is not None


def test_a_model_without_the_option_is_as_before(parent):
    result = finetune(parent, documents(TINY_CORPUS * 2), options=quick_options(epochs=1, patience=1))
    assert result.loaded.model.char_lm is None and result.loaded.metadata["char_lm"] is None
    assert not any(k.startswith("char_lm.") for k in result.loaded.model.state_dict())
    assert result.loaded.model.lstm.input_size == parent.model.lstm.input_size
