"""The types the GUI and the model share are defined once, torch-free, and the torch modules
use those very types (tests/test_layers.py checks the module imports no torch)."""

from __future__ import annotations

import inspect
from dataclasses import fields

import pytest

from ner_studio.model import decoding, finetune, interface, predict, training
from ner_studio.gui.learning.learning_jobs import TrainingRequest


def test_the_torch_modules_use_the_shared_types():
    assert finetune.FinetuneOptions is interface.FinetuneOptions
    assert training.TrainingConfig is interface.TrainingConfig
    assert training.TrainingProgress is interface.TrainingProgress
    assert decoding.SentenceUncertainty is interface.SentenceUncertainty
    assert predict.DocumentPrediction is interface.DocumentPrediction


def test_a_training_request_carries_typed_options_and_a_typo_fails_at_once():
    request = TrainingRequest(None, None, [], [])
    assert isinstance(request.options, interface.FinetuneOptions)
    with pytest.raises(TypeError):
        interface.FinetuneOptions(epoch=3)  # not "epochs": caught here, not in a worker thread


def test_finetune_options_make_a_training_config_with_the_same_values():
    options = interface.FinetuneOptions(epochs=4, batch_size=8, learning_rate=0.01, patience=2, seed=5,
                                        singleton_unk=0.1, threads=1)
    config = options.training_config()
    shared = {f.name for f in fields(interface.TrainingConfig)} & {f.name for f in fields(options)}
    assert shared and all(getattr(config, name) == getattr(options, name) for name in shared)


def test_the_tagger_offers_what_the_predictor_interface_names():
    for name in ("predict_documents", "pools_documents", "labels"):
        assert name in interface.Predictor.__dict__ or name in interface.Predictor.__annotations__
    wanted = inspect.signature(interface.Predictor.predict_documents).parameters
    offered = inspect.signature(predict.TorchPredictor.predict_documents).parameters
    assert set(wanted) <= set(offered)
    assert isinstance(inspect.getattr_static(predict.TorchPredictor, "pools_documents"), property)
