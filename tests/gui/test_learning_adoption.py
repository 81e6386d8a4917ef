"""Adoption by evidence: a new version replaces the current model only if it does strictly
better on the check sentences, which it never trained on; a tie keeps the current model."""

from __future__ import annotations

import pytest

from ner_studio.core.learning import check_set
from ner_studio.core.learning.metrics import evaluate_tags
from ner_studio.gui.shell import qt_dialogs
from tests.gui.test_learning_training import train, trainable  # noqa: F401 - the fixture


def _scores(f1_by_parent: dict):
    """A stand-in for scoring a model file: F1 ``new`` for fine-tuned versions, ``current``
    for the model they started from (an Evaluation with that overall F1)."""
    def score(path, docs):
        f1 = f1_by_parent["new" if "model-" in str(path) else "current"]
        # 100 gold entities and 100 predicted, ``found`` of them right: P = R = F1 = found / 100.
        found = round(100 * f1)
        return evaluate_tags([["B-PER"]] * 100, [["B-PER"] if i < found else ["B-LOC"] for i in range(100)])
    return score


@pytest.fixture
def check_scores(monkeypatch):
    import ner_studio.model.versions as versions
    from ner_studio.gui.learning.qt_learning import LearningController
    from ner_studio.gui.learning.qt_model_versions import ModelVersions

    def use(new: float, current: float, minimum: int = 1):
        # The scores are patched in this process: training and scoring run here, not in a child
        monkeypatch.setattr(LearningController, "in_child", False)
        monkeypatch.setattr(ModelVersions, "in_child", False)
        monkeypatch.setattr(check_set, "MIN_CHECK_ENTITIES", minimum)
        monkeypatch.setattr(versions, "check_scores", _scores({"new": new, "current": current}))
    return use


def test_a_worse_version_is_kept_aside_with_the_reason(trainable, qtbot, check_scores):  # noqa: F811
    window, _, _ = trainable
    check_scores(new=0.40, current=0.60)
    old_model = window.model
    train(qtbot, window)
    [version] = window.workspace.project.model_versions()
    assert window.model is old_model
    assert version.metrics["verdict"]["adopt"] is False
    reason = version.metrics["verdict"]["reason"]
    assert reason.startswith("not adopted: check F1 40.0 vs 60.0 for tiny on ") and "(100 entities)" in reason
    row = next(r for r in window.learning.models_panel.rows if r.version_id == version.version_id)
    assert row.cells[0] == "" and row.cells[3] == reason
    assert "kept aside" in window.learning.training_panel.status.text()


def test_a_tie_keeps_the_current_model(trainable, qtbot, check_scores):  # noqa: F811
    window, _, _ = trainable
    check_scores(new=0.60, current=0.60)
    old_model = window.model
    train(qtbot, window)
    [version] = window.workspace.project.model_versions()
    assert window.model is old_model
    assert version.metrics["verdict"]["adopt"] is False
    assert version.metrics["verdict"]["reason"].startswith("not adopted: a tie, check F1 60.0 vs 60.0")
    assert "kept aside" in window.learning.training_panel.status.text()


def test_a_better_version_becomes_current(trainable, qtbot, check_scores):  # noqa: F811
    window, _, _ = trainable
    check_scores(new=0.70, current=0.60)
    train(qtbot, window)
    [version] = window.workspace.project.model_versions()
    assert version.metrics["verdict"]["adopt"] is True
    assert str(window.model.path) == version.path
    assert version.metrics["check"]["overall"]["f1"] > version.metrics["parent_check"]["overall"]["f1"]


@pytest.mark.parametrize("answer", [True, False])
def test_too_few_check_sentences_let_the_analyst_choose(trainable, qtbot, check_scores, monkeypatch, answer):  # noqa: F811
    window, _, _ = trainable
    check_scores(new=0.10, current=0.90, minimum=10_000)
    asked = []
    monkeypatch.setattr(qt_dialogs, "ask_adopt", lambda parent, name, reason: asked.append(reason) or answer)
    old_model = window.model
    train(qtbot, window)
    [version] = window.workspace.project.model_versions()
    assert len(asked) == 1 and ("too few to tell them apart" in asked[0] or "no reviewed sentence" in asked[0])
    assert version.metrics["verdict"]["adopt"] is answer
    assert version.metrics["verdict"]["reason"].startswith("adopted by you" if answer else "not adopted by you")
    assert (str(window.model.path) == version.path) is answer and (window.model is old_model) is not answer


