"""Emission scores of a batch → per-sentence predictions: tags, entities with confidences,
and uncertainty scores.

An entity's confidence is the model's probability that exactly those tokens carry exactly
that entity's tags: with the CRF, from forward–backward (alpha at the first token, the path's
own scores inside, beta at the last token, divided by Z); with the softmax decoder, the
product of the tokens' tag probabilities. Everything is read off whole batches in a few
tensor operations (torch only: numpy is not a dependency of the app). With the CRF, the
forward-backward runs only where the caller's :class:`PredictionDetail` needs it (Viterbi
alone gives the tags).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import torch

from ner_studio.core.learning.metrics import chunks
from ner_studio.model.interface import PredictionDetail, SentenceUncertainty  # noqa: F401 - re-exported


@dataclass(frozen=True)
class SentencePrediction:
    path: list[int]  # tag indices
    tag_names: list[str]  # the model's tags (shared, not copied)
    # token [first, last), label, confidence (None below PredictionDetail.CONFIDENCES)
    entities: list[tuple[int, int, str, float | None]]
    uncertainty: SentenceUncertainty | None  # None below PredictionDetail.UNCERTAINTY

    @property
    def tags(self) -> list[str]:
        """The predicted tags, in the model's scheme."""
        return [self.tag_names[i] for i in self.path]


def _entities(tags: list[str]) -> list[tuple[int, int, str]]:
    if tags.count("O") == len(tags):  # most sentences: skip the per-token Python loop
        return []
    # The metrics' lenient chunk reader also makes sense of invalid softmax sequences.
    return [(first, last + 1, label) for label, first, last in chunks(tags)]


def _clamp(p: float) -> float:
    return min(1.0, max(0.0, p))


class TagTable:
    """Per-tag facts as tensors, so entity chunks are read off whole batches of tag paths with
    the conlleval rules of :func:`ner_studio.core.learning.metrics.chunks` (a test keeps them equal)."""

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


def crf_predictions(crf, emissions, mask, tags: TagTable,
                    detail: PredictionDetail = PredictionDetail.UNCERTAINTY) -> list[SentencePrediction]:
    """Viterbi paths and their entities; forward-backward only as far as ``detail`` needs it:
    not at all for the tags, over the sentences holding an entity for their confidences, over
    every sentence for the uncertainty scores."""
    paths, best_scores = crf.viterbi_paths(emissions, mask)
    batch, length = paths.shape
    lengths = mask.sum(1)
    first, last, label = tags.chunks(paths, mask)
    row = torch.div(first, length, rounding_mode="floor")
    scores = [None] * batch
    if detail >= PredictionDetail.UNCERTAINTY:
        probs, alphas, betas, log_z = crf.marginals(emissions, mask)
        entropy = _mean_entropy(probs, mask)
        log_p = (best_scores.double() - log_z).clamp_max(0.0)
        least = (1.0 - log_p.exp()).clamp(0.0, 1.0).tolist()
        mnlp = (log_p / lengths).tolist()
        scores = [SentenceUncertainty(*row_scores) for row_scores in zip(least, mnlp, entropy)]
        confidence = _segment_probabilities(crf, emissions, paths, alphas, betas, log_z, first, last, row).tolist()
    elif detail >= PredictionDetail.CONFIDENCES and len(first):
        # Only the sentences with an entity, cut to the longest of them.
        rows, local = torch.unique_consecutive(row, return_inverse=True)
        width = int(lengths[rows].max())
        sub_emissions, sub_paths = emissions[rows, :width], paths[rows, :width]
        alphas, betas, log_z = crf.forward_backward(sub_emissions, mask[rows, :width])
        confidence = _segment_probabilities(crf, sub_emissions, sub_paths, alphas, betas, log_z,
                                            local * width + first % length, local * width + last % length,
                                            local).tolist()
    else:
        confidence = itertools.repeat(None)
    # Entities come row by row: cut one flat list of tuples at each row's count.
    label_names = [tags.entity_labels[k] for k in label.tolist()]
    flat = list(zip((first % length).tolist(), (last % length + 1).tolist(), label_names, confidence))
    bounds = [0, *torch.bincount(row, minlength=batch).cumsum(0).tolist()]
    rows = paths.tolist()
    return [SentencePrediction(rows[r][:n], tags.names, flat[bounds[r] : bounds[r + 1]], scores[r])
            for r, n in enumerate(lengths.tolist())]


def _segment_probabilities(crf, emissions, paths, alphas, betas, log_z, first, last, row) -> torch.Tensor:
    """Each entity's probability: alpha at its first token + the best path's own scores inside
    (transition into each next token plus its emission) + beta at its last token - log Z.
    ``first``/``last`` are flat positions in ``paths`` (batch, time), ``row`` their row."""
    batch = paths.size(0)
    on_path = paths.unsqueeze(2)
    alpha = alphas.gather(2, on_path).flatten()
    beta = betas.gather(2, on_path).flatten()
    transitions = crf.scores()[0].detach().double()
    inside = transitions[paths[:, :-1], paths[:, 1:]] + emissions.double().gather(2, on_path).squeeze(2)[:, 1:]
    cumulative = torch.cat([torch.zeros(batch, 1, dtype=torch.float64), inside.cumsum(1)], dim=1).flatten()
    score = alpha[first] + beta[last] - log_z[row] + cumulative[last] - cumulative[first]
    return score.exp().clamp(0.0, 1.0)


def softmax_predictions(emissions, mask, tag_names: list[str]) -> list[SentencePrediction]:
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
