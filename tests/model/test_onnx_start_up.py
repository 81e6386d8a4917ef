"""With ONNX Runtime running the LSTM and its linear reads, the predictor pays nothing for
torch's copy of them: no int8 quantisation at load, and a model read by ``load`` (no one
else's) lets them go. It tags exactly as a predictor that kept them, a handed-in model is left
alone, and torch's fallback (no graph) still gets its int8 LSTM."""

from __future__ import annotations

import pytest
import torch

from ner_studio.model.checkpoint import load_checkpoint, save_checkpoint
from ner_studio.model.interface import PredictionDetail
from ner_studio.model.predict import TorchPredictor
from tests.model.conftest import make_model, tiny_examples

pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")

LABELS = ["LOC", "MISC", "ORG", "PER"]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NER_STUDIO_CACHE_DIR", str(tmp_path / "cache"))


@pytest.mark.parametrize("pooling", [False, True])
def test_a_loaded_model_lets_torchs_lstm_go_and_tags_as_before(tmp_path, vocabs, cache, pooling):
    path = tmp_path / "m.pt"
    save_checkpoint(path, make_model(vocabs, document_pooling=pooling), vocabs, LABELS, "bioes")
    sentences = [words for words, _ in tiny_examples()] * 3
    documents = [n // 4 for n in range(len(sentences))]

    handed = load_checkpoint(path)
    kept = TorchPredictor(handed, quantize=True, threads=1, runtime="onnx")
    loaded = TorchPredictor.load(path, quantize=True, threads=1, runtime="onnx")

    assert kept.runtime == loaded.runtime == "onnx"
    assert loaded.model.lstm is None and loaded.model.output is None and loaded.model.shared is None
    assert type(handed.model.lstm) is torch.nn.LSTM  # neither quantised nor freed: the caller's
    assert type(handed.model.output) is torch.nn.Linear
    assert loaded.pools_documents is kept.pools_documents is pooling
    for detail in (PredictionDetail.CONFIDENCES, PredictionDetail.UNCERTAINTY):
        expected = kept.predict_sentences(sentences, documents=documents, detail=detail)
        got = loaded.predict_sentences(sentences, documents=documents, detail=detail)
        assert [p.tags for p in got] == [p.tags for p in expected]
        assert [p.entities for p in got] == [p.entities for p in expected]  # confidences exactly
        assert [p.uncertainty for p in got] == [p.uncertainty for p in expected]


def test_without_a_graph_torch_keeps_its_int8_lstm(tmp_path, vocabs, cache, monkeypatch):
    path = tmp_path / "m.pt"
    save_checkpoint(path, make_model(vocabs), vocabs, LABELS, "bioes")
    monkeypatch.setattr("ner_studio.model.predict.onnx_network", lambda *args, **kwargs: None)
    tagger = TorchPredictor.load(path, quantize=True, threads=1, runtime="onnx")
    assert tagger.runtime == "torch"
    assert isinstance(tagger.model.lstm, torch.ao.nn.quantized.dynamic.LSTM)
    assert tagger.predict_sentences([words for words, _ in tiny_examples()])[0].tags


@pytest.mark.parametrize("fallback", [False, True])
def test_a_lean_predictor_batches_64_sentences_with_onnx_and_finds_the_same(tmp_path, vocabs, cache, monkeypatch,
                                                                           fallback):
    path = tmp_path / "m.pt"
    save_checkpoint(path, make_model(vocabs, document_pooling=True), vocabs, LABELS, "bioes")
    if fallback:
        monkeypatch.setattr("ner_studio.model.predict.onnx_network", lambda *args, **kwargs: None)
    import ner_studio.model.predict as predict

    sizes = []
    buckets = predict.length_buckets
    monkeypatch.setattr(predict, "length_buckets", lambda lengths, size, **kw: sizes.append(size) or buckets(lengths, size, **kw))
    sentences = [words for words, _ in tiny_examples()] * 20
    documents = [n // 8 for n in range(len(sentences))]
    usual = TorchPredictor.load(path, threads=1, runtime="onnx").predict_sentences(sentences, documents=documents)
    lean = TorchPredictor.load(path, threads=1, runtime="onnx", lean=True).predict_sentences(sentences, documents=documents)
    assert sizes == [256, 256 if fallback else 64]  # torch's runtime keeps its batches
    assert [p.tags for p in lean] == [p.tags for p in usual]
    assert [e[:3] for p in lean for e in p.entities] == [e[:3] for p in usual for e in p.entities]
    assert [e[3] for p in lean for e in p.entities] == pytest.approx([e[3] for p in usual for e in p.entities], abs=1e-5)
    assert [p.uncertainty for p in lean] == pytest.approx([p.uncertainty for p in usual], abs=1e-5)
