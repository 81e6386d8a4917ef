"""Annotators' own versions of documents, the gold version, and migrating a one-person project."""

import sqlite3

import pytest

from ner_studio.core.store.annotators import GOLD, check_annotator_name, default_annotator
from ner_studio.core.text.document import Document, Status
from ner_studio.core.errors import AnnotatorError, ChangedMeanwhileError
from ner_studio.core.corpus.label_all import label_all_edits, preview_label_all
from ner_studio.core.store.project import Project
from ner_studio.core.store.project_schema import MIGRATIONS, SCHEMA_VERSION, now, pack_offsets
from ner_studio.core.text.spans import Source, Span

TEXT = "Ada Lovelace met Charles Babbage in London ."


def doc_with(*entities: tuple[str, str]) -> Document:
    doc = Document.from_text(TEXT, name="ada")
    for surface, label in entities:
        start = TEXT.index(surface)
        doc.add_span(Span(start, start + len(surface), label))
    return doc


def span(surface: str, label: str, source=Source.HUMAN) -> Span:
    start = TEXT.index(surface)
    return Span(start, start + len(surface), label, source)


def make_version_3_project(path) -> None:
    """A project as NER Studio wrote it before annotators: one document, two spans."""
    conn = sqlite3.connect(path, isolation_level=None)
    for migration in MIGRATIONS[:3]:
        for statement in migration:
            conn.execute(statement)
    for version in (1, 2, 3):
        conn.execute("INSERT INTO schema_version VALUES (?, ?)", (version, now()))
    doc = doc_with()
    conn.execute("INSERT INTO documents (id, position, name, status, source_path, token_count, created,"
                 " modified) VALUES (1, 0, 'ada', 'reviewed', NULL, ?, '2026-11-30T10:00:00+00:00',"
                 " '2026-11-30T10:00:00+00:00')", (len(doc.tokens),))
    conn.execute("INSERT INTO document_contents VALUES (1, '{}', ?, ?, ?)",
                 (TEXT, pack_offsets(doc.tokens.starts, doc.tokens.ends), pack_offsets([0], [len(doc.tokens)])))
    for s in (span("Ada Lovelace", "PER"), span("London", "LOC")):
        conn.execute("INSERT INTO spans (document_id, start_char, end_char, label, source) VALUES (1, ?, ?, ?, ?)",
                     (s.start, s.end, s.label, str(s.source)))
    conn.execute("""INSERT INTO settings VALUES ('accepted_sentences', '{"1": [0]}'), ('learning.epochs', '7')""")
    conn.close()


def test_an_old_single_user_project_looks_the_same_after_migration(tmp_path):
    path = tmp_path / "old.nerstudio"
    make_version_3_project(path)
    with Project.open(path, read_only=True, annotator="ann") as project:  # not migrated
        assert project.load_document(1).spans == (span("Ada Lovelace", "PER"), span("London", "LOC"))
    with Project.open(path, annotator="ann") as project:
        assert project.load_document(1).spans == (span("Ada Lovelace", "PER"), span("London", "LOC"))
        assert project.document_summaries()[0].entity_count == 2
        assert project.document_summaries()[0].status == Status.REVIEWED  # as the user left it
        assert project.load_document(1).status == Status.REVIEWED
        assert project.label_counts() == {"LOC": 1, "PER": 1}
        assert project.annotators() == ["ann"]  # the spans of no one became the first user's
        assert project.get_setting("accepted_sentences") == {"1": [0]}  # and so did their review
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == SCHEMA_VERSION
    rows = conn.execute("SELECT annotator, created, modified_by, modified FROM spans").fetchall()
    # old spans: their document's time, last changed then by whoever claimed them (_HISTORY)
    assert rows == [("ann", "2026-11-30T10:00:00+00:00", "ann", "2026-11-30T10:00:00+00:00")] * 2
    conn.close()
    with Project.open(path, annotator="bob") as project:  # a second person starts afresh
        assert project.load_document(1).spans == ()
        assert project.get_setting("accepted_sentences", {}) == {}
        assert project.get_setting("learning.epochs") == 7  # the project's, shared
        project.set_setting("accepted_sentences", {"1": [1]})
    with Project.open(path, annotator="ann") as project:
        assert project.get_setting("accepted_sentences") == {"1": [0]}
        assert project.load_version(1, "ann").spans == (span("Ada Lovelace", "PER"), span("London", "LOC"))


def test_a_read_only_open_of_a_migrated_unclaimed_project_shows_the_old_spans(tmp_path):
    path = tmp_path / "old.nerstudio"
    make_version_3_project(path)
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in MIGRATIONS[3]:  # migrated by something that did not claim them
        conn.execute(statement)
    conn.execute("INSERT INTO schema_version VALUES (4, ?)", (now(),))
    conn.close()
    with Project.open(path, read_only=True, annotator="ann") as project:
        assert len(project.load_document(1).spans) == 2
        assert project.document_summaries()[0].entity_count == 2


