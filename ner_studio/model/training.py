"""Training loop: shuffled mini-batches, Adam, gradient clipping, early stopping.

The loop reports through one callback (``TrainingProgress`` after every batch and every epoch)
and checks ``should_stop`` before every batch, so a GUI worker can draw a live plot and cancel
within one batch. The weights of the best epoch (by dev loss unless told otherwise) are put
back into the model at the end (or, with ``keep_last``, the last epoch's stay).
"""

from __future__ import annotations

import copy
import math
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace

import torch

from ner_studio.core.learning.metrics import evaluate_tags
from ner_studio.model.batching import EncodedSentence, collate, document_batches, length_buckets
# Defined torch-free for the GUI; imported from here too.
from ner_studio.model.interface import TrainingConfig, TrainingProgress  # noqa: F401 - re-exported
from ner_studio.model.network import BiLSTMNetwork
from ner_studio.model.vocab import UNK_INDEX, Vocabularies

MONITORS = ("dev_loss", "dev_f1")


@dataclass
class TrainingResult:
    best_epoch: int
    best_dev_loss: float
    best_dev_f1: float
    epochs_run: int
    seconds: float
    cancelled: bool
    history: list[dict] = field(default_factory=list)


def evaluate_encoded(
    model: BiLSTMNetwork, vocabs: Vocabularies, sentences: list[EncodedSentence], batch_size: int = 128
) -> tuple[float, float]:
    """``(mean loss per sentence, entity F1)`` of ``model`` on tagged sentences."""
    was_training = model.training
    model.eval()
    total_loss, gold, predicted = 0.0, [], []
    if model.config.document_pooling:  # a word's mentions must be in one batch
        batches = document_batches(sentences, batch_size)
    else:
        batches = length_buckets([len(s) for s in sentences], batch_size)
    with torch.inference_mode():
        for indices in batches:
            batch = collate([sentences[i] for i in indices])
            emissions = model(*batch.inputs(), groups=batch.groups, context=batch.context)
            total_loss += float(model.loss(emissions, batch.tags, batch.mask)) * len(indices)
            for i, path in zip(indices, model.decode(emissions, batch.mask)):
                gold.append(vocabs.decode_tags(sentences[i].tags))
                predicted.append(vocabs.decode_tags(path))
    model.train(was_training)
    return total_loss / max(len(sentences), 1), evaluate_tags(gold, predicted).overall.f1


def with_unknown_words(
    sentence: EncodedSentence, singletons: set[int], config: TrainingConfig, rng: random.Random
) -> EncodedSentence:
    """``sentence`` with some words replaced by ``<unk>`` for one training step: singletons
    with ``config.singleton_unk``, any word with ``config.word_dropout``."""
    singleton_p, any_p = config.singleton_unk, config.word_dropout
    if singleton_p <= 0 and any_p <= 0:
        return sentence
    words = [UNK_INDEX if (w in singletons and rng.random() < singleton_p) or (any_p > 0 and rng.random() < any_p)
             else w for w in sentence.words]
    return replace(sentence, words=words)


class WeightAverage:
    """Exponential moving average of a model's floating-point weights."""

    def __init__(self, model: BiLSTMNetwork, decay: float):
        self.decay = decay
        self.shadow = {k: v.detach().clone() for k, v in model.state_dict().items() if v.is_floating_point()}

    def update(self, model: BiLSTMNetwork) -> None:
        with torch.no_grad():
            for key, value in model.state_dict().items():
                if key in self.shadow:
                    self.shadow[key].lerp_(value, 1.0 - self.decay)

    @contextmanager
    def applied(self, model: BiLSTMNetwork) -> Iterator[None]:
        """Run the block with the averaged weights in ``model``, then put the live ones back."""
        live = copy.deepcopy(model.state_dict())
        model.load_state_dict(self.shadow, strict=False)
        try:
            yield
        finally:
            model.load_state_dict(live)


def _step(model: BiLSTMNetwork, optimizer: torch.optim.Optimizer, batch, clip: float) -> float:
    """One gradient step; returns the batch loss."""
    optimizer.zero_grad()
    loss = model.loss(model(*batch.inputs(), groups=batch.groups, context=batch.context), batch.tags, batch.mask)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
    optimizer.step()
    return loss.item()


