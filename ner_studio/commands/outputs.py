"""The ``--force`` option and the output check every command that writes files shares
(the rules themselves: :mod:`ner_studio.core.formats.outputs`).

A new command calls ``add_force_option(parser)`` in ``register`` and, first thing in ``run``,
``checked_output(args, args.output, "model", inputs=[...])``; after long work it saves with
:func:`save_reporting_fallback`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from ner_studio.core.formats.outputs import check_output, save_with_fallback


def add_force_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--force", action="store_true",
                        help="replace an existing output file even if it holds another kind of data "
                        "(never allowed for the command's own inputs)")


def checked_output(args: argparse.Namespace, path: str | Path, kind: str, *,
                   inputs: Iterable[str | Path | None] = ()) -> Path:
    """``path`` once it is safe to write (raises :class:`~ner_studio.core.errors.OutputError`)."""
    return check_output(path, kind, inputs=inputs, force=getattr(args, "force", False))


def save_reporting_fallback(path: Path, write: Callable[[Path], None]) -> Path:
    """``write(path)``, or a copy in the fallback folder with a note on stderr saying where."""
    saved, reason = save_with_fallback(path, write)
    if reason is not None:
        print(f"warning: cannot write {path} ({reason}); saved the result to {saved} instead",
              file=sys.stderr)
    return saved