def test_each_annotator_edits_their_own_version(project_location):
    path = project_location  # a file, then a database on the test server
    with Project.create(path, annotator="ann") as project:
        (doc_id,) = project.add_documents([doc_with(("Ada Lovelace", "PER"))])
    ann = Project.open(path, annotator="ann", keep_backups=0)
    bob = Project.open(path, annotator="bob", keep_backups=0)
    try:
        bob_doc = bob.load_document(doc_id, track=True)
        assert bob_doc.spans == ()
        bob_doc.add_span(span("Ada", "ORG"))  # overlaps ann's PER: in another version, so fine
        bob_doc.add_span(span("London", "LOC"))
        ann_doc = ann.load_document(doc_id, track=True)
        ann_doc.add_span(span("Charles Babbage", "PER"))
        ann_doc.remove_span(span("Ada Lovelace", "PER"))
        bob_doc.status = Status.REVIEWED  # bob's version only
    finally:
        ann.close()
        bob.close()
    with Project.open(path, annotator="ann", keep_backups=0) as project:
        assert project.load_document(doc_id).spans == (span("Charles Babbage", "PER"),)
        assert project.load_version(doc_id, "bob").spans == (span("Ada", "ORG"), span("London", "LOC"))
        assert project.annotators() == ["ann", "bob"]
        assert project.versions_of(doc_id) == ["ann", "bob"]
        assert project.label_counts(doc_id) == {"PER": 1}
        assert project.document_summaries()[0].entity_count == 1
        assert project.document_summaries()[0].status == Status.NEW
        assert project.load_version(doc_id, "bob").status == Status.REVIEWED
        assert project.worked_versions(doc_id) == ["ann", "bob"]
        rows = project.query("reading", lambda conn: conn.execute(
            "SELECT annotator, label, created FROM spans ORDER BY annotator, start_char").fetchall())
    assert [tuple(row[:2]) for row in rows] == [("ann", "PER"), ("bob", "ORG"), ("bob", "LOC")]
    assert all(row[2] >= "2026" for row in rows)  # every span records when it was made


def test_edits_of_closed_documents_go_to_the_own_version(tmp_path):
    path = tmp_path / "team.nerstudio"
    with Project.create(path, annotator="ann") as project:
        (doc_id,) = project.add_documents([doc_with(("London", "LOC"))])
    with Project.open(path, annotator="bob", keep_backups=0) as project:
        from ner_studio.core.corpus.corpus_text import CorpusText
        from ner_studio.core.corpus.find import find, find_label

        corpus = CorpusText(project)
        assert find_label(corpus, "LOC") == []  # ann's entity is not bob's
        assert [hit.label for hit in find(corpus, "London")] == [None]
        project.edit_documents(label_all_edits(preview_label_all(corpus, "London", "GPE"), "GPE"))
        assert project.load_document(doc_id).spans == (span("London", "GPE"),)
        assert project.load_version(doc_id, "ann").spans == (span("London", "LOC"),)


def test_the_gold_version_is_what_training_uses(project_location):
    with Project.create(project_location, annotator="ann") as project:
        (doc_id,) = project.add_documents([doc_with(("Ada Lovelace", "PER"))])
        assert project.training_version(doc_id).spans == (span("Ada Lovelace", "PER"),)
        project.save_gold(doc_id, [span("Ada Lovelace", "PER"), span("London", "LOC")])
        assert project.gold_documents() == {doc_id}
        assert project.training_version(doc_id).spans == (span("Ada Lovelace", "PER"), span("London", "LOC"))
        assert project.load_document(doc_id).spans == (span("Ada Lovelace", "PER"),)  # ann's unchanged
        assert project.annotators() == ["ann"]  # gold is not a person
        assert GOLD in project.versions_of(doc_id)


def test_two_curators_saving_one_gold_version_never_overwrite_each_other_unawares(project_location):
    with Project.create(project_location, annotator="ann") as first:
        (doc_id,) = first.add_documents([doc_with(("Ada Lovelace", "PER"))])
        with Project.open(project_location, annotator="bob") as second:
            first.save_gold(doc_id, [span("Ada Lovelace", "PER")], expected=())  # never curated: saved
            with pytest.raises(ChangedMeanwhileError, match="since you opened it; nothing was saved"):
                second.save_gold(doc_id, [span("London", "LOC")], expected=())  # read before ann saved
            assert second.load_version(doc_id, GOLD).spans == (span("Ada Lovelace", "PER"),)
            second.save_gold(doc_id, [span("London", "LOC")], expected=[span("Ada Lovelace", "PER")])
            assert first.load_version(doc_id, GOLD).spans == (span("London", "LOC"),)
            first.save_gold(doc_id, [])  # no expectation: replaces whatever is there
            assert second.load_version(doc_id, GOLD).spans == ()


