"""Rows for more words of a vectors file, added to a trained model, and a word-piece table
(``model.grow.with_vector_words``, ``with_word_pieces``; scripts/extend_vocabulary.py): the old
rows and the tags of text the model knew stay exactly as they were, and the file loads with
``weights_only=True``."""

from __future__ import annotations

import copy

import torch

from ner_studio.model.checkpoint import load_checkpoint, save_checkpoint
from ner_studio.model.finetune import finetune
from ner_studio.model.grow import with_vector_words, with_word_pieces
from ner_studio.model.network import BiLSTMNetwork
from ner_studio.model.predict import TorchPredictor
from ner_studio.model.training import TrainingConfig, train_model
from ner_studio.model.batching import encode_sentence
from ner_studio.model.vocab import UNK_INDEX
from ner_studio.model.word_pieces import WordPieces
from tests.model.conftest import TINY_CORPUS, make_model
from tests.model.test_finetune import DATE_CORPUS, documents, parent, quick_options  # noqa: F401 - fixture

DIMENSION = 16
NEW_WORDS = ["seattle", "netflix", "paris", "tmrw"]  # "paris" the model already has


def vectors(count: int, seed: int = 1) -> torch.Tensor:
    return torch.randn(count, DIMENSION, generator=torch.Generator().manual_seed(seed))


def sentences() -> list[list[str]]:
    return [words.split() for words, _ in TINY_CORPUS]


def test_added_rows_hold_their_vectors_and_every_old_row_and_tag_is_unchanged(parent):  # noqa: F811
    table = vectors(len(NEW_WORDS))
    grown, added = with_vector_words(parent, NEW_WORDS, table)
    assert added == 3
    old, new = parent.model.state_dict(), grown.model.state_dict()
    assert all(torch.equal(old[k], new[k]) for k in old if k != "word_embedding.weight")
    size = len(parent.vocabs.words)
    assert torch.equal(new["word_embedding.weight"][:size], old["word_embedding.weight"])
    assert grown.vocabs.words.to_list()[:size] == parent.vocabs.words.to_list()
    for k, word in ((0, "seattle"), (1, "netflix"), (3, "tmrw")):
        assert torch.equal(grown.model.word_embedding.weight[grown.vocabs.words.index(word)], table[k])
    before = TorchPredictor(parent).predict_sentences(sentences())
    after = TorchPredictor(grown).predict_sentences(sentences())
    assert [p.tags for p in after] == [p.tags for p in before]
    assert [p.entities for p in after] == [p.entities for p in before]
    # A word the model lacked is read from its vector now, no longer as <unk>.
    assert grown.vocabs.encode_words(["Seattle"]) != [UNK_INDEX] == parent.vocabs.encode_words(["Seattle"])


def test_a_row_training_never_uses_stays_exactly_its_start_vector(vocabs, examples):
    """The claim behind adding rows after training: Adam (no weight decay), clipping, the
    weight average and <unk> for singletons leave a row nobody's sentence holds untouched."""
    for word in NEW_WORDS:
        vocabs.words.add(word)
    model = make_model(vocabs)
    unused = [vocabs.words.index(w) for w in NEW_WORDS if w != "paris"]
    start = model.word_embedding.weight.detach()[unused].clone()
    used = vocabs.words.index("john")
    before_used = model.word_embedding.weight.detach()[used].clone()
    encoded = [encode_sentence(vocabs, w, t) for w, t in examples]
    config = TrainingConfig(epochs=3, batch_size=2, patience=3, learning_rate=0.05, singleton_unk=0.5,
                            weight_average=0.9, threads=1)
    train_model(model, vocabs, encoded, encoded, config)
    assert torch.equal(model.word_embedding.weight.detach()[unused], start)
    assert not torch.equal(model.word_embedding.weight.detach()[used], before_used)  # training did run


def test_a_file_with_pieces_loads_with_weights_only_and_keeps_rows_and_pieces(tmp_path, parent):  # noqa: F811
    grown, _ = with_vector_words(parent, NEW_WORDS, vectors(len(NEW_WORDS)))
    pieces = ["play", "##ing", "tm", "##r", "##w", "now"]
    grown = with_word_pieces(grown, pieces, vectors(len(pieces), seed=2))
    save_checkpoint(tmp_path / "m.pt", grown.model, grown.vocabs, grown.labels, grown.scheme, grown.metadata)
    payload = torch.load(tmp_path / "m.pt", weights_only=True)
    assert payload["state_dict"]["piece_vectors"].dtype == torch.float16  # stored compactly
    assert payload["vocab"]["pieces"]["text"] == "".join(pieces)  # packed (model/checkpoint.py)
    loaded = load_checkpoint(tmp_path / "m.pt")
    assert loaded.model.config.word_pieces == len(pieces) and loaded.vocabs.pieces.to_list() == pieces
    assert loaded.model.piece_vectors.dtype == torch.float32
    assert torch.equal(loaded.model.piece_vectors, grown.model.piece_vectors.half().float())
    assert loaded.vocabs.words.to_list() == grown.vocabs.words.to_list()
    before = TorchPredictor(parent).predict_sentences(sentences())
    assert [p.tags for p in TorchPredictor(loaded).predict_sentences(sentences())] == [p.tags for p in before]


