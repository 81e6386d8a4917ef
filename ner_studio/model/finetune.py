"""Fine-tune a trained tagger on reviewed documents, starting from its weights.

The parent model is never modified: :func:`grow_model` builds a new network whose vocabularies
are the parent's plus the new words, characters and labels of the training data, copies every
learned weight into it, and gives the new rows a neutral start (a new word starts as the
parent's ``<unk>`` vector, i.e. exactly how the parent saw it; new tags start with untrained
output rows and zero CRF transitions, as a fresh CRF does). The scheme's transition
constraints are rebuilt for the grown tag set.

Training is :func:`ner_studio.model.training.train_model` (progress callback, cancel checked
before every batch, thread cap); a NaN loss stops it with a :class:`TrainingError`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone

import torch

from ner_studio import __version__
from ner_studio.core.document import Document
from ner_studio.core.errors import TrainingError
from ner_studio.core.metrics import Evaluation, evaluate_tags
from ner_studio.core.tags import document_tags
from ner_studio.core.training_set import check_enough
from ner_studio.model.batching import collate, encode_sentence, length_buckets
from ner_studio.model.checkpoint import LoadedModel
# Defined torch-free for the GUI; imported from here too.
from ner_studio.model.interface import FinetuneOptions  # noqa: F401 - re-exported
from ner_studio.model.tagger import BiLSTMTagger
from ner_studio.model.training import TrainingProgress, TrainingResult, train_model
from ner_studio.model.vocab import UNK_INDEX, Vocabularies, normalize_word
from ner_studio.model.workflow import entity_labels

_PREFIXES = {"bioes": "BIES", "iob2": "BI"}


@dataclass
class Sentences:
    words: list[list[str]] = field(default_factory=list)
    tags: list[list[str]] = field(default_factory=list)  # in the model's scheme

    def __len__(self) -> int:
        return len(self.words)


@dataclass
class FinetuneResult:
    loaded: LoadedModel
    training: TrainingResult
    dev_scores: Evaluation
    new_labels: list[str]
    new_words: int

    @property
    def cancelled(self) -> bool:
        return self.training.cancelled


def document_sentences(docs: Sequence[Document], scheme: str) -> Sentences:
    """Every sentence of ``docs`` with tags (from the spans) in ``scheme``."""
    found = Sentences()
    for doc in docs:
        for k, tags in enumerate(document_tags(doc, scheme)):
            found.words.append(doc.sentence_words(k))
            found.tags.append(tags)
    return found


def grow_vocabularies(parent: Vocabularies, train: Sentences, scheme: str,
                      dev: Sentences | None = None) -> tuple[Vocabularies, list[str]]:
    """A copy of ``parent`` extended by the words and characters of ``train`` and the labels of
    ``train`` and ``dev`` (a dev-only label must still be encodable); returns it with the
    labels that are new."""
    grown = Vocabularies.from_dict(parent.to_dict())
    for words in train.words:
        for word in words:
            grown.words.add(normalize_word(word))
            for char in word:
                grown.chars.add(char)
    known = set(entity_labels(parent.tags.to_list()))
    tag_sequences = train.tags + (dev.tags if dev is not None else [])
    new_labels = sorted({t[2:] for seq in tag_sequences for t in seq if t != "O"} - known)
    for label in new_labels:
        for prefix in _PREFIXES[scheme]:
            grown.tags.add(f"{prefix}-{label}")
    return grown, new_labels


def grow_model(parent: LoadedModel, vocabs: Vocabularies) -> BiLSTMTagger:
    """A new network shaped for ``vocabs`` (a superset of the parent's) holding the parent's
    weights in the old rows."""
    config = replace(parent.model.config, num_words=len(vocabs.words), num_chars=len(vocabs.chars),
                     num_tags=len(vocabs.tags))
    model = BiLSTMTagger(config, vocabs.tags.to_list(), parent.scheme)
    state = model.state_dict()
    old = parent.model.state_dict()
    with torch.no_grad():
        for name, target in state.items():
            if name.endswith("_penalty"):
                continue  # scheme constraints: the new constructor built them for all tags
            source = old[name]
            if name in ("word_embedding.weight", "char_features.embedding.weight"):
                target[:] = source[UNK_INDEX]  # unseen rows start as the parent's <unk>
            elif name in ("crf.transitions", "crf.start", "crf.end"):
                target.zero_()  # no preference for or against the new tags' transitions
            target[tuple(slice(0, n) for n in source.shape)] = source
    model.load_state_dict(state)
    return model


def _split(sentences: Sentences, fraction: float, seed: int) -> tuple[Sentences, Sentences]:
    order = list(range(len(sentences)))
    random.Random(seed).shuffle(order)
    held = min(max(1, round(len(order) * fraction)), len(order) - 1)
    dev, train = Sentences(), Sentences()
    for position, i in enumerate(order):
        part = dev if position < held else train
        part.words.append(sentences.words[i])
        part.tags.append(sentences.tags[i])
    return train, dev or train


def _sample(sentences: Sentences, limit: int | None, seed: int) -> Sentences:
    if limit is None or len(sentences) <= limit:
        return sentences
    chosen = sorted(random.Random(seed).sample(range(len(sentences)), limit))
    return Sentences([sentences.words[i] for i in chosen], [sentences.tags[i] for i in chosen])


def score_sentences(model: BiLSTMTagger, vocabs: Vocabularies, sentences: Sentences) -> Evaluation:
    """Entity-level scores (per label) of ``model`` on tagged sentences."""
    encoded = [encode_sentence(vocabs, w, t) for w, t in zip(sentences.words, sentences.tags)]
    gold, predicted = [], []
    model.eval()
    with torch.inference_mode():
        for indices in length_buckets([len(s) for s in encoded], 128):
            batch = collate([encoded[i] for i in indices])
            for i, path in zip(indices, model.decode(model(*batch.inputs()), batch.mask)):
                gold.append(sentences.tags[i])
                predicted.append(vocabs.decode_tags(path))
    return evaluate_tags(gold, predicted)


def _nan_guard(callback: Callable[[TrainingProgress], None] | None) -> Callable[[TrainingProgress], None]:
    """The progress callback, first stopping training (by raising) once a loss is not finite:
    the weights are garbage from then on, and nothing would tell the user otherwise."""

    def report(progress: TrainingProgress) -> None:
        bad = [v for v in (progress.loss, progress.dev_loss) if v is not None and not math.isfinite(v)]
        if bad:
            raise TrainingError(
                f"training diverged: the loss became {bad[0]} in epoch {progress.epoch}, batch "
                f"{progress.batch}. The current model is unchanged; try a lower learning rate")
        if callback is not None:
            callback(progress)

    return report


def finetune(
    parent: LoadedModel,
    docs: Sequence[Document],
    *,
    dev_docs: Sequence[Document] | None = None,
    base_docs: Sequence[Document] = (),
    options: FinetuneOptions | None = None,
    callback: Callable[[TrainingProgress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> FinetuneResult:
    """Fine-tune a grown copy of ``parent`` on ``docs`` (reviewed documents or accepted
    sentences) plus a sample of ``base_docs``. Early stopping uses ``dev_docs`` or, without
    them, a held-out part of ``docs``. ``parent`` itself is never changed."""
    options = options or FinetuneOptions()
    reviewed = document_sentences(docs, parent.scheme)
    check_enough(len(reviewed), options.min_sentences)
    if dev_docs is None:
        train, dev = _split(reviewed, options.dev_fraction, options.seed)
    else:
        train, dev = reviewed, document_sentences(dev_docs, parent.scheme)
    base = _sample(document_sentences(base_docs, parent.scheme), options.base_limit, options.seed)
    train = Sentences(train.words + base.words, train.tags + base.tags)
    vocabs, new_labels = grow_vocabularies(parent.vocabs, train, parent.scheme, dev)
    torch.manual_seed(options.seed)
    model = grow_model(parent, vocabs)

    def encode(part: Sentences) -> list:
        # Reviewed sentences come without their documents (review mode accepts single ones):
        # each is its own document, so a model that pools over documents pools nothing here.
        return [encode_sentence(vocabs, w, t, document=i) for i, (w, t) in enumerate(zip(part.words, part.tags))]

    result = train_model(model, vocabs, encode(train), encode(dev), options.training_config(),
                         callback=_nan_guard(callback), should_stop=should_stop)
    scores = score_sentences(model, vocabs, dev)
    metadata = {
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "ner_studio_version": __version__,
        "finetune": asdict(options),
        "data": {"train_sentences": len(train), "dev_sentences": len(dev), "base_sentences": len(base),
                 "reviewed_sentences": len(reviewed), "new_labels": new_labels,
                 "new_words": len(vocabs.words) - len(parent.vocabs.words)},
        "result": {"best_epoch": result.best_epoch, "dev_loss": result.best_dev_loss,
                   "dev_f1": result.best_dev_f1, "epochs_run": result.epochs_run,
                   "seconds": round(result.seconds, 1), "cancelled": result.cancelled, "finished": True},
        "dev_scores": scores.to_dict(),
        "history": result.history,
    }
    loaded = LoadedModel(model, vocabs, entity_labels(vocabs.tags.to_list()), parent.scheme, metadata)
    return FinetuneResult(loaded, result, scores, new_labels, len(vocabs.words) - len(parent.vocabs.words))