def test_importing_as_another_annotator(project_location):
    with Project.create(project_location, annotator="ann") as project:
        (doc_id,) = project.import_version([doc_with(("London", "LOC"))], "bob")
        reviewed = doc_with(("London", "GPE"))
        reviewed.status = Status.REVIEWED
        assert project.import_version([reviewed], "carol") == [doc_id]  # the same text: carol's version
        assert project.load_version(doc_id, "carol").status == Status.REVIEWED
        assert project.load_version(doc_id, "bob").status == Status.NEW
        assert project.load_document(doc_id).spans == ()
        assert project.load_version(doc_id, "bob").spans == (span("London", "LOC"),)
        assert project.require_annotator("bob") == "bob"
        with pytest.raises(AnnotatorError, match="no annotator named 'dave'.*bob, carol"):
            project.require_annotator("dave")


@pytest.mark.parametrize("name, problem", [("", "empty"), ("  ", "empty"), ("a\nb", "line break"),
                                           ("@gold", "reserved"), ("x" * 65, "longer")])
def test_bad_annotator_names_are_refused_with_a_reason(name, problem):
    with pytest.raises(AnnotatorError, match=problem):
        check_annotator_name(name)


def test_the_default_annotator_is_the_configured_name_or_the_login(monkeypatch):
    monkeypatch.setattr("getpass.getuser", lambda: "login")
    assert default_annotator("  Ann  ") == "Ann"
    assert default_annotator(None) == "login"
    assert default_annotator("@gold") == "login"


def test_edits_kept_in_a_read_only_old_project_go_to_its_copy_as_the_annotators(tmp_path):
    path = tmp_path / "old.nerstudio"
    make_version_3_project(path)
    project = Project.open(path, read_only=True, annotator="ann")
    doc = project.load_document(1, track=True)
    doc.add_span(span("Charles Babbage", "PER"))  # kept in memory: the project is read-only
    assert project.pending_count == 1
    assert project.load_version(1, project.version_annotator).spans == doc.spans  # what is shown
    copy = project.save_as(tmp_path / "copy.nerstudio")
    try:
        assert copy.annotators() == ["ann"]
        assert copy.load_document(1).spans == (span("Ada Lovelace", "PER"), span("Charles Babbage", "PER"),
                                               span("London", "LOC"))
    finally:
        copy.close()


def test_a_second_annotators_file_meets_the_old_documents_of_a_migrated_project(tmp_path):
    path = tmp_path / "old.nerstudio"
    make_version_3_project(path)  # its document has no text hash yet
    with Project.open(path, annotator="ann") as project:
        assert project.import_version([doc_with(("London", "GPE"))], "bob") == [1]
        assert project.import_version([doc_with(("London", "GPE"))], "bob") == [2]  # bob has one of 1 now
        assert project.load_version(1, "bob").spans == (span("London", "GPE"),)
        assert len(project.document_summaries()) == 2


def test_opening_as_the_gold_version_claims_nothing_and_is_no_annotator(tmp_path):
    path = tmp_path / "old.nerstudio"
    make_version_3_project(path)
    with Project.open(path, annotator=GOLD) as project:
        assert project.annotator == GOLD and project.load_document(1).spans == ()
        project.load_document(1, track=True).add_span(span("London", "LOC"))
        assert project.annotators() == []  # the old spans still wait for their first annotator
    with Project.open(path, annotator="ann") as project:
        assert project.annotators() == ["ann"] and len(project.load_document(1).spans) == 2
        assert project.load_version(1, GOLD).spans == (span("London", "LOC"),)


def test_renaming_an_annotator_keeps_their_work_and_never_merges_two(project_location):
    with Project.create(project_location, annotator="login") as project:
        (doc_id,) = project.add_documents([doc_with(("London", "LOC"))])
        project.import_version([doc_with(("London", "GPE"))], "bob")
        with pytest.raises(AnnotatorError, match="'bob' has versions in this project already"):
            project.rename_annotator("login", "bob")
        with pytest.raises(AnnotatorError, match="no annotator named 'nobody'"):
            project.rename_annotator("nobody", "ann")
        project.set_setting("learning.review_log", [{"step": 1}])
        project.rename_annotator("login", "ann")
        assert project.annotators() == ["ann", "bob"]
        assert project.get_setting("learning.review_log") is None  # still "login"'s in this object
    with Project.open(project_location, annotator="ann", keep_backups=0) as project:
        assert project.get_setting("learning.review_log") == [{"step": 1}]
        assert project.load_version(doc_id, "ann").spans == (span("London", "LOC"),)
        made = project.span_history(doc_id, span("London", "LOC"))  # their history follows the name
        assert (made.created_by, made.modified_by) == ("ann", "ann")
