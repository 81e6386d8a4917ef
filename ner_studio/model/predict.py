"""Tag documents with a trained model: entity spans with confidences, and per-sentence
uncertainty scores for active learning.

Confidence of an entity is the model's probability that exactly those tokens carry exactly
that entity's tags: with the CRF, from forward–backward (alpha at the first token, the path's
own scores inside, beta at the last token, divided by Z); with the softmax decoder, the
product of the tokens' tag probabilities.
"""

from __future__ import annotations

import contextlib
import math
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import torch

from ner_studio.core.document import Document, TokenList
from ner_studio.core.metrics import chunks
from ner_studio.core.spans import Source, Span
from ner_studio.model.batching import length_buckets
from ner_studio.model.checkpoint import LoadedModel, load_checkpoint
from ner_studio.model.word_table import TableBatch, WordTable
from ner_studio.resources import bundled_model_file

# Documents are tagged in groups this many sentences large: big enough for good length
# buckets, small enough that a cancel request returns whole documents soon.
_GROUP_SENTENCES = 4096
# A long session can see endless distinct strings (numbers, typos); start afresh past this.
_MAX_TABLE_WORDS = 500_000


def default_model_path() -> Path:
    """The bundled model trained on CoNLL-2003 (PER, LOC, ORG, MISC)."""
    return bundled_model_file()


@dataclass(frozen=True)
class SentenceUncertainty:
    least_confidence: float  # 1 - P(best tag sequence); higher = less sure
    mnlp: float  # log P(best tag sequence) / tokens; lower = less sure
    entropy: float  # mean token entropy of the tag distribution (nats); higher = less sure


@dataclass(frozen=True)
class SentencePrediction:
    path: list[int]  # tag indices
    tag_names: list[str]  # the model's tags (shared, not copied)
    entities: list[tuple[int, int, str, float]]  # token [first, last), label, confidence
    uncertainty: SentenceUncertainty

    @property
    def tags(self) -> list[str]:
        """The predicted tags, in the model's scheme."""
        return [self.tag_names[i] for i in self.path]


@dataclass
class DocumentPrediction:
    spans: list[Span]
    sentence_scores: list[SentenceUncertainty]