def test_check_sentences_are_never_trained_on_and_the_checkpoint_says_what_it_trained_on(trainable, qtbot, idle):  # noqa: F811
    from ner_studio.model.checkpoint import load_checkpoint

    window, reviewed, _ = trainable
    window.actions_["learn_continuously"].trigger()  # paused: 60 more reviewed sentences would start a round
    more = [doc for doc in _many_documents(60)]
    window.workspace.add_documents(more)
    for doc in more:
        window.workspace.mark_reviewed(doc)
    idle(window)
    train(qtbot, window)
    [version] = window.workspace.project.model_versions()
    record = load_checkpoint(version.path).metadata["trained_on"]
    everything = [h for doc in [*reviewed, *more] for h in check_set.document_hashes(doc)]
    held = {h for h in everything if check_set.in_check_set(h)}
    # Every reviewed sentence outside the check set (a part of them held out to stop early).
    assert held and set(record["sentence_hashes"]) == set(everything) - held
    assert version.metrics["check"]["sentences"] == len(held)


def _many_documents(n: int):
    from ner_studio.core.text.document import Document
    from ner_studio.core.text.spans import Span

    for i in range(n):
        name = f"Person{i} Smith"
        text = f"{name} visited Lisbon on day {i} ."
        doc = Document.from_text(text, name=f"extra {i}")
        doc.add_span(Span(0, len(name), "PER"))
        start = text.index("Lisbon")
        doc.add_span(Span(start, start + 6, "LOC"))
        yield doc


def test_the_train_dialog_and_panel_say_when_a_new_label_has_too_few_examples(trainable, qtbot, monkeypatch):  # noqa: F811
    from ner_studio.core.text.document import Document
    from ner_studio.core.text.spans import Span
    from ner_studio.gui.learning import qt_learning

    window, _, _ = trainable
    labels = window.workspace.labels.copy()
    labels.add("PRODUCT")
    assert window.workspace.save_labels(labels)
    gadget = Document.from_text("Karin bought an iPhone .", name="gadget")
    window.workspace.add_documents([gadget])
    start = gadget.text.index("iPhone")
    gadget.add_span(Span(start, start + 6, "PRODUCT"))
    window.workspace.mark_reviewed(gadget)
    seen = {}

    def look(dialog):  # the dialog shows at once and counts in a worker: "Counting…" until it has
        seen["first"] = (dialog.what.text(), dialog.train_button.isEnabled())
        qtbot.waitUntil(lambda: not dialog.counting)
        seen.update(summary=dialog.what.text(), train=dialog.train_button.isEnabled(), examples=dialog.rows)
        return False

    monkeypatch.setattr(qt_learning.TrainDialog, "exec", look)
    window.model.predictor()  # loaded: the dialog knows which labels are new to the model
    window.actions_["train"].trigger()
    assert seen["first"] == ("Counting the reviewed sentences…", False) and seen["train"]
    rows = {row.label: row for row in seen["examples"]}
    assert rows["PRODUCT"].train + rows["PRODUCT"].check == 1 and not rows["PRODUCT"].known
    assert "too few" in rows["PRODUCT"].problem or "no examples" in rows["PRODUCT"].problem
    assert rows["PER"].known and rows["PER"].problem is None
    assert "check set" in seen["summary"]


def test_the_train_dialog_names_the_labels_the_check_set_cannot_judge(trainable, qtbot, monkeypatch):  # noqa: F811
    from PySide6.QtWidgets import QDialog

    from ner_studio.gui.learning import qt_train_dialog

    window, _, _ = trainable
    labels = window.workspace.labels.copy()
    labels.add("PRODUCT")  # no entity anywhere: certainly none in the check set
    assert window.workspace.save_labels(labels)
    shown = {}

    def look(dialog):
        qtbot.waitUntil(lambda: not dialog.counting)  # counted in a worker
        shown["unchecked"] = dialog.unchecked.text() if dialog.unchecked.isVisibleTo(dialog) else ""
        shown["rows"] = dialog.examples.text()
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(qt_train_dialog.TrainDialog, "exec", look)
    window.actions_["train"].trigger()
    words = shown["unchecked"]
    assert words.startswith("No entity in the check set for ") and "PRODUCT" in words, words
    assert "says nothing about" in words
    from ner_studio.core.learning.check_set import split_check  # which labels do have check entities
    from ner_studio.core.learning.label_examples import count_entities

    checked = count_entities(split_check(window.learning.labelled_documents()[0])[1])
    for label in checked:
        assert label not in words.split(":")[0]
