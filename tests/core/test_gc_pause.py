"""The collector's pause and setting long-lived objects aside (core/gc_pause.py)."""

from __future__ import annotations

import gc

import pytest

from ner_studio.core import gc_pause


def test_paused_gc_nests_and_restores_the_collector():
    assert gc.isenabled()
    with gc_pause.paused_gc():
        with gc_pause.paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.fixture
def unfrozen_after():
    """The rest of the test process keeps its collector as it was."""
    yield
    gc.unfreeze()


def test_set_aside_freezes_what_is_alive_once_and_leaves_later_objects_to_the_collector(monkeypatch, unfrozen_after):
    monkeypatch.setattr(gc_pause, "_set_aside", False)
    kept = [[n] for n in range(1000)]  # alive at the time: set aside
    gc_pause.set_aside()
    frozen = gc.get_freeze_count()
    assert frozen >= len(kept)
    later = [[n] for n in range(1000)]
    gc_pause.set_aside()  # a second time does nothing: later objects stay the collector's
    assert gc.get_freeze_count() == frozen
    assert all(gc.is_tracked(x) for x in later)
    del kept[:]  # frozen objects are still freed when their last reference goes
    assert gc.get_freeze_count() < frozen

