"""Where shipped files live, from a source checkout or inside a PyInstaller bundle.

Only the standard library here: the window asks for these paths at start-up, before (and
without) importing torch.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path


def resource_path(*parts: str) -> Path:
    """Path of a file under ``resources/``; works frozen (``sys._MEIPASS``) and from source."""
    bundle = getattr(sys, "_MEIPASS", None)
    root = Path(bundle) if bundle else Path(__file__).resolve().parent.parent
    return root.joinpath("resources", *parts)


BUNDLED_MODEL_NAME = "default.pt"


def bundled_model_path() -> Path | None:
    """The bundled default model (CoNLL-2003: PER, LOC, ORG, MISC), if this build ships it
    and has torch to run it (a build without either annotates by hand). Only looks: importing
    torch here would cost the window's start-up a second or more."""
    if importlib.util.find_spec("torch") is None:
        return None
    path = bundled_model_location()
    return path if path.is_file() else None


def bundled_model_location() -> Path:
    """Where the bundled model is shipped, whether or not it is there (for messages)."""
    return resource_path("models", BUNDLED_MODEL_NAME)
