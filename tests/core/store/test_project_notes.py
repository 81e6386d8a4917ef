"""Notes in a project (both stores): written, edited, resolved and deleted; anchored by offsets
so they survive relabelling and the entity's deletion; deleted with their document; seen by
another annotator's instance; carried through JSONL ``meta.notes`` and the spreadsheets."""

import csv
from dataclasses import replace

import pytest
from openpyxl import load_workbook

from ner_studio.core.errors import FormatError, ProjectError
from ner_studio.core.formats import write_documents
from ner_studio.core.formats.jsonl import parse_jsonl, read_jsonl
from ner_studio.core.formats.spreadsheet import ENTITY_COLUMNS, NOTE_COLUMNS, NOTES_SHEET, export_entities
from ner_studio.core.store.project import Project
from ner_studio.core.store.project_export import version_attribution
from ner_studio.core.store.project_changes import ProjectChange, plan_refresh
from ner_studio.core.text.notes import notes_on
from ner_studio.core.text.spans import Span

from tests.core.project_fixtures import make_document
from tests.core.store.test_project_changes import Watching

TEXT = "Ada Lovelace met Charles Babbage in London ."


def lovelace(doc) -> Span:
    start = doc.text.index("Ada Lovelace")
    return Span(start, start + len("Ada Lovelace"), "PER")


@pytest.fixture
def project(project_location):
    with Project.create(project_location, annotator="ann") as project:
        yield project


def test_a_note_is_added_edited_resolved_reopened_and_deleted(project):
    [doc_id] = project.add_documents([make_document(TEXT)])
    heard = []
    project.notes_changed.connect(lambda: heard.append(1))
    on_entity = project.add_note(doc_id, "Is this the mathematician?", 0, 12)
    on_document = project.add_note(doc_id, "Whole article is a quote\nfrom 1843.")
    assert (on_entity.author, on_entity.start, on_entity.end, on_entity.resolved) == ("ann", 0, 12, False)
    assert on_document.on_document and on_document.text == "Whole article is a quote\nfrom 1843."
    assert [n.id for n in project.notes()] == [on_entity.id, on_document.id]

    edited = project.edit_note(on_entity.id, "Yes: Ada Lovelace, the mathematician.")
    assert edited.text.startswith("Yes") and edited.created == on_entity.created
    assert project.set_note_resolved(on_entity.id).resolved
    assert [n.id for n in project.notes(open_only=True)] == [on_document.id]
    assert project.documents_with_open_notes() == {doc_id}
    assert not project.set_note_resolved(on_entity.id, False).resolved  # reopened
    project.delete_note(on_document.id)
    assert [n.id for n in project.notes()] == [on_entity.id]
    assert len(heard) == 6  # every write announced here

    with pytest.raises(ProjectError, match="needs some text"):
        project.add_note(doc_id, "   ")
    with pytest.raises(ProjectError, match="not inside the text"):
        project.add_note(doc_id, "past the end", 40, 400)
    with pytest.raises(ProjectError, match="deleted meanwhile"):
        project.edit_note(on_document.id, "gone")


def test_a_note_is_put_back_as_it_was_by_an_undo_and_saved_at_once(project_location):
    with Project.create(project_location, annotator="ann") as project:
        [doc_id] = project.add_documents([make_document(TEXT)])
        before = project.add_note(doc_id, "Is this the mathematician?", 0, 12)
        project.edit_note(before.id, "Yes, she is.")
        after = project.set_note_resolved(before.id)
        heard = []
        project.notes_changed.connect(lambda: heard.append(1))
        back = project.put_note_state(before.id, before)
        assert (back.text, back.resolved, back.modified, back.created) == (
            before.text, False, before.modified, before.created)
        assert heard == [1]
        with Project.open(project_location, annotator="bob", keep_backups=0) as bob:  # written at once
            [seen] = bob.notes()
            assert (seen.text, seen.resolved, seen.modified) == (before.text, False, before.modified)
        again = project.put_note_state(before.id, after)  # the redo
        assert (again.text, again.resolved, again.modified) == ("Yes, she is.", True, after.modified)
        with pytest.raises(ProjectError, match="needs some text"):
            project.put_note_state(before.id, replace(before, text=" "))
        project.delete_note(before.id)
        with pytest.raises(ProjectError, match="deleted meanwhile"):
            project.put_note_state(before.id, before)


