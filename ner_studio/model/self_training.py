"""Self-training: a fine-tuned model labels the project's unreviewed sentences it is sure of and
learns from them too (``FinetuneOptions.self_train``).

Why: after a few hundred reviewed sentences of a new domain the model is precise but misses
much, while the project holds far more text nobody labelled. The sentences the new model tags
with a sure entity are more examples of that domain for the price of one more fine-tune. Wrong
pseudo-labels could teach it its own mistakes, so the second fine-tune is guarded: it is kept
only if it scores strictly higher than the first on the reviewed sentences held out for early
stopping (never trained on by either), otherwise the first model is the result
(``finetune.self_train``, which runs the two rounds). The benchmark and its rule:
benchmarks/results/2026-12-07-adaptation-lever.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ner_studio.core.text.document import Document, Sentence, Status
from ner_studio.core.text.spans import Span
from ner_studio.model.checkpoint import LoadedModel
from ner_studio.model.predict import TorchPredictor

# At most this many pseudo-labelled sentences per reviewed training sentence: the analyst's own
# sentences stay at least half of what the model learns the domain from.
PSEUDO_RATIO = 1.0


def unlabelled_sentences(text: Iterable[Sequence[str]], labelled: Iterable[Document]) -> list[list[str]]:
    """The sentences of ``text`` that are none of ``labelled``'s (by their words), each once."""
    seen = {tuple(doc.sentence_words(k)) for doc in labelled for k in range(len(doc.sentences))}
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
