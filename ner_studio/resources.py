"""Where shipped files live, from a source checkout or inside a PyInstaller bundle.

Only the standard library here: the window asks for these paths at start-up, before (and
without) importing torch.
"""

from __future__ import annotations

import sys
from pathlib import Path


def resource_path(*parts: str) -> Path:
    """Path of a file under ``resources/``; works frozen (``sys._MEIPASS``) and from source."""
    bundle = getattr(sys, "_MEIPASS", None)
    root = Path(bundle) if bundle else Path(__file__).resolve().parent.parent
    return root.joinpath("resources", *parts)


BUNDLED_MODEL_NAME = "default.pt"


def bundled_model_file() -> Path:
    """Where the bundled default model (CoNLL-2003: PER, LOC, ORG, MISC) is shipped; the
    file may be missing from a build without it."""
    return resource_path("models", BUNDLED_MODEL_NAME)
