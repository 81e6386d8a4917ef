"""Word pieces: BERT's uncased segmentation in pure Python, and vectors composed from it."""

from __future__ import annotations

import pytest
import torch

from ner_studio.model.word_pieces import WordPieces, basic_tokens, greedy_pieces, segment

VOCABULARY = {"play", "##ing", "##s", "now", "##play", "#", "@", "user", "loo", "##o", "##ve", "cafe", "0", "##0"}


def test_pieces_are_the_longest_match_first_and_continuations_are_marked():
    assert greedy_pieces("playing", VOCABULARY) == ["play", "##ing"]
    assert greedy_pieces("nowplaying", VOCABULARY) == ["now", "##play", "##ing"]
    assert greedy_pieces("looooove", VOCABULARY) == ["loo", "##o", "##o", "##o", "##ve"]


def test_a_token_with_a_part_no_piece_matches_has_no_pieces():
    assert greedy_pieces("plaxing", VOCABULARY) is None
    assert greedy_pieces("p" * 101, {"p", "##p"}) is None  # BERT's 100-character limit


def test_punctuation_splits_and_accents_and_case_go_as_the_uncased_encoder_reads():
    assert basic_tokens("#NowPlaying") == ["#", "nowplaying"]
    assert basic_tokens("@user's") == ["@", "user", "'", "s"]
    assert basic_tokens("Café") == ["cafe"]
    assert segment("#NowPlaying", VOCABULARY) == ["#", "now", "##play", "##ing"]
    assert segment("@user", VOCABULARY) == ["@", "user"]
    assert segment("2000", VOCABULARY) == []  # "2" is no piece here: that token is left out
    assert segment("0000", VOCABULARY) == ["0", "##0", "##0", "##0"]


def test_a_words_vector_is_the_mean_of_its_pieces_vectors():
    pieces = ["play", "##ing", "now"]
    table = WordPieces(pieces, torch.tensor([[1.0, 0.0], [0.0, 1.0], [4.0, 4.0]]).half())
    assert torch.equal(table.vector("Playing"), torch.tensor([0.5, 0.5]))
    assert table.vector("zzz") is None
    positions, rows = table.vectors_of(["zzz", "now", "playing"])
    assert positions == [1, 2] and torch.equal(rows, torch.tensor([[4.0, 4.0], [0.5, 0.5]]))


def test_pieces_and_vectors_must_match_in_number():
    with pytest.raises(ValueError, match="2 pieces but 1 vectors"):
        WordPieces(["a", "b"], torch.zeros(1, 3))
