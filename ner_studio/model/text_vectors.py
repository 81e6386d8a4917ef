"""Word vectors from the project's own text, to start the words fine-tuning adds to a model.

An analyst's unlabelled documents far outnumber the reviewed ones. Fine-tuning adds the words
of the reviewed sentences to the vocabulary, and each new row starts as the parent's ``<unk>``
and learns from its few examples only. With ``FinetuneOptions.text_vectors`` a new word starts
from what the text says about it instead:

1. co-occurrence vectors: positive pointwise mutual information of the words within
   ``WINDOW`` tokens of each other, with the context distribution smoothed by ``SMOOTHING``,
   reduced to ``DIMENSION`` columns by a truncated SVD (Levy, Goldberg & Dagan 2015: with
   these settings PPMI+SVD does about as well as word2vec on small corpora, and it is a few
   seconds of sparse linear algebra, with no training loop and no new dependency);
2. a ridge least-squares map from those vectors into the parent's embedding space, fitted on
   the words the parent already has a row for (seen ``FIT_MIN_COUNT`` times in the text);
3. every new word with a vector gets its mapped vector as its first row.

Words of the project text that no reviewed sentence holds are added to the vocabulary too (when
they have a vector), so the model reads them as the text suggests rather than as ``<unk>``.
The vectors are counted over the project text *and* the base data: the base data is what ties
the two spaces together (most of the parent's words are in it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import torch
from torch import Tensor

from ner_studio.model.vocab import UNK_INDEX, Vocab, normalize_word

WINDOW = 2  # tokens either side that count as context
DIMENSION = 100  # columns kept by the SVD
SMOOTHING = 0.75  # context counts raised to this power (Levy et al.'s "cds")
MIN_COUNT = 2  # occurrences a word needs for a vector: a single context is noise
FIT_MIN_COUNT = 5  # occurrences a parent word needs to teach the map
RIDGE = 1.0  # the map's L2 penalty (the vectors have unit rows)
# Bounds for big projects (a 50 MB text is ~10M tokens): the text read, project text first, and
# the words given a vector, most frequent first. 2M tokens count in a few seconds.
MAX_TOKENS = 2_000_000
MAX_WORDS = 50_000


@dataclass
class TextVectors:
    index: dict[str, int]  # normalised word -> row of ``vectors``
    vectors: Tensor  # (words, dimension), unit rows
    counts: Counter[str]  # occurrences of every normalised word in the text

    def __len__(self) -> int:
        return len(self.index)


@dataclass
class SeedReport:
    """What :func:`seed_new_rows` did, for the checkpoint's metadata."""

    vectors: int  # words with a vector
    fit_words: int  # parent words the map was fitted on
    fit_r2: float | None  # share of the embeddings' variance the map explains on them
    seeded: int  # new rows started from a vector (the rest stay <unk>)

    def to_dict(self) -> dict:
        r2 = None if self.fit_r2 is None else round(self.fit_r2, 3)
        return {"vectors": self.vectors, "fit_words": self.fit_words, "fit_r2": r2, "seeded": self.seeded}


def cooccurrence_counts(sentences: Sequence[Sequence[str]], index: dict[str, int], window: int) -> Tensor:
    """A sparse symmetric ``(words, words)`` matrix of how often two indexed words occur within
    ``window`` tokens of each other in one sentence (tensor shifts, no per-pair Python work)."""
    ids = torch.tensor([index.get(normalize_word(w), -1) for sentence in sentences for w in sentence],
                       dtype=torch.long)
    owner = torch.repeat_interleave(torch.arange(len(sentences)), torch.tensor([len(s) for s in sentences],
                                                                               dtype=torch.long))
    rows, cols = [], []
    for shift in range(1, window + 1):
        a, b = ids[:-shift], ids[shift:]
        kept = (a >= 0) & (b >= 0) & (owner[:-shift] == owner[shift:])
        rows += [a[kept], b[kept]]
        cols += [b[kept], a[kept]]
    size = len(index)
    pairs = torch.stack([torch.cat(rows), torch.cat(cols)]) if rows else torch.zeros(2, 0, dtype=torch.long)
    return torch.sparse_coo_tensor(pairs, torch.ones(pairs.shape[1], dtype=torch.float64), (size, size),
                                   check_invariants=True).coalesce()


def ppmi(counts: Tensor, smoothing: float = SMOOTHING) -> Tensor:
    """Positive PMI of a sparse co-occurrence matrix (entries with PMI <= 0 dropped)."""
    (rows, cols), values = counts.indices(), counts.values()
    row_sums = torch.zeros(counts.shape[0], dtype=values.dtype).index_add_(0, rows, values)
    context = torch.zeros(counts.shape[1], dtype=values.dtype).index_add_(0, cols, values) ** smoothing
    pmi = torch.log(values * context.sum() / (row_sums[rows] * context[cols]))
    keep = pmi > 0
    return torch.sparse_coo_tensor(torch.stack([rows[keep], cols[keep]]), pmi[keep], counts.shape,
                                   check_invariants=True).coalesce()


