from ner_studio.core.learning.adoption import CONFIDENCE, MIN_EVIDENCE_ENTITIES, confidence_better, decided, judge
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


def _sentences(right: int, total: int, *, offset: int = 0) -> list[tuple[int, int, int]]:
    """``total`` check sentences of one gold entity each, predicted once each; ``right`` of
    them (from ``offset`` on, wrapping) correct."""
    return [(1 if (k - offset) % total < right else 0, 1, 1) for k in range(total)]


def test_a_clear_win_on_few_check_entities_is_adopted_by_the_bootstrap():
    new, current = _sentences(10, 14), _sentences(2, 14)  # 71.4 vs 14.3 F1 on 14 entities
    assert confidence_better(new, current) > 0.99
    verdict = judge(10 / 14, 2 / 14, 14, 14, paired=(new, current))
    assert verdict.adopt is True
    assert verdict.reason.startswith("adopted: check F1 71.4 vs 14.3") and "fewer than 50 entities" in verdict.reason
    assert "resamples" in verdict.reason


def test_a_tie_or_a_noisy_small_win_on_few_entities_is_not_adopted():
    same = _sentences(7, 20)
    assert confidence_better(same, same) == 0.0  # a tie wins no resample
    assert judge(0.35, 0.35, 20, 20, paired=(same, same)).adopt is None
    # 9 right against 8, on different sentences: a win, but one sentence either way decides it.
    new, current = _sentences(9, 20, offset=5), _sentences(8, 20)
    sure = confidence_better(new, current)
    assert 0.3 < sure < CONFIDENCE
    verdict = judge(0.45, 0.40, 20, 20, paired=(new, current))
    assert verdict.adopt is None and "95% needed" in verdict.reason and "too few to tell them apart" in verdict.reason
    # Worse is never adopted, however sure.
    assert judge(2 / 14, 10 / 14, 14, 14, paired=(_sentences(2, 14), _sentences(10, 14))).adopt is None


def test_below_the_evidence_floor_even_a_sweeping_win_waits_for_the_analyst():
    new, current = _sentences(MIN_EVIDENCE_ENTITIES - 1, MIN_EVIDENCE_ENTITIES - 1), _sentences(0, MIN_EVIDENCE_ENTITIES - 1)
    verdict = judge(1.0, 0.0, MIN_EVIDENCE_ENTITIES - 1, MIN_EVIDENCE_ENTITIES - 1, paired=(new, current))
    assert verdict.adopt is None and verdict.reason.endswith("too few to tell them apart")


def test_the_bootstrap_is_the_same_each_time_and_leaves_the_large_check_set_rule_alone():
    new, current = _sentences(12, 30, offset=3), _sentences(10, 30)
    assert confidence_better(new, current) == confidence_better(new, current)
    assert judge(0.62, 0.60, 120, 80, paired=(new, current)).adopt is True  # >= 50 entities: strictly better
