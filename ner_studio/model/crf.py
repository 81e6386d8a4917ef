"""A linear-chain CRF over emission scores: log-likelihood, Viterbi, marginals.

Shapes: ``emissions`` is ``(batch, time, tags)``; ``mask`` is ``(batch, time)`` bool, True for
real tokens, each row a prefix (padding only at the end) with at least one True. Every loop
runs over time only and is vectorised over the batch, so padded positions never change a
result: they carry the previous state forward unchanged.

Transitions a tag scheme forbids (``O`` → ``I-PER`` in IOB2, ``B-PER`` → ``O`` in BIOES…) can
be ruled out with ``allowed``; they then get a large negative score in training and decoding
alike, so the model never spends probability mass on invalid sequences.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

_FORBIDDEN = -10000.0


class CRF(nn.Module):
    def __init__(
        self,
        num_tags: int,
        allowed: Tensor | None = None,
        allowed_start: Tensor | None = None,
        allowed_end: Tensor | None = None,
    ):
        super().__init__()
        self.num_tags = num_tags
        self.transitions = nn.Parameter(torch.zeros(num_tags, num_tags))  # [from, to]
        self.start = nn.Parameter(torch.zeros(num_tags))
        self.end = nn.Parameter(torch.zeros(num_tags))
        ones = torch.ones(num_tags, dtype=torch.bool)
        allowed = torch.ones(num_tags, num_tags, dtype=torch.bool) if allowed is None else allowed
        # Buffers: saved with the weights, moved with the module, not trained.
        self.register_buffer("transition_penalty", _penalty(allowed))
        self.register_buffer("start_penalty", _penalty(ones if allowed_start is None else allowed_start))
        self.register_buffer("end_penalty", _penalty(ones if allowed_end is None else allowed_end))

    def scores(self) -> tuple[Tensor, Tensor, Tensor]:
        """``(transitions[from, to], start, end)`` with forbidden moves penalised."""
        return (
            self.transitions + self.transition_penalty,
            self.start + self.start_penalty,
            self.end + self.end_penalty,
        )

    # --- training -----------------------------------------------------------------------
    def neg_log_likelihood(self, emissions: Tensor, tags: Tensor, mask: Tensor) -> Tensor:
        """Sum over the batch of ``-log P(tags | emissions)``."""
        return (self.log_partition(emissions, mask) - self.path_score(emissions, tags, mask)).sum()

    def path_score(self, emissions: Tensor, tags: Tensor, mask: Tensor) -> Tensor:
        """Unnormalised log score of the given tag paths, ``(batch,)``."""
        transitions, start, end = self.scores()
        maskf = mask.to(emissions.dtype)
        emit = emissions.gather(2, tags.unsqueeze(2)).squeeze(2)
        score = start[tags[:, 0]] + (emit * maskf).sum(1)
        steps = transitions[tags[:, :-1], tags[:, 1:]]
        score = score + (steps * maskf[:, 1:]).sum(1)
        last = tags.gather(1, (mask.sum(1) - 1).unsqueeze(1)).squeeze(1)
        return score + end[last]

    def log_partition(self, emissions: Tensor, mask: Tensor) -> Tensor:
        """``log Z`` per sentence, ``(batch,)``, by the forward algorithm."""
        alphas = self._forward_alphas(emissions, mask)
        return torch.logsumexp(alphas[-1] + self.scores()[2], dim=1)

    # --- inference ----------------------------------------------------------------------
    def _forward_alphas(self, emissions: Tensor, mask: Tensor) -> list[Tensor]:
        """``alpha[t][b, j]``: log score of all prefixes ending in tag j at time t (including
        emission t). Past a sentence's end the last real alpha is carried along."""
        transitions, start, _ = self.scores()
        alpha = start + emissions[:, 0]
        alphas = [alpha]
        for t in range(1, emissions.size(1)):
            step = torch.logsumexp(alpha.unsqueeze(2) + transitions, dim=1) + emissions[:, t]
            alpha = torch.where(mask[:, t].unsqueeze(1), step, alpha)
            alphas.append(alpha)
        return alphas

    def marginals(self, emissions: Tensor, mask: Tensor) -> tuple[Tensor, Tensor, Tensor, Tensor]:
        """Forward–backward for inference. Returns ``(probs, alphas, betas, log_z)`` in float64:
        ``probs[b, t, k]`` is P(tag k at t), zero rows at padded positions; ``alphas``/``betas``
        as :meth:`forward_backward` gives them."""
        alphas, betas, log_z = self.forward_backward(emissions, mask)
        probs = torch.exp(alphas + betas - log_z.view(-1, 1, 1)) * mask.unsqueeze(2)
        return probs, alphas, betas, log_z

    def forward_backward(self, emissions: Tensor, mask: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """``(alphas, betas, log_z)`` in float64: ``alphas``/``betas`` are ``(batch, time,
        tags)`` log scores of all prefixes ending / suffixes starting in each tag, for segment
        probabilities; ``log_z`` is ``(batch,)``.

        Unlike the training path this runs in probability space, rescaled at every step: one
        small matrix product per step instead of a logsumexp over a (batch, tags, tags) cube,
        several times faster. Float64 keeps the rescaled values far from underflow."""
        transitions, start, end = (t.detach().double() for t in self.scores())
        emissions = emissions.double()
        step_matrix = transitions.exp()
        batch, length, _ = emissions.shape
        steps = emissions.unbind(1)
        live = mask.unsqueeze(2).unbind(1)
        alpha = start + steps[0]
        alphas = [alpha]
        for t in range(1, length):
            top = alpha.max(dim=1, keepdim=True).values
            step = ((alpha - top).exp() @ step_matrix).log_() + top + steps[t]
            alpha = torch.where(live[t], step, alpha)
            alphas.append(alpha)
        ending = end.expand(batch, -1)
        beta = ending
        betas = [beta] * length
        backward_matrix = step_matrix.T.contiguous()
        for t in range(length - 2, -1, -1):
            ahead = steps[t + 1] + beta
            top = ahead.max(dim=1, keepdim=True).values
            step = ((ahead - top).exp() @ backward_matrix).log_() + top
            beta = torch.where(live[t + 1], step, ending)
            betas[t] = beta
        log_z = torch.logsumexp(alphas[-1] + end, dim=1)
        return torch.stack(alphas, dim=1), torch.stack(betas, dim=1), log_z

    def viterbi(self, emissions: Tensor, mask: Tensor) -> tuple[list[list[int]], Tensor]:
        """Best path per sentence (unpadded lists) and its unnormalised score ``(batch,)``."""
        paths, best_score = self.viterbi_paths(emissions, mask)
        lengths = mask.sum(1).tolist()
        return [row[:n] for row, n in zip(paths.tolist(), lengths)], best_score

    def viterbi_paths(self, emissions: Tensor, mask: Tensor) -> tuple[Tensor, Tensor]:
        """Best paths ``(batch, time)`` (padded positions repeat the last real tag) and their
        unnormalised scores ``(batch,)``."""
        transitions, start, end = self.scores()
        batch, length, _ = emissions.shape
        steps = emissions.unbind(1)
        lives = mask.unsqueeze(2).unbind(1)
        score = start + steps[0]
        history = []
        # Padded steps point each tag at itself so backtracking passes through unchanged.
        identity = torch.arange(self.num_tags).expand(batch, -1)
        for t in range(1, length):
            best, backpointer = (score.unsqueeze(2) + transitions).max(dim=1)
            score = torch.where(lives[t], best + steps[t], score)
            history.append(torch.where(lives[t], backpointer, identity))
        score = score + end
        best_score, best_last = score.max(dim=1)
        path = [best_last]
        for backpointer in reversed(history):
            path.append(backpointer.gather(1, path[-1].unsqueeze(1)).squeeze(1))
        path.reverse()
        return torch.stack(path, dim=1), best_score


def _penalty(allowed: Tensor) -> Tensor:
    return torch.where(allowed, 0.0, _FORBIDDEN).to(torch.float32)


def scheme_constraints(tags: list[str], scheme: str) -> tuple[Tensor, Tensor, Tensor]:
    """``(allowed[from, to], allowed_start, allowed_end)`` for IOB2 or BIOES tag names."""
    parts = [(t[:1], t[2:]) if t != "O" else ("O", "") for t in tags]
    if scheme == "iob2":
        def ok(a, b):  # inside must continue an entity of the same type
            return b[0] != "I" or (a[0] in "BI" and a[1] == b[1])

        starts = [p[0] != "I" for p in parts]
        ends = [True] * len(parts)
    elif scheme == "bioes":
        def ok(a, b):
            inside_next = b[0] in "IE"
            continues = a[0] in "BI"
            return inside_next == continues and (not inside_next or a[1] == b[1])

        starts = [p[0] in "OBS" for p in parts]
        ends = [p[0] in "OES" for p in parts]
    else:
        raise ValueError(f"no transition constraints for tag scheme {scheme!r}")
    allowed = torch.tensor([[ok(a, b) for b in parts] for a in parts], dtype=torch.bool)
    return allowed, torch.tensor(starts), torch.tensor(ends)
