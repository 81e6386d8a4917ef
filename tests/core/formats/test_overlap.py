"""Reading ahead and writing behind keep order, raise every error in the caller's thread, and
leave no thread running."""

from __future__ import annotations

import threading
import time

import pytest

from ner_studio.core.errors import FormatError
from ner_studio.core.formats.overlap import WriteBehind, read_ahead


def test_items_come_in_order_and_are_produced_on_another_thread():
    producers = []

    def items():
        for k in range(50):
            producers.append(threading.current_thread())
            yield k

    assert list(read_ahead(items())) == list(range(50))
    assert threading.current_thread() not in producers


def test_at_most_one_item_waits_ahead():
    made = []

    def items():
        for k in range(10):
            made.append(k)
            yield k

    seen = []
    for k in read_ahead(items()):
        time.sleep(0.05)  # let the reader run as far as it may
        assert len(made) <= k + 3  # the one in hand, one in the queue, one being made
        seen.append(k)
    assert seen == list(range(10))


def test_a_reader_error_is_raised_in_the_caller_with_its_file_and_line():
    def items():
        yield 1
        raise FormatError("bad tag", "in.conll", 7)

    got = []
    with pytest.raises(FormatError, match=r"in.conll.*7.*bad tag|bad tag"):
        for item in read_ahead(items()):
            got.append(item)
    assert got == [1]


def test_leaving_early_stops_the_reader():
    before = threading.active_count()

    def endless():
        k = 0
        while True:
            yield k
            k += 1

    for k in read_ahead(endless()):
        if k == 3:
            break
    assert threading.active_count() == before


def test_writes_keep_their_order_on_one_background_thread():
    written, threads = [], set()

    def sink(item):
        time.sleep(0.001 * (item % 3))
        threads.add(threading.current_thread())
        written.append(item)

    with WriteBehind(sink) as behind:
        for k in range(30):
            behind.write(k)
    assert written == list(range(30))
    assert threading.current_thread() not in threads and len(threads) == 1


def test_a_write_error_is_raised_by_the_next_call():
    def sink(item):
        if item == 2:
            raise FormatError("cannot write the file: disk full", "out.jsonl")

    behind = WriteBehind(sink)
    behind.write(1)
    behind.write(2)
    with pytest.raises(FormatError, match="disk full"):
        behind.write(3)
    behind.finish()


def test_an_error_on_the_way_out_is_the_one_reported():
    def sink(item):
        raise OSError("second")

    with pytest.raises(ValueError, match="first"):
        with WriteBehind(sink) as behind:
            behind.write(1)
            raise ValueError("first")
