"""Tag documents with a trained model: entity spans with confidences, and per-sentence
uncertainty scores for active learning (how they are computed: ``decoding``).

Words are encoded once per distinct string (``word_table``), sentences are batched by length,
and batches can run side by side on several threads. A model with document pooling runs in two
passes, so a word's mentions are averaged over the whole document however it was batched.
"""

from __future__ import annotations

import contextlib
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from functools import partial
from pathlib import Path

import torch

from ner_studio.core.gc_pause import paused_gc
from ner_studio.core.locations import user_cache_dir
from ner_studio.core.text.document import Document, TokenList
from ner_studio.core.text.spans import Source, Span
from ner_studio.model.batching import length_buckets
from ner_studio.model.checkpoint import LoadedModel, load_checkpoint
from ner_studio.model.decoding import (
    SentencePrediction,
    TagTable,
    crf_predictions,
    softmax_predictions,
)
from ner_studio.model.interface import DocumentPrediction, PredictionDetail
from ner_studio.model.onnx_network import onnx_network
from ner_studio.model.windows import MAX_WINDOW, join_windows, split_windows
from ner_studio.model.word_table import TableBatch, WordTable

# Documents are tagged in groups this many sentences large: big enough for good length
# buckets, small enough that a cancel request returns whole documents soon.
_GROUP_SENTENCES = 4096
# A batch holds at most this many tokens (padding included) whatever --batch-size says. With
# sentences of at most MAX_WINDOW tokens, the default 256 sentences never exceed it, so
# ordinary text is batched exactly as before (int8 activations are scaled per batch: other
# batches would mean slightly other predictions).
_MAX_BATCH_TOKENS = 256 * MAX_WINDOW
# Batches of windows of overlong sentences are all full-width: a smaller bound keeps a text
# without sentence ends at a fraction of the memory (5 MB: peak RSS 1.3 GB -> 0.85 GB) and
# was faster too (fewer pages touched per batch).
_WINDOW_BATCH_TOKENS = 64 * MAX_WINDOW
# Sentences per batch unless a call says otherwise; ``lean`` predictors with ONNX Runtime use
# fewer: its LSTM's buffers for all time steps of a batch at once are ~0.1 MB per 30-token sentence.
_BATCH = 256
_LEAN_BATCH = 64
# A long session can see endless distinct strings (numbers, typos); start afresh past this.
_MAX_TABLE_WORDS = 500_000