def train_model(
    model: BiLSTMNetwork,
    vocabs: Vocabularies,
    train_set: list[EncodedSentence],
    dev_set: list[EncodedSentence],
    config: TrainingConfig,
    *,
    callback: Callable[[TrainingProgress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    variants: list[EncodedSentence] | None = None,
    seen_words_only: bool = False,
) -> TrainingResult:
    """Train ``model`` in place and leave it holding the best epoch's weights. ``variants``
    (aligned with ``train_set``) are shown instead with ``config.variant_rate``.
    ``seen_words_only``: carry only the word rows the training data uses through the steps
    (the same training, faster for a large vocabulary; ``BiLSTMNetwork.train_word_rows``); the
    model's state is then not a loadable file until training returns."""
    if not (seen_words_only and model.word_embedding.weight.requires_grad):
        return _train(model, vocabs, train_set, dev_set, config, callback, should_stop, variants)
    seen = {w for s in train_set + (variants or []) for w in s.words} | {UNK_INDEX}  # UNK: dropped words
    model.train_word_rows(torch.tensor(sorted(seen), dtype=torch.long))
    try:
        return _train(model, vocabs, train_set, dev_set, config, callback, should_stop, variants)
    finally:
        model.train_word_rows(None)


def _train(model, vocabs, train_set, dev_set, config, callback, should_stop, variants) -> TrainingResult:
    if config.monitor not in MONITORS:
        raise ValueError(f"monitor must be one of {MONITORS}, not {config.monitor!r}")
    if config.threads:
        torch.set_num_threads(config.threads)
    torch.manual_seed(config.seed)
    rng = random.Random(config.seed)
    counts = Counter(w for s in train_set for w in s.words)
    singletons = {w for w, n in counts.items() if n == 1}
    # The fused kernel: one pass over each parameter instead of a dozen (the word embedding is
    # most of the weights); the same algorithm, a fifth of a fine-tune epoch less (benchmarks/results/2026-12-02-adaptation-to-tweets.md).
    optimizer = torch.optim.Adam(model.parameters(), lr=config.learning_rate, fused=True)
    documents = len({s.document for s in train_set})
    use_variants = variants is not None and config.variant_rate > 0

    def epoch_batches() -> list[list[int]]:
        if model.config.document_pooling:  # whole documents, so each word's mentions meet
            order = list(range(documents))
            rng.shuffle(order)
            return document_batches(train_set, config.batch_size, order)
        order = list(range(len(train_set)))
        rng.shuffle(order)
        return [order[i : i + config.batch_size] for i in range(0, len(order), config.batch_size)]

    batches_per_epoch = len(document_batches(train_set, config.batch_size)) if model.config.document_pooling \
        else math.ceil(len(train_set) / config.batch_size)
    started = time.monotonic()
    average = WeightAverage(model, config.weight_average) if config.weight_average > 0 else None
    best = {"epoch": 0, "dev_loss": math.inf, "dev_f1": -1.0, "state": copy.deepcopy(model.state_dict())}
    history: list[dict] = []
    stale = 0
    batches_done = 0
    cancelled = False
    epoch = 0
    for epoch in range(1, config.epochs + 1):
        model.train()
        epoch_loss, number = 0.0, 0
        for number, indices in enumerate(epoch_batches(), start=1):
            if should_stop is not None and should_stop():
                cancelled = True
                break
            chosen = [variants[i] if use_variants and rng.random() < config.variant_rate else train_set[i]
                      for i in indices]
            batch = collate([with_unknown_words(s, singletons, config, rng) for s in chosen])
            epoch_loss += _step(model, optimizer, batch, config.clip)
            if average is not None:
                average.update(model)
            batches_done += 1
            if callback is not None:
                elapsed = time.monotonic() - started
                remaining = config.epochs * batches_per_epoch - batches_done
                callback(TrainingProgress("batch", epoch, config.epochs, number, batches_per_epoch,
                                          epoch_loss / number, elapsed / batches_done * remaining))
        if cancelled:
            break
        with average.applied(model) if average is not None else nullcontext():
            dev_loss, dev_f1 = evaluate_encoded(model, vocabs, dev_set, config.eval_batch_size)
            improved = dev_loss < best["dev_loss"] if config.monitor == "dev_loss" else dev_f1 > best["dev_f1"]
            if improved:
                best = {"epoch": epoch, "dev_loss": dev_loss, "dev_f1": dev_f1,
                        "state": copy.deepcopy(model.state_dict())}
        stale = 0 if improved else stale + 1
        elapsed = time.monotonic() - started
        history.append({"epoch": epoch, "loss": epoch_loss / max(number, 1), "dev_loss": dev_loss,
                        "dev_f1": dev_f1, "seconds": elapsed})
        if callback is not None:
            remaining = (config.epochs - epoch) * batches_per_epoch
            callback(TrainingProgress("epoch", epoch, config.epochs, batches_per_epoch, batches_per_epoch,
                                      epoch_loss / max(number, 1), elapsed / batches_done * remaining,
                                      dev_loss, dev_f1, best["epoch"]))
        if stale >= config.patience:
            break
    if config.keep_last and history and not cancelled:
        last = history[-1]
        best = {"epoch": last["epoch"], "dev_loss": last["dev_loss"], "dev_f1": last["dev_f1"], "state": None}
    else:
        model.load_state_dict(best["state"])
    model.eval()
    return TrainingResult(best["epoch"], best["dev_loss"], best["dev_f1"], len(history),
                          time.monotonic() - started, cancelled, history)
