"""core/heap.py: freed memory goes back to the system, and module sources are not kept."""

from __future__ import annotations

import linecache
import sys

from ner_studio.core import heap


def test_freed_memory_is_returned_on_glibc():
    assert heap.release_freed_memory() is sys.platform.startswith("linux")


def test_the_source_lines_read_for_imports_are_dropped():
    linecache.getlines(heap.__file__)
    assert heap.__file__ in linecache.cache
    heap.forget_source_lines()
    assert heap.__file__ not in linecache.cache
    assert "release_freed_memory" in "".join(linecache.getlines(heap.__file__))  # read again when needed
