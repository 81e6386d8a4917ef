"""Pieces the model commands share: which model file, thread count, progress bars."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

DEFAULT_MODEL = "default"


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1 (a clear usage error otherwise)."""
    return _number(text, int, lambda n: n >= 1, "a whole number of at least 1")


def non_negative_int(text: str) -> int:
    return _number(text, int, lambda n: n >= 0, "a whole number of at least 0")


def positive_float(text: str) -> float:
    return _number(text, float, lambda x: 0 < x < float("inf"), "a number above 0")


def probability(text: str) -> float:
    return _number(text, float, lambda x: 0 <= x < 1, "a number from 0 up to (not including) 1")


def _number(text: str, kind, valid, wanted: str):
    try:
        value = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not {wanted}") from None
    if not valid(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not {wanted}")
    return value


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    """The MODEL argument of the commands that run a trained model."""
    parser.add_argument("model", help="model file, or 'default' for the bundled CoNLL-2003 model")


def add_format_option(parser: argparse.ArgumentParser) -> None:
    """``--format`` of the commands that read annotated files (train, finetune, evaluate)."""
    parser.add_argument("--format", choices=("conll", "jsonl"), help="input format (default: by extension)")


def add_model_output(parser: argparse.ArgumentParser, example: str) -> None:
    """``-o/--output``, the model file a training command writes (``example``: a file name)."""
    parser.add_argument("-o", "--output", required=True, help=f"model file to write (e.g. {example})")


def add_seed_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=13, help="random seed (default 13)")


def add_inference_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--batch-size", type=positive_int, default=256, help="sentences per batch (default 256)")
    parser.add_argument("--float32", action="store_true",
                        help="run the full-precision network (default: int8 LSTM and linear layers, "
                        "about 2x faster for -0.1 F1 on CoNLL-2003 test)")
    parser.add_argument("--threads", type=positive_int, default=None, metavar="N",
                        help="CPU threads to tag with, one batch on each (default: every core)")


def tagger_from_args(args: argparse.Namespace):
    """The model named on the command line, ready to tag, with the thread count applied."""
    from ner_studio.model.predict import TorchPredictor

    return TorchPredictor.load(model_path(args.model), quantize=not args.float32, threads=args.threads or os.cpu_count(),
                               runtime="onnx")


def add_threads_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--threads", type=positive_int, default=None, metavar="N",
                        help="CPU threads for torch (default: torch's choice)")


def apply_threads(threads: int | None) -> None:
    if threads:
        import torch

        torch.set_num_threads(threads)


def model_path(argument: str) -> Path:
    """``default`` means the bundled CoNLL-2003 model."""
    if argument == DEFAULT_MODEL:
        from ner_studio.resources import bundled_model_location, bundled_model_path

        return bundled_model_path() or bundled_model_location()  # a missing file is named on loading
    return Path(argument)


class ProgressBar:
    """A ``progress(done, total)`` callback drawing a tqdm bar on stderr."""

    def __init__(self, description: str, unit: str = "sentence"):
        self._description = description
        self._unit = unit
        self._bar = None

    def __call__(self, done: int, total: int) -> None:
        from tqdm import tqdm

        if self._bar is None:
            self._bar = tqdm(total=total, desc=self._description, unit=self._unit, leave=False)
        if total != self._bar.total:  # a file read in pieces learns its size as it goes
            self._bar.total = total
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
