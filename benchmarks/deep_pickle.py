"""A checkpoint whose model card is lists nested ``depth`` deep, as an attacker (or a bug)
would write it: shared by the robustness benchmark (``robustness.py``, 100,000 levels) and the
checkpoint test (``tests/model/test_checkpoint.py``, 20,000), which had one copy each.

Pickling that deep recurses once a level, so the file is written in a thread with a deep
stack and a raised recursion limit, as whoever made the file had; a failure there is raised
here, not printed by the thread and lost.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path


def nested_lists(depth: int) -> list:
    """``[[[…]]]``, ``depth`` lists deep (built by a loop: no recursion)."""
    deep: list = []
    for _ in range(depth):
        deep = [deep]
    return deep


def save_with_deep_card(payload: dict, path: str | Path, depth: int) -> None:
    """``payload`` (a checkpoint's dict, as ``torch.load(..., weights_only=True)`` gives it)
    saved to ``path`` with ``metadata["card"]`` lists nested ``depth`` deep."""
    import torch

    payload = {**payload, "metadata": {**payload["metadata"], "card": nested_lists(depth)}}
    failures: list[BaseException] = []

    def save() -> None:
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(depth * 10)
        try:
            torch.save(payload, path)
        except BaseException as error:  # noqa: BLE001 - handed to the caller's thread
            failures.append(error)
        finally:
            sys.setrecursionlimit(limit)

    threading.stack_size(max(256 * 2**20, depth * 5400))  # ~5 kB of C stack a level, measured at 100,000
    try:
        thread = threading.Thread(target=save)
        thread.start()
        thread.join()
    finally:
        threading.stack_size(0)
    if failures:
        raise failures[0]
