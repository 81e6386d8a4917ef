import pickle
import zipfile

import pytest
import torch

from benchmarks.deep_pickle import save_with_deep_card
from ner_studio.core.errors import CheckpointError
from ner_studio.model.checkpoint import FORMAT_VERSION, load_checkpoint, save_checkpoint
from ner_studio.model.predict import TorchPredictor
from tests.model.conftest import make_model


@pytest.fixture
def saved(tmp_path, vocabs):
    path = tmp_path / "model.pt"
    model = make_model(vocabs).eval()
    save_checkpoint(path, model, vocabs, ["LOC", "MISC", "ORG", "PER"], "bioes", {"note": "tiny", "scores": [1.0]})
    return path, model


@pytest.mark.parametrize("decoder", ["crf", "softmax"])
def test_save_load_gives_identical_predictions(tmp_path, vocabs, examples, decoder):
    model = make_model(vocabs, decoder).eval()
    path = tmp_path / "m.pt"
    save_checkpoint(path, model, vocabs, ["LOC", "MISC", "ORG", "PER"], "bioes")
    with torch.no_grad():  # the file keeps the word embedding in half precision: compare with that
        model.word_embedding.weight.copy_(model.word_embedding.weight.half().float())
    words = [w for w, _ in examples] + [["Unseen", "words", "here"]]
    from ner_studio.model.checkpoint import LoadedModel

    before = TorchPredictor(LoadedModel(model, vocabs, ["LOC", "MISC", "ORG", "PER"], "bioes", {})).predict_sentences(words)
    after = TorchPredictor.load(path).predict_sentences(words)
    assert before == after


def test_word_embedding_is_stored_in_half_precision_and_loads_as_float32(saved):
    path, model = saved
    stored = torch.load(path, weights_only=True)["state_dict"]
    assert stored["word_embedding.weight"].dtype == torch.float16
    assert stored["lstm.weight_ih_l0"].dtype == torch.float32  # the rest stays as trained
    loaded = load_checkpoint(path).model
    assert loaded.word_embedding.weight.dtype == torch.float32
    assert torch.allclose(loaded.word_embedding.weight, model.word_embedding.weight, rtol=1e-3, atol=1e-4)
    assert all(torch.equal(v, model.state_dict()[k]) for k, v in loaded.state_dict().items() if k != "word_embedding.weight")


def test_metadata_and_vocabularies_survive(saved, vocabs):
    loaded = load_checkpoint(saved[0])
    assert loaded.metadata == {"note": "tiny", "scores": [1.0]}
    assert loaded.vocabs.to_dict() == vocabs.to_dict()
    assert loaded.labels == ["LOC", "MISC", "ORG", "PER"] and loaded.scheme == "bioes"
    assert loaded.model.config == saved[1].config


def test_file_loads_with_weights_only(saved):
    payload = torch.load(saved[0], weights_only=True)
    assert payload["format_version"] == FORMAT_VERSION


def rewrite(path, change):
    payload = torch.load(path, weights_only=True)
    change(payload)
    torch.save(payload, path)


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]), "not a readable model file"),
        (lambda p: p.write_bytes(b"\x00garbage" * 100), "not a readable model file"),
        (lambda p: p.write_text("hello"), "not a readable model file"),
        (lambda p: torch.save({"weights": torch.zeros(2)}, p), "not an NER Studio model"),
        (lambda p: torch.save([1, 2, 3], p), "not an NER Studio model"),
        (lambda p: rewrite(p, lambda d: d.update(format_version=FORMAT_VERSION + 1)), "newer NER Studio"),
        (lambda p: rewrite(p, lambda d: d.pop("vocab")), "lacks vocab"),
        (lambda p: rewrite(p, lambda d: d["state_dict"].pop("output.weight")), "inconsistent"),
        (lambda p: rewrite(p, lambda d: d["vocab"].update(tags=["O", "S-NEW"])), "inconsistent"),
        (lambda p: rewrite(p, lambda d: d["vocab"]["words"]["lengths"].add_(1)), "inconsistent"),
        (lambda p: rewrite(p, lambda d: d["vocab"]["words"].update(lengths=[1, 2])), "inconsistent"),
        (lambda p: rewrite(p, lambda d: d.update(vocab=[1, 2])), "inconsistent"),
        (lambda p: p.unlink(), "no such model file"),
    ],
    ids=["truncated", "garbage", "text", "foreign-dict", "foreign-list", "newer", "no-vocab",
         "missing-weight", "wrong-shape", "vocab-lengths", "vocab-lengths-list", "vocab-list", "missing-file"],
)
def test_bad_files_raise_checkpoint_error(saved, damage, message):
    path = saved[0]
    damage(path)
    with pytest.raises(CheckpointError, match=message) as error:
        load_checkpoint(path)
    assert str(path) in str(error.value)


class Evil:
    def __reduce__(self):
        return (print, ("this must never run",))


def test_pickled_objects_are_refused_not_executed(tmp_path, capsys):
    path = tmp_path / "evil.pt"
    torch.save({"format": "ner-studio-tagger", "payload": Evil()}, path)
    with pytest.raises(CheckpointError):
        load_checkpoint(path)
    assert "must never run" not in capsys.readouterr().out


def test_plain_pickle_and_empty_zip_are_refused(tmp_path):
    pickled = tmp_path / "p.pt"
    pickled.write_bytes(pickle.dumps({"format": "ner-studio-tagger"}))
    empty = tmp_path / "z.pt"
    zipfile.ZipFile(empty, "w").close()
    for path in (pickled, empty):
        with pytest.raises(CheckpointError):
            load_checkpoint(path)


def test_save_is_atomic_and_leaves_no_temporary_files(saved, vocabs):
    path, model = saved
    save_checkpoint(path, model, vocabs, ["PER"], "bioes")
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_a_model_card_nested_too_deeply_is_a_clear_error(tmp_path, saved):
    """Issue 24: the unpickler reads any depth; writing the card as JSON later recursed."""
    target = tmp_path / "deep.pt"
    save_with_deep_card(torch.load(saved[0], weights_only=True), target, 20_000)
    with pytest.raises(CheckpointError, match="nested too deeply"):
        load_checkpoint(target)
    assert load_checkpoint(saved[0]).metadata["note"] == "tiny"
