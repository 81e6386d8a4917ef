"""Fine-tuning from a trained model: growing layers, new labels, NaN, cancel, versions."""

from __future__ import annotations

import pytest
import torch

from ner_studio.core.learning.check_set import document_hashes
from ner_studio.core.text.document import Document, Sentence
from ner_studio.core.errors import TrainingError
from ner_studio.core.store.project import Project
from ner_studio.core.text.spans import Span
from ner_studio.core.text.tags import tags_to_token_spans
from ner_studio.model.batching import collate, encode_sentence
from ner_studio.model.checkpoint import load_checkpoint
from ner_studio.model.finetune import FinetuneOptions, document_sentences, finetune
from ner_studio.model.grow import grow_model, grow_vocabularies
from ner_studio.model.predict import TorchPredictor
from ner_studio.model.network import BiLSTMNetwork
from ner_studio.model.training import TrainingConfig
from ner_studio.model.versions import Parent, record_version, reserve_model_path, save_version
from ner_studio.model.workflow import train_tagger

from tests.model.conftest import TINY_CORPUS

TINY_NETWORK = {"word_dim": 16, "char_dim": 8, "char_filters": 8, "casing_dim": 4, "hidden": 16}
# Sentences with a label (DATE) the parent never saw, in words it mostly never saw either.
DATE_CORPUS = [
    ("John Smith came on Monday .", "B-PER E-PER O O S-DATE O"),
    ("Mary left Paris on Friday", "S-PER O S-LOC O S-DATE"),
    ("the meeting is on Monday", "O O O O S-DATE"),
    ("Berlin closed on Friday .", "S-LOC O O S-DATE O"),
    ("on Tuesday Acme Corp hired Mary", "O S-DATE B-ORG E-ORG O S-PER"),
    ("nothing happened on Tuesday", "O O O S-DATE"),
]


def tagged_document(words: str, tags: str) -> Document:
    words, tags = words.split(), tags.split()
    starts, position = [], 0
    for word in words:
        starts.append(position)
        position += len(word) + 1
    tokens = [(s, s + len(w)) for s, w in zip(starts, words)]
    spans = [Span(tokens[i][0], tokens[j - 1][1], label) for i, j, label in tags_to_token_spans(tags, "bioes")]
    return Document(" ".join(words), tokens, [Sentence(0, len(tokens))], spans)


def documents(corpus) -> list[Document]:
    return [tagged_document(words, tags) for words, tags in corpus]


@pytest.fixture(scope="module")
def parent():
    return train_parent()


def train_parent():
    """A tiny tagger trained on the tiny corpus: the model the fine-tunes here start from."""
    docs = documents(TINY_CORPUS)
    loaded, _ = train_tagger(docs, docs, config=TINY_NETWORK,
                             training=TrainingConfig(epochs=25, batch_size=4, patience=25, singleton_unk=0.0,
                                                     learning_rate=0.03, threads=1))
    return loaded


def quick_options(**changes) -> FinetuneOptions:
    values = dict(epochs=40, patience=40, batch_size=2, learning_rate=0.03, singleton_unk=0.0,
                  min_sentences=1, threads=1)
    values.update(changes)
    return FinetuneOptions(**values)


def state_copy(model) -> dict:
    return {k: v.clone() for k, v in model.state_dict().items()}


def test_grown_model_scores_known_tags_exactly_as_the_parent(parent):
    new = document_sentences(documents(DATE_CORPUS), "bioes")
    vocabs, new_labels = grow_vocabularies(parent.vocabs, new, "bioes")
    assert new_labels == ["DATE"]
    assert len(vocabs.tags) == len(parent.vocabs.tags) + 4
    assert vocabs.words.to_list()[: len(parent.vocabs.words)] == parent.vocabs.words.to_list()
    grown = grow_model(parent, vocabs).eval()
    words = "Mary visited Berlin with Acme Corp .".split()
    batch_old = collate([encode_sentence(parent.vocabs, words)])
    batch_new = collate([encode_sentence(vocabs, words)])
    with torch.no_grad():
        old = parent.model.eval()(*batch_old.inputs())
        new_emissions = grown(*batch_new.inputs())
    assert torch.allclose(new_emissions[..., : old.size(2)], old, atol=1e-6)


def test_a_new_word_starts_as_the_parents_unknown_word(parent):
    new = document_sentences(documents(DATE_CORPUS), "bioes")
    vocabs, _ = grow_vocabularies(parent.vocabs, new, "bioes")
    grown = grow_model(parent, vocabs)
    monday = vocabs.words.index("monday")
    assert monday >= len(parent.vocabs.words)
    assert torch.equal(grown.word_embedding.weight[monday], parent.model.word_embedding.weight[1])


