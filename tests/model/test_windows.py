"""Overlong sentences are tagged in windows and joined deterministically (model/windows.py)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ner_studio.model.batching import length_buckets
from ner_studio.model.decoding import SentencePrediction, SentenceUncertainty
from ner_studio.model.windows import MAX_WINDOW, join_windows, split_windows

TAGS = ["O", "S-PER", "B-LOC", "E-LOC"]


def test_short_sentences_pass_through_untouched():
    sentences = [["a", "b"], ["c"]]
    words, documents, windows = split_windows(sentences, [0, 0])
    assert words is sentences and documents == [0, 0] and windows is None


@given(extra=st.integers(1, 2000), size=st.integers(4, 300), overlap_share=st.floats(0, 0.9))
@settings(max_examples=60, deadline=None)
def test_windows_own_every_token_once(extra, size, overlap_share):
    n, overlap = size + extra, int(size * overlap_share)
    words, documents, windows = split_windows([[str(i) for i in range(n)], ["x"]], [7, 8], size=size,
                                              overlap=overlap)
    assert all(len(w) <= size for w in words)
    owned = [window.offset + k for window in windows if window.sentence == 0
             for k in range(window.own_from, window.own_to)]
    assert owned == list(range(n))
    assert documents == [7] * (len(windows) - 1) + [8]
    for w, window in zip(words, windows):
        if window.sentence == 0:
            assert w == [str(i) for i in range(window.offset, window.offset + len(w))]


def prediction(n, entities, mnlp=-0.1):
    path = [0] * n
    for first, last, _, _ in entities:
        path[first] = 2
        path[last - 1] = 3
    return SentencePrediction(path, TAGS, entities, SentenceUncertainty(0.1, mnlp, 0.2))


def test_join_takes_each_entity_from_the_window_owning_its_start():
    _, _, windows = split_windows([[f"w{i}" for i in range(20)]], None, size=10, overlap=4)
    assert [(w.offset, w.own_from, w.own_to) for w in windows] == [(0, 0, 8), (6, 2, 8), (12, 2, 8)]
    parts = [
        prediction(10, [(1, 3, "LOC", 0.9), (7, 10, "LOC", 0.8)]),  # [7, 10) starts in its own part
        prediction(10, [(0, 3, "LOC", 0.5), (3, 5, "LOC", 0.7)]),  # 6..9 not owned; 9..11 overlaps 7..10
        prediction(8, [(4, 6, "PER", 0.6)]),
    ]
    [joined] = join_windows(parts, windows)
    assert joined.entities == [(1, 3, "LOC", 0.9), (7, 10, "LOC", 0.8), (16, 18, "PER", 0.6)]
    assert len(joined.path) == 20 and joined.path[7] == 2 and joined.path[9] == 3
    assert joined.uncertainty.mnlp == pytest.approx(-0.1)
    assert join_windows(parts, windows) == [joined]  # deterministic


def test_batches_are_bounded_by_tokens():
    lengths = [256] * 300 + [10] * 50
    buckets = length_buckets(lengths, 256, max_tokens=64 * 256)
    assert all(max(lengths[i] for i in b) * len(b) <= 64 * 256 for b in buckets)
    assert sorted(i for b in buckets for i in b) == list(range(350))
    assert length_buckets([3, 1, 2], 2, max_tokens=1000) == length_buckets([3, 1, 2], 2)
    assert length_buckets([5000], 256, max_tokens=100) == [[0]]  # one sentence always fits


def test_the_default_model_tags_a_sentence_without_end(tmp_path):
    from ner_studio.model.predict import TorchPredictor
    from ner_studio.resources import bundled_model_path

    tagger = TorchPredictor.load(bundled_model_path(), quantize=True)
    words = "John Smith flew from Paris to Berlin on Monday and".split() * 100  # 1,000 tokens
    [long] = tagger.predict_sentences([words])
    assert len(long.path) == len(words) > MAX_WINDOW
    firsts = [e[0] for e in long.entities]
    assert firsts == sorted(firsts)
    assert all(a[1] <= b[0] for a, b in zip(long.entities, long.entities[1:]))  # no overlaps
    paris = [i for i, w in enumerate(words) if w == "Paris"]
    found = {e[0] for e in long.entities if e[2] == "LOC" and e[1] - e[0] == 1}
    assert len(found & set(paris)) >= 0.9 * len(paris)
    assert tagger.predict_sentences([words]) == [long]
