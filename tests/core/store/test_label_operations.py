"""Label edits are saved as operations on the labels stored now: two windows or processes
editing the label set lose nothing (issue 12)."""

import pytest
from tests.core.project_fixtures import run_python

from ner_studio.core.errors import LabelError
from ner_studio.core.store.project import Project

CHILD_ADDS = """
import sys
from ner_studio.core.store.project import Project
with Project.open(sys.argv[1], keep_backups=0) as project:
    labels = project.labels()
    labels.add(sys.argv[2])
    project.save_labels(labels)
"""


@pytest.fixture
def path(project_location):
    """A new project's location: a file, then a database on the test PostgreSQL server."""
    Project.create(project_location).close()
    return project_location


def test_two_processes_each_adding_a_label_keep_both(path):
    with Project.open(path, keep_backups=0) as project:
        mine = project.labels()  # read before the other process saves
        result = run_python(CHILD_ADDS, str(path), "DATE")
        assert result.returncode == 0, result.stderr
        mine.add("TIME")
        project.save_labels(mine)
        assert project.labels().names() == ["PER", "LOC", "ORG", "MISC", "DATE", "TIME"]


def test_renames_recolours_and_removals_from_two_windows_combine(path):
    with Project.open(path, keep_backups=0) as one, Project.open(path, keep_backups=0) as two:
        first, second = one.labels(), two.labels()
        first.rename("PER", "PERSON")
        first.remove("MISC")
        second.set_colour("LOC", "#123456")
        second.add("DATE")
        one.save_labels(first)
        two.save_labels(second)
        stored = two.labels()
    assert stored.names() == ["PERSON", "LOC", "ORG", "DATE"]
    assert stored["LOC"].colour == "#123456" and stored["PERSON"].key == "1"


def test_the_later_save_wins_a_shortcut_key_both_wanted(path):
    with Project.open(path, keep_backups=0) as one, Project.open(path, keep_backups=0) as two:
        first, second = one.labels(), two.labels()
        first.add("DATE")  # both take the next free key, 5
        second.add("TIME")
        one.save_labels(first)
        two.save_labels(second)
        stored = two.labels()
    assert stored["TIME"].key == "5" and stored["DATE"].key == ""


def test_renaming_onto_a_label_another_window_added_is_refused(path):
    with Project.open(path, keep_backups=0) as one, Project.open(path, keep_backups=0) as two:
        first, second = one.labels(), two.labels()
        first.add("DATE")
        second.rename("MISC", "DATE")
        one.save_labels(first)
        with pytest.raises(LabelError, match="another window added a label named 'DATE'"):
            two.save_labels(second)
        assert two.labels().names() == ["PER", "LOC", "ORG", "MISC", "DATE"]


def test_an_edit_of_a_label_another_window_removed_does_not_bring_it_back(path):
    with Project.open(path, keep_backups=0) as one, Project.open(path, keep_backups=0) as two:
        first, second = one.labels(), two.labels()
        first.remove("MISC")
        second.add("DATE")
        one.save_labels(first)
        two.save_labels(second)
        assert two.labels().names() == ["PER", "LOC", "ORG", "DATE"]


def test_a_new_order_applies_and_labels_added_elsewhere_stay_in_place(path):
    with Project.open(path, keep_backups=0) as one, Project.open(path, keep_backups=0) as two:
        first, second = one.labels(), two.labels()
        first.add("DATE")
        second.move("MISC", 0)
        one.save_labels(first)
        two.save_labels(second)
        assert two.labels().names() == ["MISC", "PER", "LOC", "ORG", "DATE"]
