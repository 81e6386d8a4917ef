"""Self-training: a fine-tuned model labels the project's unreviewed sentences it is sure of and
learns from them too (``FinetuneOptions.self_train``).

Why: after a few hundred reviewed sentences of a new domain the model is precise but misses
much, while the project holds far more text nobody labelled. The sentences the new model tags
with a sure entity are more examples of that domain for the price of one more fine-tune. Wrong
pseudo-labels could teach it its own mistakes, so the second fine-tune is guarded: it is kept
only if it scores strictly higher than the first on the reviewed sentences held out for early
stopping (never trained on by either), otherwise the first model is the result. The benchmark
and its rule: benchmarks/results/2026-12-07-adaptation-lever.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from ner_studio.core.learning.training_set import count_sentences
from ner_studio.core.text.document import Document, Sentence, Status
from ner_studio.core.text.spans import Span
from ner_studio.model.checkpoint import LoadedModel
from ner_studio.model.finetune import FinetuneOptions, FinetuneResult, finetune, sentence_words
from ner_studio.model.predict import TorchPredictor
from ner_studio.model.training import TrainingProgress

# At most this many pseudo-labelled sentences per reviewed training sentence: the analyst's own
# sentences stay at least half of what the model learns the domain from.
PSEUDO_RATIO = 1.0


def unlabelled_sentences(text: Iterable[Sequence[str]], labelled: Iterable[Document]) -> list[list[str]]:
    """The sentences of ``text`` that are none of ``labelled``'s (by their words), each once."""
    seen = {tuple(words) for words in sentence_words(labelled)}
    found = []
    for words in text:
        key = tuple(words)
        if key and key not in seen:
            seen.add(key)
            found.append(list(words))
    return found


def pseudo_document(words: Sequence[str], entities: Iterable[tuple[int, int, str, float]], name: str) -> Document:
    """A one-sentence document of ``words`` (joined by spaces) with the model's ``entities``
    (token ``[first, last)``, label, confidence) as its spans."""
    tokens, position = [], 0
    for word in words:
        tokens.append((position, position + len(word)))
        position += len(word) + 1
    spans = [Span(tokens[first][0], tokens[last - 1][1], label, "model", confidence)
             for first, last, label, confidence in entities]
    return Document(" ".join(words), tokens, [Sentence(0, len(tokens))], spans, name=name, status=Status.REVIEWED)


def pseudo_labelled(loaded: LoadedModel, sentences: list[list[str]], threshold: float, limit: int) -> list[Document]:
    """Up to ``limit`` of ``sentences`` that ``loaded`` tags with at least one entity and whose
    best tagging has probability >= ``threshold``, the surest first, as pseudo-labelled documents."""
    if not sentences or limit <= 0:
        return []
    predictions = TorchPredictor(loaded).predict_sentences(sentences)
    sure = [(1.0 - p.uncertainty.least_confidence, k) for k, p in enumerate(predictions)
            if p.entities and 1.0 - p.uncertainty.least_confidence >= threshold]
    sure.sort(key=lambda item: (-item[0], item[1]))
    return [pseudo_document(sentences[k], predictions[k].entities, f"pseudo-labelled {k + 1}") for _, k in sure[:limit]]


def merged_record(first: dict | None, second: dict | None) -> dict | None:
    """Both fine-tunes' ``trained_on`` records as one: the kept model learnt from both."""
    if not first or not second:
        return first or second
    return {"documents": first["documents"] + second["documents"],
            "sentence_hashes": sorted(set(first["sentence_hashes"]) | set(second["sentence_hashes"]))}


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
