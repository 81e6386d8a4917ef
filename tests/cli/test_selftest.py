"""``ner-studio --self-test`` from source, and its checks one by one."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from ner_studio import selftest
from ner_studio.core.text.document import Document
from ner_studio.core.text.spans import Span
from ner_studio.resources import bundled_model_path

STEPS = ("window", "folders", "model", "tagging", "conll", "formats", "training process", "network")


@pytest.mark.skipif(bundled_model_path() is None, reason="the bundled model is not trained yet")
def test_self_test_passes_from_source(tmp_path):
    checkout = str(selftest.install_folder())  # the subprocess runs this same code
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path), "PYTHONPATH": checkout}
    result = subprocess.run(
        [sys.executable, "-m", "ner_studio", "--self-test"],
        capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split(":")[0].strip() for line in lines if line.startswith("  ok")] == [f"ok  {s}" for s in STEPS]
    assert lines[-1] == "self-test passed"
    # Throw-away user folders: nothing is left in the (temporary) home folder.
    assert not (tmp_path / ".local").exists() and not (tmp_path / ".config").exists()


def test_extra_arguments_are_refused(capsys):
    assert selftest.run_self_test(["--fast"]) == 2
    assert "takes no arguments" in capsys.readouterr().err


def tagged_documents() -> list[Document]:
    first = Document.from_text("Karin Olsson flew to Lisbon.\n\nThe council met in New York on Monday.", name="a")
    first.add_span(Span(0, 12, "PER"))
    first.add_span(Span(21, 27, "LOC"))
    first.add_span(Span(49, 57, "LOC"))
    second = Document.from_text("Nothing to see here.", name="b")
    return [first, second]


def test_conll_round_trip_keeps_words_and_tags(tmp_path):
    line = selftest.check_conll_round_trip(tagged_documents(), tmp_path)
    assert "identical" in line
    assert (tmp_path / "sample.conll").read_text(encoding="utf-8").count("B-LOC") == 2


def test_a_missing_model_is_named(monkeypatch, tmp_path):
    missing = tmp_path / "models" / "default.pt"
    monkeypatch.setattr(selftest, "bundled_model_path", lambda: None)
    monkeypatch.setattr(selftest, "bundled_model_location", lambda: missing)
    with pytest.raises(selftest.SelfTestFailure, match=f"bundled model {missing} is missing"):
        selftest.load_model()


def test_user_folders_inside_the_install_folder_fail(monkeypatch):
    import appdirs

    inside = selftest.install_folder() / "user-data"
    monkeypatch.setattr(appdirs, "user_data_dir", lambda *_args, **_kw: str(inside))
    with pytest.raises(selftest.SelfTestFailure, match="data folder .* is inside the install folder"):
        selftest.check_folders()


def test_user_folders_elsewhere_pass(monkeypatch, tmp_path):
    import appdirs

    monkeypatch.setattr(appdirs, "user_data_dir", lambda *_args, **_kw: str(tmp_path / "data"))
    monkeypatch.setattr(appdirs, "user_config_dir", lambda *_args, **_kw: str(tmp_path / "config"))
    monkeypatch.setenv("NER_STUDIO_DATA_DIR", "/kept/override")
    line = selftest.check_folders()
    assert line == (f"data in {tmp_path / 'data'}, settings in {tmp_path / 'config'}, "
                    f"model versions in {tmp_path / 'data' / 'models'}")
    assert os.environ["NER_STUDIO_DATA_DIR"] == "/kept/override"  # the run's own folders are restored


def test_network_use_is_refused_and_recorded(monkeypatch):
    for name in ("getaddrinfo", "create_connection"):
        monkeypatch.setattr(socket, name, getattr(socket, name))  # restored after the test
    for name in ("connect", "connect_ex"):
        monkeypatch.setattr(socket.socket, name, getattr(socket.socket, name))
    attempts = selftest.refuse_network()
    with pytest.raises(OSError, match="network access is not allowed"):
        socket.create_connection(("198.51.100.7", 80), timeout=1)
    with socket.socket() as sock, pytest.raises(OSError, match="not allowed"):
        sock.connect(("198.51.100.7", 80))
    assert len(attempts) == 2 and "198.51.100.7" in attempts[1]


def test_install_folder_from_source_is_the_checkout():
    assert (selftest.install_folder() / "ner_studio" / "selftest.py").is_file()
    assert Path(selftest.__file__).resolve().is_relative_to(selftest.install_folder())


def test_rich_formats_step_opens_each_new_format(tmp_path):
    line = selftest.check_rich_formats(tmp_path)
    assert all(suffix in line for suffix in (".docx", ".html", ".md", ".pdf")) and "sentences whole" in line
