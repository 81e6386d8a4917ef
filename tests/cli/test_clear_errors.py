"""Inputs that used to end in a traceback now end in a message naming the file (issue 12)."""

import pytest

from ner_studio.cli import main
from ner_studio.core.errors import FormatError
from ner_studio.core.formats import parse_documents, write_documents
from ner_studio.core.text.document import Document

TRAIN = "John B-PER\nlives O\n\nParis B-LOC\nis O\n"
DEV_WITH_MISC = "John B-PER\nlives O\n\nParis B-LOC\nGerman B-MISC\n"


def run(capsys, *argv):
    code = main(list(argv))
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def test_a_dev_label_training_lacks(tmp_path, capsys):
    (tmp_path / "t.conll").write_text(TRAIN)
    (tmp_path / "d.conll").write_text(DEV_WITH_MISC)
    code, err = run(capsys, "train", str(tmp_path / "t.conll"), str(tmp_path / "d.conll"),
                    "-o", str(tmp_path / "m.pt"), "--epochs", "1")
    assert code == 2 and "label MISC that the training documents lack" in err


def test_binary_vectors_file(tmp_path, capsys):
    (tmp_path / "t.conll").write_text(TRAIN)
    vectors = tmp_path / "vectors.bin"
    vectors.write_bytes(b"3 2\n\xff\xfe\x80\x00\x12binary word2vec")
    code, err = run(capsys, "train", str(tmp_path / "t.conll"), str(tmp_path / "t.conll"),
                    "-o", str(tmp_path / "m.pt"), "--epochs", "1", "--vectors", str(vectors))
    assert code == 2 and "vectors.bin" in err and "not a UTF-8 text vectors file" in err


def test_vector_options_without_vectors(tmp_path, capsys):
    (tmp_path / "t.conll").write_text(TRAIN)
    code, err = run(capsys, "train", str(tmp_path / "t.conll"), str(tmp_path / "t.conll"),
                    "-o", str(tmp_path / "m.pt"), "--vector-words", "100")
    assert code == 2 and "need --vectors FILE" in err and not (tmp_path / "m.pt").exists()


def test_vector_words_through_the_command(tmp_path, capsys):
    (tmp_path / "t.conll").write_text(TRAIN)
    (tmp_path / "v.txt").write_text("seattle 0.5 0.5\njohn 1 1\n")
    code = main(["train", str(tmp_path / "t.conll"), str(tmp_path / "t.conll"), "-o", str(tmp_path / "m.pt"),
                 "--epochs", "1", "--vectors", str(tmp_path / "v.txt"), "--vector-words", "1", "--freeze-words"])
    from ner_studio.model.checkpoint import load_checkpoint

    loaded = load_checkpoint(tmp_path / "m.pt")
    assert code == 0 and "seattle" in loaded.vocabs.words and loaded.model.config.freeze_words


def test_deeply_nested_json_line(tmp_path, capsys):
    deep = tmp_path / "deep.jsonl"
    deep.write_text('{"text": "a b"}\n{"text": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    code, err = run(capsys, "convert", str(deep), str(tmp_path / "out.conll"))
    assert code == 2 and "deep.jsonl, line 2" in err and "nested too deeply" in err


def test_errors_without_a_file_never_say_input():
    assert str(FormatError("the text is empty")) == "the text is empty"
    assert str(FormatError("bad", line=3)) == "line 3: bad"
    with pytest.raises(FormatError) as error:
        parse_documents("  \n", "txt")
    assert "<input>" not in str(error.value)


def test_write_errors_name_the_file(tmp_path):
    doc = Document.from_text("Paris is big.")
    with pytest.raises(FormatError) as error:
        write_documents([doc], tmp_path / "out.txt")  # plain text cannot hold entities
    assert str(error.value).startswith(str(tmp_path / "out.txt"))


def test_an_unknown_command_is_not_opened_as_files(capsys, monkeypatch):
    import ner_studio.gui.app as app

    monkeypatch.setattr(app, "run_app", lambda argv: pytest.fail("the GUI must not start"))
    code, err = run(capsys, "fine-tune", "model.pt", "data.conll")
    assert code == 2 and "'fine-tune' is no such command or file" in err


def test_existing_files_still_open_the_app(tmp_path, monkeypatch):
    import ner_studio.gui.app as app

    story = tmp_path / "story.txt"
    story.write_text("Paris is big.")
    opened = []
    monkeypatch.setattr(app, "run_app", lambda argv: opened.append(argv) or 0)
    assert main([str(story)]) == 0 and opened == [[str(story)]]


@pytest.mark.parametrize("command, option, value", [
    ("train", "--batch-size", "0"), ("train", "--hidden", "0"), ("train", "--dropout", "2"),
    ("train", "--layers", "0"), ("train", "--word-dim", "-3"), ("train", "--threads", "-2"),
    ("train", "--lr", "nan"), ("train", "--epochs", "0"), ("predict", "--threads", "-1"),
    ("predict", "--batch-size", "0"), ("evaluate", "--batch-size", "x"),
])
def test_numbers_out_of_range_are_usage_errors(tmp_path, capsys, command, option, value):
    gold = tmp_path / "gold.conll"
    gold.write_text(TRAIN)
    files = {"train": [gold, gold, "-o", tmp_path / "m.pt"], "predict": ["default", gold, "-o", tmp_path / "o.jsonl"],
             "evaluate": ["default", gold]}[command]
    with pytest.raises(SystemExit) as exit_:
        main([command, *map(str, files), option, value])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and f"argument {option}: '{value}' is not" in err
