"""``predict`` and ``evaluate`` on a big input tag on worker processes (model/processes.py);
what they write and score is what one thread gives."""

from __future__ import annotations

import json

import pytest

from ner_studio.cli import main
from tests.cli.test_model_cli import trained, write_conll  # noqa: F401 - a fixture
from tests.model.conftest import TINY_CORPUS


@pytest.fixture
def big_input(trained, monkeypatch):  # noqa: F811
    """The trained model, and a file that counts as big (the threshold lowered to its size)."""
    folder, model, _ = trained
    source = write_conll(folder / "big.conll", TINY_CORPUS * 700)  # two groups of sentences
    monkeypatch.setattr("ner_studio.commands.model_options.PROCESSES_FROM_BYTES", source.stat().st_size)
    return folder, model, source


def test_predict_on_worker_processes_writes_what_one_thread_writes(big_input, monkeypatch):
    folder, model, source = big_input
    started = []
    monkeypatch.setattr("ner_studio.model.processes.WorkerProcesses.map",
                        _counting(started, "ner_studio.model.processes.WorkerProcesses.map"))
    assert main(["predict", str(model), str(source), "-o", str(folder / "processes.jsonl"), "--threads", "2"]) == 0
    assert started, "the big input was not tagged on worker processes"
    assert main(["predict", str(model), str(source), "-o", str(folder / "thread.jsonl"), "--threads", "1"]) == 0
    on_processes = (folder / "processes.jsonl").read_text(encoding="utf-8")
    assert on_processes == (folder / "thread.jsonl").read_text(encoding="utf-8")
    assert any(json.loads(line)["spans"] for line in on_processes.splitlines())


def test_evaluate_on_worker_processes_scores_what_one_thread_scores(big_input, capsys):
    folder, model, source = big_input
    assert main(["evaluate", str(model), str(source), "--threads", "2", "--json", str(folder / "p.json"), "--force"]) == 0
    assert main(["evaluate", str(model), str(source), "--threads", "1", "--json", str(folder / "t.json"), "--force"]) == 0
    scores = [json.loads((folder / name).read_text(encoding="utf-8")) for name in ("p.json", "t.json")]
    assert scores[0]["overall"] == scores[1]["overall"] and scores[0]["overall"]["f1"] > 0


def _counting(calls: list, target: str):
    from pydoc import locate

    original = locate(target)

    def counted(self, *args, **kwargs):
        calls.append(self.count)
        return original(self, *args, **kwargs)

    return counted
