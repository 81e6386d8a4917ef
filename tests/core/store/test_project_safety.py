"""Never lose work: locks, read-only places, full disks, damaged files, two writers at once."""

import os
import sqlite3
import time

import pytest
from tests.core.project_fixtures import make_document, start_python, token_span, two_document_project

from ner_studio.core.errors import (
    CorruptProjectError, DiskFullError, ProjectError, ProjectLockedError, ReadOnlyProjectError,
)
from ner_studio.core.store.project import Project
from ner_studio.core.text.spans import Span

WORDS = " ".join(f"word{i}" for i in range(200)) + " ."
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def path(tmp_path):
    return two_document_project(tmp_path, WORDS)


def spans_on_disk(path):
    with Project.open(path, read_only=True) as project:
        return {s.doc_id: project.load_document(s.doc_id).spans for s in project.document_summaries()}


WRITER = """
import sys
from ner_studio.core.store.project import Project
from ner_studio.core.text.spans import Span
path, parity, label, own_id = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
project = Project.open(path, lock_timeout=30, keep_backups=0)
docs = [project.load_document(1, track=True)]
if own_id:
    docs.append(project.load_document(own_id, track=True))
for i in range(parity, 120, 2):  # even or odd tokens: the writers never overlap
    for doc in docs:
        token = doc.tokens[i]
        doc.add_span(Span(token.start, token.end, label))
assert project.pending_count == 0
project.close()
"""


def test_two_processes_writing_one_project_lose_nothing(path):
    writers = [start_python(WRITER, str(path), "0", "PER", "2"),
               start_python(WRITER, str(path), "1", "LOC", "0")]
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
    with sqlite3.connect(path) as check:
        assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    spans = spans_on_disk(path)
    assert [s.label for s in spans[1]] == ["PER", "LOC"] * 60  # both writers' edits
    assert [s.label for s in spans[2]] == ["PER"] * 60


def test_a_project_open_in_another_window_can_still_be_opened(path):
    with Project.open(path), Project.open(path, lock_timeout=1) as second:
        assert len(second.document_summaries()) == 2


HOLD_LOCK = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
if sys.argv[2] == "exclusive":
    conn.execute("PRAGMA locking_mode = EXCLUSIVE")
    conn.execute("BEGIN EXCLUSIVE")
    conn.execute("SELECT COUNT(*) FROM documents").fetchone()
else:
    conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


def hold_lock(path, kind):
    holder = start_python(HOLD_LOCK, str(path), kind)
    assert holder.stdout.readline().strip() == "locked", holder.stderr.read()
    return holder


def release(holder):
    holder.communicate("go\n", timeout=30)


def test_exclusively_locked_project_fails_to_open_after_the_timeout(path):
    holder = hold_lock(path, "exclusive")
    try:
        began = time.monotonic()
        with pytest.raises(ProjectLockedError, match="another program is using this project"):
            Project.open(path, lock_timeout=0.3)
        assert time.monotonic() - began < 10
    finally:
        release(holder)
    Project.open(path).close()  # fine once the other program lets go


def test_edit_while_another_process_writes_is_kept_and_saved_later(path):
    project = Project.open(path, lock_timeout=0.2)
    doc = project.load_document(1, track=True)
    failures, counts = [], []
    project.write_failed.connect(failures.append)
    project.pending_changed.connect(counts.append)
    holder = hold_lock(path, "immediate")
    try:
        doc.add_span(Span(*token_span(doc, 0), "PER"))
    finally:
        release(holder)
    assert isinstance(failures[0], ProjectLockedError) and counts == [1]
    assert project.pending_count == 1 and len(doc.spans) == 1  # still on screen
    doc.add_span(Span(*token_span(doc, 5), "ORG"))  # the next edit saves both
    assert project.pending_count == 0 and counts == [1, 0]
    project.close()
    assert [s.label for s in spans_on_disk(path)[1]] == ["PER", "ORG"]


def test_read_only_project_keeps_edits_in_memory_until_saved_elsewhere(path, tmp_path):
    # Works as root too: the connection itself is read-only (SQLite's mode=ro).
    before = path.read_bytes()
    project = Project.open(path, read_only=True)
    doc = project.load_document(1, track=True)
    failures = []
    project.write_failed.connect(failures.append)
    doc.add_span(Span(*token_span(doc, 3), "LOC"))
    assert isinstance(failures[0], ReadOnlyProjectError) and "Save As" in str(failures[0])
    assert project.pending_count == 1
    with pytest.raises(ReadOnlyProjectError):
        project.close()  # refuses to drop the edit
    copy = project.save_as(tmp_path / "elsewhere" / "copy.nerstudio")
    assert project.closed and copy.load_document(1) is doc
    doc.add_span(Span(*token_span(doc, 7), "ORG"))  # and editing carries on in the copy
    copy.close()
    assert [s.label for s in spans_on_disk(copy.path)[1]] == ["LOC", "ORG"]
    assert path.read_bytes() == before


