"""Overlong sentences are tagged as overlapping windows, and the windows' predictions joined.

Why: a text without sentence punctuation (a log, a table, a transcript) is one "sentence" of
any length. The network's memory and the CRF's per-step loops grow with a sentence's length
(a 5 MB text of one sentence took 6.2 GB and 139 s), while windows of a few hundred tokens
batch like ordinary sentences: memory stays bounded and time grows linearly with the text.

A sentence longer than ``size`` tokens becomes windows of ``size`` tokens, each starting
``size - overlap`` after the previous one. Every token belongs to the window where it sits
furthest from an edge (the overlap is cut in half), so each window's own tokens have at least
``overlap // 2`` tokens of context on both sides. An entity is taken from the window that owns
its first token; one that would overlap an entity already taken is dropped. The result is
deterministic: the same sentence always gives the same entities.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ner_studio.model.decoding import SentencePrediction, SentenceUncertainty

# Long enough that nearly every real sentence is one window (CoNLL-2003's longest: 124 tokens),
# short enough that a batch of them stays small. OVERLAP tokens are tagged twice.
MAX_WINDOW = 256
OVERLAP = 32


@dataclass(frozen=True)
class Window:
    sentence: int  # the sentence's index in the caller's list
    offset: int  # the window's first token in the sentence
    own_from: int  # the window's own tokens: [own_from, own_to), in window positions
    own_to: int


def split_windows(sentences: list[list[str]], documents: list[int] | None, *, size: int = MAX_WINDOW,
                  overlap: int = OVERLAP) -> tuple[list[list[str]], list[int] | None, list[Window] | None]:
    """``(windows' words, their documents, the windows)``; when no sentence is longer than
    ``size``, the inputs themselves and ``None`` (the common case costs one length check)."""
    if not any(len(words) > size for words in sentences):
        return sentences, documents, None
    if not 0 <= overlap < size:
        raise ValueError(f"overlap {overlap} must be smaller than the window size {size}")
    stride, half = size - overlap, overlap // 2
    out_words: list[list[str]] = []
    out_documents: list[int] = []
    windows: list[Window] = []
    for i, words in enumerate(sentences):
        document = documents[i] if documents is not None else i
        n = len(words)
        if n <= size:
            out_words.append(words)
            out_documents.append(document)
            windows.append(Window(i, 0, 0, n))
            continue
        start = 0
        while True:
            end = min(start + size, n)
            last = end == n
            own_from = 0 if start == 0 else half
            own_to = end - start if last else size - (overlap - half)
            out_words.append(words[start:end])
            out_documents.append(document)
            windows.append(Window(i, start, own_from, own_to))
            if last:
                break
            start += stride
    return out_words, out_documents, windows


def join_windows(predictions: list[SentencePrediction], windows: list[Window]) -> list[SentencePrediction]:
    """One prediction per original sentence from the windows' predictions (in window order)."""
    joined: list[SentencePrediction] = []
    k = 0
    while k < len(windows):
        first = k
        while k < len(windows) and windows[k].sentence == windows[first].sentence:
            k += 1
        if k - first == 1 and windows[first].offset == 0 and windows[first].own_from == 0 \
                and windows[first].own_to == len(predictions[first].path):
            joined.append(predictions[first])  # a sentence that fitted in one window
        else:
            joined.append(_join(predictions[first:k], windows[first:k]))
    return joined


def _join(parts: list[SentencePrediction], windows: list[Window]) -> SentencePrediction:
    path: list[int] = []
    owners: list[tuple[int, list[int]]] = []  # (sentence position, the owning window's tags)
    entities: list[tuple[int, int, str, float | None]] = []
    taken_to = 0  # sentence position after the last entity taken
    log_p = entropy = 0.0
    for prediction, window in zip(parts, windows):
        own = window.own_to - window.own_from
        path.extend(prediction.path[window.own_from : window.own_to])
        for first, last, label, confidence in prediction.entities:
            if window.own_from <= first < window.own_to and window.offset + first >= taken_to:
                entities.append((window.offset + first, window.offset + last, label, confidence))
                taken_to = window.offset + last
                owners.append((window.offset + first, prediction.path[first:last]))
        if prediction.uncertainty is not None:
            log_p += prediction.uncertainty.mnlp * own  # mnlp is log P / tokens of the window
            entropy += prediction.uncertainty.entropy * own
    for start, tags in owners:  # the owner's tags for each whole entity, even past its window's part
        path[start : start + len(tags)] = tags
    if parts[0].uncertainty is None:  # not asked for (PredictionDetail)
        return SentencePrediction(path, parts[0].tag_names, entities, None)
    n = len(path)
    least_confidence = min(1.0, max(0.0, 1.0 - math.exp(max(log_p, -745.0))))
    uncertainty = SentenceUncertainty(least_confidence, log_p / n, entropy / n)
    return SentencePrediction(path, parts[0].tag_names, entities, uncertainty)
