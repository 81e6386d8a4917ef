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