class Tagger:
    """A loaded model ready to tag text. Not thread-safe: use one per worker thread."""

    def __init__(self, loaded: LoadedModel, *, quantize: bool = False, bfloat16: bool = False,
                 threads: int | None = None):
        """``quantize``: int8 weights for the LSTM and linear layers (dynamic quantisation).
        ``bfloat16``: run the network in bfloat16, much faster on CPUs with native bf16
        (AVX512-BF16, AMX) and slower elsewhere. Both trade a little accuracy for speed;
        benchmarks/tagging_speed.py measures how much.

        ``threads``: tag that many batches at once, each on its own thread running torch
        single-threaded (this sets torch's thread count to 1). The LSTM gains little from
        torch's threads inside one batch, while independent batches scale with the cores and
        overlap one batch's Python work with another's network. ``None`` leaves torch's
        threading alone and tags one batch at a time."""
        self.model = loaded.model.eval()
        if quantize:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # eager-mode quantisation is deprecated, still works
                self.model = torch.ao.quantization.quantize_dynamic(self.model, {torch.nn.LSTM, torch.nn.Linear})
        self._bfloat16 = bfloat16
        self._pool = None
        if threads is not None and threads > 1:
            torch.set_num_threads(1)
            self._pool = ThreadPoolExecutor(threads, thread_name_prefix="tagger")
        self.vocabs = loaded.vocabs
        self.labels = loaded.labels
        self.scheme = loaded.scheme
        self.metadata = loaded.metadata
        self._table = self._new_table()
        self._tags = TagTable(self.vocabs.tags.to_list())

    def _new_table(self) -> WordTable:
        return WordTable(self.vocabs, self.model.char_features, self.model.config.char_filters)

    @classmethod
    def load(cls, path: str | Path, *, quantize: bool = False, bfloat16: bool = False,
             threads: int | None = None) -> Tagger:
        return cls(load_checkpoint(path), quantize=quantize, bfloat16=bfloat16, threads=threads)

    def clear_cache(self) -> None:
        """Forget the words seen so far (each is encoded once and kept to save time)."""
        self._table = self._new_table()

    # --- sentences ----------------------------------------------------------------------
    def predict_sentences(self, sentences: list[list[str]], *, batch_size: int = 256) -> list[SentencePrediction]:
        """Predictions for non-empty token lists, in input order."""
        results: list[SentencePrediction | None] = [None] * len(sentences)
        if len(self._table) > _MAX_TABLE_WORDS:
            self.clear_cache()
        with torch.inference_mode():
            encoded = self._table.sentences(sentences)
            buckets = length_buckets(encoded.lengths.tolist(), batch_size)
            batches = (self._table.batch(encoded, indices) for indices in buckets)
            # The pool starts on the first batches while this thread builds the next ones.
            decoded = self._pool.map(self._predict_batch, batches) if self._pool else map(self._predict_batch, batches)
            for indices, predictions in zip(buckets, decoded):
                for i, prediction in zip(indices, predictions):
                    results[i] = prediction
        return results

    def _predict_batch(self, batch: TableBatch) -> list[SentencePrediction]:
        with torch.inference_mode(), self._precision_context():
            emissions = self.model(batch.words, None, batch.casing, batch.lengths, batch.char_features)
        with torch.inference_mode():
            return self._decode(emissions.float(), batch.mask)

    def _precision_context(self):
        return torch.autocast("cpu", dtype=torch.bfloat16) if self._bfloat16 else contextlib.nullcontext()

    def _decode(self, emissions: torch.Tensor, mask: torch.Tensor) -> list[SentencePrediction]:
        if self.model.crf is not None:
            return _crf_predictions(self.model.crf, emissions, mask, self._tags)
        return _softmax_predictions(emissions, mask, self._tags.names)

    # --- documents ----------------------------------------------------------------------
    def predict_documents(
        self,
        docs: list[Document],
        *,
        batch_size: int = 256,
        progress: Callable[[int, int], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> list[DocumentPrediction]:
        """One prediction per document. ``progress(done, total)`` counts sentences. If
        ``should_stop`` returns True the documents finished so far are returned (a prefix)."""
        total = sum(len(d.sentences) for d in docs)
        done = 0
        results: list[DocumentPrediction] = []
        for group in _document_groups(docs, _GROUP_SENTENCES):
            if should_stop is not None and should_stop():
                break
            words = [d.sentence_words(k) for d in group for k in range(len(d.sentences))]
            predictions = iter(self.predict_sentences(words, batch_size=batch_size))
            for doc in group:
                results.append(_document_prediction(doc, [next(predictions) for _ in doc.sentences]))
            done += len(words)
            if progress is not None:
                progress(done, total)
        return results


def _document_groups(docs: list[Document], size: int) -> list[list[Document]]:
    groups, current, count = [], [], 0
    for doc in docs:
        current.append(doc)
        count += len(doc.sentences)
        if count >= size:
            groups.append(current)
            current, count = [], 0
    if current:
        groups.append(current)
    return groups


def _document_prediction(doc: Document, predictions: list[SentencePrediction]) -> DocumentPrediction:
    spans = []
    tokens = TokenList.of(doc.tokens)
    starts, ends = tokens.starts, tokens.ends
    for sentence, prediction in zip(doc.sentences, predictions):
        offset = sentence.start
        for first, last, label, confidence in prediction.entities:
            spans.append(Span(starts[offset + first], ends[offset + last - 1], label, Source.MODEL, confidence))
    return DocumentPrediction(spans, [p.uncertainty for p in predictions])


def _entities(tags: list[str]) -> list[tuple[int, int, str]]:
    if tags.count("O") == len(tags):  # most sentences: skip the per-token Python loop
        return []
    # The metrics' lenient chunk reader also makes sense of invalid softmax sequences.
    return [(first, last + 1, label) for label, first, last in chunks(tags)]


def _clamp(p: float) -> float:
    return min(1.0, max(0.0, p))


class TagTable:
    """Per-tag facts as tensors, so entity chunks are read off whole batches of tag paths with
    the conlleval rules of :func:`ner_studio.core.metrics.chunks` (a test keeps them equal)."""

    def __init__(self, tag_names: list[str]):
        self.names = tag_names
        self.entity_labels = sorted({t[2:] for t in tag_names if t != "O"})
        prefixes = [t[0] if t != "O" else "O" for t in tag_names]
        self.label = torch.tensor([self.entity_labels.index(t[2:]) if t != "O" else -1 for t in tag_names])
        self.open = torch.tensor([p in "BI" for p in prefixes])  # the next tag can continue it
        self.continues = torch.tensor([p in "IE" for p in prefixes])  # continues an open entity

    def chunks(self, paths: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``(first, last, label)`` index tensors: for every entity, ``first``/``last`` are
        flat (row-major) positions of its first and last token in ``paths`` (batch, time)."""
        label = torch.where(mask, self.label[paths], -1)
        inside = label >= 0
        continued = torch.zeros_like(inside)
        continued[:, 1:] = (self.continues[paths[:, 1:]] & self.open[paths[:, :-1]]
                            & (label[:, 1:] == label[:, :-1]) & inside[:, 1:])
        ends = inside.clone()
        ends[:, :-1] &= ~continued[:, 1:]
        starts = (inside & ~continued).flatten().nonzero().squeeze(1)
        return starts, ends.flatten().nonzero().squeeze(1), label.flatten()[starts]


def _crf_predictions(crf, emissions, mask, tags: TagTable) -> list[SentencePrediction]:
    paths, best_scores = crf.viterbi_paths(emissions, mask)
    probs, alphas, betas, log_z = crf.marginals(emissions, mask)
    entropy = _mean_entropy(probs, mask)
    batch, length = paths.shape
    # An entity's probability: alpha at its first token + the best path's own scores inside
    # (transition into each next token plus its emission) + beta at its last token - log Z.
    on_path = paths.unsqueeze(2)
    alpha = alphas.gather(2, on_path).flatten()
    beta = betas.gather(2, on_path).flatten()
    transitions = crf.scores()[0].detach().double()
    inside = transitions[paths[:, :-1], paths[:, 1:]] + emissions.double().gather(2, on_path).squeeze(2)[:, 1:]
    cumulative = torch.cat([torch.zeros(batch, 1, dtype=torch.float64), inside.cumsum(1)], dim=1).flatten()
    first, last, label = tags.chunks(paths, mask)
    row = torch.div(first, length, rounding_mode="floor")
    score = alpha[first] + beta[last] - log_z[row] + cumulative[last] - cumulative[first]
    confidence = score.exp().clamp(0.0, 1.0)
    lengths = mask.sum(1)
    log_p = (best_scores.double() - log_z).clamp_max(0.0)
    least = (1.0 - log_p.exp()).clamp(0.0, 1.0).tolist()
    mnlp = (log_p / lengths).tolist()
    # Entities come row by row: cut one flat list of tuples at each row's count.
    label_names = [tags.entity_labels[k] for k in label.tolist()]
    flat = list(zip((first % length).tolist(), (last % length + 1).tolist(), label_names, confidence.tolist()))
    bounds = [0, *torch.bincount(row, minlength=batch).cumsum(0).tolist()]
    rows = paths.tolist()
    return [SentencePrediction(rows[r][:n], tags.names, flat[bounds[r] : bounds[r + 1]],
                               SentenceUncertainty(least[r], mnlp[r], entropy[r]))
            for r, n in enumerate(lengths.tolist())]


def _softmax_predictions(emissions, mask, tag_names: list[str]) -> list[SentencePrediction]:
    log_probs = torch.log_softmax(emissions, dim=2)
    best_log, best = log_probs.max(dim=2)
    entropy = _mean_entropy(log_probs.exp() * mask.unsqueeze(2), mask)
    best_log, best = best_log.tolist(), best.tolist()
    results = []
    for row, n in enumerate(mask.sum(1).tolist()):
        path = best[row][:n]
        tags = [tag_names[i] for i in path]
        entities = [
            (first, last, label, _clamp(math.exp(sum(best_log[row][first:last]))))
            for first, last, label in _entities(tags)
        ]
        log_p = sum(best_log[row][:n])
        uncertainty = SentenceUncertainty(_clamp(1.0 - math.exp(log_p)), log_p / n, entropy[row])
        results.append(SentencePrediction(path, tag_names, entities, uncertainty))
    return results


def _mean_entropy(probs: torch.Tensor, mask: torch.Tensor) -> list[float]:
    plogp = torch.where(probs > 0, probs * torch.log(probs.clamp_min(1e-30)), torch.zeros_like(probs))
    token_entropy = -plogp.sum(2) * mask
    return (token_entropy.sum(1) / mask.sum(1)).tolist()