def test_a_note_stays_on_its_text_when_the_entity_is_relabelled_or_deleted(project_location):
    with Project.create(project_location, annotator="ann") as project:
        [doc_id] = project.add_documents([make_document(TEXT)])
        doc = project.load_document(doc_id, track=True)
        entity = doc.add_span(lovelace(doc))
        note = project.add_note(doc_id, "check the spelling", entity.start, entity.end)
        doc.edit((entity,), (Span(entity.start, entity.end, "ORG"),))  # relabelled
        assert notes_on(project.notes([doc_id]), TEXT.index("London"), len(TEXT)) == []  # not London's
        assert [n.id for n in notes_on(project.notes([doc_id]), doc.spans[0].start, doc.spans[0].end)] == [note.id]
        doc.remove_span(doc.spans[0])  # deleted: the note is kept on that text range
    with Project.open(project_location, annotator="ann", keep_backups=0) as again:
        [kept] = again.notes()
        assert (kept.id, kept.start, kept.end, kept.text) == (note.id, 0, 12, "check the spelling")
        assert again.load_document(doc_id).spans == ()


def test_notes_go_with_their_document_and_other_annotators_see_them(project_location):
    with Project.create(project_location, annotator="ann") as project:
        kept, deleted = project.add_documents([make_document(TEXT, "kept"), make_document(TEXT, "deleted")])
        project.add_note(kept, "keep me")
        project.add_note(deleted, "goes with its document", 0, 3)
        project.delete_document(deleted)
        assert [n.text for n in project.notes()] == ["keep me"]
        with Project.open(project_location, annotator="bob", keep_backups=0) as bob:
            [seen] = bob.notes()
            assert seen.author == "ann"
            bob.set_note_resolved(seen.id)
        assert project.notes()[0].resolved and project.documents_with_open_notes() == set()


def test_another_instance_hears_of_notes_even_from_another_annotator(project_location):
    with Project.create(project_location, annotator="ann") as ann:
        [doc_id] = ann.add_documents([make_document(TEXT)])
        with Project.open(project_location, annotator="bob", keep_backups=0) as bob:
            watching = Watching(bob)
            try:
                ann.add_note(doc_id, "for Bob", 0, 3)
                while True:
                    plan = plan_refresh(watching.next_batch(), bob.origin, bob.version_annotator, bob.own_revisions)
                    if plan is not None:
                        break
            finally:
                watching.stop()
            assert plan.notes and plan.documents == frozenset()  # no document to read again
            assert [n.text for n in bob.notes()] == ["for Bob"]


def test_only_others_notes_count_in_the_plan():
    own = ProjectChange(3, None, frozenset(), "me", notes=True)
    assert plan_refresh([own], "me", "ann") is None
    bobs = ProjectChange(4, "bob", frozenset({1}), "elsewhere", notes=True)  # with bob's span edits
    plan = plan_refresh([bobs], "me", "ann")
    assert plan.notes and plan.documents == frozenset()
    assert ProjectChange.from_payload(bobs.payload()) == bobs
    assert not plan_refresh([ProjectChange(5, "ann", frozenset({1}), "elsewhere")], "me", "ann").notes


def test_jsonl_carries_notes_out_and_back_in(project, tmp_path):
    [doc_id] = project.add_documents([make_document(TEXT, "news")])
    project.add_note(doc_id, "Lovelace or Byron?", 0, 12)
    resolved = project.add_note(doc_id, "source: The Times")
    project.set_note_resolved(resolved.id)
    out = tmp_path / "out.jsonl"
    export_entities(project.with_notes([project.load_document(doc_id)]), out, "jsonl", attribution=version_attribution(project))
    [doc] = read_jsonl(out)
    records = doc.meta["notes"]
    assert [(r["text"], r["author"], r["resolved"], r["start"], r["end"]) for r in records] == [
        ("Lovelace or Byron?", "ann", False, 0, 12), ("source: The Times", "ann", True, None, None)]
    assert all(r["created"] for r in records)
    assert "notes" not in project.load_document(doc_id).meta  # the export did not change the document

    with Project.create(tmp_path / "second.nerstudio", annotator="cy") as second:
        [new_id] = second.add_documents([doc])
        assert [(n.text, n.author, n.resolved, n.start) for n in second.notes()] == [
            ("Lovelace or Byron?", "ann", False, 0), ("source: The Times", "ann", True, None)]
        assert "notes" not in second.load_document(new_id).meta  # kept once: in the notes table
    again = tmp_path / "again.jsonl"
    write_documents([doc], again, "jsonl")  # a file to a file (convert) keeps them too
    assert read_jsonl(again)[0].meta["notes"] == records


