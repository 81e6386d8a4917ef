"""Vocabularies are stored packed (format 2: each one's strings run together with their
lengths), so the weights-only unpickler reads two objects, not one per word; files of format 1
(plain lists of strings) still load, to the same vocabularies and the same predictions."""

from __future__ import annotations

import torch

from ner_studio.model.checkpoint import FORMAT_VERSION, load_checkpoint, save_checkpoint
from ner_studio.model.predict import TorchPredictor
from ner_studio.model.vocab import Vocab, Vocabularies
from tests.model.conftest import TAGS, make_model, tiny_examples

LABELS = ["LOC", "MISC", "ORG", "PER"]
# What a vocabulary may hold: empty-looking, non-BMP, combining, control and newline characters.
ODD = ["", "naïve", "e\u0301", "🙂x", "a\nb", "\x00", "東京", "0000"]


def odd_vocabs() -> Vocabularies:
    vocabs = Vocabularies.build([w for w, _ in tiny_examples()], [TAGS])
    for word in ODD:
        vocabs.words.add(word)
    vocabs.pieces = Vocab(["##a", "🙂"], specials=())
    return vocabs


def test_a_file_stores_each_vocabulary_as_text_and_lengths(tmp_path):
    vocabs = odd_vocabs()
    path = tmp_path / "m.pt"
    save_checkpoint(path, make_model(vocabs), vocabs, LABELS, "bioes")
    payload = torch.load(path, weights_only=True)
    assert payload["format_version"] == FORMAT_VERSION == 2
    assert set(payload["vocab"]) == {"words", "chars", "tags", "pieces"}
    words = payload["vocab"]["words"]
    assert isinstance(words["text"], str) and words["lengths"].dtype == torch.int32
    assert load_checkpoint(path).vocabs.to_dict() == vocabs.to_dict()


def test_a_format_1_file_loads_the_same_vocabularies_and_predictions(tmp_path):
    vocabs = odd_vocabs()
    path = tmp_path / "m.pt"
    save_checkpoint(path, make_model(vocabs), vocabs, LABELS, "bioes")
    old = tmp_path / "old.pt"
    payload = torch.load(path, weights_only=True)
    payload.update(format_version=1, vocab=vocabs.to_dict())  # the layout before format 2
    torch.save(payload, old)

    assert isinstance(torch.load(old, weights_only=True)["vocab"]["words"], list)
    assert load_checkpoint(old).vocabs.to_dict() == load_checkpoint(path).vocabs.to_dict() == vocabs.to_dict()
    sentences = [words for words, _ in tiny_examples()] + [["naïve", "東京", "Paris"]]
    expected = TorchPredictor.load(path).predict_sentences(sentences)
    assert TorchPredictor.load(old).predict_sentences(sentences) == expected
