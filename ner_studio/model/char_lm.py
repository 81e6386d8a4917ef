"""A character language model whose states are contextual word features (flair's contextual
string embeddings, Akbik et al. 2018), trained here on text we may use, never downloaded.

Two LSTMs read a sentence as one string of characters, one left to right and one right to
left, each learning to predict the next character. A word's feature is the left-to-right
state after its last character beside the right-to-left state after its first: what the text
around the word, read character by character, says about it. Why characters: what tweets
lack is not rarer English words but their form (user names, hashtags, elongations,
misspellings: benchmarks/results/2026-12-07-adaptation-vocabulary.md), and a character model
reads a form it never saw in the context it stands in.

The tagger keeps the model frozen (``FinetuneOptions.char_lm``): its features only join the
BiLSTM's input (``network.BiLSTMNetwork``, ``context``), so training never runs it backwards
and a fine-tune computes each sentence's features once.

File layout (``weights_only=True``)::

    {"format": "ner-studio-char-lm", "format_version": 1, "config": {"chars": [...],
     "embedding": 32, "hidden": 256}, "state_dict": {...}, "metadata": {...}}
"""

from __future__ import annotations

import io
import json
import math
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import torch
from torch import Tensor, nn

from ner_studio.core.atomic import atomic_write_bytes
from ner_studio.core.errors import CheckpointError
from ner_studio.model.vocab import model_word

FORMAT = "ner-studio-char-lm"
FORMAT_VERSION = 1
PAD, UNK = 0, 1  # character ids every table starts with
START = "\n"  # begins every sentence's string, so the first word has a left context too
# Longer tokens (links, hashes) are cut: their first characters say enough, and a single one
# would widen a batch's strings by hundreds of steps.
MAX_WORD_CHARS = 30


def lm_string(words: Sequence[str]) -> tuple[str, list[int], list[int]]:
    """The string the model reads for ``words``, and each word's first and last character's
    position in it."""
    text, firsts, lasts = START, [], []
    for word in words:
        shown = (model_word(word) or " ")[:MAX_WORD_CHARS]
        firsts.append(len(text))
        text += shown
        lasts.append(len(text) - 1)
        text += " "
    return text, firsts, lasts


class _Direction(nn.Module):
    """One reading direction: characters -> LSTM states -> next-character scores."""

    def __init__(self, num_chars: int, embedding: int, hidden: int):
        super().__init__()
        self.embedding = nn.Embedding(num_chars, embedding, padding_idx=PAD)
        self.lstm = nn.LSTM(embedding, hidden, batch_first=True)
        self.decoder = nn.Linear(hidden, num_chars)

    def states(self, ids: Tensor) -> Tensor:
        """``(batch, steps, hidden)`` for right-padded ``ids`` ``(batch, steps)``: a state never
        depends on what comes after it, so the padding changes none of the real ones."""
        return self.lstm(self.embedding(ids))[0]


class CharLanguageModel(nn.Module):
    """Both directions and their character table (``chars``; ids 0 and 1 are padding and
    unknown)."""

    def __init__(self, chars: Sequence[str], embedding: int = 32, hidden: int = 256):
        super().__init__()
        self.chars = list(chars)
        self.embedding_dim, self.hidden = embedding, hidden
        self._index = {c: i + 2 for i, c in enumerate(self.chars)}
        size = len(self.chars) + 2
        self.left_to_right = _Direction(size, embedding, hidden)
        self.right_to_left = _Direction(size, embedding, hidden)

    @property
    def config(self) -> dict:
        return {"chars": self.chars, "embedding": self.embedding_dim, "hidden": self.hidden}

    @property
    def feature_size(self) -> int:
        return 2 * self.hidden

    def encode(self, text: str) -> list[int]:
        index = self._index
        return [index.get(c, UNK) for c in text]

    def word_features(self, sentences: Sequence[Sequence[str]]) -> Tensor:
        """``(sentences, most words, 2 * hidden)``: each word's left-to-right state after its
        last character and right-to-left state after its first; zeros past a sentence's end."""
        texts, firsts, lasts = zip(*map(lm_string, sentences)) if sentences else ((), (), ())
        width = max((len(t) for t in texts), default=1)
        ahead = torch.zeros(len(texts), width, dtype=torch.long)
        back = torch.zeros(len(texts), width, dtype=torch.long)
        for row, text in enumerate(texts):
            ids = self.encode(text)
            ahead[row, : len(ids)] = torch.tensor(ids)
            back[row, : len(ids)] = torch.tensor(ids[::-1])
        words = max((len(s) for s in sentences), default=0)
        features = torch.zeros(len(texts), words, self.feature_size)
        if not words:
            return features
        left, right = self.left_to_right.states(ahead), self.right_to_left.states(back)
        for row, text in enumerate(texts):
            count = len(firsts[row])
            if not count:
                continue
            features[row, :count, : self.hidden] = left[row, torch.tensor(lasts[row])]
            reversed_first = len(text) - 1 - torch.tensor(firsts[row])
            features[row, :count, self.hidden :] = right[row, reversed_first]
        return features