def within_budget(sentences: Sequence[Sequence[str]], tokens: int) -> Sequence[Sequence[str]]:
    """The first sentences of ``sentences`` holding at most ``tokens`` tokens."""
    total = 0
    for number, sentence in enumerate(sentences):
        total += len(sentence)
        if total > tokens:
            return sentences[:number]
    return sentences


def text_vectors(sentences: Sequence[Sequence[str]], *, dimension: int = DIMENSION, window: int = WINDOW,
                 min_count: int = MIN_COUNT, seed: int = 0, max_tokens: int = MAX_TOKENS,
                 max_words: int = MAX_WORDS) -> TextVectors:
    """PPMI+SVD vectors of the ``max_words`` most frequent normalised words seen ``min_count``
    times in the first ``max_tokens`` tokens of ``sentences``; deterministic for a given
    ``seed`` (the randomised SVD)."""
    sentences = within_budget(sentences, max_tokens)
    counts = Counter(normalize_word(w) for sentence in sentences for w in sentence)
    words = sorted((w for w, n in counts.items() if n >= min_count), key=lambda w: (-counts[w], w))[:max_words]
    index = {w: i for i, w in enumerate(words)}
    rank = min(dimension, len(words) - 1)
    if rank < 1:
        return TextVectors({}, torch.zeros(0, dimension), counts)
    matrix = ppmi(cooccurrence_counts(sentences, index, window))
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        u, s, _ = torch.svd_lowrank(matrix, q=rank, niter=4)
    vectors = (u * s.sqrt()).float()
    vectors = vectors / vectors.norm(dim=1, keepdim=True).clamp_min(1e-8)
    return TextVectors(index, vectors, counts)


def fit_map(source: Tensor, target: Tensor, ridge: float = RIDGE) -> tuple[Tensor, float]:
    """``(weights, r2)``: the ridge least-squares ``[source, 1] @ weights ~ target`` (the bias
    column not penalised) and the share of ``target``'s variance it explains."""
    x = torch.cat([source.double(), torch.ones(len(source), 1, dtype=torch.float64)], dim=1)
    y = target.double()
    penalty = ridge * torch.eye(x.shape[1], dtype=torch.float64)
    penalty[-1, -1] = 0.0
    weights = torch.linalg.solve(x.T @ x + penalty, x.T @ y)
    residual = ((y - x @ weights) ** 2).sum()
    spread = ((y - y.mean(dim=0)) ** 2).sum()
    return weights.float(), float(1.0 - residual / spread) if spread > 0 else 0.0


def words_to_add(vectors: TextVectors, project_words: Iterable[str], vocab: Vocab) -> list[str]:
    """Normalised words of the project text, in first-seen order, that have a vector and no
    row in ``vocab`` yet."""
    seen: dict[str, None] = {}
    for word in project_words:
        key = normalize_word(word)
        if key in vectors.index and key not in vocab:
            seen[key] = None
    return list(seen)


def seed_new_rows(embedding: Tensor, vocab: Vocab, first_new: int, vectors: TextVectors,
                  *, fit_min_count: int = FIT_MIN_COUNT, ridge: float = RIDGE) -> SeedReport:
    """Set the rows ``first_new:`` of ``embedding`` (a grown model's word embedding, rows
    indexed by ``vocab``) that have a vector to that vector mapped into the space of the rows
    before ``first_new`` (the parent's). Too few shared words to fit the map (fewer than twice
    its columns) leaves every row as it is."""
    shared = [(vectors.index[w], i) for i, w in enumerate(vocab) if UNK_INDEX < i < first_new
              and w in vectors.index and vectors.counts[w] >= fit_min_count]
    if len(shared) < 2 * (vectors.vectors.shape[1] + 1):
        return SeedReport(len(vectors), len(shared), None, 0)
    source, target = zip(*shared)
    with torch.no_grad():
        weights, r2 = fit_map(vectors.vectors[list(source)], embedding[list(target)], ridge)
        new = [(vectors.index[w], first_new + k) for k, w in enumerate(vocab.to_list()[first_new:])
               if w in vectors.index]
        if new:
            rows, places = zip(*new)
            x = torch.cat([vectors.vectors[list(rows)], torch.ones(len(rows), 1)], dim=1)
            embedding[list(places)] = x @ weights
    return SeedReport(len(vectors), len(shared), r2, len(new))
