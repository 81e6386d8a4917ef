"""The network: word, character and casing features → BiLSTM → linear → CRF or softmax,
optionally with document pooling (a word's mentions in a document share part of their scores).

``forward`` only turns index tensors into emission scores; the loss and decoding are separate
methods so training, evaluation and confidence estimation share one forward pass.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from ner_studio.model.char_lm import from_config as char_lm_from_config
from ner_studio.model.crf import CRF, scheme_constraints
from ner_studio.model.vocab import CASINGS, PAD_INDEX

DECODERS = ("crf", "softmax")


@dataclass
class NetworkConfig:
    """Hyper-parameters that fix the network's shape. Defaults keep old checkpoints loadable
    when fields are added."""

    num_words: int
    num_chars: int
    num_tags: int
    word_dim: int = 100
    char_dim: int = 30
    char_filters: int = 50
    char_kernel: int = 3
    casing_dim: int = 10
    hidden: int = 200
    layers: int = 1
    dropout: float = 0.5
    decoder: str = "crf"
    # Add to each token's scores the mean, over all mentions of its word in the document, of a
    # second linear read of their BiLSTM states: a name is easier to tell in some sentences
    # than in others, and its mentions should agree.
    document_pooling: bool = False
    # Keep the word embeddings as they start (pre-trained vectors): the words training never
    # sees then stay in the same space as the ones it does.
    freeze_words: bool = False
    # Rows of ``piece_vectors``: fixed vectors of word pieces in the word embedding's space
    # (``Vocabularies.pieces``), read only to start new words' rows (model/word_pieces.py)
    word_pieces: int = 0
    # A frozen character language model (``char_lm.CharLanguageModel.config``: its character
    # table and sizes) whose contextual word features join the BiLSTM's input, after the others
    # (``forward``'s ``context``); None for none
    char_lm: dict | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> NetworkConfig:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


class CharCNN(nn.Module):
    """Max-pooled convolution over each word's characters. Positions past a word's end are
    masked before pooling so the result does not depend on how wide the batch is padded."""

    def __init__(self, num_chars: int, dim: int, filters: int, kernel: int):
        super().__init__()
        self.embedding = nn.Embedding(num_chars, dim, padding_idx=PAD_INDEX)
        self.conv = nn.Conv1d(dim, filters, kernel, padding=kernel // 2)

    def forward(self, chars: Tensor) -> Tensor:
        batch, length, width = chars.shape
        # Each distinct spelling once: a training batch repeats words ("the", ",") and pads its
        # sentences to the longest, ~2.6 slots per distinct spelling, and the convolution with
        # its backward was over a third of a training step (benchmarks/results/2026-12-02-adaptation-to-tweets.md). A dict finds
        # them in under a millisecond (torch.unique(dim=0) sorts the rows, far slower).
        distinct: dict[tuple[int, ...], int] = {}
        where = [distinct.setdefault(row, len(distinct)) for row in map(tuple, chars.view(-1, width).tolist())]
        rows = torch.tensor(list(distinct), dtype=torch.long, device=chars.device).view(len(distinct), width)
        return self.features(rows)[torch.tensor(where, dtype=torch.long, device=chars.device)].view(batch, length, -1)

    def features(self, rows: Tensor) -> Tensor:
        """Max-pooled features ``(words, filters)`` of character rows ``(words, width)``."""
        features = self.conv(self.embedding(rows).transpose(1, 2))  # (words, filters, width)
        real = (rows != PAD_INDEX).unsqueeze(1)
        features = features.masked_fill(~real, float("-inf")).max(dim=2).values
        # Padding tokens have no characters at all: give them zeros instead of -inf.
        return features.masked_fill(~real.any(dim=2), 0.0)


def mention_means(states: Tensor, groups: Tensor) -> Tensor:
    """For every position of ``states`` ``(batch, time, dim)``, the mean of the states of all
    positions with the same id in ``groups`` ``(batch, time)``."""
    flat = states.reshape(-1, states.size(2))
    ids = groups.reshape(-1)
    count = int(ids.max()) + 1
    sums = flat.new_zeros(count, flat.size(1)).index_add_(0, ids, flat)
    sizes = torch.bincount(ids, minlength=count).clamp_min(1).unsqueeze(1).to(flat.dtype)
    return (sums / sizes)[ids].view_as(states)


class BiLSTMNetwork(nn.Module):
    def __init__(self, config: NetworkConfig, tag_names: list[str], scheme: str = "bioes"):
        super().__init__()
        if config.decoder not in DECODERS:
            raise ValueError(f"decoder must be one of {DECODERS}, not {config.decoder!r}")
        self.config = config
        self.word_embedding = nn.Embedding(config.num_words, config.word_dim, padding_idx=PAD_INDEX)
        self.word_embedding.weight.requires_grad_(not config.freeze_words)
        self.char_features = CharCNN(config.num_chars, config.char_dim, config.char_filters, config.char_kernel)
        self.casing_embedding = nn.Embedding(len(CASINGS), config.casing_dim, padding_idx=PAD_INDEX)
        if config.word_pieces:
            self.register_buffer("piece_vectors", torch.zeros(config.word_pieces, config.word_dim))
        self.dropout = nn.Dropout(config.dropout)
        features = config.word_dim + config.char_filters + config.casing_dim
        self.char_lm = None
        if config.char_lm:
            self.char_lm = char_lm_from_config(config.char_lm).requires_grad_(False).eval()
            features += self.char_lm.feature_size
        self.lstm = nn.LSTM(
            features,
            config.hidden,
            num_layers=config.layers,
            bidirectional=True,
            batch_first=True,
            dropout=config.dropout if config.layers > 1 else 0.0,
        )
        self.output = nn.Linear(2 * config.hidden, config.num_tags)
        # Linear, so the mean of the reads is the read of the mean state (at inference).
        self.shared = nn.Linear(2 * config.hidden, config.num_tags, bias=False) if config.document_pooling else None
        self.crf = CRF(config.num_tags, *scheme_constraints(tag_names, scheme)) if config.decoder == "crf" else None
        # While training, the word rows the training data uses, as a parameter of their own
        # (``train_word_rows``); None otherwise, so files and predictions never see it.
        self.register_parameter("trained_words", None)
        self._trained_rows: Tensor | None = None  # their ids in the table
        self._trained_slot: Tensor | None = None  # each id's row in ``trained_words``, -1 if none

    def train_word_rows(self, rows: Tensor | None) -> None:
        """Train only the word embedding's ``rows`` (ids the training batches hold), or, with
        None, write them back into the table. Adam never moves a row whose gradient stays zero
        (its moments stay zero), so this trains exactly as the whole table would, without
        carrying the other rows (most of a vector-based vocabulary) through backward, gradient
        clipping and every optimiser step."""
        table = self.word_embedding.weight
        if rows is None:
            if self.trained_words is not None:
                with torch.no_grad():
                    table[self._trained_rows] = self.trained_words
                table.requires_grad_(not self.config.freeze_words)
            self.trained_words, self._trained_rows, self._trained_slot = None, None, None
            return
        rows = rows[rows != PAD_INDEX]  # the padding row never learns
        self._trained_rows = rows
        self._trained_slot = torch.full((table.size(0),), -1, dtype=torch.long, device=table.device)
        self._trained_slot[rows] = torch.arange(len(rows), device=table.device)
        self.trained_words = nn.Parameter(table.detach()[rows].clone())
        table.requires_grad_(False)

    def embed_words(self, words: Tensor) -> Tensor:
        looked_up = self.word_embedding(words)
        if self.trained_words is None:
            return looked_up
        slot = self._trained_slot[words]
        return torch.where((slot >= 0).unsqueeze(-1), self.trained_words[slot.clamp(min=0)], looked_up)

    def forward(
        self, words: Tensor, chars: Tensor | None, casing: Tensor, lengths: Tensor, char_features: Tensor | None = None,
        groups: Tensor | None = None, context: Tensor | None = None,
    ) -> Tensor:
        """Emission scores ``(batch, time, tags)`` for ``words``/``casing`` ``(batch, time)``,
        ``chars`` ``(batch, time, width)`` and ``lengths`` ``(batch,)`` (on the CPU).
        ``char_features`` ``(batch, time, filters)`` can replace ``chars``: a word's character
        features never depend on its context, so prediction computes them once per distinct word.
        ``groups`` ``(batch, time)``: tokens with one id are mentions of one word in one
        document (0 at padding), for ``document_pooling``; without it every token stands alone.
        ``context`` ``(batch, time, features)``: the ``char_lm``'s word features, for a network
        that has one (``CharLanguageModel.word_features`` of the batch's sentences)."""
        own, shared = self.emission_parts(words, chars, casing, lengths, char_features, context)
        if shared is None:
            return own
        return own + (shared if groups is None else mention_means(shared, groups))

    def emission_parts(
        self, words: Tensor, chars: Tensor | None, casing: Tensor, lengths: Tensor, char_features: Tensor | None = None,
        context: Tensor | None = None,
    ) -> tuple[Tensor, Tensor | None]:
        """The token's own emission scores, and with ``document_pooling`` the scores its
        mentions share (averaged over the document's mentions of the word, then added)."""
        if char_features is None:
            char_features = self.char_features(chars)
        features = self.lstm_input(words, casing, char_features, context)
        packed = pack_padded_sequence(self.dropout(features), lengths, batch_first=True, enforce_sorted=False)
        hidden, _ = pad_packed_sequence(self.lstm(packed)[0], batch_first=True, total_length=words.size(1))
        hidden = self.dropout(hidden)
        return self.output(hidden), None if self.shared is None else self.shared(hidden)

    def lstm_input(self, words: Tensor, casing: Tensor, char_features: Tensor, context: Tensor | None = None) -> Tensor:
        """What the BiLSTM reads: each token's word, character and casing features side by side
        (then, with a ``char_lm``, its ``context`` features)."""
        parts = [self.embed_words(words), char_features, self.casing_embedding(casing)]
        if self.char_lm is not None:
            if context is None:
                raise ValueError("this network reads a character language model's word features: pass "
                                 "context (char_lm.word_features of the sentences)")
            parts.append(context)
        return torch.cat(parts, dim=2)

    def loss(self, emissions: Tensor, tags: Tensor, mask: Tensor) -> Tensor:
        """Mean over sentences of the sentence's negative log-likelihood."""
        if self.crf is not None:
            return self.crf.neg_log_likelihood(emissions, tags, mask) / emissions.size(0)
        token_losses = nn.functional.cross_entropy(emissions.transpose(1, 2), tags, reduction="none")
        return (token_losses * mask).sum() / emissions.size(0)

    def decode(self, emissions: Tensor, mask: Tensor) -> list[list[int]]:
        """Best tag indices per sentence, without padding."""
        if self.crf is not None:
            return self.crf.viterbi(emissions, mask)[0]
        best = emissions.argmax(dim=2).tolist()
        return [row[:n] for row, n in zip(best, mask.sum(1).tolist())]
