"""Predictions at each ``PredictionDetail``: less detail must never change the tags, entities
or (where still computed) confidences, only skip work."""

from __future__ import annotations

import pytest
import torch

from ner_studio.model.checkpoint import load_checkpoint
from ner_studio.model.crf import CRF, scheme_constraints
from ner_studio.model.decoding import TagTable, crf_predictions
from ner_studio.model.interface import PredictionDetail
from ner_studio.model.predict import TorchPredictor
from ner_studio.resources import bundled_model_location
from tests.model.conftest import TAGS
from tests.model.test_predict import whitespace_document

LEVELS = list(PredictionDetail)
SENTENCES = [
    "EU rejects German call to boycott British lamb .",
    "Peter Blackburn",
    "BRUSSELS 1996-08-22",
    "The European Commission said on Thursday it disagreed with German advice to consumers .",
    "nothing to see here",
    "Germany 's representative to the European Union 's veterinary committee Werner Zwingmann said .",
    "Fischler proposed EU-wide measures after reports from Britain and France .",
    "a",
]


def random_batch(seed: int):
    """A CRF with real transition scores over BIOES tags, and emissions of sentences of mixed
    lengths (padded), some of them with entities, some without."""
    torch.manual_seed(seed)
    crf = CRF(len(TAGS), *scheme_constraints(TAGS, "bioes"))
    with torch.no_grad():
        crf.transitions.normal_()
        crf.start.normal_()
        crf.end.normal_()
    lengths = torch.tensor([7, 1, 19, 3, 12, 5, 19, 2, 9])
    emissions = torch.randn(len(lengths), int(lengths.max()), len(TAGS)) * 3
    emissions[3, :, 0] += 20  # a sentence of "O" only
    mask = torch.arange(emissions.size(1)) < lengths.unsqueeze(1)
    return crf, emissions, mask


def plain(predictions):
    """Paths and entities without confidences."""
    return [(p.path, [e[:3] for e in p.entities]) for p in predictions]


def confidences(predictions):
    return [c for p in predictions for *_, c in p.entities]


@pytest.mark.parametrize("seed", range(5))
def test_less_detail_keeps_tags_entities_and_confidences(seed):
    crf, emissions, mask = random_batch(seed)
    table = TagTable(TAGS)
    with torch.inference_mode():
        tags, confident, full = (crf_predictions(crf, emissions, mask, table, level) for level in LEVELS)
    assert any(p.entities for p in full) and not full[3].entities
    assert plain(tags) == plain(confident) == plain(full)
    assert set(confidences(tags)) == {None}
    assert confidences(confident) == pytest.approx(confidences(full), abs=1e-5)
    assert all(p.uncertainty is None for p in tags + confident)
    assert all(p.uncertainty is not None for p in full)


def test_forward_backward_of_some_rows_equals_that_of_the_whole_batch():
    crf, emissions, mask = random_batch(7)
    rows = torch.tensor([2, 4, 6])
    with torch.inference_mode():
        whole = crf.forward_backward(emissions, mask)
        width = int(mask[rows].sum(1).max())
        some = crf.forward_backward(emissions[rows, :width], mask[rows, :width])
    for part, full in zip(some, whole):
        expected = full[rows] if full.dim() == 1 else full[rows, :width]
        assert torch.allclose(part, expected, atol=1e-9)


@pytest.fixture(scope="module")
def bundled():
    return load_checkpoint(bundled_model_location())


@pytest.mark.parametrize("threads", [None, 2])
def test_the_bundled_model_gives_the_same_entities_at_every_detail(bundled, threads):
    words = [s.split() for s in SENTENCES]
    saved = torch.get_num_threads()
    try:
        tagger = TorchPredictor(bundled, quantize=True, threads=threads)
        tags, confident, full = (tagger.predict_sentences(words, batch_size=3, documents=[0] * len(words),
                                                          detail=level) for level in LEVELS)
    finally:
        torch.set_num_threads(saved)
    assert sum(len(p.entities) for p in full) >= 8
    assert plain(tags) == plain(confident) == plain(full)
    assert confidences(confident) == pytest.approx(confidences(full), abs=1e-5)


def test_documents_with_confidences_only_have_no_sentence_scores(bundled):
    tagger = TorchPredictor(bundled)
    docs = [whitespace_document(SENTENCES[:4], "one"), whitespace_document(SENTENCES[4:], "two")]
    confident = tagger.predict_documents(docs, detail=PredictionDetail.CONFIDENCES)
    full = tagger.predict_documents(docs)
    assert [p.sentence_scores for p in confident] == [[], []]
    assert [len(p.sentence_scores) for p in full] == [4, 4]
    for a, b in zip(confident, full):
        assert [(s.start, s.end, s.label) for s in a.spans] == [(s.start, s.end, s.label) for s in b.spans]
        assert [s.confidence for s in a.spans] == pytest.approx([s.confidence for s in b.spans], abs=1e-5)


def test_a_sentence_longer_than_a_window_joins_at_every_detail(bundled):
    from ner_studio.model.windows import MAX_WINDOW

    words = ("Peter Blackburn flew from Paris to Berlin on Monday ," * (MAX_WINDOW // 5)).split()
    tagger = TorchPredictor(bundled)
    confident, full = (tagger.predict_sentences([words], detail=level)[0] for level in LEVELS[1:])
    assert len(full.entities) > MAX_WINDOW // 5 and confident.uncertainty is None
    assert plain([confident]) == plain([full])
    assert confidences([confident]) == pytest.approx(confidences([full]), abs=1e-5)
