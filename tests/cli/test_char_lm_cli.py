"""A character language model built by ``scripts/build_char_lm.py``, read by ``ner-studio finetune
--char-lm``, carried by the result into ``ner-studio predict``; a bad file refused in one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ner_studio.cli import main
from ner_studio.model.char_lm import load_char_lm
from ner_studio.model.checkpoint import load_checkpoint
from tests.cli.test_finetune_cli import dated_corpus, model, no_training  # noqa: F401 - fixtures
from tests.cli.test_model_cli import write_conll

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_char_lm.py"


def build(tmp_path, *arguments) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), "--no-conll", "--hidden", "8", "--embedding", "4",
                           "--seconds", "0.5", *map(str, arguments)], check=False, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def lm_file(tmp_path_factory):
    """Built as the results file says: one direction per process, then joined."""
    folder = tmp_path_factory.mktemp("lm")
    text = write_conll(folder / "text.conll", dated_corpus(40))
    for direction in ("left_to_right", "right_to_left"):
        done = build(folder, "--text", text, "--direction", direction, "-o", folder / f"{direction}.pt")
        assert done.returncode == 0, done.stderr
        assert f"{direction}: " in done.stdout
    path = folder / "lm.pt"
    joined = subprocess.run([sys.executable, str(SCRIPT), "--join", folder / "left_to_right.pt",
                             folder / "right_to_left.pt", "-o", path], check=False, capture_output=True, text=True, timeout=300)
    assert joined.returncode == 0, joined.stderr
    return path


def test_the_built_model_holds_both_trained_directions_and_says_what_it_read(lm_file, tmp_path):
    lm, metadata = load_char_lm(lm_file)
    assert set(metadata["training"]) == {"left_to_right", "right_to_left"}
    assert metadata["sources"]["conll2003_train_documents"] == 0 and len(metadata["sources"]["text_files"]) == 1
    left, right = load_char_lm(lm_file.parent / "left_to_right.pt")[0], load_char_lm(lm_file.parent / "right_to_left.pt")[0]
    state = lm.state_dict()
    assert all((state[k] == v).all() for k, v in left.state_dict().items() if k.startswith("left_to_right."))
    assert all((state[k] == v).all() for k, v in right.state_dict().items() if k.startswith("right_to_left."))


def test_finetune_with_a_char_lm_tags_with_it_in_predict(model, lm_file, tmp_path, capsys):  # noqa: F811
    train = write_conll(tmp_path / "train.conll", dated_corpus(30))
    out = tmp_path / "tuned.pt"
    code = main(["finetune", str(model), str(train), "--char-lm", str(lm_file), "-o", str(out), "--epochs", "2",
                 "--threads", "1"])
    printed = capsys.readouterr().out
    assert code == 0 and f"character language model: 16 features per word, from {lm_file}" in printed
    tuned = load_checkpoint(out)
    assert tuned.model.char_lm is not None and tuned.metadata["finetune"]["char_lm"] == str(lm_file)
    text = tmp_path / "new.txt"
    text.write_text("Kira flew to Oslo on Monday number 7.\n", encoding="utf-8")
    tagged = tmp_path / "new.jsonl"
    assert main(["predict", str(out), str(text), "-o", str(tagged), "--threads", "1"]) == 0
    record = json.loads(tagged.read_text(encoding="utf-8").splitlines()[0])
    assert record["text"].startswith("Kira flew to Oslo")
    assert {entity["label"] if isinstance(entity, dict) else entity[2] for entity in record["spans"]} <= {
        "PER", "LOC", "DATE", "ORG", "MISC"}


def test_a_bad_char_lm_file_is_one_clear_line_before_training(model, tmp_path, capsys, no_training):  # noqa: F811
    train = write_conll(tmp_path / "train.conll", dated_corpus(30))
    for bad, says in ((train, "not a readable character language model"), (tmp_path / "none.pt", "no such")):
        code = main(["finetune", str(model), str(train), "--char-lm", str(bad), "-o", str(tmp_path / "out.pt")])
        error = capsys.readouterr().err.strip()
        assert code == 2 and says in error and str(bad.name) in error and "\n" not in error
        assert not (tmp_path / "out.pt").exists()


def test_start_trains_on_from_a_model_of_the_same_text_only(lm_file, tmp_path):
    folder = lm_file.parent
    text = folder / "text.conll"
    done = build(tmp_path, "--text", text, "--direction", "left_to_right", "--start", folder / "left_to_right.pt",
                 "-o", tmp_path / "more.pt")
    assert done.returncode == 0, done.stderr
    report = load_char_lm(tmp_path / "more.pt")[1]["training"]["left_to_right"]
    assert report["earlier"]["steps"] > 0 and report["steps"] > 0
    other = write_conll(tmp_path / "other.conll", [("zz qq xx", "O O O")] * 40)
    refused = build(tmp_path, "--text", other, "--start", folder / "left_to_right.pt", "-o", tmp_path / "no.pt")
    assert refused.returncode != 0 and "its table differs" in refused.stderr and not (tmp_path / "no.pt").exists()
