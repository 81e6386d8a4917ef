"""``ner-studio convert`` through ``cli.main`` and once through the installed console script."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ner_studio.cli import main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TWO_COLUMNS = "-DOCSTART- O\n\nEU B-ORG\nrejects O\nGerman B-MISC\ncall O\n\nPeter B-PER\nBlackburn I-PER\n\n"


@pytest.fixture
def conll(tmp_path):
    path = tmp_path / "in.conll"
    path.write_text(TWO_COLUMNS)
    return path


def test_conll_to_jsonl_and_back(conll, tmp_path, capsys):
    jsonl = tmp_path / "out.jsonl"
    assert main(["convert", str(conll), str(jsonl)]) == 0
    assert "converted 1 document (6 tokens, 3 entities)" in capsys.readouterr().out
    record = json.loads(jsonl.read_text())
    assert [(record["text"][s["start"]:s["end"]], s["label"]) for s in record["spans"]] == [
        ("EU", "ORG"), ("German", "MISC"), ("Peter Blackburn", "PER")]
    back = tmp_path / "back.conll"
    assert main(["convert", str(jsonl), str(back)]) == 0
    assert back.read_text() == TWO_COLUMNS


def test_scheme_option(conll, tmp_path):
    out = tmp_path / "out.bio"
    assert main(["convert", str(conll), str(out), "--scheme", "bioes"]) == 0
    assert "Peter B-PER\nBlackburn E-PER\n" in out.read_text() and "EU S-ORG" in out.read_text()


def test_scheme_with_jsonl_output_is_noted(conll, tmp_path, capsys):
    assert main(["convert", str(conll), str(tmp_path / "o.jsonl"), "--scheme", "iob1"]) == 0
    assert "only applies to CoNLL" in capsys.readouterr().err


def test_formats_by_option(tmp_path):
    source = tmp_path / "eng.train"
    source.write_text("Rome B-LOC\nis O\n")
    out = tmp_path / "result.data"
    assert main(["convert", str(source), str(out), "--from", "conll", "--to", "jsonl"]) == 0
    assert json.loads(out.read_text())["spans"][0]["label"] == "LOC"


def test_plain_text_input(tmp_path):
    source = tmp_path / "note.txt"
    source.write_text("Hello there. Bye.\n")
    out = tmp_path / "note.conll"
    assert main(["convert", str(source), str(out)]) == 0
    assert out.read_text() == "-DOCSTART- O\n\nHello O\nthere O\n. O\n\nBye O\n. O\n\n"


@pytest.mark.parametrize(
    "content, message",
    [
        ("a O\nb I-\n", "in.conll, line 2: invalid tag 'I-'"),
        ("a O\nb c O\n", "in.conll, line 2: 3 columns"),
        ("a B-X\n\nb O\nc I-Y\n", "in.conll, line 4: mixed tag schemes"),
        (None, "cannot read the file"),
    ],
)
def test_bad_input_exits_with_2_and_a_clear_message(tmp_path, capsys, content, message):
    source = tmp_path / "in.conll"
    if content is not None:
        source.write_text(content)
    out = tmp_path / "out.jsonl"
    assert main(["convert", str(source), str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ner-studio convert: error: ") and message in err
    assert not out.exists()  # nothing written


def test_bad_option_is_a_usage_error(conll, tmp_path, capsys):
    with pytest.raises(SystemExit) as caught:
        main(["convert", str(conll), str(tmp_path / "o.conll"), "--to", "txt"])
    assert caught.value.code == 2 and "invalid choice" in capsys.readouterr().err


def test_unknown_output_extension(conll, tmp_path, capsys):
    assert main(["convert", str(conll), str(tmp_path / "out.xml")]) == 2
    assert "cannot tell the format" in capsys.readouterr().err


def test_text_output_is_refused(conll, tmp_path, capsys):
    assert main(["convert", str(conll), str(tmp_path / "out.txt")]) == 2
    assert "plain text cannot hold entities" in capsys.readouterr().err


def test_console_script(conll, tmp_path):
    script = Path(sys.executable).with_name("ner-studio")
    command = [str(script)] if script.exists() else [shutil.which("ner-studio") or "ner-studio"]
    out = tmp_path / "out.jsonl"
    done = subprocess.run([*command, "convert", str(conll), str(out)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert out.is_file() and "converted 1 document " in done.stdout
    bad = tmp_path / "bad.conll"
    bad.write_bytes(b"a O\n\xff O\n")
    done = subprocess.run([*command, "convert", str(bad), str(out)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "line 2: not valid UTF-8" in done.stderr


def test_a_bug_in_a_command_is_one_line_and_a_traceback_in_the_log(tmp_path, monkeypatch, capsys, log_folder):
    from ner_studio.commands import convert

    def broken(args):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(convert, "run", broken)
    assert main(["convert", str(tmp_path / "a.conll"), str(tmp_path / "b.jsonl")]) == 1
    error = capsys.readouterr().err
    assert "internal error: ZeroDivisionError: a bug" in error and "Traceback" not in error
    for handler in __import__("logging").getLogger("ner_studio").handlers:
        handler.flush()
    log = (log_folder / "ner-studio.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "ZeroDivisionError: a bug" in log
