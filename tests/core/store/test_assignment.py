"""Assigning documents to annotators with an overlap share for agreement: the plan (pure),
and storing it in a project (both stores), including a project from before assignments."""

import re
import sqlite3
from collections import Counter

import pytest

from ner_studio.core.store.assignment import next_in_turn, overlap_positions, plan_assignment
from ner_studio.core.errors import AnnotatorError
from ner_studio.core.store.project import Project
from ner_studio.core.store.project_schema import MIGRATIONS

from tests.core.project_fixtures import make_document


def loads(plan):
    return Counter(name for names in plan.values() for name in names)


def test_documents_are_spread_evenly_and_the_overlap_goes_to_two_annotators():
    plan = plan_assignment(list(range(1, 51)), ["ann", "bob", "cy"], 0.2)
    assert sorted(plan) == list(range(1, 51))
    shared = [doc_id for doc_id, names in plan.items() if len(names) == 2]
    assert len(shared) == 10 and all(len(set(plan[d])) == 2 for d in shared)
    assert max(loads(plan).values()) - min(loads(plan).values()) <= 1
    assert sum(loads(plan).values()) == 60
    pairs = Counter(plan[d] for d in shared)
    assert len(pairs) == 3 and max(pairs.values()) - min(pairs.values()) <= 1  # every pair compared
    assert shared[0] > 1 and shared[-1] > 40  # spaced through the list, not the first ten


@pytest.mark.parametrize("count,overlap", [(1, 0.0), (7, 0.5), (10, 1.0), (3, 0.2), (101, 0.33)])
def test_every_document_gets_one_or_two_and_loads_stay_within_one(count, overlap):
    plan = plan_assignment(list(range(count)), ["a", "b", "c", "d"], overlap)
    assert len(overlap_positions(count, overlap)) == round(overlap * count)
    assert sum(1 for names in plan.values() if len(names) == 2) == round(overlap * count)
    counts = [loads(plan)[name] for name in "abcd"]
    assert max(counts) - min(counts) <= 1


@pytest.mark.parametrize("annotators,overlap,message", [
    ([], 0.0, "at least one"), (["ann", "ann"], 0.0, "named twice"), (["ann"], 0.2, "two annotators"),
    (["ann", "bob"], 1.5, "from 0 to 1"), (["@gold"], 0.0, "reserved"),
])
def test_a_bad_team_is_refused_with_a_reason(annotators, overlap, message):
    with pytest.raises(AnnotatorError, match=message):
        plan_assignment([1, 2], annotators, overlap)


def test_assigning_stores_the_plan_and_only_unassigned_documents_are_assigned_later(project_location):
    with Project.create(project_location, annotator="cur") as project:
        project.add_documents([make_document(f"text {i} .", f"d{i}") for i in range(10)])
        first = project.assign(["ann", "bob"], 0.2)
        assert len(first) == 10 and project.assignments() == first
        project.add_documents([make_document("late text .", "late")])
        assert list(project.assign(["cy"])) == [11]  # the earlier ones stay as they were
        assert project.assigned_documents("cy") == {11}
        assert project.assigned_documents("ann") == {d for d, names in first.items() if "ann" in names}
        assert project.assign(["ann"]) == {}
        project.delete_document(11)
        assert 11 not in project.assignments()
    with Project.open(project_location, annotator="ann", keep_backups=0) as ann:
        assert ann.assigned_documents() == {d for d, names in first.items() if "ann" in names}
        assert len(ann.assigned_documents()) == 6  # 8 single + 2 shared, spread evenly


def test_a_renamed_annotator_keeps_their_assignments(project_location):
    with Project.create(project_location, annotator="ann") as project:
        project.add_documents([make_document("one .", "one"), make_document("two .", "two")])
        project.assign(["ann", "bob"])
        project.rename_annotator("ann", "anna")
        assert project.assigned_documents("anna") == {1} and project.assigned_documents("ann") == set()


def test_a_project_from_before_assignments_is_migrated_and_reads_as_unassigned(tmp_path):
    path = tmp_path / "old.nerstudio"
    with Project.create(path, annotator="ann") as project:
        project.add_documents([make_document("one .", "one")])
    conn = sqlite3.connect(path)
    for statements in MIGRATIONS[4:]:  # version 5 (assignments) and the later ones, taken back
        for statement in statements:
            if created := re.match(r"\s*CREATE TABLE (\w+)", statement):
                conn.execute(f"DROP TABLE {created[1]}")
            elif info := re.match(r"INSERT INTO project_info \(key, value\) VALUES \('(\w+)'", statement):
                conn.execute("DELETE FROM project_info WHERE key = ?", (info[1],))
    conn.execute("DELETE FROM schema_version WHERE version >= 5")
    conn.commit()
    conn.close()
    with Project.open(path, annotator="ann", read_only=True) as old:
        assert old.assignments() == {} and old.assigned_documents() == set()
    with Project.open(path, annotator="ann") as migrated:
        assert migrated.assign(["ann"]) == {1: ("ann",)}


def test_next_document_goes_through_yours_in_a_team_project_and_through_all_otherwise():
    ids = [1, 2, 3, 4, 5, 6]
    yours = {2, 5}
    assert [next_in_turn(ids, at, yours) for at in (2, 5)] == [5, 2]  # wrapping
    assert next_in_turn(ids, 3, yours) == 5  # from someone else's document: your next one
    assert [next_in_turn(ids, at, yours, step=-1) for at in (5, 2, 3)] == [2, 5, 2]
    assert next_in_turn(ids, None, yours) == 2 and next_in_turn(ids, None, yours, step=-1) == 5
    assert next_in_turn(ids, 2, yours, skip=lambda doc_id: doc_id == 5) is None  # none other will do
    assert next_in_turn(ids, 2, {99}) == 3  # assigned nothing of this list: every document takes its turn
    assert next_in_turn(ids, 6, set()) == 1 and next_in_turn(ids, 1, set(), step=-1) == 6
    assert next_in_turn([], None, yours) is None

