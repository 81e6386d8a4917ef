"""Documents tagged in groups: the same predictions, in the documents' order, whatever the
grouping; cancelling still returns a prefix and leaves no thread behind."""

from __future__ import annotations

import gc
import threading

import pytest

from ner_studio.model import predict
from ner_studio.model.checkpoint import load_checkpoint
from ner_studio.model.interface import PredictionDetail
from ner_studio.model.predict import TorchPredictor
from ner_studio.resources import bundled_model_location
from tests.model.test_prediction_detail import SENTENCES
from tests.model.test_predict import whitespace_document


@pytest.fixture(scope="module")
def tagger():
    return TorchPredictor(load_checkpoint(bundled_model_location()))


def documents():
    """Documents of different lengths, so length buckets reorder their sentences."""
    return [whitespace_document(SENTENCES[k:] + SENTENCES[: k % 3], f"doc {k}") for k in range(7)]


def summary(predictions):
    return [([(s.start, s.end, s.label) for s in p.spans], [round(s.confidence, 5) for s in p.spans],
             [round(u.mnlp, 5) for u in p.sentence_scores]) for p in predictions]


@pytest.mark.parametrize("detail", [PredictionDetail.CONFIDENCES, PredictionDetail.UNCERTAINTY])
def test_groups_prepared_ahead_give_the_predictions_of_one_group_in_order(tagger, monkeypatch, detail):
    whole = tagger.predict_documents(documents(), detail=detail)
    monkeypatch.setattr(predict, "_GROUP_SENTENCES", 5)
    seen = []
    grouped = tagger.predict_documents(documents(), detail=detail, progress=lambda done, total: seen.append(done))
    assert len(seen) > 3  # several groups
    assert summary(grouped) == summary(whole)
    assert sum(len(p.spans) for p in whole) > 20


def test_cancelling_returns_the_first_groups_and_stops_the_encoder(tagger, monkeypatch):
    monkeypatch.setattr(predict, "_GROUP_SENTENCES", 5)
    before = threading.active_count()
    calls = []

    def should_stop():
        calls.append(1)
        return len(calls) > 2

    docs = documents()
    done = tagger.predict_documents(docs, should_stop=should_stop)
    assert 0 < len(done) < len(docs)
    assert summary(done) == summary(tagger.predict_documents(docs[: len(done)]))
    assert threading.active_count() == before


@pytest.mark.parametrize("runtime", ["torch", "onnx"])
def test_two_threads_over_many_groups_with_new_words_in_each_give_one_threads_predictions(monkeypatch, runtime):
    """Batches side by side, groups one after the other, each bringing new words into the word
    table: the predictions stay those of one thread (the same groups and batches: int8
    activations are scaled per batch)."""
    docs = [whitespace_document(SENTENCES[k % 4:] + [f"Mr Quuxley{k} flew to Blorpville{k} with Zig{k} Ltd ."],
                                f"doc {k}") for k in range(9)]
    monkeypatch.setattr(predict, "_GROUP_SENTENCES", 7)
    alone = TorchPredictor(load_checkpoint(bundled_model_location()), quantize=True, runtime=runtime)
    expected = alone.predict_documents(docs, detail=PredictionDetail.UNCERTAINTY)
    side_by_side = TorchPredictor(load_checkpoint(bundled_model_location()), quantize=True, threads=2,
                                  runtime=runtime)
    seen = []
    grouped = side_by_side.predict_documents(docs, detail=PredictionDetail.UNCERTAINTY,
                                             progress=lambda done, total: seen.append((done, total)))
    assert len(seen) > 4 and seen[-1] == (sum(len(d.sentences) for d in docs),) * 2
    assert summary(grouped) == summary(expected)
    assert sum(len(p.spans) for p in expected) > 30


def test_no_collection_walks_the_heap_while_documents_are_tagged_and_the_collector_is_back_after(tagger):
    collections = []

    def seen(phase, info):
        if phase == "start":
            collections.append(info["generation"])

    def reported(done, total):
        during[:] = collections  # the collections so far, at the last report: all groups tagged

    docs = documents() * 20
    during = []
    assert gc.isenabled()
    gc.callbacks.append(seen)
    try:
        predictions = tagger.predict_documents(docs, detail=PredictionDetail.UNCERTAINTY, progress=reported)
        garbage = [[] for _ in range(5000)]  # allocations enough for an automatic collection
        del garbage
    finally:
        gc.callbacks.remove(seen)
    assert len(predictions) == len(docs) and during == []
    assert gc.isenabled() and len(collections) > 0
