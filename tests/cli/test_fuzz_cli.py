"""Fuzzing every CLI command: random file contents and random arguments end in exit code 0
or 2 with a message, never a traceback (issue 12)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ner_studio.cli import main

FUZZ = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
CONTENT = st.one_of(
    st.binary(max_size=300),
    st.lists(st.sampled_from(["John B-PER", "lives O", "Paris S-LOC", "", "-DOCSTART- O", "x I-ORG",
                              '{"text": "John lives"}', '{"text": 3}', "\x00", "Berlin"]),
             max_size=12).map(lambda lines: "\n".join(lines).encode()),
)
SUFFIX = st.sampled_from([".conll", ".jsonl", ".txt", ".json", ".pt", ".bin", ""])


def run(capsys, argv) -> int:
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exit_:  # argparse: usage errors exit 2, --help exits 0
        code = exit_.code
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert code in (0, 2), (argv, code, captured.err)
    if code == 2:
        assert captured.err.strip()
    return code


def fresh(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@FUZZ
@given(data=CONTENT, suffix=SUFFIX, out_suffix=SUFFIX)
def test_convert(tmp_path, capsys, data, suffix, out_suffix):
    source = fresh(tmp_path, f"in{suffix}", data)
    run(capsys, ["convert", source, tmp_path / f"out{out_suffix}"])


@FUZZ
@given(data=CONTENT, suffix=SUFFIX, out_suffix=st.sampled_from([".conll", ".jsonl", ".txt"]))
def test_predict(tmp_path, capsys, tiny_model, data, suffix, out_suffix):
    source = fresh(tmp_path, f"in{suffix}", data)
    run(capsys, ["predict", tiny_model, source, "-o", tmp_path / f"out{out_suffix}", "--threads", "1"])


@FUZZ
@given(data=CONTENT, suffix=SUFFIX)
def test_evaluate(tmp_path, capsys, tiny_model, data, suffix):
    source = fresh(tmp_path, f"gold{suffix}", data)
    run(capsys, ["evaluate", tiny_model, source, "--json", tmp_path / "scores.json", "--threads", "1"])


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(train=CONTENT, dev=CONTENT, vectors=st.one_of(st.none(), CONTENT))
def test_train(tmp_path, capsys, train, dev, vectors):
    argv = ["train", fresh(tmp_path, "t.conll", train), fresh(tmp_path, "d.conll", dev),
            "-o", tmp_path / "m.pt", "--epochs", "1", "--hidden", "4", "--word-dim", "4", "--threads", "1"]
    if vectors is not None:
        argv += ["--vectors", fresh(tmp_path, "v.txt", vectors)]
    run(capsys, argv)


@FUZZ
@given(data=CONTENT)
def test_a_model_file_of_random_bytes(tmp_path, capsys, data):
    model = fresh(tmp_path, "model.pt", data)
    gold = fresh(tmp_path, "gold.conll", b"John B-PER\nlives O\n")
    run(capsys, ["evaluate", model, gold])
    run(capsys, ["predict", model, gold, "-o", tmp_path / "out.jsonl"])


@FUZZ
@given(data=CONTENT)
def test_project_backup_and_data_fetch(tmp_path, capsys, data):
    source = fresh(tmp_path, "p.nerstudio", data)
    run(capsys, ["project", "backup", source, tmp_path / "copy.nerstudio"])
    run(capsys, ["data", "fetch", "conll2003", "--cache", tmp_path / "cache",
                 "--wheel", fresh(tmp_path, "w.whl", data)])


@FUZZ
@given(argv=st.lists(st.one_of(st.sampled_from(["convert", "train", "evaluate", "predict", "data", "project",
                                                "backup", "fetch", "-o", "--force", "--json", "--threads",
                                                "0", "-1", "default", "--batch-size", "--epochs"]),
                               st.text(max_size=8).filter(lambda s: "\x00" not in s)), min_size=1, max_size=6))
def test_random_arguments(tmp_path, capsys, monkeypatch, argv):
    import ner_studio.gui.app as app

    monkeypatch.chdir(tmp_path)  # relative outputs land here
    monkeypatch.setattr(app, "run_app", lambda args: 0)  # words that are files would start the app
    monkeypatch.setattr("ner_studio.core.datasets.fetch.download_wheel",
                        lambda *a: pytest.fail("no network in tests"))
    run(capsys, argv)


# --- issue 24 ----------------------------------------------------------------------------
@FUZZ
@given(control=st.characters(whitelist_categories=("Cc", "Cf"), blacklist_characters="\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85"),
       out_suffix=st.sampled_from([".conll", ".jsonl"]))
def test_convert_refuses_a_control_character_in_a_label(tmp_path, capsys, control, out_suffix):
    source = fresh(tmp_path, "in.conll", f"John B-PER\nParis B-LOC{control}\n".encode())
    out = tmp_path / f"out{out_suffix}"
    assert main(["convert", str(source), str(out)]) == 2
    err = capsys.readouterr().err
    why = "NUL bytes" if control == "\x00" else "control character"  # NUL: the file is binary
    assert "in.conll, line 2" in err and why in err and not out.exists()


@FUZZ
@given(kind=st.sampled_from(["fifo", "/dev/null", "socket"]), command=st.sampled_from(["convert", "predict", "export"]))
def test_outputs_that_are_not_regular_files_are_refused(tmp_path, capsys, tiny_model, kind, command):
    import os
    import signal
    import socket

    out = tmp_path / f"out-{kind.strip('/').replace('/', '-')}.conll"
    if kind == "fifo" and not out.exists():
        os.mkfifo(out)
    elif kind == "socket" and not out.exists():
        socket.socket(socket.AF_UNIX).bind(str(out))
    elif kind == "/dev/null":
        out = "/dev/null"
    gold = fresh(tmp_path, "gold.conll", b"John B-PER\nlives O\n")
    argv = {"convert": ["convert", gold, out, "--force"],
            "predict": ["predict", tiny_model, gold, "-o", out, "--threads", "1"],
            "export": ["project", "export", tmp_path / "p.nerstudio", out]}[command]
    if command == "export":
        run(capsys, ["project", "create", tmp_path / "p.nerstudio"])
    signal.alarm(60)  # a FIFO output used to hang
    try:
        assert run(capsys, argv) == 2
    finally:
        signal.alarm(0)


def _project_with_damage(tmp_path, column: str, data: bytes):
    import sqlite3

    from ner_studio.core.text.document import Document
    from ner_studio.core.store.project import Project

    path = tmp_path / "p.nerstudio"
    path.unlink(missing_ok=True)
    with Project.create(path) as project:
        ids = project.add_documents([Document.from_text(f"John lives in Paris {k} .") for k in range(3)])
    conn = sqlite3.connect(path, isolation_level=None)
    value = f"CAST(X'{data.hex()}' AS TEXT)" if column in ("text", "meta") else f"X'{data.hex()}'"
    conn.execute(f"UPDATE document_contents SET {column} = {value} WHERE document_id = ?", (ids[1],))
    conn.close()
    return path


@FUZZ
@given(column=st.sampled_from(["text", "meta", "tokens", "sentences"]), data=st.binary(max_size=40))
def test_project_export_of_a_project_with_random_damage(tmp_path, capsys, column, data):
    project = _project_with_damage(tmp_path, column, data)
    out = tmp_path / "out.jsonl"
    out.unlink(missing_ok=True)
    if run(capsys, ["project", "export", project, out]) == 2:
        assert not out.exists()
    assert run(capsys, ["project", "export", project, out, "--skip-damaged", "--force"]) == 0
    assert 2 <= len(out.read_text().splitlines()) <= 3


@FUZZ
@given(data=CONTENT, prefix=st.sampled_from([b"", b"SQLite format 3\x00"]))
def test_project_restore_from_random_bytes_leaves_the_project_alone(tmp_path, capsys, data, prefix):
    from ner_studio.core.store.project import Project

    project = tmp_path / "p.nerstudio"
    if not project.exists():
        Project.create(project).close()
    before = project.read_bytes()
    backup = fresh(tmp_path, "b.nerstudio", prefix + data)
    assert run(capsys, ["project", "restore", project, backup]) == 2
    assert project.read_bytes() == before


SPEC = st.fixed_dictionaries({}, optional={"op": st.sampled_from(["?", "+", "*"]), "lower": st.sampled_from(["a", "zzz"]),
                                           "is_title": st.booleans()})


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(patterns=st.lists(st.lists(SPEC, min_size=1, max_size=3), min_size=1, max_size=3))
def test_predict_with_random_repeating_patterns_on_long_text_ends_soon(tmp_path, capsys, patterns):
    import json
    import time

    text = fresh(tmp_path, "in.txt", (" ".join(f"w{k % 97}" for k in range(30_000)) + " a zzz Zzz\n").encode())
    file = fresh(tmp_path, "p.jsonl", "".join(json.dumps({"label": "X", "pattern": p}) + "\n" for p in patterns).encode())
    began = time.perf_counter()
    run(capsys, ["predict", "none", text, "--patterns", file, "-o", tmp_path / "out.jsonl", "--force"])
    assert time.perf_counter() - began < 60  # quadratic, 30k tokens took minutes
