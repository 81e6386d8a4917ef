"""``TorchPredictor.load`` quantises the model it read in place (no copy of the whole model,
word embedding included: 16 MB less at start-up for the bundled model), and tags exactly as
a predictor quantising a copy does; a model handed in by the caller stays float32."""

from __future__ import annotations

import torch

from ner_studio.model.checkpoint import load_checkpoint, save_checkpoint
from ner_studio.model.interface import PredictionDetail
from ner_studio.model.predict import TorchPredictor
from tests.model.conftest import make_model, tiny_examples

LABELS = ["LOC", "MISC", "ORG", "PER"]


def test_load_quantises_in_place_and_tags_as_a_copy_would(tmp_path, vocabs):
    path = tmp_path / "m.pt"
    save_checkpoint(path, make_model(vocabs), vocabs, LABELS, "bioes")
    sentences = [words for words, _ in tiny_examples()] * 3

    handed = load_checkpoint(path)
    copied = TorchPredictor(handed, quantize=True, threads=1)
    in_place = TorchPredictor.load(path, quantize=True, threads=1)

    assert isinstance(handed.model.lstm, torch.nn.LSTM)  # the caller's model is not quantised
    assert type(handed.model.lstm) is not type(copied.model.lstm)
    assert type(in_place.model.lstm) is type(copied.model.lstm)
    for detail in (PredictionDetail.CONFIDENCES, PredictionDetail.UNCERTAINTY):
        expected = copied.predict_sentences(sentences, detail=detail)
        got = in_place.predict_sentences(sentences, detail=detail)
        assert [p.tags for p in got] == [p.tags for p in expected]
        assert [p.entities for p in got] == [p.entities for p in expected]  # confidences exactly
        assert [p.uncertainty for p in got] == [p.uncertainty for p in expected]