def test_fine_tuning_starts_new_words_from_their_pieces_and_keeps_the_table(parent):  # noqa: F811
    pieces = ["mon", "##day", "fri", "on", "came", "the", "meeting", "is", "left"]
    with_pieces = with_word_pieces(parent, pieces, vectors(len(pieces), seed=3))
    table = WordPieces(pieces, with_pieces.model.piece_vectors)
    started = {}
    original = BiLSTMNetwork.train_word_rows

    def record_start(self, rows):  # the rows as training receives them
        if rows is not None and not started:
            started["weight"] = self.word_embedding.weight.detach().clone()
        return original(self, rows)

    BiLSTMNetwork.train_word_rows = record_start
    try:
        result = finetune(with_pieces, documents(DATE_CORPUS),
                          options=quick_options(epochs=1, text_vectors=False, piece_vectors=True))
    finally:
        BiLSTMNetwork.train_word_rows = original
    words = result.loaded.vocabs.words
    assert torch.allclose(started["weight"][words.index("monday")], table.vector("monday"))
    assert result.loaded.metadata["piece_vectors"] >= 1
    assert torch.equal(result.loaded.model.piece_vectors, with_pieces.model.piece_vectors)
    assert result.loaded.vocabs.pieces.to_list() == pieces


def test_the_extension_script_adds_the_files_new_words_and_pieces(tmp_path, parent):  # noqa: F811
    """scripts/extend_vocabulary.py end to end: a file of the model's own vector words first
    (their rows checked against it), then new ones; a pieces file; the result loads."""
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "scripts" / "extend_vocabulary.py"
    spec = importlib.util.spec_from_file_location("extend_vocabulary", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    own = ["paris", "berlin"]  # rows the parent has; their vectors are its rows (as if untrained)
    table = parent.model.word_embedding.weight.detach()
    rows = [table[parent.vocabs.words.index(w)] for w in own] + list(vectors(2))
    lines = [f"{w} {' '.join(f'{x:.6f}' for x in row.tolist())}\n" for w, row in zip(own + ["Seattle", "tmrw"], rows)]
    (tmp_path / "v.txt").write_text("".join(lines), encoding="utf-8")
    (tmp_path / "p.txt").write_text("".join(f"{p} {' '.join(['0.5'] * DIMENSION)}\n" for p in ["tm", "##rw"]),
                                    encoding="utf-8")
    save_checkpoint(tmp_path / "m.pt", parent.model, parent.vocabs, parent.labels, parent.scheme, parent.metadata)
    assert module.main(["--vectors", str(tmp_path / "v.txt"), "--pieces", str(tmp_path / "p.txt"), "--fit-words", "2",
                        "--model", str(tmp_path / "m.pt"), "-o", str(tmp_path / "out.pt")]) == 0
    out = load_checkpoint(tmp_path / "out.pt")
    assert out.vocabs.words.to_list()[-2:] == ["seattle", "tmrw"]
    assert out.vocabs.pieces.to_list() == ["tm", "##rw"]
    assert out.metadata["vocabulary_extension"]["rows_added"] == 2
    assert out.metadata["vocabulary_extension"]["unchanged_rows"] == [2, 2]


def test_the_map_onto_a_model_is_fitted_on_the_rows_training_never_moved(tmp_path, parent):  # noqa: F811
    """build_word_vectors.py --onto: the model's untouched rows are a linear map of the
    encodings; the fit recovers it although the rows of the training words moved."""
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "scripts" / "build_word_vectors.py"
    spec = importlib.util.spec_from_file_location("build_word_vectors", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    words = parent.vocabs.words.to_list()[2:]
    generator = torch.Generator().manual_seed(4)
    encoded = torch.randn(len(words), 8, generator=generator)
    truth = torch.randn(9, DIMENSION, generator=generator)
    model = copy.deepcopy(parent.model)  # the fixture's model stays as it is
    rows = torch.cat([encoded, torch.ones(len(words), 1)], dim=1) @ truth
    trained = set(words[::3])
    rows[[k for k, w in enumerate(words) if w in trained]] += 0.5  # training moved these
    with torch.no_grad():
        model.word_embedding.weight[2:] = rows
    save_checkpoint(tmp_path / "m.pt", model, parent.vocabs, parent.labels, parent.scheme, parent.metadata)
    weights, within, fitted = module.fit_onto_model(words, encoded, tmp_path / "m.pt", trained)
    assert fitted == len(words) - len(trained) and within == fitted
    assert torch.allclose(weights, truth, atol=0.01)