def test_finetuning_on_a_new_label_makes_the_model_predict_it_and_keeps_the_parent(parent):
    before = state_copy(parent.model)
    progress = []
    result = finetune(parent, documents(DATE_CORPUS + TINY_CORPUS), dev_docs=documents(DATE_CORPUS),
                      options=quick_options(), callback=progress.append)
    assert result.new_labels == ["DATE"] and "DATE" in result.loaded.labels
    assert not result.cancelled and result.new_words > 0
    assert {p.phase for p in progress} == {"batch", "epoch"}
    tagger = TorchPredictor(result.loaded)
    [prediction] = tagger.predict_sentences(["Mary came on Friday".split()])
    assert (3, 4, "DATE") in [(i, j, label) for i, j, label, _ in prediction.entities]
    assert result.dev_scores.per_label["DATE"].f1 > 0.5
    assert all(torch.equal(before[k], v) for k, v in parent.model.state_dict().items())


def test_nan_loss_stops_with_a_clear_error_and_the_parent_is_unchanged(parent, monkeypatch):
    before = state_copy(parent.model)
    monkeypatch.setattr(BiLSTMNetwork, "loss", lambda self, emissions, tags, mask: emissions.sum() * float("nan"))
    with pytest.raises(TrainingError, match="loss became nan in epoch 1, batch 1"):
        finetune(parent, documents(DATE_CORPUS), options=quick_options())
    assert all(torch.equal(before[k], v) for k, v in parent.model.state_dict().items())


def test_too_few_reviewed_sentences_say_what_is_missing(parent):
    with pytest.raises(TrainingError, match="at least 10 reviewed sentences and there are 6: review 4 more"):
        finetune(parent, documents(DATE_CORPUS), options=quick_options(min_sentences=10))


def test_cancel_stops_within_one_batch(parent):
    checks = []

    def should_stop() -> bool:
        checks.append(1)
        return len(checks) > 3

    batches = []
    result = finetune(parent, documents(DATE_CORPUS + TINY_CORPUS), options=quick_options(),
                      callback=lambda p: batches.append(p) if p.phase == "batch" else None,
                      should_stop=should_stop)
    assert result.cancelled
    assert len(batches) == 3


def test_held_out_dev_sentences_come_from_the_reviewed_ones(parent):
    from ner_studio.core.learning.check_set import CHECK_SHARE, split_band

    reviewed = documents(DATE_CORPUS + TINY_CORPUS)
    _, check = split_band(reviewed, CHECK_SHARE, CHECK_SHARE + 0.25)
    assert check  # the content-hash band beside the check set's holds some of these 14 sentences out
    result = finetune(parent, reviewed, base_docs=documents(TINY_CORPUS), options=quick_options(epochs=1, dev_fraction=0.25))
    data = result.loaded.metadata["data"]
    held = len(check)
    # base sentences: half as many as the reviewed training sentences (the recipe's base_ratio)
    assert data["dev_sentences"] == held and data["base_sentences"] == round((14 - held) / 2)
    assert data["train_sentences"] == 14 - held + data["base_sentences"]


def test_a_sentence_held_out_once_stays_held_out_when_more_are_reviewed(parent, monkeypatch):
    seen = recorded_training(monkeypatch)

    def held_out_words() -> set[tuple[str, ...]]:
        return {tuple(seen["vocabs"].words[w] for w in s.words) for s in seen["dev"]}

    first = documents(DATE_CORPUS + TINY_CORPUS)
    finetune(parent, first, options=quick_options(dev_fraction=0.3))
    before = held_out_words()
    more = documents([("Anna flew to Oslo on Monday", "S-PER O O S-LOC O S-DATE")] + TINY_CORPUS[:2])
    finetune(parent, more + first[::-1], options=quick_options(dev_fraction=0.3))
    assert before and before <= held_out_words()


