"""A project with a damaged document: ``project export`` names it and, with --skip-damaged,
writes the others; a backup that stops rotating says so; ``project restore`` puts a backup
in place (issue 24 item 7)."""

from __future__ import annotations

import json
import sqlite3

import pytest

from ner_studio.core.text.document import Document
from ner_studio.core.store.project import Project
from tests.cli.conftest import run

pytestmark = pytest.mark.usefixtures("own_settings")


def make_project(path, count=5):
    with Project.create(path) as project:
        docs = [Document.from_text(f"John lives in Paris number {k} .", name=f"story {k}") for k in range(count)]
        return project.add_documents(docs)


def damage(path, doc_id, how="utf-8"):
    conn = sqlite3.connect(path, isolation_level=None)
    if how == "utf-8":  # invalid UTF-8 in the text
        conn.execute("UPDATE document_contents SET text = CAST(X'4a6f686effe9' AS TEXT) WHERE document_id = ?", (doc_id,))
    else:  # an unreadable row: token offsets of random bytes
        conn.execute("UPDATE document_contents SET tokens = x'010203' WHERE document_id = ?", (doc_id,))
    conn.close()


def kept_aside(folder):
    return [p for p in folder.glob("p.nerstudio.corrupt-*") if not p.name.endswith(("-wal", "-shm"))]


@pytest.mark.parametrize("how", ["utf-8", "row"])
def test_export_names_the_damaged_document_and_skips_it_only_when_asked(tmp_path, capsys, how):
    project = tmp_path / "p.nerstudio"
    ids = make_project(project)
    damage(project, ids[2], how)
    out = tmp_path / "out.jsonl"
    code, _, err = run(capsys, "project", "export", project, out)
    assert code == 2 and not out.exists()
    assert "1 of 5 documents cannot be read" in err and f"document {ids[2]} 'story 2'" in err
    assert "--skip-damaged" in err and "project restore" in err
    code, stdout, err = run(capsys, "project", "export", project, out, "--skip-damaged")
    assert code == 0 and "exported 4 documents" in stdout
    assert "story 2" in err and "exported the others" in err
    texts = [json.loads(line)["text"] for line in out.read_text().splitlines()]
    assert texts == [f"John lives in Paris number {k} ." for k in (0, 1, 3, 4)]


def test_a_backup_that_stops_rotating_says_so_and_how_to_go_on(tmp_path, capsys):
    project = tmp_path / "p.nerstudio"
    ids = make_project(project)
    with Project.open(project):  # the first backup, .bak1
        pass
    assert (tmp_path / "p.nerstudio.bak1").exists()
    damage(project, ids[0])
    with Project.open(project, keep_backups=0) as open_:  # work goes on: a backup is due
        open_.rename_document(ids[1], "renamed")
    (tmp_path / "more.conll").write_text("Ada B-PER\n", encoding="utf-8")
    code, _, err = run(capsys, "project", "import", project, tmp_path / "more.conll")
    assert code == 0
    assert "warning: p.nerstudio was not backed up" in err and f"document {ids[0]} cannot be read" in err
    assert "the newest, p.nerstudio.bak1, is from" in err and "--skip-damaged" in err


def test_restore_puts_a_backup_in_place_and_keeps_the_damaged_project(tmp_path, capsys):
    project = tmp_path / "p.nerstudio"
    ids = make_project(project)
    copy = tmp_path / "saved.nerstudio"
    assert run(capsys, "project", "backup", project, copy)[0] == 0
    damage(project, ids[1])
    code, stdout, err = run(capsys, "project", "restore", project, copy)
    assert code == 0 and "restored" in stdout and "(5 documents)" in stdout
    assert "damaged project was kept as p.nerstudio.corrupt-" in err
    assert len(kept_aside(tmp_path)) == 1
    with Project.open(project, read_only=True) as restored:
        assert restored.load_document(ids[1]).text.startswith("John lives in Paris number 1")
    assert run(capsys, "project", "export", project, tmp_path / "all.conll")[0] == 0


def test_restore_from_a_rotating_backup_and_refusing_a_newer_project_without_force(tmp_path, capsys):
    project = tmp_path / "p.nerstudio"
    make_project(project, 2)
    with Project.open(project):
        pass
    bak1 = tmp_path / "p.nerstudio.bak1"
    with Project.open(project, keep_backups=0) as open_:
        open_.add_documents([Document.from_text("A newer document .")])
    code, _, err = run(capsys, "project", "restore", project, bak1)
    assert code == 2 and "newer work than the backup" in err and "--force" in err
    with Project.open(project, read_only=True) as untouched:
        assert len(untouched.document_summaries()) == 3
    code, stdout, err = run(capsys, "project", "restore", project, bak1, "--force")
    assert code == 0 and "(2 documents)" in stdout and "the project it replaced was kept as" in err
    [aside] = kept_aside(tmp_path)
    with Project.open(aside, read_only=True) as kept:
        assert len(kept.document_summaries()) == 3


@pytest.mark.parametrize("backup, words", [
    ("missing.nerstudio", "no such backup file"),
    ("story.txt", "not a project file"),
    ("p.nerstudio", "the project itself"),
])
def test_restore_refuses_what_is_not_a_good_backup(tmp_path, capsys, backup, words):
    project = tmp_path / "p.nerstudio"
    make_project(project, 1)
    (tmp_path / "story.txt").write_text("A story.\n", encoding="utf-8")
    before = project.read_bytes()
    code, _, err = run(capsys, "project", "restore", project, tmp_path / backup)
    assert code == 2 and words in err
    assert project.read_bytes() == before


def test_restore_refuses_a_damaged_backup_and_restores_a_missing_project(tmp_path, capsys):
    project = tmp_path / "p.nerstudio"
    ids = make_project(project, 2)
    good = tmp_path / "good.nerstudio"
    assert run(capsys, "project", "backup", project, good)[0] == 0
    bad = tmp_path / "bad.nerstudio"
    assert run(capsys, "project", "backup", project, bad)[0] == 0
    damage(bad, ids[0])
    code, _, err = run(capsys, "project", "restore", project, bad)
    assert code == 2 and "cannot be restored" in err and f"document {ids[0]} cannot be read" in err
    project.unlink()
    code, stdout, _ = run(capsys, "project", "restore", project, good)
    assert code == 0 and project.is_file() and "(2 documents)" in stdout


def test_a_backup_copy_of_a_damaged_project_says_it_cannot_be_restored(tmp_path, capsys):
    project = tmp_path / "p.nerstudio"
    ids = make_project(project, 2)
    damage(project, ids[1])
    code, stdout, err = run(capsys, "project", "backup", project, tmp_path / "copy.nerstudio")
    assert code == 0 and "copied" in stdout
    assert "does not pass a full check" in err and f"document {ids[1]} cannot be read" in err
    code, _, err = run(capsys, "project", "backup", tmp_path / "copy.nerstudio", tmp_path / "again.nerstudio")
    assert "warning" in err
    make_project(tmp_path / "good.nerstudio", 1)
    code, _, err = run(capsys, "project", "backup", tmp_path / "good.nerstudio", tmp_path / "good copy.nerstudio")
    assert code == 0 and "warning" not in err
