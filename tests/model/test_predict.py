import itertools
import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from ner_studio.core.text.document import Document, Sentence, Token
from ner_studio.core.text.spans import Source
from ner_studio.model.batching import collate, encode_sentence
from ner_studio.model.checkpoint import LoadedModel
from ner_studio.core.learning.metrics import chunks
from ner_studio.model.decoding import TagTable
from ner_studio.model.predict import TorchPredictor
from ner_studio.resources import bundled_model_location, bundled_model_path
from ner_studio.model.training import TrainingConfig, train_model
from ner_studio.model.word_table import WordTable
from tests.model.conftest import make_model

LABELS = ["LOC", "MISC", "ORG", "PER"]


def whitespace_document(sentences: list[str], name="doc") -> Document:
    """A document whose tokens are the space-separated words, one sentence per string."""
    text = "\n".join(sentences)
    tokens, bounds, offset = [], [], 0
    for sentence in sentences:
        first = len(tokens)
        for word in sentence.split(" "):
            tokens.append(Token(offset, offset + len(word)))
            offset += len(word) + 1
        bounds.append(Sentence(first, len(tokens)))
    return Document(text, tokens, bounds, name=name)


@pytest.fixture(params=["crf", "softmax"])
def tagger(request, vocabs, encoded):
    model = make_model(vocabs, request.param, dropout=0.0)
    config = TrainingConfig(epochs=6, batch_size=4, learning_rate=0.05, singleton_unk=0.0)
    train_model(model, vocabs, encoded, encoded, config)
    return TorchPredictor(LoadedModel(model, vocabs, LABELS, "bioes", {}))


def test_confidences_and_uncertainties_are_in_range(tagger, examples):
    predictions = tagger.predict_sentences([w for w, _ in examples] + [["Zog", "met", "Blarg", "Blorg"]])
    n_tags = len(tagger.vocabs.tags)
    assert any(p.entities for p in predictions)
    for prediction in predictions:
        for _, _, label, confidence in prediction.entities:
            assert 0.0 <= confidence <= 1.0 and label in LABELS
        u = prediction.uncertainty
        assert 0.0 <= u.least_confidence <= 1.0
        assert u.mnlp <= 0.0
        assert 0.0 <= u.entropy <= math.log(n_tags) + 1e-6
        best_path_p = 1.0 - u.least_confidence
        assert math.exp(u.mnlp * len(prediction.tags)) == pytest.approx(best_path_p, abs=1e-5)
        # An entity is at least as likely as the whole best path that contains it.
        assert all(c >= best_path_p - 1e-6 for *_, c in prediction.entities)


def test_crf_entity_confidence_is_the_exact_segment_probability(vocabs, encoded):
    model = make_model(vocabs, "crf").eval()
    with torch.no_grad():
        model.crf.transitions.normal_()  # a CRF with real transition scores
    tagger = TorchPredictor(LoadedModel(model, vocabs, LABELS, "bioes", {}))
    words = ["Paris", "Acme", "Corp"]
    with torch.no_grad():
        batch_emissions = tagger.model(*collate([encode_sentence(vocabs, words)]).inputs())[0]
    transitions, start, end = (t.detach() for t in model.crf.scores())
    scores = {}
    for path in itertools.product(range(len(vocabs.tags)), repeat=3):
        s = start[path[0]] + end[path[-1]] + sum(batch_emissions[t, k] for t, k in enumerate(path))
        s = s + sum(transitions[a, b] for a, b in zip(path, path[1:]))
        scores[path] = float(s)
    log_z = math.log(sum(math.exp(s) for s in scores.values()))
    prediction = tagger.predict_sentences([words])[0]
    tag_index = [vocabs.tags.index(t) for t in prediction.tags]
    for first, last, _, confidence in prediction.entities:
        expected = sum(math.exp(s - log_z) for p, s in scores.items() if p[first:last] == tuple(tag_index[first:last]))
        assert confidence == pytest.approx(expected, rel=1e-4)
    best = max(scores.values())
    assert prediction.uncertainty.least_confidence == pytest.approx(1 - math.exp(best - log_z), abs=1e-5)


def test_batching_does_not_change_predictions(tagger, examples):
    sentences = [w for w, _ in examples]
    one_by_one = tagger.predict_sentences(sentences, batch_size=1)
    batched = tagger.predict_sentences(sentences, batch_size=64)
    for a, b in zip(one_by_one, batched, strict=True):
        assert a.tags == b.tags
        assert [e[:3] for e in a.entities] == [e[:3] for e in b.entities]
        # Different matrix shapes round differently in the last bits, nothing more.
        assert [e[3] for e in a.entities] == pytest.approx([e[3] for e in b.entities], abs=1e-5)
        assert a.uncertainty.least_confidence == pytest.approx(b.uncertainty.least_confidence, abs=1e-5)