@pytest.mark.skipif(IS_ROOT, reason="root ignores file permissions; the read_only test covers this")
def test_read_only_folder_gives_a_clear_error(path):
    folder = path.parent
    os.chmod(folder, 0o555)
    try:
        with pytest.raises(ReadOnlyProjectError, match="read-only"):
            Project.open(path)
        with pytest.raises(ReadOnlyProjectError, match="Choose a folder"):
            Project.create(folder / "new.nerstudio")
        with Project.open(path, read_only=True) as viewer:  # looking is still possible
            assert len(viewer.document_summaries()) == 2
    finally:
        os.chmod(folder, 0o755)
    assert len(spans_on_disk(path)) == 2


def test_full_disk_gives_a_clear_error_and_keeps_earlier_data(path):
    project = Project.open(path)
    doc = project.load_document(2, track=True)
    doc.add_span(Span(*token_span(doc, 0), "PER"))
    # Simulate a full disk: cap this connection's database at its current size.
    (pages,) = project._conn.execute("PRAGMA page_count").fetchone()
    project._conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(DiskFullError, match="disk is full"):
        project.add_documents([make_document(WORDS * 50, "huge")])
    failures = []
    project.write_failed.connect(failures.append)
    for i in range(1, 200):  # edits fill the free space left in the pages, then fail
        doc.add_span(Span(*token_span(doc, i), "ORG"))
    assert isinstance(failures[0], DiskFullError) and project.pending_count > 0
    assert len(doc.spans) == 200  # nothing the user did vanished from the screen
    project._conn.execute("PRAGMA max_page_count = 1073741823")  # space freed
    project.save_pending()
    project.close()
    spans = spans_on_disk(path)
    assert len(spans) == 2 and len(spans[2]) == 200


def damage(path, offset_pages=2, pages=2):
    size = path.stat().st_size
    page = 4096
    with open(path, "r+b") as stream:
        stream.seek(max(page, (size // page // 2) * page - offset_pages * page))
        stream.write(bytes(range(256)) * (page * pages // 256))


def test_damaged_project_names_its_backup_and_restoring_works(path):
    Project.open(path).close()  # healthy open: writes .bak1
    backup = path.with_name(path.name + ".bak1")
    assert backup.exists()
    damage(path)
    with pytest.raises(CorruptProjectError, match="damaged") as caught:
        Project.open(path)
    assert caught.value.backup == backup and backup.name in str(caught.value)
    with Project.restore_backup(caught.value.backup) as restored:
        assert len(restored.document_summaries()) == 2
        assert any("damaged project was kept" in w for w in restored.warnings)
    assert list(path.parent.glob("p.nerstudio.corrupt-*"))


def test_damaged_header_with_a_backup_is_corrupt_not_foreign(path):
    Project.open(path).close()
    with open(path, "r+b") as stream:
        stream.write(b"\0" * 100)
    with pytest.raises(CorruptProjectError) as caught:
        Project.open(path)
    assert caught.value.backup is not None


def test_backups_rotate_keep_three_and_skip_unchanged_projects(path):
    backups = [path.with_name(f"{path.name}.bak{i}") for i in (1, 2, 3, 4)]
    for round_ in range(5):
        with Project.open(path) as project:
            project.set_setting("round", round_)
    assert [b.exists() for b in backups] == [True, True, True, False]
    Project.open(path).close()  # backs up the last round's change
    stamp = backups[0].stat().st_mtime_ns
    Project.open(path).close()  # nothing changed since: .bak1 is already this revision
    assert backups[0].stat().st_mtime_ns == stamp
    with Project.open(backups[2], read_only=True) as oldest:
        assert oldest.get_setting("round") == 2


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty"),
    (b"PER\tB-PER\nthis is CoNLL, not a project\n", "not an SQLite database"),
])
def test_files_that_are_not_projects_are_refused_clearly(tmp_path, content, message):
    path = tmp_path / "x.nerstudio"
    path.write_bytes(content)
    with pytest.raises(ProjectError, match=message) as caught:
        Project.open(path)
    assert not isinstance(caught.value, CorruptProjectError)
    assert path.read_bytes() == content


def test_foreign_sqlite_database_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE t (x)")
    before = path.read_bytes()
    with pytest.raises(ProjectError, match="not an NER Studio project"):
        Project.open(path)
    assert path.read_bytes() == before


def test_newer_schema_and_missing_file_are_explained(path, tmp_path):
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO schema_version VALUES (99, 'future')")
    with pytest.raises(ProjectError, match="newer NER Studio"):
        Project.open(path)
    with pytest.raises(ProjectError, match="no such project file"):
        Project.open(tmp_path / "missing.nerstudio")
