from ner_studio.core.learning.adoption import decided, judge
from ner_studio.core.store.project import Project


def test_a_version_is_adopted_only_when_strictly_better_on_the_same_check_sentences():
    better = judge(0.62, 0.60, 120, 80, current_name="#3")
    assert better.adopt is True and "62.0 vs 60.0 for #3" in better.reason
    assert "120 check sentences (80 entities)" in better.reason
    tie = judge(0.60, 0.60, 120, 80)  # a tie keeps the current model (issue 23)
    assert tie.adopt is False and tie.reason.startswith("not adopted: a tie") and "current model stays" in tie.reason
    worse = judge(0.55, 0.60, 120, 80)
    assert worse.adopt is False and worse.reason.startswith("not adopted")


def test_too_few_check_entities_leave_the_choice_to_the_analyst():
    verdict = judge(0.9, 0.1, 300, 12)
    assert verdict.adopt is None and "only 300 check sentences (12 entities), fewer than 50" in verdict.reason
    assert judge(0.9, 0.1, 30, 49, minimum=49).adopt is True
    assert decided(verdict, False).adopt is False
    assert decided(verdict, True).reason.startswith("adopted by you")


def test_a_version_records_its_verdict(tmp_path):
    with Project.create(tmp_path / "p.nerstudio") as project:
        version = project.add_model_version(tmp_path / "m.pt", metrics={"dev": {"overall": {"f1": 0.5}}})
        project.update_model_version(version, metrics={"verdict": judge(0.4, 0.5, 99, 60).to_dict()})
        [stored] = project.model_versions()
        assert stored.metrics["dev"] == {"overall": {"f1": 0.5}}
        assert stored.metrics["verdict"]["adopt"] is False and stored.notes == ""
        project.update_model_version(version, notes="kept for reference")
        assert project.model_versions()[0].notes == "kept for reference"
