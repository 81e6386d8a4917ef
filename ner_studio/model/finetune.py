"""Fine-tune a trained tagger on reviewed documents, starting from its weights.

The parent model is never modified: :mod:`ner_studio.model.grow` builds a new network whose
vocabularies are the parent's plus the new words, characters and labels of the training data,
holding every learned weight of the parent.

Reviewed documents keep their structure: each training sentence carries its document number
and word keys, so a model that pools over a word's mentions in a document keeps doing so.
New-domain sentences can be weighted over the base data (``domain_weight``) and shown
lower-cased at random (``lowercase``), so the model stops relying on newswire capitalisation.
With ``text_vectors`` the new words start from co-occurrence vectors of the project's own text
(:mod:`ner_studio.model.text_vectors`), labelled or not, instead of the parent's ``<unk>``.
With ``piece_vectors`` they start from the mean vector of their word pieces instead, where the
model holds a piece table (:mod:`ner_studio.model.word_pieces`).
With ``char_lm`` the tagger also reads a frozen character language model's contextual word
features (:mod:`ner_studio.model.finetune_char_lm`).
With ``self_train`` a second, guarded fine-tune also learns the sentences of that text nobody
labelled that the new model tags surely (:mod:`ner_studio.model.self_training`).

Training is :func:`ner_studio.model.training.train_model` (progress callback, cancel checked
before every batch, thread cap); a NaN loss stops it with a :class:`TrainingError`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone

import torch

from ner_studio import __version__
from ner_studio.core.learning.check_set import CHECK_SHARE, split_band, training_record
from ner_studio.core.text.document import Document
from ner_studio.core.errors import TrainingError
from ner_studio.core.learning.metrics import Evaluation, evaluate_tags
from ner_studio.core.text.tags import document_tags
from ner_studio.core.learning.training_set import check_enough, count_sentences, excerpt
from ner_studio.model.batching import (
    EncodedSentence, Sentences, collate, document_batches, document_keys, encode_sentence, length_buckets,
)
from ner_studio.model.char_lm import CharLanguageModel
from ner_studio.model.checkpoint import LoadedModel
from ner_studio.model.finetune_char_lm import add_context, char_lm_for, with_char_lm
from ner_studio.model.grow import grow_model, grow_vocabularies
# Defined torch-free for the GUI; imported from here too.
from ner_studio.model.interface import FinetuneOptions  # noqa: F401 - re-exported
from ner_studio.model.network import BiLSTMNetwork
from ner_studio.model.self_training import PSEUDO_RATIO, merged_record, pseudo_labelled, unlabelled_sentences
from ner_studio.model.text_vectors import MAX_TOKENS, TextVectors, seed_new_rows, text_vectors, words_to_add
from ner_studio.model.training import TrainingProgress, TrainingResult, train_model
from ner_studio.model.vocab import Vocabularies
from ner_studio.model.word_pieces import seed_from_pieces
from ner_studio.model.workflow import entity_labels

# Training batches are whole documents (document pooling); a longer document is cut into parts
# of this many sentences, or a file without document breaks (one "document") would be a single
# batch per epoch. CoNLL-2003 train has 5 of its 946 documents over this length.
MAX_DOCUMENT_SENTENCES = 64


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


def hold_out(docs: Sequence[Document], fraction: float, seed: int) -> tuple[list[Document], list[Document]]:
    """``(train, dev)``: a seeded random ``fraction`` of the sentences of ``docs`` (at least one,
    never all) held out for early stopping; both sides keep each document's remaining sentences
    together and in order, so document pooling sees them as one document."""
    places = [(d, k) for d, doc in enumerate(docs) for k in range(len(doc.sentences))]
    order = list(range(len(places)))
    random.Random(seed).shuffle(order)
    held_count = min(max(1, round(len(order) * fraction)), len(order) - 1)
    held = {places[i] for i in order[:held_count]}
    train, dev = [], []
    for d, doc in enumerate(docs):
        for part, wanted in ((train, False), (dev, True)):
            indices = [k for k in range(len(doc.sentences)) if ((d, k) in held) == wanted]
            if len(indices) == len(doc.sentences):
                part.append(doc)
            elif indices:
                part.append(excerpt(doc, indices, suffix="dev" if wanted else "train"))
    return train, dev or train


def in_parts(docs: Sequence[Document], size: int = MAX_DOCUMENT_SENTENCES) -> list[Document]:
    """``docs`` with every document of more than ``size`` sentences cut into consecutive parts."""
    parts = []
    for doc in docs:
        count = len(doc.sentences)
        if count <= size:
            parts.append(doc)
            continue
        parts += [excerpt(doc, list(range(k, min(k + size, count))), suffix=f"part {k // size + 1}")
                  for k in range(0, count, size)]
    return parts


def held_out(docs: list[Document], options: FinetuneOptions) -> tuple[list[Document], list[Document]]:
    """``(train, dev)`` without given dev documents: the content-hash band next to the check
    set's (``core.learning.check_set``; the app takes the check set out before it calls), so a sentence
    held out once is held out in every later round and early stopping never judges on sentences
    an earlier round trained on; with too few sentences for that to hold one out on either side,
    a seeded random share."""
    train, dev = split_band(docs, CHECK_SHARE, CHECK_SHARE + options.dev_fraction)
    if train and dev:
        return train, dev
    return hold_out(docs, options.dev_fraction, options.seed)


def sample_documents(docs: Sequence[Document], sentences: int | None, seed: int) -> list[Document]:
    """Whole documents of ``docs`` in a seeded random order until ``sentences`` sentences (the
    last one cut short to fit); all of them when ``sentences`` is None or covers them."""
    if sentences is None or count_sentences(docs) <= sentences:
        return list(docs)
    order = list(range(len(docs)))
    random.Random(seed).shuffle(order)
    chosen, total = [], 0
    for i in order:
        if total >= sentences:
            break
        doc, room = docs[i], sentences - total
        chosen.append(doc if len(doc.sentences) <= room else excerpt(doc, list(range(room)), suffix="base"))
        total += len(chosen[-1].sentences)
    return chosen


def base_budget(options: FinetuneOptions, reviewed: int) -> int | None:
    """How many base sentences to mix in with ``reviewed`` reviewed training sentences."""
    wanted = None if options.base_ratio is None else round(options.base_ratio * reviewed)
    if options.base_limit is None:
        return wanted
    return options.base_limit if wanted is None else min(wanted, options.base_limit)


def encode_documents(vocabs: Vocabularies, docs: Sequence[Document], scheme: str, *, first_document: int = 0,
                     lower: bool = False, lm: CharLanguageModel | None = None) -> list[EncodedSentence]:
    """Every sentence of ``docs`` encoded with its document number (from ``first_document``)
    and ``document_keys``, as ``workflow.examples_from_documents`` does for training from
    scratch: a model that pools over a word's mentions in a document pools while fine-tuning.
    ``lower``: the words lower-cased (the same tags and keys). ``lm``: with its word features
    (``EncodedSentence.context``), of the words as shown."""
    encoded, shown_words = [], []
    for number, doc in enumerate(docs, start=first_document):
        words = [doc.sentence_words(k) for k in range(len(doc.sentences))]
        for sentence, tags, keys in zip(words, document_tags(doc, scheme), document_keys(words)):
            shown = [w.lower() for w in sentence] if lower else sentence
            encoded.append(encode_sentence(vocabs, shown, tags, document=number, keys=keys))
            shown_words.append(shown)
    if lm is not None:
        add_context(encoded, shown_words, lm)
    return encoded


def score_encoded(model: BiLSTMNetwork, vocabs: Vocabularies, encoded: list[EncodedSentence],
                  batch_size: int = 128) -> Evaluation:
    """Entity-level scores (per label) of ``model`` on encoded tagged sentences, pooling over
    documents when the model does."""
    gold, predicted = [], []
    if model.config.document_pooling:
        batches = document_batches(encoded, batch_size)
    else:
        batches = length_buckets([len(s) for s in encoded], batch_size)
    model.eval()
    with torch.inference_mode():
        for indices in batches:
            batch = collate([encoded[i] for i in indices])
            emissions = model(*batch.inputs(), groups=batch.groups, context=batch.context)
            for i, path in zip(indices, model.decode(emissions, batch.mask)):
                gold.append(vocabs.decode_tags(encoded[i].tags))
                predicted.append(vocabs.decode_tags(path))
    return evaluate_tags(gold, predicted)


def sentence_words(docs: Iterable[Document]) -> Iterator[list[str]]:
    """The words of every sentence of ``docs``, in order, one sentence at a time."""
    for doc in docs:
        for k in range(len(doc.sentences)):
            yield doc.sentence_words(k)


def sentence_lists(sentences: Iterable[Sequence[str]], tokens: int) -> list[list[str]]:
    """``sentences`` (word sequences), in order, up to ``tokens`` tokens: a big project is read
    only as far as the budget and never turned into lists of strings whole."""
    found, total = [], 0
    for words in sentences:
        total += len(words)
        if total > tokens:
            return found
        found.append(list(words))
    return found


def project_vectors(vocabs: Vocabularies, project: Iterable[Sequence[str]], base: Sequence[Document],
                    seed: int) -> TextVectors:
    """Co-occurrence vectors of the ``project``'s sentences and the ``base`` text (the project's
    first, within ``text_vectors.MAX_TOKENS``); the project's words that have one are added to
    ``vocabs`` (so they are read from a vector, not as ``<unk>``)."""
    words = sentence_lists(project, MAX_TOKENS)
    budget = MAX_TOKENS - sum(len(sentence) for sentence in words)
    vectors = text_vectors(words + sentence_lists(sentence_words(base), budget), seed=seed)
    for word in words_to_add(vectors, (w for sentence in words for w in sentence), vocabs.words):
        vocabs.words.add(word)
    return vectors


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
    text: Iterable[Sequence[str]] | None = None,
    options: FinetuneOptions | None = None,
    callback: Callable[[TrainingProgress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> FinetuneResult:
    """Fine-tune a grown copy of ``parent`` on ``docs`` (reviewed documents or accepted
    sentences) plus a sample of whole ``base_docs`` (the parent's kind of data, against
    forgetting). Early stopping uses ``dev_docs`` or, without them, a held-out part of
    ``docs``. ``text``: the project's text sentence by sentence (word sequences; labelled or
    not, e.g. :func:`sentence_words` of its documents), which the ``text_vectors`` option
    reads (default: the sentences of ``docs`` and ``dev_docs``). ``parent`` itself is never
    changed."""
    options = options or FinetuneOptions()
    if options.self_train > 0:
        # Read twice (vectors, then the sentences to pseudo-label): held as lists, within a budget.
        text = sentence_lists(sentence_words(docs) if text is None else text, MAX_TOKENS)
    docs = in_parts(docs)
    reviewed = count_sentences(docs)
    check_enough(reviewed, options.min_sentences)
    if dev_docs is None:
        train_docs, dev_docs = held_out(docs, options)
    else:
        train_docs, dev_docs = docs, list(dev_docs)
    base = sample_documents(in_parts(base_docs), base_budget(options, count_sentences(train_docs)), options.seed)
    vocabs, new_labels = grow_vocabularies(parent.vocabs, document_sentences(train_docs + base, parent.scheme),
                                           parent.scheme, document_sentences(dev_docs, parent.scheme))
    vectors = None
    if options.text_vectors:
        project = sentence_words(train_docs + dev_docs) if text is None else text
        vectors = project_vectors(vocabs, project, base_docs, options.seed)
    lm, lm_record = char_lm_for(parent, options.char_lm)
    dev = encode_documents(vocabs, dev_docs, parent.scheme, lm=lm)
    # A parent that was itself fine-tuned (its metadata says how) continues the loop.
    config = options.training_config(continued="finetune" in parent.metadata)
    model, seeded, pieced, result = _grow_and_train(parent, vocabs, vectors, train_docs, base, dev, config, options,
                                                    callback, should_stop, lm)
    refit = None
    if options.refit and not result.cancelled and result.best_epoch:
        # The epoch count is chosen; the held-out sentences are learnt too (the check set never).
        chosen = result
        model, seeded, pieced, result = _grow_and_train(
            parent, vocabs, vectors, train_docs + dev_docs, base, dev,
            replace(config, epochs=chosen.best_epoch, patience=chosen.best_epoch + 1, keep_last=True), options,
            callback, should_stop, lm)
        refit = {"epochs": chosen.best_epoch, "seconds": round(result.seconds, 1),
                 "chosen_on": {"dev_loss": chosen.best_dev_loss, "dev_f1": chosen.best_dev_f1,
                               "epochs_run": chosen.epochs_run, "seconds": round(chosen.seconds, 1)}}
        result = replace(result, seconds=chosen.seconds + result.seconds, history=chosen.history + result.history)
    scores = score_encoded(model, vocabs, dev)
    new_words = len(vocabs.words) - len(parent.vocabs.words)
    metadata = {
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "ner_studio_version": __version__,
        "finetune": asdict(options),
        "data": {"train_sentences": count_sentences(train_docs) + count_sentences(base),
                 "dev_sentences": len(dev), "base_sentences": count_sentences(base),
                 "reviewed_sentences": reviewed, "new_labels": new_labels, "new_words": new_words},
        "text_vectors": seeded.to_dict() if seeded is not None else None,
        "piece_vectors": pieced,
        "char_lm": lm_record,
        "trained_on": training_record(docs + base),  # the held-out part too: it chose the epoch
        "result": {"patience": config.patience, "best_epoch": result.best_epoch, "dev_loss": result.best_dev_loss,
                   "dev_f1": result.best_dev_f1, "epochs_run": result.epochs_run,
                   "seconds": round(result.seconds, 1), "cancelled": result.cancelled, "finished": True,
                   "refit": refit},
        "dev_scores": scores.to_dict(),
        "history": result.history,
    }
    loaded = LoadedModel(model, vocabs, entity_labels(vocabs.tags.to_list()), parent.scheme, metadata)
    finished = FinetuneResult(loaded, result, scores, new_labels, new_words)
    if options.self_train <= 0 or finished.cancelled:
        return finished
    return self_train(finished, train_docs, dev_docs, base_docs=base_docs, text=text, options=options,
                      callback=callback, should_stop=should_stop)


def _grow_and_train(parent: LoadedModel, vocabs: Vocabularies, vectors: TextVectors | None,
                    train_docs: list[Document], base: list[Document], dev: list[EncodedSentence],
                    config, options: FinetuneOptions, callback, should_stop, lm: CharLanguageModel | None = None):
    """A grown copy of ``parent`` (new word rows from ``vectors``; reading ``lm`` if given)
    trained on ``train_docs`` (``options.domain_weight`` times) and ``base``: ``(model, seeded
    rows, pieced rows, TrainingResult)``."""
    torch.manual_seed(options.seed)
    model = grow_model(parent, vocabs, average_start=options.average_start)
    if lm is not None and model.char_lm is None:
        model = with_char_lm(model, lm, vocabs.tags.to_list(), parent.scheme)
    seeded = seed_new_rows(model.word_embedding.weight.data, vocabs.words, len(parent.vocabs.words),
                           vectors) if vectors is not None else None
    pieced = seed_from_pieces(model, vocabs, len(parent.vocabs.words)) if options.piece_vectors else None
    if options.freeze_words:
        model.word_embedding.weight.requires_grad_(False)
    # The reviewed documents ``domain_weight`` times (each copy its own document), then the base.
    copies = [train_docs] * max(1, options.domain_weight) + [base]
    train, variants, first = [], [], 0
    for part in copies:
        train += encode_documents(vocabs, part, parent.scheme, first_document=first, lm=lm)
        if options.lowercase > 0:
            variants += encode_documents(vocabs, part, parent.scheme, first_document=first, lower=True, lm=lm)
        first += len(part)
    result = train_model(model, vocabs, train, dev, config, callback=_nan_guard(callback),
                         should_stop=should_stop, variants=variants or None, seen_words_only=True)
    return model, seeded, pieced, result


def self_train(
    first: FinetuneResult,
    train_docs: list[Document],
    dev_docs: list[Document],
    *,
    base_docs: Sequence[Document],
    text: list[list[str]],
    options: FinetuneOptions,
    callback: Callable[[TrainingProgress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> FinetuneResult:
    """``first`` (a finished fine-tune on ``train_docs``, stopped early on ``dev_docs``) or, if it
    scores higher on ``dev_docs``, its continuation on ``train_docs`` plus the sentences of
    ``text`` it labels surely. The result's metadata says what happened (``self_training``)."""
    sentences = unlabelled_sentences(text, [*train_docs, *dev_docs])
    limit = round(PSEUDO_RATIO * count_sentences(train_docs))
    pseudo = pseudo_labelled(first.loaded, sentences, options.self_train, limit)
    report = {"threshold": options.self_train, "unlabelled_sentences": len(sentences),
              "pseudo_labelled": len(pseudo), "pseudo_entities": sum(len(doc.spans) for doc in pseudo),
              "dev_f1_before": first.dev_scores.overall.f1, "dev_f1_after": None, "kept": False}
    if not pseudo:
        first.loaded.metadata["self_training"] = report
        return first
    second = finetune(first.loaded, train_docs + pseudo, dev_docs=dev_docs, base_docs=base_docs, text=text,
                      options=replace(options, self_train=0.0), callback=callback, should_stop=should_stop)
    if second.cancelled:
        return second
    report["dev_f1_after"] = second.dev_scores.overall.f1
    report["kept"] = second.dev_scores.overall.f1 > first.dev_scores.overall.f1
    kept = second if report["kept"] else first
    if report["kept"]:
        metadata = second.loaded.metadata
        metadata["trained_on"] = merged_record(first.loaded.metadata.get("trained_on"), metadata.get("trained_on"))
        metadata["data"]["pseudo_labelled_sentences"] = len(pseudo)
        kept = replace(second, new_labels=first.new_labels, new_words=first.new_words + second.new_words)
    kept.loaded.metadata["self_training"] = report
    return kept
