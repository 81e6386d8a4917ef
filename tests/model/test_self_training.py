"""Self-training (``FinetuneOptions.self_train``): which sentences are pseudo-labelled, how, and the
guard that keeps the first model unless the second scores higher on the held-out sentences."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ner_studio.core.learning.metrics import evaluate_tags
from ner_studio.model import finetune as finetune_module
from ner_studio.model.finetune import finetune, sentence_words
from ner_studio.model.self_training import pseudo_document, pseudo_labelled, unlabelled_sentences
from tests.model.conftest import TINY_CORPUS
from tests.model.test_finetune import documents, quick_options, train_parent

# Sentences nobody labelled, in the patterns the tiny corpus teaches.
UNLABELLED = [["John", "Smith", "visited", "Paris"], ["Mary", "lives", "in", "Berlin", "."],
              ["Acme", "Corp", "hired", "Mary"], ["nothing", "happened", "in", "Paris"]]



@pytest.fixture(scope="module")
def parent():
    return train_parent()


def test_unlabelled_sentences_are_those_no_labelled_document_holds_each_once():
    labelled = documents(TINY_CORPUS[:2])
    text = [*sentence_words(labelled), ["a", "new", "one"], ["a", "new", "one"], [], ["another"]]
    assert unlabelled_sentences(text, labelled) == [["a", "new", "one"], ["another"]]


def test_a_pseudo_labelled_document_carries_the_models_entities_on_its_tokens():
    doc = pseudo_document(["Mary", "flew", "to", "New", "York"], [(0, 1, "PER", 0.97), (3, 5, "LOC", 0.91)], "p")
    assert doc.text == "Mary flew to New York" and len(doc.sentences) == 1
    assert [(doc.text[s.start:s.end], s.label, s.source, s.confidence) for s in doc.spans] == [
        ("Mary", "PER", "model", 0.97), ("New York", "LOC", "model", 0.91)]


def test_only_sure_sentences_with_an_entity_are_pseudo_labelled_surest_first(parent):
    sure = pseudo_labelled(parent, UNLABELLED, 0.0, limit=10)
    assert sure and all(doc.spans for doc in sure)
    assert len(sure) <= len(UNLABELLED) and len(pseudo_labelled(parent, UNLABELLED, 0.0, limit=1)) == 1
    assert pseudo_labelled(parent, UNLABELLED, 1.01, limit=10) == []  # no tagging is surer than certain
    assert pseudo_labelled(parent, UNLABELLED, 0.0, limit=0) == []


def test_finetune_with_self_training_learns_the_unlabelled_text_and_says_so(parent):
    docs = documents(TINY_CORPUS * 2)
    text = [*sentence_words(docs), *UNLABELLED]
    result = finetune(parent, docs, text=text, options=quick_options(epochs=5, patience=5, self_train=0.0001))
    report = result.loaded.metadata["self_training"]
    assert report["unlabelled_sentences"] == len(UNLABELLED)
    assert 1 <= report["pseudo_labelled"] <= len(UNLABELLED) and report["pseudo_entities"] >= report["pseudo_labelled"]
    assert report["kept"] == (report["dev_f1_after"] > report["dev_f1_before"])
    assert result.dev_scores.overall.f1 == (report["dev_f1_after"] if report["kept"] else report["dev_f1_before"])
    without = finetune(parent, docs, text=text, options=quick_options(epochs=5, patience=5))
    assert "self_training" not in without.loaded.metadata


@pytest.mark.parametrize("better", [True, False])
def test_the_second_model_is_kept_only_if_it_scores_higher_on_the_held_out_sentences(parent, monkeypatch, better):
    docs = documents(TINY_CORPUS * 2)
    options = quick_options(epochs=2, patience=2)
    gold = [["S-PER", "S-LOC"]]
    first = replace(finetune(parent, docs, options=options), dev_scores=evaluate_tags(gold, [["S-PER", "O"]]))
    second_scores = evaluate_tags(gold, gold if better else [["O", "O"]])  # F1 1.0 or 0.0 against 0.67
    seen = {}

    def second_finetune(loaded, train, **kwargs):
        seen.update(kwargs, parent=loaded, train=train)
        return replace(finetune(loaded, train, **kwargs), dev_scores=second_scores)

    monkeypatch.setattr(finetune_module, "finetune", second_finetune)
    train_docs, dev_docs = docs[:12], docs[12:]
    result = finetune_module.self_train(first, train_docs, dev_docs, base_docs=[], text=UNLABELLED,
                                        options=replace(options, self_train=0.0001))
    # One more round, continuing from the first model, on the same hold-out.
    assert seen["parent"] is first.loaded and seen["dev_docs"] == dev_docs and seen["options"].self_train == 0.0
    assert len(seen["train"]) > len(train_docs)  # the reviewed sentences and the pseudo-labelled ones
    report = result.loaded.metadata["self_training"]
    assert report["kept"] is better and report["dev_f1_after"] == second_scores.overall.f1
    if better:
        assert result.loaded is not first.loaded
        assert result.loaded.metadata["data"]["pseudo_labelled_sentences"] == report["pseudo_labelled"]
        hashes = set(result.loaded.metadata["trained_on"]["sentence_hashes"])
        assert set(first.loaded.metadata["trained_on"]["sentence_hashes"]) < hashes  # what both rounds learnt
    else:
        assert result is first
