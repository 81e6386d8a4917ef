import pytest
import torch

from ner_studio.model.training import TrainingConfig, WeightAverage, evaluate_encoded, train_model
from tests.model.conftest import make_model

FAST = dict(epochs=25, batch_size=4, learning_rate=0.05, patience=5, singleton_unk=0.0, monitor="dev_f1")


@pytest.mark.parametrize("decoder", ["crf", "softmax"])
def test_a_model_overfits_a_tiny_corpus(vocabs, encoded, decoder):
    model = make_model(vocabs, decoder, dropout=0.0)
    result = train_model(model, vocabs, encoded, encoded, TrainingConfig(**FAST))
    assert result.best_dev_f1 == 1.0
    assert evaluate_encoded(model, vocabs, encoded)[1] == 1.0


def test_training_is_reproducible(vocabs, encoded):
    config = TrainingConfig(**{**FAST, "epochs": 3})
    first, second = make_model(vocabs), make_model(vocabs)
    train_model(first, vocabs, encoded, encoded, config)
    train_model(second, vocabs, encoded, encoded, config)
    for (name, a), (_, b) in zip(first.state_dict().items(), second.state_dict().items()):
        assert a.equal(b), name


def test_callback_reports_batches_and_epochs(vocabs, encoded):
    seen = []
    train_model(make_model(vocabs), vocabs, encoded, encoded, TrainingConfig(**{**FAST, "epochs": 2}),
                callback=seen.append)
    batches = [p for p in seen if p.phase == "batch"]
    epochs = [p for p in seen if p.phase == "epoch"]
    assert [(p.epoch, p.batch, p.batches) for p in batches] == [(1, 1, 2), (1, 2, 2), (2, 1, 2), (2, 2, 2)]
    assert [p.epoch for p in epochs] == [1, 2]
    assert all(p.dev_loss is not None and 0 <= p.dev_f1 <= 1 and p.eta_seconds >= 0 for p in epochs)
    assert epochs[-1].eta_seconds == 0


def test_cancel_is_checked_every_batch(vocabs, encoded):
    seen = []
    result = train_model(make_model(vocabs), vocabs, encoded, encoded, TrainingConfig(**FAST),
                         callback=seen.append, should_stop=lambda: sum(p.phase == "batch" for p in seen) >= 3)
    assert result.cancelled
    assert len([p for p in seen if p.phase == "batch"]) == 3


def test_early_stopping_keeps_the_best_epoch(vocabs, encoded):
    config = TrainingConfig(**{**FAST, "learning_rate": 0.5, "patience": 2, "monitor": "dev_loss"})
    model = make_model(vocabs)
    result = train_model(model, vocabs, encoded, encoded, config)
    losses = [h["dev_loss"] for h in result.history]
    assert result.best_epoch == 1 + losses.index(min(losses))
    assert result.epochs_run <= result.best_epoch + 2
    assert evaluate_encoded(model, vocabs, encoded)[0] == pytest.approx(min(losses), rel=1e-5)


def test_weight_average_is_a_moving_average_applied_only_inside_its_block(vocabs):
    model = make_model(vocabs)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    average = WeightAverage(model, decay=0.75)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.add_(4.0)
    average.update(model)
    live = {k: v.clone() for k, v in model.state_dict().items()}
    with average.applied(model):
        for name, value in model.state_dict().items():
            if value.is_floating_point():
                assert torch.allclose(value, 0.75 * before[name] + 0.25 * live[name]), name
    for name, value in model.state_dict().items():
        assert value.equal(live[name]), name


def test_training_with_a_weight_average_keeps_the_averaged_weights(vocabs, encoded):
    config = TrainingConfig(**{**FAST, "weight_average": 0.9})
    model = make_model(vocabs, dropout=0.0)
    result = train_model(model, vocabs, encoded, encoded, config)
    assert result.best_dev_f1 == 1.0
    # The model holds the weights the best dev score was measured with: the average's.
    assert evaluate_encoded(model, vocabs, encoded)[1] == result.best_dev_f1
    assert evaluate_encoded(model, vocabs, encoded)[0] == pytest.approx(result.best_dev_loss, rel=1e-5)


def test_word_dropout_replaces_any_word_and_singleton_unk_only_singletons(encoded):
    import random

    from ner_studio.model.training import with_unknown_words
    from ner_studio.model.vocab import UNK_INDEX

    sentence = max(encoded, key=len)
    singletons = {sentence.words[0]}
    rng = random.Random(0)
    untouched = with_unknown_words(sentence, singletons, TrainingConfig(singleton_unk=0.0), rng)
    assert untouched.words == sentence.words
    only_singletons = with_unknown_words(sentence, singletons, TrainingConfig(singleton_unk=1.0), rng)
    assert only_singletons.words == [UNK_INDEX, *sentence.words[1:]]
    everything = with_unknown_words(sentence, set(), TrainingConfig(singleton_unk=0.0, word_dropout=1.0), rng)
    assert everything.words == [UNK_INDEX] * len(sentence)
    assert everything.chars == sentence.chars and everything.casing == sentence.casing


@pytest.mark.parametrize("singleton_unk", [0.0, 0.5])
def test_training_only_the_seen_word_rows_is_the_same_training(vocabs, encoded, singleton_unk):
    train = encoded[:2]  # the other sentences' words are rows this training never uses
    seen = {w for s in train for w in s.words}
    config = TrainingConfig(**{**FAST, "epochs": 4, "singleton_unk": singleton_unk})
    whole, rows = make_model(vocabs), make_model(vocabs)
    start = rows.word_embedding.weight.detach().clone()
    train_model(whole, vocabs, train, encoded, config)
    train_model(rows, vocabs, train, encoded, config, seen_words_only=True)
    assert rows.trained_words is None and rows.word_embedding.weight.requires_grad
    assert list(rows.state_dict()) == list(whole.state_dict())  # a plain model again, loadable
    for (name, a), (_, b) in zip(whole.state_dict().items(), rows.state_dict().items()):
        assert torch.allclose(a, b, atol=1e-6), name
    unseen = [i for i in range(len(start)) if i not in seen and i > 1]
    assert unseen and torch.equal(rows.word_embedding.weight[unseen], start[unseen])
    assert not torch.equal(rows.word_embedding.weight[sorted(seen)], start[sorted(seen)])
