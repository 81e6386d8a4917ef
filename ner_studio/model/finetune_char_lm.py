"""A fine-tune that reads a character language model (``FinetuneOptions.char_lm``).

The grown tagger's BiLSTM input grows by the language model's word features, appended after
the word, character and casing features, and their input weights start at zero: before its
first step the tagger tags exactly as its parent did, and training learns how much to read
them. The language model stays frozen, so a sentence's features never change during a
fine-tune and are computed once, when it is encoded (``EncodedSentence.context``).
(Judged in benchmarks/results/2026-12-08-adaptation-char-lm.md.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import torch

from ner_studio.model.batching import EncodedSentence
from ner_studio.model.char_lm import CharLanguageModel, load_char_lm
from ner_studio.model.checkpoint import LoadedModel
from ner_studio.model.network import BiLSTMNetwork

_SENTENCES_PER_CALL = 64  # sentences of similar length per language-model call


def char_lm_for(parent: LoadedModel, path: str) -> tuple[CharLanguageModel | None, dict | None]:
    """The language model a fine-tune of ``parent`` reads, and what to record about it: the
    parent's own if it has one (a later round of the loop keeps what its weights learnt to
    read), else the file at ``path`` (``""``: none)."""
    if parent.model.char_lm is not None:
        return parent.model.char_lm, {"from": "parent", "features": parent.model.char_lm.feature_size}
    if not path:
        return None, None
    lm, metadata = load_char_lm(path)
    return lm, {"from": str(path), "features": lm.feature_size, "sources": metadata.get("sources"),
                "training": metadata.get("training")}


def with_char_lm(model: BiLSTMNetwork, lm: CharLanguageModel, tag_names: list[str], scheme: str) -> BiLSTMNetwork:
    """``model`` reading ``lm``'s features too, with zero input weights for them (so it
    computes what ``model`` computes) and ``lm``'s weights frozen inside."""
    grown = BiLSTMNetwork(replace(model.config, char_lm=lm.config), tag_names, scheme)
    old, lm_state = model.state_dict(), lm.state_dict()
    state = grown.state_dict()
    with torch.no_grad():
        for name, target in state.items():
            if name.startswith("char_lm."):
                target.copy_(lm_state[name.removeprefix("char_lm.")])
            elif name.startswith("lstm.weight_ih_l0"):  # both directions' first-layer input weights
                target.zero_()
                target[:, : old[name].size(1)] = old[name]
            else:
                target.copy_(old[name])
    grown.load_state_dict(state)
    grown.char_lm.requires_grad_(False)
    return grown


def add_context(encoded: Sequence[EncodedSentence], sentences: Sequence[Sequence[str]], lm: CharLanguageModel) -> None:
    """Set every encoded sentence's ``context`` to ``lm``'s features of its words
    (``sentences``, in the same order), computed in calls of sentences of similar length."""
    order = sorted(range(len(sentences)), key=lambda i: sum(len(w) + 1 for w in sentences[i]))
    with torch.no_grad():
        for start in range(0, len(order), _SENTENCES_PER_CALL):
            chosen = order[start : start + _SENTENCES_PER_CALL]
            features = lm.word_features([sentences[i] for i in chosen])
            for row, i in enumerate(chosen):
                encoded[i].context = features[row, : len(sentences[i])].clone()