def test_versions_are_new_files_loadable_and_recorded(parent, tmp_path):
    result = finetune(parent, documents(DATE_CORPUS), options=quick_options(epochs=2))
    first = save_version(result, Parent(None), ["dates.txt"], tmp_path)
    second = save_version(result, Parent(str(first.path)), ["dates.txt"], tmp_path)
    assert first.path != second.path and first.path.exists() and second.path.exists()
    loaded = load_checkpoint(second.path)
    assert loaded.metadata["parent"]["path"] == str(first.path)
    assert loaded.metadata["documents"] == ["dates.txt"]
    assert "DATE" in loaded.labels
    with Project.create(tmp_path / "p.nerstudio") as project:
        first_id = record_version(project, first, Parent(None))
        second_id = record_version(project, second, Parent(str(first.path), first_id))
        versions = project.model_versions()
    assert [v.version_id for v in versions] == [first_id, second_id]
    assert versions[1].parent_id == first_id
    assert versions[1].metrics["epochs"] == 2
    assert "overall" in versions[1].metrics["dev"] and "DATE" in versions[1].metrics["new_labels"]


def test_a_reserved_name_is_never_reused(tmp_path):
    first = reserve_model_path(tmp_path, stamp="20240101-000000")
    first.write_bytes(b"a model")
    second = reserve_model_path(tmp_path, stamp="20240101-000000")
    assert second.name == "model-20240101-000000-2.pt"
    assert first.read_bytes() == b"a model"