def test_documents_get_model_spans_on_token_boundaries(tagger):
    docs = [whitespace_document(["John Smith lives in Paris .", "Acme Corp hired Mary"]),
            whitespace_document(["nothing happened today"], name="empty")]
    seen = []
    predictions = tagger.predict_documents(docs, progress=lambda done, total: seen.append((done, total)))
    assert len(predictions) == 2 and seen[-1] == (3, 3)
    assert [len(p.sentence_scores) for p in predictions] == [2, 1]
    for doc, prediction in zip(docs, predictions):
        for span in prediction.spans:
            assert span.source == Source.MODEL and 0 <= span.confidence <= 1
            assert doc.snap(span.start, span.end) == (span.start, span.end)
        doc.replace_model_spans(prediction.spans)
        assert len(doc.spans) == len(prediction.spans)


def test_cancel_returns_the_documents_finished(tagger):
    docs = [whitespace_document(["John Smith lives in Paris ."], name=str(i)) for i in range(3)]
    assert tagger.predict_documents(docs, should_stop=lambda: True) == []


def test_the_bundled_model_path_points_into_resources():
    path = bundled_model_location()
    assert path.parts[-3:] == ("resources", "models", "default.pt")
    assert bundled_model_path() in (path, None)


def test_word_table_inputs_give_the_same_emissions_as_collated_ones(vocabs, examples):
    model = make_model(vocabs).eval()
    sentences = [w for w, _ in examples] + [["Unseen", "Wordsmithery", "x" * 50]]
    table = WordTable(vocabs, model.char_features, model.config.char_filters)
    with torch.no_grad():
        batch = table.batch(table.sentences(sentences), list(range(len(sentences))))
        from_table = model(batch.words, None, batch.casing, batch.lengths, batch.char_features)
        collated = collate([encode_sentence(vocabs, words) for words in sentences])
        reference = model(*collated.inputs())
    assert torch.equal(batch.mask, collated.mask)
    assert torch.allclose(from_table[batch.mask], reference[collated.mask], atol=1e-5)
    assert len(table) == 1 + len({w for words in sentences for w in words})


def test_prediction_needs_no_numpy():
    """numpy is not a dependency of the app (torch does not require it either)."""
    import subprocess
    import sys
    from pathlib import Path

    script = """
import sys
sys.modules["numpy"] = None  # any "import numpy" now fails
from ner_studio.model.checkpoint import LoadedModel
from ner_studio.model.predict import TorchPredictor
from ner_studio.model.vocab import Vocabularies
from tests.model.conftest import TAGS, make_model, tiny_examples
examples = tiny_examples()
vocabs = Vocabularies.build([w for w, _ in examples], [TAGS])
for decoder in ("crf", "softmax"):
    tagger = TorchPredictor(LoadedModel(make_model(vocabs, decoder).eval(), vocabs, ["PER"], "bioes", {}))
    tagger.predict_sentences([w for w, _ in examples])
print("ok")
"""
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip().endswith("ok"), done.stderr[-2000:]


TAG_NAMES = ["O", "B-PER", "I-PER", "E-PER", "S-PER", "B-LOC", "I-LOC", "E-LOC", "S-LOC", "I-ORG", "B-ORG"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(0, len(TAG_NAMES) - 1), min_size=1, max_size=12), min_size=1, max_size=6))
def test_tag_table_chunks_are_the_conlleval_chunks(paths):
    """Whole-batch chunking gives what the scorer's chunk reader gives, valid sequences or not."""
    table = TagTable(TAG_NAMES)
    length = max(len(p) for p in paths)
    padded = torch.tensor([p + [0] * (length - len(p)) for p in paths])
    mask = torch.arange(length) < torch.tensor([len(p) for p in paths]).unsqueeze(1)
    first, last, label = table.chunks(padded, mask)
    found = [(f // length, table.entity_labels[k], f % length, l % length)
             for f, l, k in zip(first.tolist(), last.tolist(), label.tolist())]
    expected = [(row, kind, f, l) for row, p in enumerate(paths) for kind, f, l in chunks([TAG_NAMES[i] for i in p])]
    assert found == expected


def test_batches_tagged_side_by_side_give_the_same_predictions(vocabs, examples):
    model = make_model(vocabs, "crf").eval()
    sentences = [w for w, _ in examples] * 40 + [["Zog", "met", "Blarg", "Blorg"]]
    one_at_a_time = TorchPredictor(LoadedModel(model, vocabs, LABELS, "bioes", {})).predict_sentences(sentences, batch_size=8)
    threads = torch.get_num_threads()
    try:
        side_by_side = TorchPredictor(LoadedModel(model, vocabs, LABELS, "bioes", {}), threads=2)
        assert torch.get_num_threads() == 1
        assert side_by_side.predict_sentences(sentences, batch_size=8) == one_at_a_time
    finally:
        torch.set_num_threads(threads)