class TorchPredictor:
    """A loaded model ready to tag text: the :class:`~ner_studio.model.interface.Predictor`
    that runs the network (:class:`~ner_studio.model.network.BiLSTMNetwork`) with torch.
    Not thread-safe: use one per worker thread."""

    def __init__(self, loaded: LoadedModel, *, quantize: bool = False, bfloat16: bool = False,
                 threads: int | None = None, runtime: str = "torch", lean: bool = False, _owned: bool = False):
        """``quantize``: int8 weights for the LSTM and linear layers (dynamic quantisation).
        ``bfloat16``: run the network in bfloat16, much faster on CPUs with native bf16
        (AVX512-BF16, AMX) and slower elsewhere. Both trade a little accuracy for speed;
        benchmarks/tagging_speed.py measures how much.

        ``threads``: tag that many batches at once, each on its own thread running torch
        single-threaded (this sets torch's thread count to 1). The LSTM gains little from
        torch's threads inside one batch, while independent batches scale with the cores and
        overlap one batch's Python work with another's network (``1``: one batch at a time on
        one thread). ``None`` leaves torch's threading alone and tags one batch at a time.

        ``runtime``: ``"onnx"`` runs the LSTM and its linear reads in ONNX Runtime if it is
        installed (``onnx_network``; int8 with ``quantize``), else torch as with ``"torch"``.

        ``lean``: where ONNX Runtime runs, less memory for about the same time: no memory arena
        and batches of at most ``_LEAN_BATCH`` sentences unless a call asks for another size
        (the window: benchmarks/results/2026-12-08-onnx-memory-and-predict.md). Batches are
        int8-scaled one by one, so confidences may differ from 256-sentence batches' in the
        last digits. Torch's runtime is unchanged."""
        self.model = loaded.model.eval()
        self._pooled = self.model.shared is not None
        self._onnx = None
        # A character language model's features are not in the exported graph: torch runs such a model.
        if runtime == "onnx" and not bfloat16 and loaded.model.char_lm is None:
            self._onnx = onnx_network(self.model, quantize=quantize, cache=user_cache_dir() / "onnx", arena=not lean)
        self._batch_size = _LEAN_BATCH if lean and self._onnx is not None else _BATCH
        if self._onnx is not None:
            # ONNX Runtime runs the LSTM and the linear reads: torch's are never called again,
            # so they are neither quantised (start-up work) nor, in a model no one else holds,
            # kept. benchmarks/results/2026-12-08-onnx-memory-and-predict.md
            if _owned:
                _drop_recurrent_part(self.model)
        elif quantize:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # eager-mode quantisation is deprecated, still works
                # A model read by ``load`` is no one else's: quantised in place, not copied
                # whole (the 22 MB word embedding too). benchmarks/results/2026-12-07-predict-process.md
                self.model = torch.ao.quantization.quantize_dynamic(self.model, {torch.nn.LSTM, torch.nn.Linear},
                                                                    inplace=_owned)
        self._bfloat16 = bfloat16
        self._pool = None
        self._threads = threads or 1
        if threads is not None:
            # Also for one thread: torch's own threads inside each small operation of a batch
            # spun idle on a busy machine (1M tokens, load 8: 8 minutes instead of about one).
            torch.set_num_threads(1)
        if self._threads > 1:
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
             threads: int | None = None, runtime: str = "torch", lean: bool = False) -> TorchPredictor:
        return cls(load_checkpoint(path), quantize=quantize, bfloat16=bfloat16, threads=threads, runtime=runtime,
                   lean=lean, _owned=True)

    @property
    def runtime(self) -> str:
        """What runs the LSTM: ``"onnx"`` or ``"torch"`` (the fallback)."""
        return "torch" if self._onnx is None else "onnx"

    @property
    def pools_documents(self) -> bool:
        """True if a sentence's prediction depends on the rest of its document."""
        return self._pooled

    def clear_cache(self) -> None:
        """Forget the words seen so far (each is encoded once and kept to save time)."""
        self._table = self._new_table()

    # --- sentences ----------------------------------------------------------------------
    def predict_sentences(self, sentences: list[list[str]], *, batch_size: int | None = None,
                          documents: list[int] | None = None,
                          detail: PredictionDetail = PredictionDetail.UNCERTAINTY) -> list[SentencePrediction]:
        """Predictions for non-empty token lists, in input order. ``documents`` numbers each
        sentence's document, for models that pool over a word's mentions in the document
        (without it every sentence stands alone). Sentences longer than ``MAX_WINDOW`` tokens
        are tagged in overlapping windows (``windows``), so memory stays bounded. ``detail``:
        what to compute besides the tags (less is faster). ``batch_size``: sentences per batch
        (default: the predictor's, see ``lean``)."""
        batch_size = batch_size or self._batch_size
        sentences, documents, windows = split_windows(sentences, documents)
        results: list[SentencePrediction | None] = [None] * len(sentences)
        if len(self._table) > _MAX_TABLE_WORDS:
            self.clear_cache()
        with torch.inference_mode():
            encoded = self._table.sentences(sentences)
            limit = _MAX_BATCH_TOKENS if windows is None else _WINDOW_BATCH_TOKENS
            buckets = length_buckets(encoded.lengths.tolist(), batch_size, max_tokens=limit)
            batches = (self._table.batch(encoded, indices) for indices in buckets)
            if self.model.char_lm is not None:  # contextual: of each sentence, not of the word table
                batches = (replace(batch, context=self.model.char_lm.word_features([sentences[i] for i in indices]))
                           for batch, indices in zip(batches, buckets))
            if self.pools_documents:
                if documents is None:
                    documents = list(range(len(sentences)))
                decoded = self._pooled_predictions(batches, self._table.mention_groups(encoded, documents), detail)
            else:
                decoded = self._map(partial(self._predict_batch, detail=detail), batches)
            for indices, predictions in zip(buckets, decoded):
                for i, prediction in zip(indices, predictions):
                    results[i] = prediction
        return results if windows is None else join_windows(results, windows)

    def _map(self, work: Callable, items: Iterable) -> Iterator:
        if self._pool is not None:
            return _in_pool(self._pool, work, items, ahead=2 * self._threads)
        return map(work, items)

    def _emission_parts(self, batch: TableBatch) -> tuple[torch.Tensor, torch.Tensor | None]:
        """The network's ``emission_parts`` for ``batch``, by the runtime chosen at load."""
        with torch.inference_mode():
            if self._onnx is not None:
                features = self.model.lstm_input(batch.words, batch.casing, batch.char_features)
                return self._onnx.emission_parts(features, batch.lengths)
            with self._precision_context():
                return self.model.emission_parts(batch.words, None, batch.casing, batch.lengths, batch.char_features,
                                                 batch.context)

    def _predict_batch(self, batch: TableBatch, detail: PredictionDetail) -> list[SentencePrediction]:
        own, shared = self._emission_parts(batch)
        emissions = own if shared is None else own + shared  # forward() without mention groups
        with torch.inference_mode():
            return self._decode(emissions.float(), batch.mask, detail)

    def _pooled_predictions(self, batches: Iterable[TableBatch], groups: torch.Tensor,
                            detail: PredictionDetail) -> Iterator:
        """Two passes: every batch's emission parts first, then the shared parts averaged over
        each word's mentions in the whole document, wherever its sentences were batched. Only
        the scores are kept between the passes, not the batches' inputs."""

        def parts(batch: TableBatch) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
            own, shared = self._emission_parts(batch)
            return groups[batch.positions], batch.mask, own.float(), shared.float()

        sums = torch.zeros(int(groups.max()) + 1 if len(groups) else 1, self.model.config.num_tags)
        computed = []
        for token_groups, mask, own, shared in self._map(parts, batches):
            sums.index_add_(0, token_groups[mask], shared[mask])
            computed.append((token_groups, mask, own))
        means = sums / torch.bincount(groups, minlength=len(sums)).clamp_min(1).unsqueeze(1)

        def decode(item: tuple[torch.Tensor, torch.Tensor, torch.Tensor]) -> list[SentencePrediction]:
            token_groups, mask, own = item
            with torch.inference_mode():
                return self._decode(own + means[token_groups], mask, detail)

        return self._map(decode, computed)

    def _precision_context(self):
        return torch.autocast("cpu", dtype=torch.bfloat16) if self._bfloat16 else contextlib.nullcontext()

    def _decode(self, emissions: torch.Tensor, mask: torch.Tensor, detail: PredictionDetail) -> list[SentencePrediction]:
        if self.model.crf is not None:
            return crf_predictions(self.model.crf, emissions, mask, self._tags, detail)
        return softmax_predictions(emissions, mask, self._tags.names)

    # --- documents ----------------------------------------------------------------------
    def predict_documents(
        self,
        docs: list[Document],
        *,
        batch_size: int | None = None,
        progress: Callable[[int, int], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
        detail: PredictionDetail = PredictionDetail.UNCERTAINTY,
    ) -> list[DocumentPrediction]:
        """One prediction per document. ``progress(done, total)`` counts sentences. If
        ``should_stop`` returns True the documents finished so far are returned (a prefix).
        ``detail``: as for :meth:`predict_sentences`."""
        # The predictions are small objects without cycles; every full collection walked all
        # of them and the documents, holding the interpreter lock while both tagging threads
        # waited (5 on 1M tokens: 0.9 of 13 CPU-s). benchmarks/results/2026-12-08-tagging-speed.md
        with paused_gc():
            return self._tag_groups(docs, batch_size, detail, should_stop, progress)

    def _tag_groups(self, docs: list[Document], batch_size: int, detail: PredictionDetail,
                    should_stop: Callable[[], bool] | None,
                    progress: Callable[[int, int], None] | None) -> list[DocumentPrediction]:
        total = sum(len(d.sentences) for d in docs)
        done = 0
        results: list[DocumentPrediction] = []
        for group in document_groups(docs, _GROUP_SENTENCES):
            if should_stop is not None and should_stop():
                break
            words, documents = sentences_of(group)
            predictions = iter(self.predict_sentences(words, batch_size=batch_size, documents=documents,
                                                      detail=detail))
            for doc in group:
                results.append(_document_prediction(doc, [next(predictions) for _ in doc.sentences]))
            done += len(words)
            if progress is not None:
                progress(done, total)
        return results


def _drop_recurrent_part(model: torch.nn.Module) -> None:
    """Free ``model``'s LSTM and linear reads (ONNX Runtime holds its own copy in its graph):
    what is left turns tokens into the LSTM's input (``lstm_input``, the character CNN) and
    decodes (the CRF)."""
    model.lstm = None
    model.output = None
    model.shared = None


def _in_pool(pool: ThreadPoolExecutor, work: Callable, items: Iterable, *, ahead: int) -> Iterator:
    """``map(work, items)`` run by ``pool``, in order, with at most ``ahead`` items in flight
    (this thread builds the next ones while the pool works), so memory holds a few batches
    at a time, not all of them."""
    pending: deque = deque()
    for item in items:
        pending.append(pool.submit(work, item))
        if len(pending) >= ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def sentences_of(docs: list[Document]) -> tuple[list[list[str]], list[int]]:
    """Every sentence's words, and the number of its document in ``docs``. Each document's
    words are read once and cut (reading them sentence by sentence cost twice as much)."""
    words = []
    for doc in docs:
        all_words = doc.words()
        words.extend([all_words[s.start : s.end] for s in doc.sentences])
    return words, [n for n, doc in enumerate(docs) for _ in doc.sentences]


def document_groups(docs: list[Document], size: int) -> list[list[Document]]:
    """``docs`` in order, cut into runs of whole documents of at least ``size`` sentences."""
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
    scores = [p.uncertainty for p in predictions]
    return DocumentPrediction(spans, scores if None not in scores else [])
