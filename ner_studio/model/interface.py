"""What the GUI and the model exchange, without torch: training options and progress, the
predictor's interface and what it returns.

The window imports this at start-up (torch takes seconds to import and is loaded only inside
worker threads), so nothing here may import torch, even indirectly; tests/test_layers.py
checks it. The torch modules define nothing of this themselves: they import it from here
(``finetune.FinetuneOptions``, ``training.TrainingConfig`` and friends still work).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Protocol

from ner_studio.core.text.document import Document
from ner_studio.core.text.spans import Span
from ner_studio.core.learning.training_set import MIN_REVIEWED_SENTENCES


# --- training ------------------------------------------------------------------------------
@dataclass
class TrainingConfig:
    epochs: int = 50
    batch_size: int = 16
    learning_rate: float = 1e-3
    clip: float = 5.0
    patience: int = 8
    seed: int = 13
    # Probability of replacing a word seen once in training by <unk>, so the model learns
    # what to do with unknown words (they are common at test time).
    singleton_unk: float = 0.5
    # Probability of replacing any word by <unk> (on top of singletons), so the model also
    # learns to read the characters and casing of words it knows: test text is full of new names.
    word_dropout: float = 0.0
    threads: int | None = None
    monitor: str = "dev_loss"
    eval_batch_size: int = 128
    # Probability of showing a training sentence's variant (``train_model``'s ``variants``, e.g.
    # the sentence lower-cased) instead of the sentence, drawn anew every time it comes up.
    variant_rate: float = 0.0
    # Decay of an exponential moving average of the weights, updated after every batch (0 = off).
    # Dev scores and the kept weights are the average's: it smooths out the last batches' noise
    # at no cost when tagging.
    weight_average: float = 0.0
    # Keep the last epoch's weights instead of the best by the monitor: a refit that trains on
    # its dev sentences too (``FinetuneOptions.refit``), for as many epochs as a run chose before.
    keep_last: bool = False


@dataclass
class TrainingProgress:
    phase: str  # "batch" or "epoch"
    epoch: int  # 1-based
    epochs: int
    batch: int  # 1-based within the epoch
    batches: int
    loss: float  # mean training loss so far this epoch
    eta_seconds: float  # upper bound: assumes every remaining epoch runs
    dev_loss: float | None = None  # set on "epoch"
    dev_f1: float | None = None
    best_epoch: int | None = None


@dataclass
class FinetuneOptions:
    """The fine-tuning recipe; the defaults are the one ``benchmarks/adaptation.py`` chose
    (see benchmarks/results/2026-12-02-adaptation-to-tweets.md)."""

    epochs: int = 30  # a ceiling: early stopping (``patience``) ends a run
    patience: int = 4
    # Patience when the parent is itself a fine-tuned model (the loop's later rounds, which start
    # near their best already); None = ``patience``
    continued_patience: int | None = None
    batch_size: int = 16
    learning_rate: float = 1e-3
    singleton_unk: float = 0.5
    dev_fraction: float = 0.2  # of the reviewed sentences, held out (by content hash) without dev_docs
    min_sentences: int = MIN_REVIEWED_SENTENCES
    base_limit: int | None = 2000  # at most this many base sentences mixed in, None = no cap
    # Base sentences mixed in per reviewed training sentence (whole documents, sampled), to limit
    # forgetting; None = up to ``base_limit`` whatever the reviewed count.
    base_ratio: float | None = 0.5
    domain_weight: int = 1  # each reviewed sentence is seen this many times per epoch
    lowercase: float = 0.0  # chance a training sentence is shown lower-cased (casing-robustness)
    monitor: str = "dev_loss"  # or "dev_f1": which dev score picks the epoch kept
    # New labels' tags start as the parent's average entity (False: random output rows and zero
    # CRF scores, as a fresh network would)
    average_start: bool = True
    word_dropout: float = 0.0  # chance any word is shown as <unk> (reads characters and casing more)
    weight_average: float = 0.0  # decay of a moving average of the weights (0 = off), as in TrainingConfig
    # New words (of the reviewed sentences and of ``finetune``'s ``text``) start from
    # co-occurrence vectors of the project's text mapped into the model's space (model/text_vectors.py);
    # chosen by the benchmark's rule in session 5 (+1.6 mean pool-dev F1, all of it at 200 tweets)
    text_vectors: bool = True
    # New words start from the mean vector of their word pieces (model/word_pieces.py), where the
    # model holds a piece table and the word has pieces; over ``text_vectors``
    # (judged in benchmarks/results/2026-12-07-adaptation-vocabulary.md)
    piece_vectors: bool = False
    # Keep the word embedding fixed (seen and unseen words stay in one space; its weights skip
    # backward, clipping and Adam)
    freeze_words: bool = False
    # Self-training (0 = off): after the fine-tune, the project's sentences nobody labelled (of
    # ``finetune``'s ``text``) whose best tagging has at least this probability and an entity are
    # learnt too, in a second fine-tune kept only if it scores higher on the held-out reviewed
    # sentences (model/self_training.py; judged in benchmarks/results/2026-12-07-adaptation-lever.md)
    self_train: float = 0.0
    # Refit: once early stopping has chosen the best epoch E on the held-out reviewed sentences,
    # train again from the parent on the training *and* held-out sentences for E epochs (the
    # check set still never), so a round learns from four fifths of what was reviewed, not three
    # (model/finetune.py; judged in benchmarks/results/2026-12-07-analyst-loop-2.md)
    refit: bool = False
    # A character language model file (scripts/build_char_lm.py) whose frozen contextual word
    # features the tagger reads too, from zero input weights (model/finetune_char_lm.py; judged in
    # benchmarks/results/2026-12-08-adaptation-char-lm.md); "" = none. A parent that reads one keeps its own.
    char_lm: str = ""
    seed: int = 13
    threads: int | None = None

    def training_config(self, *, continued: bool = False) -> TrainingConfig:
        """``continued``: the parent is a fine-tuned model (``continued_patience`` applies)."""
        patience = self.continued_patience if continued and self.continued_patience is not None else self.patience
        return TrainingConfig(epochs=self.epochs, batch_size=self.batch_size, learning_rate=self.learning_rate,
                              patience=patience, seed=self.seed, singleton_unk=self.singleton_unk,
                              threads=self.threads, monitor=self.monitor, variant_rate=self.lowercase,
                              word_dropout=self.word_dropout, weight_average=self.weight_average)


# --- prediction ----------------------------------------------------------------------------
@dataclass(frozen=True)
class SentenceUncertainty:
    least_confidence: float  # 1 - P(best tag sequence); higher = less sure
    mnlp: float  # log P(best tag sequence) / tokens; lower = less sure
    entropy: float  # mean token entropy of the tag distribution (nats); higher = less sure


class PredictionDetail(IntEnum):
    """How much a prediction holds besides the tags; each level includes the ones below it.

    Why: the tags need Viterbi alone, while a confidence needs the CRF's forward-backward over
    every sentence holding an entity and the uncertainty scores need it over every sentence
    and every tag (benchmarks/results/2026-12-07-tagging-speed.md). Evaluation asks for
    ``TAGS``, ``ner-studio predict`` (which writes confidences) for ``CONFIDENCES``, the app
    (whose review queue ranks sentences) for ``UNCERTAINTY``."""

    TAGS = 0  # entities without confidences (None), sentences without uncertainty (None)
    CONFIDENCES = 1  # entities with confidences
    UNCERTAINTY = 2  # and each sentence's uncertainty scores


@dataclass
class DocumentPrediction:
    spans: list[Span]
    sentence_scores: list[SentenceUncertainty]  # empty below ``PredictionDetail.UNCERTAINTY``


class Predictor(Protocol):
    """What the GUI needs of a model that tags text; ``ner_studio.model.predict.TorchPredictor``
    is the one that runs the network (:class:`~ner_studio.model.network.BiLSTMNetwork`) with torch."""

    labels: list[str]

    @property
    def pools_documents(self) -> bool:
        """True if a sentence's prediction depends on the rest of its document."""
        ...

    def predict_documents(self, docs: list[Document], *,
                          progress: Callable[[int, int], None] | None = None,
                          should_stop: Callable[[], bool] | None = None) -> Sequence[DocumentPrediction]:
        """One prediction per document, in order; empty when cancelled."""
        ...