@pytest.mark.parametrize("notes,reason", [
    ('"a note"', "must be a list"),
    ('[{"text": ""}]', "note 1 of meta.notes"),
    ('[{"text": "x", "start": 3}]', "start and end"),
    ('[{"text": "x", "start": 5, "end": 500}]', "not inside the text"),
    ('[{"text": "x", "resolved": "yes"}]', "true or false"),
])
def test_a_bad_note_in_jsonl_names_the_file_and_line(tmp_path, notes, reason):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "fine ."}\n{"text": "Ada came .", "meta": {"notes": %s}}\n' % notes, encoding="utf-8")
    with pytest.raises(FormatError) as caught:
        read_jsonl(path)
    assert caught.value.line == 2 and reason in str(caught.value) and "bad.jsonl" in str(caught.value)


def test_the_spreadsheets_have_a_notes_column_and_an_xlsx_a_notes_sheet(project, tmp_path):
    doc = make_document(TEXT, "news")
    doc.set_spans([lovelace(doc), Span(TEXT.index("London"), TEXT.index("London") + 6, "LOC")])
    [doc_id] = project.add_documents([doc])
    project.add_note(doc_id, "=check", 0, 3)  # a formula-like note stays text
    project.set_note_resolved(project.add_note(doc_id, "the full name", 0, 12).id)
    project.add_note(doc_id, "all from one letter")
    loaded = [project.load_document(doc_id)]

    book_path = tmp_path / "out.xlsx"
    export_entities(project.with_notes(loaded), book_path, "xlsx", attribution=version_attribution(project))
    book = load_workbook(book_path)
    rows = list(book["Entities"].iter_rows(values_only=True))
    assert rows[0] == ENTITY_COLUMNS and rows[0][-1] == "notes"
    assert rows[1][2] == "Ada Lovelace" and rows[1][-1] == "ann: =check\nann: the full name [resolved]"
    assert rows[2][2] == "London" and rows[2][-1] is None
    notes = list(book[NOTES_SHEET].iter_rows(values_only=True))
    assert notes[0] == NOTE_COLUMNS
    assert [(r[1], r[2], r[3], r[4], r[7]) for r in notes[1:]] == [
        (0, 3, "Ada", "=check", False), (0, 12, "Ada Lovelace", "the full name", True),
        (None, None, None, "all from one letter", False)]

    table_path = tmp_path / "out.csv"
    export_entities(project.with_notes(loaded), table_path, "csv", attribution=version_attribution(project))
    table = list(csv.DictReader(table_path.read_text(encoding="utf-8-sig").splitlines(keepends=True)))
    assert table[0]["notes"] == "ann: =check\nann: the full name [resolved]" and table[1]["notes"] == ""


def test_a_read_only_project_from_before_notes_has_none(tmp_path):
    import sqlite3

    path = tmp_path / "old.nerstudio"
    with Project.create(path) as project:
        project.add_documents([make_document(TEXT)])
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM project_info WHERE key = 'notes_revision'")  # what marks a project with notes
    conn.commit()
    conn.close()
    with Project.open(path, read_only=True) as old:
        assert old.notes() == [] and old.documents_with_open_notes() == set()
    assert parse_jsonl('{"text": "no notes ."}')[0].meta == {}


def test_an_annotators_import_brings_notes_once(project, tmp_path):
    [doc_id] = project.add_documents([make_document(TEXT, "news")])
    project.add_note(doc_id, "Which London?", TEXT.index("London"), TEXT.index("London") + 6)
    out = tmp_path / "ann.jsonl"
    export_entities(project.with_notes([project.load_document(doc_id)]), out, "jsonl", attribution=version_attribution(project))
    [doc] = read_jsonl(out)
    doc.meta["notes"].append({"text": "Bob's question", "author": "bob", "created": "2026-12-07T11:00:00+00:00",
                              "resolved": False, "start": None, "end": None})
    assert project.import_version([doc], "bob") == [doc_id]  # the same text: bob's version of it
    assert sorted((n.text, n.author) for n in project.notes()) == [("Bob's question", "bob"), ("Which London?", "ann")]
