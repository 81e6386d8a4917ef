"""Tagging on worker processes (model/processes.py) gives exactly what tagging on threads gives,
group after group, and stops between groups when asked."""

from __future__ import annotations

import pytest
import torch

from ner_studio.model.checkpoint import save_checkpoint
from ner_studio.model.interface import PredictionDetail
from ner_studio.model.predict import TorchPredictor
from ner_studio.model.training import TrainingConfig, train_model
from ner_studio.model.workflow import predicted_tags
from tests.model.conftest import make_model
from tests.model.test_predict import LABELS, whitespace_document


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    from ner_studio.model.batching import encode_sentence
    from ner_studio.model.vocab import Vocabularies
    from tests.model.conftest import TAGS, tiny_examples

    examples = tiny_examples()
    vocabs = Vocabularies.build([w for w, _ in examples], [TAGS])
    encoded = [encode_sentence(vocabs, w, t) for w, t in examples]
    model = make_model(vocabs, "crf", dropout=0.0, document_pooling=True)
    train_model(model, vocabs, encoded, encoded, TrainingConfig(epochs=6, batch_size=4, learning_rate=0.05,
                                                                singleton_unk=0.0))
    path = tmp_path_factory.mktemp("processes") / "tiny.pt"
    save_checkpoint(path, model, vocabs, LABELS, "bioes")
    return path


def documents(count: int):
    """``count`` documents of 1,000 sentences, some words unknown to the model."""
    lines = ["John Smith lives in Paris .", "Acme Corp hired Mary Ann Jones", "Zog met Blarg in Berlin",
             "nothing happened today", "the German team won"]
    return [whitespace_document([f"{lines[(k + n) % 5]} w{k % 37}" for k in range(1000)], name=f"d{n}")
            for n in range(count)]


@pytest.fixture
def restore_threads():
    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


@pytest.mark.parametrize("detail", [PredictionDetail.CONFIDENCES, PredictionDetail.UNCERTAINTY])
def test_worker_processes_tag_as_threads_do(model_file, restore_threads, detail):
    docs = documents(11)  # three groups of 4,096 sentences: more groups than workers
    on_threads = TorchPredictor.load(model_file, threads=2).predict_documents(docs, detail=detail)
    tagger = TorchPredictor.load(model_file, threads=2, processes=2)
    try:
        seen = []
        on_processes = tagger.predict_documents(docs, detail=detail, progress=lambda done, total: seen.append(done))
        tagger.clear_cache()  # the workers start afresh too, and still agree
        again = tagger.predict_documents(docs, detail=detail)
        tags = predicted_tags(tagger, docs)
    finally:
        tagger.close()
    assert on_processes == on_threads == again
    assert any(p.spans for p in on_processes)
    assert seen[-1] == 11_000 and seen == sorted(seen)
    assert tags == predicted_tags(TorchPredictor.load(model_file), docs)


def test_a_stop_request_returns_whole_groups(model_file, restore_threads):
    docs = documents(50)  # ten groups: four are in flight when the request comes
    tagger = TorchPredictor.load(model_file, threads=2, processes=2)
    try:
        groups = []
        done = tagger.predict_documents(docs, progress=lambda done, total: groups.append(done),
                                        should_stop=lambda: len(groups) >= 1)
    finally:
        tagger.close()
    # The groups already sent when the request came are finished; the rest are never sent.
    assert 0 < len(done) < len(docs) and len(done) % 5 == 0
    assert done == TorchPredictor.load(model_file).predict_documents(docs[: len(done)])
