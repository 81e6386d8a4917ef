"""A tiny trained model shared by the CLI tests that only need *a* model, not a good one."""

from __future__ import annotations

import pytest

from ner_studio.cli import main
from tests.model.conftest import TINY_CORPUS


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory):
    from tests.cli.test_model_cli import write_conll

    folder = tmp_path_factory.mktemp("tiny-model")
    data = write_conll(folder / "tiny.conll", TINY_CORPUS)
    model = folder / "tiny.pt"
    assert main(["train", str(data), str(data), "-o", str(model), "--epochs", "1", "--hidden", "8",
                 "--word-dim", "8", "--threads", "1"]) == 0
    return model
