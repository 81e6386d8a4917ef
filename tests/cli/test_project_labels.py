"""``ner-studio project labels``: a label set handed on with its guidelines (issue 26)."""

import pytest

from ner_studio.core.store.project import Project
from ner_studio.core.text.labels import LabelSet
from tests.cli.conftest import run

pytestmark = pytest.mark.usefixtures("own_settings")


def test_labels_with_guidelines_go_from_one_project_to_another(tmp_path, capsys):
    first, second = tmp_path / "first.nerstudio", tmp_path / "second.nerstudio"
    with Project.create(first) as project:
        labels = project.labels()
        labels.set_guidelines("ORG", "Companies, agencies, teams", ["Meridian Capital"])
        labels.add("DATE")
        project.save_labels(labels)
    Project.create(second).close()
    out = tmp_path / "labels.json"
    code, _, err = run(capsys, "project", "labels", first, "--export", out)
    assert code == 0 and "wrote 5 labels" in err
    code, said, _ = run(capsys, "project", "labels", second, "--import", out)
    assert code == 0 and "PER, LOC, ORG, MISC, DATE" in said
    with Project.open(second, read_only=True) as project:
        assert project.labels()["ORG"].examples == ("Meridian Capital",)
    code, listing, _ = run(capsys, "project", "labels", second)
    assert code == 0 and "ORG\t3\t" in listing and "Companies, agencies, teams" in listing


def test_a_bad_label_set_file_names_its_line_and_changes_nothing(tmp_path, capsys):
    project = tmp_path / "p.nerstudio"
    Project.create(project).close()
    bad = tmp_path / "labels.json"
    bad.write_text('[\n {"name": "PER"},\n {"name": "LOC", "colour": "blue"}]', encoding="utf-8")
    code, _, err = run(capsys, "project", "labels", project, "--import", bad)
    assert code == 2 and f"{bad}, line 3" in err and "#rrggbb" in err
    with Project.open(project, read_only=True) as stored:
        assert stored.labels() == LabelSet.conll2003()


def test_export_never_writes_over_the_project(tmp_path, capsys):
    project = tmp_path / "p.nerstudio"
    Project.create(project).close()
    code, _, err = run(capsys, "project", "labels", project, "--export", project)
    assert code == 2 and "input" in err
