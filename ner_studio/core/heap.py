"""Give the memory freed by big transient work back to the system, and keep none for nothing.

Tagging a 250k-character part allocates ~100-150 MB of tensors and Python objects in the
threads that tag it, and frees them; glibc's allocator keeps what they freed in each thread's
arena, so the process grew by ~30 MB with every part of a big file, freed memory that no
other thread could reuse (benchmarks/results/2026-12-07-1mb-report.md). ``malloc_trim``
returns the free pages of every arena; a few milliseconds, with the interpreter lock released.
Elsewhere than glibc (macOS, Windows, musl) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import linecache
import sys
from functools import lru_cache


@lru_cache(maxsize=1)
def _malloc_trim():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim  # glibc only
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def release_freed_memory() -> bool:
    """Return the allocator's free pages to the system; True if it could."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


def forget_source_lines() -> None:
    """Drop the source lines ``linecache`` keeps. Once PySide6 is imported, its import hook
    reads the source of every module imported after it (to see whether it uses PySide's
    ``__feature__`` switches), and ``linecache`` keeps them: torch's ~830 modules leave ~17 MB
    of text in ~35 MB of string objects, for nothing. Tracebacks read what they need again."""
    linecache.clearcache()
