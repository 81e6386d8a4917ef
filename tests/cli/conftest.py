"""What the CLI tests share: a tiny trained model for those that only need *a* model, not a
good one; settings of their own (``own_settings``, for the project commands, which read the
annotator's name); ``run``, a command's exit code and output, with no traceback."""

from __future__ import annotations

import pytest

from ner_studio.cli import main
from tests.model.conftest import TINY_CORPUS


@pytest.fixture
def own_settings(tmp_path, monkeypatch):
    """A settings folder of the test's own and the login name ``login`` (the default annotator)."""
    monkeypatch.setenv("NER_STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setattr("getpass.getuser", lambda: "login")


def run(capsys, *argv):
    """``(exit code, stdout, stderr)`` of ``ner-studio ARGV``; a traceback fails the test."""
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory):
    from tests.cli.test_model_cli import write_conll

    folder = tmp_path_factory.mktemp("tiny-model")
    data = write_conll(folder / "tiny.conll", TINY_CORPUS)
    model = folder / "tiny.pt"
    assert main(["train", str(data), str(data), "-o", str(model), "--epochs", "1", "--hidden", "8",
                 "--word-dim", "8", "--threads", "1"]) == 0
    return model