def char_table(texts: Iterable[str], min_count: int = 2) -> list[str]:
    """The characters seen at least ``min_count`` times, most frequent first (rarer ones are
    read as unknown: a table of every stray symbol learns nothing about them)."""
    counts = Counter(c for text in texts for c in text)
    counts[START] += min_count
    counts[" "] += min_count
    return [c for c, n in counts.most_common() if n >= min_count]


def train_direction(
    model: CharLanguageModel,
    texts: Sequence[str],
    direction: str,
    *,
    seconds: float,
    chunk: int = 200,
    batch_size: int = 32,
    learning_rate: float = 2e-3,
    seed: int = 1,
    report: Callable[[dict], None] | None = None,
) -> dict:
    """Train one direction (``"left_to_right"`` or ``"right_to_left"``) of ``model`` on ``texts``
    (sentence strings, as :func:`lm_string` makes them) for about ``seconds``: the strings
    joined into one stream (reversed for right to left), cut into ``chunk``-character pieces,
    shuffled each pass. ``seconds`` are the process's CPU time, not wall time: on a shared
    machine the same budget then trains the same amount. A fiftieth of the stream is held out;
    returns its bits per character before and after, with the passes and steps run."""
    torch.manual_seed(seed)
    rng = random.Random(seed)
    stream = "".join(texts)
    if direction == "right_to_left":
        stream = stream[::-1]
    part = getattr(model, direction)
    ids = torch.tensor(model.encode(stream), dtype=torch.long)
    pieces = ids[: (len(ids) - 1) // chunk * chunk + 1]
    count = (len(pieces) - 1) // chunk
    if count < 2:
        raise ValueError(f"too little text to train a character language model ({len(ids)} characters)")
    held = max(1, count // 50)
    order = list(range(count - held))
    optimizer = torch.optim.Adam(part.parameters(), lr=learning_rate)

    def loss_of(starts: list[int]) -> Tensor:
        rows = torch.stack([pieces[s * chunk : s * chunk + chunk + 1] for s in starts])
        scores = part.decoder(part.states(rows[:, :-1]))
        return nn.functional.cross_entropy(scores.reshape(-1, scores.size(-1)), rows[:, 1:].reshape(-1))

    def held_out_bits() -> float:
        part.eval()
        with torch.inference_mode():
            held_rows = list(range(count - held, count))
            total = sum(float(loss_of(held_rows[k : k + 64])) * len(held_rows[k : k + 64])
                        for k in range(0, held, 64))
        part.train()
        return total / held / math.log(2)

    before = held_out_bits()
    started, wall, steps, passes = time.process_time(), time.monotonic(), 0, 0
    while time.process_time() - started < seconds:
        rng.shuffle(order)
        passes += 1
        for k in range(0, len(order), batch_size):
            optimizer.zero_grad()
            loss = loss_of(order[k : k + batch_size])
            loss.backward()
            nn.utils.clip_grad_norm_(part.parameters(), 1.0)
            optimizer.step()
            steps += 1
            if report is not None and steps % 100 == 0:
                report({"direction": direction, "step": steps, "pass": passes, "bits": loss.item() / math.log(2),
                        "cpu_seconds": round(time.process_time() - started)})
            if time.process_time() - started >= seconds:
                break
    part.eval()
    return {"held_out_bits_before": before, "held_out_bits": held_out_bits(), "passes": passes, "steps": steps,
            "characters": len(ids), "cpu_seconds": round(time.process_time() - started, 1),
            "seconds": round(time.monotonic() - wall, 1)}


def save_char_lm(path: str | Path, model: CharLanguageModel, metadata: dict | None = None) -> None:
    """Write atomically, as plain tensors and JSON-plain values (``weights_only`` loads it)."""
    payload = {"format": FORMAT, "format_version": FORMAT_VERSION, "config": model.config,
               "state_dict": {k: v.detach().clone() for k, v in model.state_dict().items()},
               "metadata": json.loads(json.dumps(metadata or {}))}
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    atomic_write_bytes(Path(path), buffer.getvalue())


def load_char_lm(path: str | Path) -> tuple[CharLanguageModel, dict]:
    """The model of a file :func:`save_char_lm` wrote, in eval mode, and its metadata;
    anything else raises :class:`CheckpointError` naming the file."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError("no such character language model file", path)
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:
        raise CheckpointError(f"not a readable character language model ({type(error).__name__})", path) from error
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CheckpointError("not a character language model (no 'ner-studio-char-lm' header; build one with "
                              "scripts/build_char_lm.py)", path)
    if payload.get("format_version", 0) > FORMAT_VERSION:
        raise CheckpointError("the character language model was saved by a newer NER Studio", path)
    try:
        model = from_config(payload["config"])
        model.load_state_dict(payload["state_dict"])
    except (KeyError, TypeError, ValueError, RuntimeError) as error:
        raise CheckpointError(f"the character language model is inconsistent ({error})", path) from error
    return model.eval(), dict(payload.get("metadata") or {})


def from_config(config: dict) -> CharLanguageModel:
    return CharLanguageModel(config["chars"], config.get("embedding", 32), config.get("hidden", 256))
