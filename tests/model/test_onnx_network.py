"""The optional ONNX Runtime for the LSTM: the same scores as torch's network (float), the same
entities from the tagger, and torch as the fallback when the packages are missing."""

from __future__ import annotations

import sys

import pytest
import torch

from ner_studio.model.checkpoint import LoadedModel
from ner_studio.model.interface import PredictionDetail
from ner_studio.model.onnx_network import onnx_network
from ner_studio.model.predict import TorchPredictor
from ner_studio.model.word_table import WordTable
from tests.model.conftest import make_model, tiny_examples
from tests.model.test_prediction_detail import SENTENCES, bundled  # noqa: F401 - a fixture

pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")


def batch_of(model, vocabs, sentences):
    table = WordTable(vocabs, model.char_features, model.config.char_filters)
    encoded = table.sentences(sentences)
    return table.batch(encoded, list(range(len(sentences))))


@pytest.mark.parametrize("pooling", [False, True])
def test_float_scores_equal_torchs_at_every_real_token(vocabs, examples, pooling):
    model = make_model(vocabs, document_pooling=pooling).eval()
    with torch.no_grad():  # scores far from zero: a wrong gate order could not hide
        for parameter in model.lstm.parameters():
            parameter.normal_(0.0, 0.5)
    sentences = [words for words, _ in examples]
    batch = batch_of(model, vocabs, sentences)
    network = onnx_network(model, quantize=False)
    with torch.inference_mode():
        own, shared = model.emission_parts(batch.words, None, batch.casing, batch.lengths, batch.char_features)
        features = model.lstm_input(batch.words, batch.casing, batch.char_features)
        onnx_own, onnx_shared = network.emission_parts(features, batch.lengths)
    mask = batch.mask
    assert len(set(batch.lengths.tolist())) > 1  # padding is there, for the backward direction to skip
    assert torch.allclose(onnx_own[mask], own[mask], atol=1e-4)
    if pooling:
        assert torch.allclose(onnx_shared[mask], shared[mask], atol=1e-4)
    else:
        assert onnx_shared is None and shared is None


@pytest.mark.parametrize("threads", [None, 2])
def test_the_float_tagger_finds_the_same_entities_and_confidences(vocabs, examples, threads):
    model = make_model(vocabs).eval()
    loaded = LoadedModel(model, vocabs, ["LOC", "MISC", "ORG", "PER"], "bioes", {})
    sentences = [words for words, _ in examples] * 40
    saved = torch.get_num_threads()
    try:
        taggers = [TorchPredictor(loaded, threads=threads, runtime=runtime) for runtime in ("torch", "onnx")]
        torch_run, onnx_run = (t.predict_sentences(sentences, batch_size=7) for t in taggers)
    finally:
        torch.set_num_threads(saved)
    assert [t.runtime for t in taggers] == ["torch", "onnx"]
    assert sum(len(p.entities) for p in torch_run) > 0
    assert [p.path for p in onnx_run] == [p.path for p in torch_run]
    assert [e[:3] for p in onnx_run for e in p.entities] == [e[:3] for p in torch_run for e in p.entities]
    assert [e[3] for p in onnx_run for e in p.entities] == pytest.approx(
        [e[3] for p in torch_run for e in p.entities], abs=1e-4)


def test_the_bundled_int8_model_finds_the_entities_torchs_int8_finds(bundled):  # noqa: F811
    """Another int8 kernel rounds otherwise: on these sentences not one entity moves (on
    CoNLL-2003 test F1 is 90.08 against 90.05, benchmarks/results/2026-12-07-tagging-speed-3.md)."""
    words = [s.split() for s in SENTENCES]
    saved = torch.get_num_threads()
    try:
        torch_run, onnx_run = (
            TorchPredictor(bundled, quantize=True, threads=2, runtime=runtime).predict_sentences(
                words, documents=[0] * len(words), detail=PredictionDetail.CONFIDENCES)
            for runtime in ("torch", "onnx"))
    finally:
        torch.set_num_threads(saved)
    assert sum(len(p.entities) for p in torch_run) >= 8
    assert [e[:3] for p in onnx_run for e in p.entities] == [e[:3] for p in torch_run for e in p.entities]
    assert [e[3] for p in onnx_run for e in p.entities] == pytest.approx(
        [e[3] for p in torch_run for e in p.entities], abs=1e-2)


def test_without_onnxruntime_torch_tags(vocabs, monkeypatch):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # "import onnxruntime" now fails
    loaded = LoadedModel(make_model(vocabs).eval(), vocabs, ["PER"], "bioes", {})
    tagger = TorchPredictor(loaded, quantize=True, runtime="onnx")
    assert tagger.runtime == "torch"
    assert len(tagger.predict_sentences([w for w, _ in tiny_examples()])) == len(tiny_examples())


def test_a_built_graph_is_kept_and_later_loads_need_no_onnx(vocabs, examples, tmp_path, monkeypatch):
    model = make_model(vocabs).eval()
    batch = batch_of(model, vocabs, [words for words, _ in examples])
    with torch.inference_mode():
        features = model.lstm_input(batch.words, batch.casing, batch.char_features)
        first = onnx_network(model, quantize=True, cache=tmp_path).emission_parts(features, batch.lengths)[0]
        assert len(list(tmp_path.glob("*.onnx"))) == 1
        monkeypatch.setitem(sys.modules, "onnx", None)  # "import onnx" now fails: the kept graph serves
        again = onnx_network(model, quantize=True, cache=tmp_path).emission_parts(features, batch.lengths)[0]
        assert torch.equal(first[batch.mask], again[batch.mask])
        with torch.no_grad():
            model.output.bias.add_(1.0)  # other weights (a fine-tuned model) need their own graph
        assert onnx_network(model, quantize=True, cache=tmp_path) is None
