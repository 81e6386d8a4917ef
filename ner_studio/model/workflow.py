"""Plain library functions the CLI, the scripts and the GUI call: documents in, a trained
tagger or scores out. Documents carry spans; tags exist only here, at the model's edge."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import torch

from ner_studio import __version__
from ner_studio.core.learning.check_set import training_record
from ner_studio.core.text.document import Document
from ner_studio.core.errors import NerStudioError, TrainingError
from ner_studio.core.learning.metrics import Evaluation, TagCounts
from ner_studio.core.text.tags import document_tags, token_spans_to_tags
from ner_studio.model.batching import EncodedSentence, document_keys, encode_sentence
from ner_studio.model.checkpoint import LoadedModel, save_checkpoint
from ner_studio.model.interface import PredictionDetail
from ner_studio.model.predict import TorchPredictor, document_groups, sentences_of
from ner_studio.model.network import BiLSTMNetwork, NetworkConfig
from ner_studio.model.training import TrainingConfig, TrainingProgress, TrainingResult, train_model
from ner_studio.model.vectors import initialise_embedding, read_vectors
from ner_studio.model.vocab import Vocabularies

MODEL_SCHEME = "bioes"  # richer than IOB2 for the CRF: entity ends are explicit states


@dataclass
class Examples:
    words: list[list[str]]
    tags: list[list[str]]  # in MODEL_SCHEME
    documents: list[int]  # each sentence's document, numbered from 0
    keys: list[list[int]]  # each token's word among its document's words (``document_keys``)


def examples_from_documents(docs: list[Document]) -> Examples:
    """Every sentence of every document with its tags (derived from the spans)."""
    words, tags, documents, keys = [], [], [], []
    for number, doc in enumerate(docs):
        doc_words = [doc.sentence_words(k) for k in range(len(doc.sentences))]
        words.extend(doc_words)
        tags.extend(document_tags(doc, MODEL_SCHEME))
        documents.extend([number] * len(doc_words))
        keys.extend(document_keys(doc_words))
    return Examples(words, tags, documents, keys)


def encode_examples(vocabs: Vocabularies, examples: Examples) -> list[EncodedSentence]:
    return [encode_sentence(vocabs, w, t, document=d, keys=k)
            for w, t, d, k in zip(examples.words, examples.tags, examples.documents, examples.keys)]


def entity_labels(tag_names: list[str]) -> list[str]:
    return sorted({t[2:] for t in tag_names if t != "O"})


def _tag_inventory(examples: Examples) -> list[str]:
    """Every BIOES tag of every label seen, so a label seen only as single-token entities can
    still be predicted as a multi-token one."""
    labels = entity_labels([t for seq in examples.tags for t in seq])
    return ["O", *(f"{p}-{label}" for label in labels for p in "BIES")]


def train_tagger(
    train_docs: list[Document],
    dev_docs: list[Document],
    *,
    config: dict | None = None,
    training: TrainingConfig | None = None,
    vectors: str | Path | None = None,
    vector_words: int = 0,
    callback: Callable[[TrainingProgress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    checkpoint: str | Path | None = None,
) -> tuple[LoadedModel, TrainingResult]:
    """Build vocabularies from ``train_docs``, train, and return the best model with its
    metadata. ``config`` holds :class:`NetworkConfig` fields other than the sizes. With
    ``vectors``, the words the training data has start from their vector; ``vector_words`` also
    adds the file's first so many words (GloVe-style files list the frequent ones first) to the
    vocabulary, so words the training data never had still arrive with a meaning. With
    ``checkpoint``, the best model so far is saved there after every improving epoch, so a
    long run that is stopped or crashes still leaves a usable model."""
    training = training or TrainingConfig()
    train, dev = examples_from_documents(train_docs), examples_from_documents(dev_docs)
    if not train.words:
        raise NerStudioError("no training sentences: the training documents are empty")
    if not dev.words:
        raise NerStudioError("no development sentences: early stopping needs a dev set")
    inventory = _tag_inventory(train)
    if len(inventory) == 1:
        raise NerStudioError("the training documents contain no entities to learn from")
    unknown = sorted(set(entity_labels([t for seq in dev.tags for t in seq])) - set(entity_labels(inventory)))
    if unknown:
        raise TrainingError(
            f"the development documents have label{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(unknown)} that the training documents lack; the model could never predict "
            f"{'them' if len(unknown) > 1 else 'it'}. Add examples to the training documents or "
            f"remove the label from the development documents")
    vocabs = Vocabularies.build(train.words, [inventory])
    options = dict(config or {})
    found_vectors = None
    if vectors is not None:
        table, dimension = read_vectors(vectors, None if vector_words else set(vocabs.words))
        for word in list(table)[:vector_words]:
            vocabs.words.add(word)
        options["word_dim"] = dimension
        found_vectors = {word: table[word] for word in vocabs.words if word in table}
    network_config = NetworkConfig(len(vocabs.words), len(vocabs.chars), len(vocabs.tags), **options)
    torch.manual_seed(training.seed)
    model = BiLSTMNetwork(network_config, vocabs.tags.to_list(), MODEL_SCHEME)
    vector_rows = initialise_embedding(model.word_embedding, vocabs.words, found_vectors) if found_vectors else 0

    def report(progress: TrainingProgress) -> None:
        if checkpoint is not None and progress.phase == "epoch" and progress.best_epoch == progress.epoch:
            partial = {**base_metadata, "result": {"best_epoch": progress.epoch, "dev_loss": progress.dev_loss,
                                                   "dev_f1": progress.dev_f1, "finished": False}}
            save_checkpoint(checkpoint, model, vocabs, entity_labels(vocabs.tags.to_list()), MODEL_SCHEME, partial)
        if callback is not None:
            callback(progress)

    base_metadata = {
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "ner_studio_version": __version__,
        "trained_on": training_record(train_docs),
        "training": {**training.__dict__},
        "data": {"train_sentences": len(train.words), "dev_sentences": len(dev.words),
                 "train_tokens": sum(map(len, train.words)),
                 "vectors": str(vectors) if vectors else None, "vector_rows": vector_rows,
                 "vector_words": vector_words if vectors else 0},
    }
    result = train_model(model, vocabs, encode_examples(vocabs, train), encode_examples(vocabs, dev), training,
                         callback=report, should_stop=should_stop)
    metadata = {
        **base_metadata,
        "result": {"best_epoch": result.best_epoch, "dev_loss": result.best_dev_loss,
                   "dev_f1": result.best_dev_f1, "epochs_run": result.epochs_run,
                   "seconds": round(result.seconds, 1), "cancelled": result.cancelled,
                   "finished": True},
        "history": result.history,
    }
    loaded = LoadedModel(model, vocabs, entity_labels(vocabs.tags.to_list()), MODEL_SCHEME, metadata)
    return loaded, result


def predicted_tags(tagger: TorchPredictor, docs: list[Document], *, batch_size: int = 256,
                   progress: Callable[[int, int], None] | None = None) -> list[list[str]]:
    """IOB2 tags the model predicts for every sentence of ``docs``."""
    total = sum(len(doc.sentences) for doc in docs)
    tags = []
    for group in document_groups(docs, max(batch_size * 16, 1)):
        words, documents = sentences_of(group)
        predictions = tagger.predict_sentences(words, batch_size=batch_size, documents=documents,
                                               detail=PredictionDetail.TAGS)  # Viterbi alone
        for sentence, prediction in zip(words, predictions):
            spans = [(i, j, label) for i, j, label, _ in prediction.entities]
            tags.append(token_spans_to_tags(len(sentence), spans, "iob2"))
        if progress is not None:
            progress(len(tags), total)
    return tags


def evaluate_tagger(tagger: TorchPredictor, docs: list[Document], *, batch_size: int = 256,
                    progress: Callable[[int, int], None] | None = None,
                    tagged: Callable[[list[Document], list[list[str]]], None] | None = None,
                    per_sentence: bool = False) -> Evaluation:
    """Entity-level scores of ``tagger`` against the spans of ``docs`` (with ``per_sentence``,
    each sentence's counts too: ``Evaluation.sentence_counts``)."""
    return evaluate_in_pieces(tagger, [docs], batch_size=batch_size, progress=progress, tagged=tagged,
                              per_sentence=per_sentence)


def evaluate_in_pieces(tagger: TorchPredictor, pieces: Iterable[list[Document]], *, batch_size: int = 256,
                       progress: Callable[[int, int], None] | None = None,
                       each: Callable[[list[Document]], None] | None = None,
                       tagged: Callable[[list[Document], list[list[str]]], None] | None = None,
                       per_sentence: bool = False) -> Evaluation:
    """As :func:`evaluate_tagger`, over a file read a piece at a time (``core/formats/stream.py``):
    only one piece's documents and tags are held, whatever the file's size. ``progress`` counts
    sentences (the total grows as pieces come); ``each(docs)`` sees every piece, ``tagged(docs,
    tags)`` it with the IOB2 tags predicted for its sentences (to list the errors)."""
    counts = TagCounts(per_sentence)
    for docs in pieces:
        before = counts.sentences
        report = None if progress is None else (lambda done, total, before=before: progress(before + done, before + total))
        gold = [tags for doc in docs for tags in document_tags(doc, "iob2")]
        predicted = predicted_tags(tagger, docs, batch_size=batch_size, progress=report)
        counts.add(gold, predicted)
        if tagged is not None:
            tagged(docs, predicted)
        if each is not None:
            each(docs)
    return counts.evaluation()
