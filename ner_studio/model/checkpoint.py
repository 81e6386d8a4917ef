"""One file per model: weights plus plain metadata, loadable with ``weights_only=True``.

Layout (a dict of tensors, strings, numbers, lists and dicts only)::

    {"format": "ner-studio-tagger", "format_version": 2, "config": {...},
     "vocab": {"words": {"text": "...", "lengths": int32 tensor}, "chars": {...}, "tags": {...}},
     "labels": [...], "scheme": "bioes", "state_dict": {...}, "metadata": {...}}

Each vocabulary is its strings run together and each one's length (format 2): the weights-only
unpickler is pure Python and spent 0.2 CPU-s of every start on the bundled model's 55k words as
a list, against 0.05 for the whole file so. Format 1 files (plain lists) still load.

Loading rebuilds the network from ``config`` (``NetworkConfig.from_dict`` ignores unknown keys
and fills defaults, so files from older versions keep loading) and then loads the weights.

The word embedding, most of a file's size, is stored in half precision (``HALF_PRECISION``):
its values are of order 1 and three significant digits change no prediction measured (see
``tests/model/test_checkpoint.py``); loading casts it back to float32, as it does any file
that stored it in full.
"""

from __future__ import annotations

import io
import json
import logging
import warnings
from dataclasses import dataclass
from pathlib import Path

import torch

from ner_studio.core.atomic import atomic_write_bytes
from ner_studio.core.errors import CheckpointError
from ner_studio.model.network import BiLSTMNetwork, NetworkConfig
from ner_studio.model.vocab import Vocabularies

FORMAT = "ner-studio-tagger"
FORMAT_VERSION = 2  # 2: vocabularies packed (``_packed``); 1: lists of strings
log = logging.getLogger(__name__)
HALF_PRECISION = ("word_embedding.weight", "piece_vectors")  # the tables a file stores as float16
_REQUIRED = ("config", "vocab", "labels", "scheme", "state_dict", "metadata")


@dataclass
class LoadedModel:
    model: BiLSTMNetwork
    vocabs: Vocabularies
    labels: list[str]  # entity types
    scheme: str  # tag scheme of the model's output layer
    metadata: dict


def save_checkpoint(
    path: str | Path,
    model: BiLSTMNetwork,
    vocabs: Vocabularies,
    labels: list[str],
    scheme: str,
    metadata: dict | None = None,
) -> None:
    """Write atomically: a crash mid-save leaves the previous file intact."""
    path = Path(path)
    payload = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "config": model.config.to_dict(),
        "vocab": {name: _packed(items) for name, items in vocabs.to_dict().items()},
        "labels": list(labels),
        "scheme": scheme,
        "state_dict": {k: _stored(k, v) for k, v in model.state_dict().items()},
        # Through JSON so only plain types reach the file (weights_only loading refuses others).
        "metadata": json.loads(json.dumps(metadata or {})),
    }
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, buffer.getvalue())


def _packed(items: list[str]) -> dict:
    """A vocabulary as two objects for the unpickler, not one per string."""
    return {"text": "".join(items), "lengths": torch.tensor([len(item) for item in items], dtype=torch.int32)}


def _unpacked(stored) -> list[str]:
    """The strings of :func:`_packed`; a format 1 file's list as it is."""
    if not isinstance(stored, dict):
        return stored
    text, lengths = stored["text"], stored["lengths"]
    if not isinstance(text, str) or not isinstance(lengths, torch.Tensor) or lengths.dim() != 1:
        raise TypeError("a vocabulary is not text with its lengths")
    ends = torch.cumsum(lengths.long(), 0).tolist()
    if (ends[-1] if ends else 0) != len(text) or bool((lengths < 0).any()):
        raise ValueError("a vocabulary's lengths do not add up to its text")
    return [text[start:end] for start, end in zip([0, *ends], ends)]


def _stored(name: str, tensor: torch.Tensor) -> torch.Tensor:
    tensor = tensor.detach().clone()
    return tensor.half() if name in HALF_PRECISION and tensor.is_floating_point() else tensor


_torch_logged = False


def _log_first_load(path: Path) -> None:
    """torch's version goes to the log with the first model read (it is imported lazily, so
    the start-up line cannot name it); every model read is named."""
    global _torch_logged
    if not _torch_logged:
        _torch_logged = True
        log.info("model %s read (torch %s, %d threads)", path.name, torch.__version__, torch.get_num_threads())
    else:
        log.info("model %s read", path.name)


def load_checkpoint(path: str | Path) -> LoadedModel:
    """Read a model file; anything unusable raises :class:`CheckpointError`."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError("no such model file", path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch warns about odd pickle protocols before failing
            payload = torch.load(path, map_location="cpu", weights_only=True)
    # A damaged file can make the unpickler fail in any way (KeyError, UnicodeDecodeError, ...).
    except Exception as error:  # noqa: BLE001
        log.info("%s: unreadable model file", path, exc_info=True)  # the cause, for a bug report
        raise CheckpointError(f"not a readable model file ({_first_line(error)})", path) from error
    _log_first_load(path)
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CheckpointError("not an NER Studio model (no 'ner-studio-tagger' header)", path)
    version = payload.get("format_version")
    if not isinstance(version, int):
        raise CheckpointError("the model file has no format version", path)
    if version > FORMAT_VERSION:
        raise CheckpointError(
            f"the model was saved by a newer NER Studio (format {version}; this version reads up to "
            f"{FORMAT_VERSION}). Update NER Studio to use it.",
            path,
        )
    missing = [key for key in _REQUIRED if key not in payload]
    if missing:
        raise CheckpointError(f"the model file lacks {', '.join(missing)}", path)
    try:
        vocabs = Vocabularies.from_dict({name: _unpacked(stored) for name, stored in payload["vocab"].items()})
        config = NetworkConfig.from_dict(payload["config"])
        model = BiLSTMNetwork(config, vocabs.tags.to_list(), payload["scheme"])
        model.load_state_dict(payload["state_dict"])
    except (KeyError, TypeError, ValueError, AttributeError, RuntimeError) as error:
        raise CheckpointError(f"the model file is inconsistent ({_first_line(error)})", path) from error
    model.eval()
    _check_metadata(payload["metadata"], path)
    return LoadedModel(model, vocabs, list(payload["labels"]), payload["scheme"], dict(payload["metadata"]))


def _check_metadata(metadata, path: Path) -> None:
    """The model card must be what :func:`save_checkpoint` writes: a JSON object. Why: the
    unpickler reads nesting of any depth, but the project, the Models panel and a fine-tune
    write it as JSON later, where ``[[[...]]]`` thousands deep raised RecursionError (issue 24)."""
    try:
        ok = isinstance(metadata, dict) and json.dumps(metadata) is not None
    except RecursionError:
        raise CheckpointError("the model's metadata (its model card) is nested too deeply", path) from None
    except (TypeError, ValueError) as error:
        raise CheckpointError(f"the model's metadata (its model card) is not JSON ({_first_line(error)})", path) from None
    if not ok:
        raise CheckpointError("the model's metadata (its model card) is not a JSON object", path)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