def test_a_model_that_pools_over_documents_finetunes_in_batches_of_sentences():
    docs = documents(TINY_CORPUS)
    pooling, _ = train_tagger(docs, docs, config={**TINY_NETWORK, "document_pooling": True},
                              training=TrainingConfig(epochs=2, batch_size=4, singleton_unk=0.0, threads=1))
    seen = []
    result = finetune(pooling, documents(DATE_CORPUS), options=quick_options(epochs=1, dev_fraction=0.34),
                      callback=seen.append)
    from ner_studio.core.learning.check_set import CHECK_SHARE, split_band

    train, _ = split_band(documents(DATE_CORPUS), CHECK_SHARE, CHECK_SHARE + 0.34)
    sentences = sum(len(doc.sentences) for doc in train)
    assert {p.batches for p in seen if p.phase == "batch"} == {(sentences + 1) // 2}  # 2 sentences a batch
    grown = result.loaded.model
    assert grown.shared.weight.shape == (len(result.loaded.vocabs.tags), grown.shared.weight.shape[1])
    assert "DATE" in result.loaded.labels


def multi_sentence_document(corpus) -> Document:
    """One document holding every sentence of ``corpus`` (one per line)."""
    parts = [tagged_document(words, tags) for words, tags in corpus]
    text, tokens, sentences, spans, offset = [], [], [], [], 0
    for part in parts:
        first = len(tokens)
        tokens += [(t.start + offset, t.end + offset) for t in part.tokens]
        sentences.append(Sentence(first, len(tokens)))
        spans += [Span(s.start + offset, s.end + offset, s.label) for s in part.spans]
        text.append(part.text)
        offset += len(part.text) + 1
    return Document("\n".join(text), tokens, sentences, spans)


def recorded_training(monkeypatch) -> dict:
    """Replace train_model by a recorder of what finetune hands it (no training at all)."""
    import ner_studio.model.finetune as module
    from ner_studio.model.training import TrainingResult

    seen = {}

    def record(model, vocabs, train, dev, config, **kwargs):
        seen.update(model=model, vocabs=vocabs, train=train, dev=dev, config=config, **kwargs)
        return TrainingResult(1, 0.0, 0.0, 1, 0.0, False)

    monkeypatch.setattr(module, "train_model", record)
    return seen


def test_reviewed_documents_keep_their_structure_for_document_pooling(parent, monkeypatch):
    seen = recorded_training(monkeypatch)
    doc = multi_sentence_document(DATE_CORPUS)
    finetune(parent, [doc, *documents(TINY_CORPUS[:2])], dev_docs=documents(DATE_CORPUS[:1]),
             options=quick_options())
    train = seen["train"]
    assert [s.document for s in train] == [0] * 6 + [1, 2]
    keys = {seen["vocabs"].words[w]: k for s in train[:6] for w, k in zip(s.words, s.keys)}
    # "friday" in sentences 2 and 4, "monday" in 1 and 3 of the document: one key each.
    assert len({k for s in train[:6] for w, k in zip(s.words, s.keys) if seen["vocabs"].words[w] == "friday"}) == 1
    assert keys["friday"] != keys["monday"]


def test_base_documents_are_sampled_whole_by_ratio_and_limit():
    from ner_studio.model.finetune import base_budget, sample_documents

    docs = [multi_sentence_document(TINY_CORPUS[:4]), multi_sentence_document(TINY_CORPUS[4:])]
    assert base_budget(FinetuneOptions(base_ratio=1.0, base_limit=2000), 30) == 30
    assert base_budget(FinetuneOptions(base_ratio=2.0, base_limit=50), 30) == 50
    assert base_budget(FinetuneOptions(base_ratio=None, base_limit=2000), 30) == 2000
    assert base_budget(FinetuneOptions(base_ratio=None, base_limit=None), 30) is None
    chosen = sample_documents(docs, 4, seed=1)
    assert len(chosen) == 1 and len(chosen[0].sentences) == 4
    cut = sample_documents(docs, 6, seed=1)
    assert [len(d.sentences) for d in cut] in ([4, 2], [4, 2][::-1])
    assert sample_documents(docs, None, seed=1) == docs


def test_the_new_domain_is_weighted_and_shown_lower_cased(parent, monkeypatch):
    seen = recorded_training(monkeypatch)
    reviewed = documents(DATE_CORPUS)
    finetune(parent, reviewed, dev_docs=documents(DATE_CORPUS[:1]), base_docs=documents(TINY_CORPUS),
             options=quick_options(domain_weight=3, base_ratio=0.5, lowercase=0.3))
    train, variants, vocabs = seen["train"], seen["variants"], seen["vocabs"]
    assert len(train) == 3 * 6 + 3 and len({s.document for s in train}) == len(train)
    assert [s.words for s in train[:6]] == [s.words for s in train[6:12]]
    assert seen["config"].variant_rate == 0.3 and len(variants) == len(train)
    lowered = variants[1]  # "Mary left Paris on Friday", lower-cased: same words, tags and keys
    assert lowered.words == train[1].words and lowered.tags == train[1].tags
    assert [vocabs.chars[c] for c in lowered.chars[0]] == list("mary")
    assert lowered.casing != train[1].casing


def test_a_new_label_starts_as_the_average_entity(parent):
    new = document_sentences(documents(DATE_CORPUS), "bioes")
    vocabs, _ = grow_vocabularies(parent.vocabs, new, "bioes")
    grown = grow_model(parent, vocabs)
    old_tags, tags = parent.vocabs.tags.to_list(), vocabs.tags.to_list()
    old, state = parent.model.state_dict(), grown.state_dict()
    begins = [old_tags.index(t) for t in old_tags if t.startswith("B-")]
    begin_date, end_date = tags.index("B-DATE"), tags.index("E-DATE")
    assert torch.allclose(state["output.weight"][begin_date], old["output.weight"][begins].mean(0))
    assert torch.allclose(state["crf.start"][begin_date], old["crf.start"][begins].mean())
    within = [old["crf.transitions"][old_tags.index(f"B-{x}"), old_tags.index(f"E-{x}")] for x in parent.labels]
    assert torch.isclose(state["crf.transitions"][begin_date, end_date], torch.stack(within).mean())


def test_finetuning_checkpoints_record_what_they_trained_on(parent):
    result = finetune(parent, documents(DATE_CORPUS + TINY_CORPUS), options=quick_options(epochs=1))
    record = result.loaded.metadata["trained_on"]
    data = result.loaded.metadata["data"]
    # What it learned from and what chose its epoch (the held-out part), by distinct content.
    assert len(record["sentence_hashes"]) == len({
        h for doc in documents(DATE_CORPUS + TINY_CORPUS) for h in document_hashes(doc)})
    assert data["train_sentences"] + data["dev_sentences"] == len(DATE_CORPUS + TINY_CORPUS)


def test_without_average_start_new_tags_start_blank_as_before(parent):
    new = document_sentences(documents(DATE_CORPUS), "bioes")
    vocabs, _ = grow_vocabularies(parent.vocabs, new, "bioes")
    grown = grow_model(parent, vocabs, average_start=False).state_dict()
    begin_date = vocabs.tags.to_list().index("B-DATE")
    assert float(grown["crf.start"][begin_date]) == 0.0
    assert torch.equal(grown["crf.transitions"][: len(parent.vocabs.tags), : len(parent.vocabs.tags)],
                       parent.model.state_dict()["crf.transitions"])


def test_a_file_without_document_breaks_is_not_one_batch(parent, monkeypatch):
    from ner_studio.model.finetune import in_parts

    long = multi_sentence_document((DATE_CORPUS + TINY_CORPUS) * 5)  # 70 sentences
    parts = in_parts([long], 32)
    assert [len(p.sentences) for p in parts] == [32, 32, 6]
    assert [p.sentence_words(0) for p in parts] == [long.sentence_words(k) for k in (0, 32, 64)]
    seen = recorded_training(monkeypatch)
    finetune(parent, [long], dev_docs=documents(DATE_CORPUS), options=quick_options())
    assert len({s.document for s in seen["train"]}) == 2  # 64 + 6 sentences


def test_rounds_that_continue_from_a_finetuned_model_use_the_continued_patience(parent):
    options = quick_options(epochs=6, patience=5, continued_patience=1, text_vectors=False)
    first = finetune(parent, documents(DATE_CORPUS + TINY_CORPUS), options=options)
    assert first.loaded.metadata["result"]["patience"] == 5  # the parent was trained from scratch
    second = finetune(first.loaded, documents(DATE_CORPUS + TINY_CORPUS), options=options)
    assert second.loaded.metadata["result"]["patience"] == 1
    assert second.training.epochs_run <= second.training.best_epoch + 1
    assert FinetuneOptions(patience=4).training_config(continued=True).patience == 4  # None: the same


def test_frozen_word_embeddings_stay_as_they_start_while_the_rest_learns(parent):
    result = finetune(parent, documents(DATE_CORPUS + TINY_CORPUS), dev_docs=documents(DATE_CORPUS),
                      options=quick_options(freeze_words=True, text_vectors=False))
    model = result.loaded.model
    grown = grow_model(parent, result.loaded.vocabs)  # the rows it started from, before training
    assert not model.word_embedding.weight.requires_grad
    assert torch.equal(model.word_embedding.weight, grown.word_embedding.weight)
    assert not torch.equal(model.lstm.weight_ih_l0, grown.lstm.weight_ih_l0)
    [prediction] = TorchPredictor(result.loaded).predict_sentences(["Mary came on Friday".split()])
    assert (3, 4, "DATE") in [(i, j, label) for i, j, label, _ in prediction.entities]


def test_a_refit_learns_the_held_out_sentences_too_for_the_epochs_chosen_on_them(parent, monkeypatch):
    import ner_studio.model.finetune as module
    from ner_studio.model.training import train_model

    calls = []

    def recording(model, vocabs, train, dev, config, **kwargs):
        calls.append((len(train), len(dev), config))
        return train_model(model, vocabs, train, dev, config, **kwargs)

    monkeypatch.setattr(module, "train_model", recording)
    reviewed = documents(DATE_CORPUS + TINY_CORPUS)
    options = quick_options(epochs=12, patience=3, dev_fraction=0.3, text_vectors=False, refit=True)
    result = finetune(parent, reviewed, options=options)
    (chosen_train, dev, chosen), (refit_train, refit_dev, config) = calls
    held = result.loaded.metadata["data"]["dev_sentences"]
    assert dev == refit_dev == held > 0 and chosen_train == len(reviewed) - held
    assert refit_train == len(reviewed)  # the held-out sentences learnt too (no base given)
    refit = result.loaded.metadata["result"]["refit"]
    assert 1 <= refit["epochs"] == config.epochs <= chosen.epochs and config.keep_last
    assert result.training.best_epoch == result.training.epochs_run == refit["epochs"]  # ran them all, kept the last
    assert len(result.training.history) == refit["chosen_on"]["epochs_run"] + refit["epochs"]
    plain = finetune(parent, reviewed, options=quick_options(epochs=12, patience=3, dev_fraction=0.3,
                                                               text_vectors=False))
    assert plain.loaded.metadata["result"]["refit"] is None  # off by default
    assert plain.training.best_epoch == refit["epochs"]  # the same first run chose the same epoch


def test_keep_last_leaves_the_last_epochs_weights(parent):
    from ner_studio.model.training import train_model
    from ner_studio.model.batching import encode_sentence

    docs = documents(DATE_CORPUS)
    vocabs, _ = grow_vocabularies(parent.vocabs, document_sentences(docs, parent.scheme), parent.scheme)
    model = grow_model(parent, vocabs)
    sentences = document_sentences(docs, parent.scheme)
    encoded = [encode_sentence(vocabs, w, t) for w, t in zip(sentences.words, sentences.tags)]
    config = TrainingConfig(epochs=3, patience=5, batch_size=2, learning_rate=0.03, threads=1, keep_last=True)
    result = train_model(model, vocabs, encoded, encoded[:1], config)
    assert result.best_epoch == result.epochs_run == 3
    last = state_copy(model)
    again = grow_model(parent, vocabs)
    train_model(again, vocabs, encoded, encoded[:1], TrainingConfig(**{**config.__dict__, "keep_last": False}))
    assert all(torch.equal(last[k], v) for k, v in again.state_dict().items()) == (
        min(range(3), key=lambda k: result.history[k]["dev_loss"]) == 2)  # the same only if epoch 3 was best
