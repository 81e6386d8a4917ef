"""Backups hold only sound projects; a copy while the app runs misses nothing (issue 12)."""

import shutil
import sqlite3

import pytest
from tests.core.project_fixtures import make_document, two_document_project

from ner_studio.cli import main
from ner_studio.core.errors import CorruptProjectError, NerStudioError
from ner_studio.core.store.project import Project
from ner_studio.core.store.project_check import summarise_check
from ner_studio.core.store.project_files import is_healthy, newest_good_backup

WORDS = " ".join(f"word{i}" for i in range(50)) + " ."


@pytest.fixture
def path(tmp_path):
    return two_document_project(tmp_path, WORDS)


def damage_document(path, doc_id, blob=b"\x01\x02\x03"):
    """Bytes inside one document's token offsets: SQLite's own checks cannot see this."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("UPDATE document_contents SET tokens = ? WHERE document_id = ?", (blob, doc_id))
    conn.execute("UPDATE project_info SET value = value + 1 WHERE key = 'revision'")
    conn.close()


def test_a_damaged_document_is_never_rotated_into_the_backups(path):
    Project.open(path).close()  # a healthy open writes .bak1
    bak1 = path.with_name(path.name + ".bak1")
    good = bak1.read_bytes()
    damage_document(path, 2)
    for _ in range(3):  # three sessions used to push the damage into every backup
        with Project.open(path) as project:
            assert any("failed a full check" in w and "document 2" in w for w in project.warnings)
    assert bak1.read_bytes() == good
    assert not path.with_name(path.name + ".bak2").exists()


def test_a_document_that_cannot_be_read_offers_the_newest_good_backup(path):
    Project.open(path).close()
    damage_document(path, 2)
    with Project.open(path) as project:
        assert project.load_document(1).name == "one"
        with pytest.raises(CorruptProjectError, match="document 2 cannot be read") as caught:
            project.load_document(2)
    assert caught.value.backup == path.with_name(path.name + ".bak1")
    with Project.restore_backup(caught.value.backup, path) as restored:
        assert restored.load_document(2).name == "two"


def test_backups_with_damaged_documents_are_not_offered(path, tmp_path):
    Project.open(path).close()
    bak1 = path.with_name(path.name + ".bak1")
    damage_document(bak1, 1)
    assert not is_healthy(bak1)
    assert newest_good_backup(path) is None


def test_sqlites_long_check_output_becomes_one_line():
    lines = [f"*** in database main ***\nPage {n}: btreeInitPage() returns error code 11" for n in range(57)]
    summary = summarise_check(["row 3 missing from index spans_by_document", *lines])
    assert summary.startswith("SQLite's integrity check found 58 problems, the first: row 3 missing")
    assert "\n" not in summary
    assert summarise_check(["ok"]) is None


def test_a_copy_taken_while_the_project_is_open_has_the_latest_edits(path, tmp_path):
    with Project.open(path) as project:
        project.add_documents([make_document("fresh words .", "three")])  # sits in the -wal file
        plain = tmp_path / "plain-copy.nerstudio"
        shutil.copyfile(path, plain)  # what a file manager does
        out = tmp_path / "copy.nerstudio"
        assert project.save_copy(out) == 0
        with Project.open(out, read_only=True) as copy:
            assert [s.name for s in copy.document_summaries()] == ["one", "two", "three"]
        assert project.document_summaries()[-1].name == "three"  # still working here


def test_a_copy_never_replaces_the_project_its_backups_or_other_files(path, tmp_path):
    with Project.open(path) as project:
        for target in (path, path.with_name(path.name + ".bak1")):
            with pytest.raises(NerStudioError, match="also an input"):
                project.save_copy(target, force=True)
        notes = tmp_path / "notes.conll"
        notes.write_text("Paris B-LOC\nis O\n")
        with pytest.raises(NerStudioError, match="--force"):
            project.save_copy(notes)
        assert notes.read_text() == "Paris B-LOC\nis O\n"


def test_the_project_backup_command(path, tmp_path, capsys):
    with Project.open(path) as project:  # the app has it open, with an edit in the -wal file
        project.add_documents([make_document("fresh words .", "three")])
        out = tmp_path / "backup.nerstudio"
        assert main(["project", "backup", str(path), str(out)]) == 0
    assert "3 documents" in capsys.readouterr().out
    with Project.open(out, read_only=True) as copy:
        assert len(copy.document_summaries()) == 3
    assert main(["project", "backup", str(tmp_path / "missing.nerstudio"), str(out)]) == 2
    assert main(["project", "backup", str(path), str(path)]) == 2
    assert "Traceback" not in capsys.readouterr().err
