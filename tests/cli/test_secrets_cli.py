"""A server password given in any form appears in nothing a command writes: stdout, stderr,
the log folder, settings.json. Each test runs the commands a team runs on a server project
(create, import, export, backup, assign, agreement), then greps everything they wrote."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ner_studio.cli import main
from ner_studio.core import secrets
from ner_studio.core.store.project_postgres import database_name

PASSWORD = "Pw-s3cret-Xy"
WRONG = "Wr0ng-pass-Zz"
CONLL = "Ada\tB-PER\nLovelace\tI-PER\nmet\tO\nBabbage\tB-PER\nin\tO\nLondon\tB-LOC\n.\tO\n"


@pytest.fixture(autouse=True)
def own_dirs(own_settings, tmp_path, monkeypatch):
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    # Forget passwords earlier tests met, so the patterns, not a remembered value, must mask them.
    monkeypatch.setattr(secrets, "_known", set())


@pytest.fixture
def server_role(postgres_server, postgres_url):
    """``(database, role)``: a role that logs in over TCP with PASSWORD and owns the database."""
    import psycopg

    database = database_name(postgres_url)
    role = f"{database}_pw"
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{PASSWORD}'")
        admin.execute(f"ALTER DATABASE {database} OWNER TO {role}")
    return database, role


def run(capsys, *argv) -> tuple[int, str]:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out + captured.err


def everything_written(tmp_path: Path, log_folder: Path, output: str) -> str:
    files = [p for folder in (tmp_path / "config", log_folder) if folder.exists()
             for p in folder.rglob("*") if p.is_file()]
    return output + "".join(p.read_text(encoding="utf-8", errors="replace") for p in files)


def team_session(capsys, tmp_path, url: str) -> str:
    """Every project command a team runs on ``url``; their output, all of it."""
    (tmp_path / "ann.conll").write_text(CONLL, encoding="utf-8")
    (tmp_path / "bob.conll").write_text(CONLL.replace("B-LOC", "B-ORG"), encoding="utf-8")
    steps = [("project", "create", url),
             ("project", "import", url, tmp_path / "ann.conll", "--annotator", "ann"),
             ("project", "import", url, tmp_path / "bob.conll", "--annotator", "bob"),
             ("project", "export", url, tmp_path / "out.jsonl", "--annotator", "bob"),
             ("project", "backup", url, tmp_path / "copy.nerstudio"),
             ("project", "assign", url, "--annotators", "ann", "bob"),
             ("project", "agreement", url, "--annotators", "ann", "bob")]
    output = ""
    for step in steps:
        code, out = run(capsys, *step)
        assert code == 0, (step, out)
        output += out
    assert "imported 1 document " in output and "copied " in output and "ann vs bob" in output
    return output


@pytest.mark.parametrize("form", ["user-info", "query", "pgpassword"])
def test_no_command_writes_the_password_however_it_is_given(
        form, postgres_server, server_role, tmp_path, log_folder, capsys, monkeypatch):
    database, role = server_role
    url = {"user-info": postgres_server.tcp_url(database, role, PASSWORD),
           "query": postgres_server.tcp_url(database, role) + f"?password={PASSWORD}&sslmode=disable",
           "pgpassword": postgres_server.tcp_url(database, role)}[form]
    if form == "pgpassword":
        monkeypatch.setenv("PGPASSWORD", PASSWORD)
    output = team_session(capsys, tmp_path, url)
    assert f"created postgresql://{role}@127.0.0.1:{postgres_server.port}/{database}" in output
    written = everything_written(tmp_path, log_folder, output)
    assert f"project create postgresql://{role}" in written  # the log names the project ...
    assert PASSWORD not in written  # ... never its password


@pytest.mark.parametrize("template", ["postgresql://{role}:{pw}@127.0.0.1:{port}/{db}",
                                      "postgresql://{role}@127.0.0.1:{port}/{db}?password={pw}"])
def test_a_wrong_password_is_reported_without_it(
        template, postgres_server, server_role, tmp_path, log_folder, capsys):
    database, role = server_role
    url = template.format(role=role, pw=WRONG, port=postgres_server.port, db=database)
    code, out = run(capsys, "project", "create", url)
    assert code == 2
    assert "password" in out and "PGPASSWORD or ~/.pgpass" in out
    assert WRONG not in everything_written(tmp_path, log_folder, out)


def test_the_installed_command_keeps_a_password_out_of_its_output_and_log(
        postgres_server, server_role, tmp_path, log_folder):
    """A fresh process, as a person runs it: nothing remembered beforehand."""
    database, role = server_role
    url = postgres_server.tcp_url(database, role) + f"?password={WRONG}"
    environment = {**os.environ, "NER_STUDIO_CONFIG_DIR": str(tmp_path / "config"),
                   "NER_STUDIO_LOG_DIR": str(log_folder)}
    done = subprocess.run([sys.executable, "-m", "ner_studio", "project", "create", url],
                          capture_output=True, text=True, timeout=120, env=environment, cwd=tmp_path)
    assert done.returncode == 2 and "password authentication failed" in done.stderr
    written = everything_written(tmp_path, log_folder, done.stdout + done.stderr)
    assert "?password=***" in written and WRONG not in written
