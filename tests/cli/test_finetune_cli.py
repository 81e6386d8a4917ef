"""``ner-studio finetune``: the app's recipe headless, its check scores, and bad input refused
before any training starts."""

import pytest

from ner_studio.cli import main
from ner_studio.core.learning.check_set import document_hashes
from ner_studio.core.formats import read_documents
from ner_studio.model.checkpoint import load_checkpoint
from tests.cli.test_model_cli import write_conll
from tests.model.conftest import TINY_CORPUS

NAMES = ["Anna", "Boris", "Chen", "Dana", "Emil", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Kira", "Lars"]
CITIES = ["Oslo", "Rome", "Lima", "Kyiv", "Doha", "Bern", "Riga", "Baku", "Accra", "Quito", "Hanoi", "Perth"]
DAYS = ["Monday", "Tuesday", "Friday"]


def dated_corpus(count: int):
    """``count`` distinct sentences with PER, LOC and a label the model lacks (DATE)."""
    return [(f"{NAMES[i % 12]} flew to {CITIES[(i * 5) % 12]} on {DAYS[i % 3]} number {i}",
             "S-PER O O S-LOC O S-DATE O O") for i in range(count)]


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("finetune")
    train = write_conll(folder / "train.conll", TINY_CORPUS * 3)
    path = folder / "model.pt"
    assert main(["train", str(train), str(train), "-o", str(path), "--epochs", "3", "--hidden", "16",
                 "--word-dim", "16", "--batch-size", "4", "--threads", "1"]) == 0
    return path


@pytest.fixture
def no_training(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("training started")

    monkeypatch.setattr("ner_studio.model.finetune.finetune", refuse)


def test_finetune_with_dev_learns_a_new_label_and_prints_its_scores(model, tmp_path, capsys, log_folder):
    train = write_conll(tmp_path / "train.conll", dated_corpus(30))
    dev = write_conll(tmp_path / "dev.conll", dated_corpus(36)[30:])
    out = tmp_path / "tuned.pt"
    code = main(["finetune", str(model), str(train), "--dev", str(dev), "-o", str(out), "--epochs", "2",
                 "--threads", "1"])
    printed = capsys.readouterr().out
    assert code == 0 and out.is_file()
    assert "new labels: DATE" in printed
    assert f"scores on {dev}: 6 sentences not trained on" in printed
    assert "DATE" in printed.split("scores on")[1]
    tuned = load_checkpoint(out)
    assert "DATE" in tuned.labels and tuned.metadata["parent"]["path"] == str(model)
    logged = (log_folder / "ner-studio.log").read_text(encoding="utf-8")  # what support reads
    assert f"training started: fine-tuning model.pt on 30 sentences of {train}, at most 2 epochs" in logged
    assert f"training ended: saved {out}, best epoch " in logged and f"on {dev}" in logged
    assert "Anna flew to" not in logged  # never a document's text


def test_without_dev_the_check_share_of_train_is_never_trained_on(model, tmp_path, capsys):
    train = write_conll(tmp_path / "train.conll", dated_corpus(60))
    out = tmp_path / "tuned.pt"
    base = write_conll(tmp_path / "base.conll", TINY_CORPUS)
    code = main(["finetune", str(model), str(train), "--base", str(base), "-o", str(out), "--epochs", "1",
                 "--threads", "1"])
    assert code == 0
    assert "the check share of" in capsys.readouterr().out
    trained = set(load_checkpoint(out).metadata["trained_on"]["sentence_hashes"])
    from ner_studio.core.learning.check_set import check_sentences

    [doc] = read_documents(train)
    hashes = document_hashes(doc)
    held = {hashes[k] for k in check_sentences(doc)}
    assert held and not held & trained
    assert set(hashes) - held <= trained


@pytest.mark.parametrize("case, message", [
    ("no_entities", "no annotated entities"),
    ("dev_only_label", "label DATE only in DEV"),
    ("too_few", "at least 10 reviewed sentences"),
    ("output_is_folder", "is a folder"),
    ("output_is_input", "is also an input"),
    ("output_folder_missing", "does not exist"),
])
def test_bad_input_is_one_clear_line_before_training(model, tmp_path, capsys, no_training, case, message):
    train = write_conll(tmp_path / "train.conll", dated_corpus(30))
    dev = write_conll(tmp_path / "dev.conll", dated_corpus(36)[30:])
    out = tmp_path / "out.pt"
    if case == "no_entities":
        train = write_conll(tmp_path / "plain.conll", [("nothing here at all", "O O O O")] * 12)
    elif case == "dev_only_label":
        train = write_conll(tmp_path / "train.conll", TINY_CORPUS * 2)
    elif case == "too_few":
        train = write_conll(tmp_path / "train.conll", dated_corpus(5))
    elif case == "output_is_folder":
        out = tmp_path
    elif case == "output_is_input":
        out = train
    else:
        out = tmp_path / "missing" / "out.pt"
    code = main(["finetune", str(model), str(train), "--dev", str(dev), "-o", str(out), "--threads", "1"])
    error = capsys.readouterr().err.strip()
    assert code == 2
    assert error.startswith("ner-studio finetune: error:") and message in error and "\n" not in error
    assert not (tmp_path / "out.pt").exists()


def test_default_names_the_bundled_model_which_is_never_overwritten(tmp_path, capsys, no_training):
    from ner_studio.resources import bundled_model_path as default_model_path

    train = write_conll(tmp_path / "train.conll", dated_corpus(30))
    code = main(["finetune", "default", str(train), "-o", str(default_model_path())])
    assert code == 2 and "is also an input" in capsys.readouterr().err


def test_text_vectors_read_the_projects_other_documents(model, tmp_path, capsys):
    train = write_conll(tmp_path / "train.conll", dated_corpus(30))
    notes = tmp_path / "notes.txt"
    notes.write_text("Kira flew to Tokyo on Monday.\n\nDana left Tokyo on Friday.\n", encoding="utf-8")
    out = tmp_path / "tuned.pt"
    code = main(["finetune", str(model), str(train), "--text", str(notes), "-o", str(out), "--epochs", "1",
                 "--threads", "1"])
    assert code == 0
    assert "text vectors:" in capsys.readouterr().out
    tuned = load_checkpoint(out)
    assert "tokyo" in tuned.vocabs.words  # in no annotated sentence: it came from the text
    assert tuned.metadata["finetune"]["text_vectors"] is True and str(notes) in tuned.metadata["documents"]


def test_a_missing_text_file_is_one_clear_line_before_training(model, tmp_path, capsys, no_training):
    train = write_conll(tmp_path / "train.conll", dated_corpus(30))
    code = main(["finetune", str(model), str(train), "--text", str(tmp_path / "absent.txt"),
                 "-o", str(tmp_path / "out.pt")])
    error = capsys.readouterr().err.strip()
    assert code == 2 and "absent.txt" in error and "\n" not in error


def test_without_text_vectors_new_words_start_unknown(model, tmp_path, capsys):
    train = write_conll(tmp_path / "train.conll", dated_corpus(30))
    out = tmp_path / "tuned.pt"
    assert main(["finetune", str(model), str(train), "--no-text-vectors", "-o", str(out), "--epochs", "1",
                 "--threads", "1"]) == 0
    assert "text vectors:" not in capsys.readouterr().out
    tuned = load_checkpoint(out)
    assert tuned.metadata["finetune"]["text_vectors"] is False and tuned.metadata["text_vectors"] is None


def test_text_files_without_text_vectors_are_refused(model, tmp_path, capsys, no_training):
    train = write_conll(tmp_path / "train.conll", dated_corpus(30))
    notes = tmp_path / "notes.txt"
    notes.write_text("Kira flew to Tokyo.\n", encoding="utf-8")
    code = main(["finetune", str(model), str(train), "--text", str(notes), "--no-text-vectors",
                 "-o", str(tmp_path / "out.pt")])
    assert code == 2 and "--text is read only for the text vectors" in capsys.readouterr().err


def test_self_training_learns_the_text_files_unlabelled_sentences(model, tmp_path, capsys):
    train = write_conll(tmp_path / "train.conll", dated_corpus(30))
    notes = tmp_path / "notes.txt"
    notes.write_text("Kira flew to Oslo on Monday number 7.\n\nDana flew to Rome on Friday number 9.\n", encoding="utf-8")
    out = tmp_path / "tuned.pt"
    code = main(["finetune", str(model), str(train), "--text", str(notes), "--self-train", "0.0001", "-o", str(out),
                 "--epochs", "2", "--threads", "1"])
    printed = capsys.readouterr().out
    assert code == 0 and "self-training: " in printed and " of 2 unlabelled pseudo-labelled" in printed
    tuned = load_checkpoint(out)
    report = tuned.metadata["self_training"]
    assert report["unlabelled_sentences"] == 2 and report["threshold"] == 0.0001
    assert ("kept" if report["kept"] else "not kept") in printed
    # TRAIN given again as text: its check share is scored, so it is never pseudo-labelled.
    code = main(["finetune", str(model), str(train), "--text", str(notes), "--text", str(train), "--self-train",
                 "0.0001", "-o", str(tmp_path / "again.pt"), "--epochs", "1", "--threads", "1", "--force"])
    assert code == 0 and load_checkpoint(tmp_path / "again.pt").metadata["self_training"]["unlabelled_sentences"] == 2


@pytest.mark.parametrize("arguments, message", [
    (["--self-train", "1.5", "--text", "NOTES"], "--self-train 1.5: a probability between 0 and 1"),
    (["--self-train", "-0.1", "--text", "NOTES"], "--self-train -0.1: a probability between 0 and 1"),
    (["--self-train", "0.9"], "--self-train learns from the sentences of --text files"),
])
def test_bad_self_training_options_are_one_clear_line_before_training(model, tmp_path, capsys, no_training,
                                                                      arguments, message):
    train = write_conll(tmp_path / "train.conll", dated_corpus(30))
    notes = tmp_path / "notes.txt"
    notes.write_text("Kira flew to Tokyo.\n", encoding="utf-8")
    arguments = [str(notes) if a == "NOTES" else a for a in arguments]
    code = main(["finetune", str(model), str(train), *arguments, "-o", str(tmp_path / "out.pt")])
    error = capsys.readouterr().err.strip()
    assert code == 2 and message in error and "\n" not in error
    assert not (tmp_path / "out.pt").exists()
