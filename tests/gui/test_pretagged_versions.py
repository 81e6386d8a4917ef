"""A second annotator starts from suggestions (issue 26): opening a document they have no
version of, the model tags it for them (dashed model suggestions, not reviewed); agreement counts
only what they confirm; Team > Pre-tag New Versions with the Model turns it off for the project."""

from __future__ import annotations

import pytest

from ner_studio.core.settings import Settings
from ner_studio.core.store.annotators import SETTING
from ner_studio.core.store.project import Project
from ner_studio.core.team.agreement import DocumentVersions, agreement, format_report
from ner_studio.core.text.document import Document, Status
from ner_studio.core.text.spans import Source, Span
from ner_studio.gui.team.qt_pretag import PRETAG_SETTING

from tests.gui.conftest import wait_idle

TEXTS = ("Karin Olsson visited Lisbon with Meridian Capital .", "Daniel Okafor flew to Madrid and London .")
ANN = ((("Karin Olsson", "PER"), ("Lisbon", "LOC"), ("Meridian Capital", "ORG")),
       (("Daniel Okafor", "PER"), ("Madrid", "LOC"), ("London", "LOC")))


@pytest.fixture
def anns_project(user_dirs):
    """Two documents ann has labelled and reviewed; bob opens the project next."""
    path = user_dirs / "team.nerstudio"
    with Project.create(path, annotator="ann") as project:
        docs = []
        for index, (text, entities) in enumerate(zip(TEXTS, ANN)):
            doc = Document.from_text(text, name=f"news {index + 1}")
            for surface, label in entities:
                start = text.index(surface)
                doc.add_span(Span(start, start + len(surface), label))
            docs.append(doc)
        for doc_id in project.add_documents(docs):  # added new, then reviewed in ann's version
            project.load_document(doc_id, track=True).status = Status.REVIEWED
    Settings.load().set(SETTING, "bob")
    return path


def test_a_second_annotator_starts_from_suggestions_and_agreement_counts_what_they_confirm(
        start_window, anns_project, qtbot):
    window = start_window(anns_project)
    assert window.workspace.project.annotator == "bob"
    assert window.team.pretagging.actions["pretag"].isChecked()  # on by default
    doc = window.doc
    suggested = [s for s in doc.spans if s.source == Source.MODEL]
    assert len(suggested) >= 2 and suggested == list(doc.spans)  # dashed: the model's, none confirmed
    assert doc.status == Status.PREDICTED
    with Project.open(anns_project, annotator="bob", read_only=True) as stored:
        assert stored.load_document(doc.doc_id).spans == doc.spans  # bob's version, saved
        assert stored.load_version(doc.doc_id, "ann").status == Status.REVIEWED  # ann's untouched

    first = suggested[0]
    window.view.select_range(first.start, first.end)
    window.actions_["accept"].trigger()  # bob confirms one suggestion, leaves the others
    assert doc.span_at(first.start).source == Source.ACCEPTED

    window.actions_["agreement"].trigger()
    qtbot.waitUntil(lambda: hasattr(window.team, "report_dialog"), timeout=20_000)
    anns = [Span(TEXTS[0].index(s), TEXTS[0].index(s) + len(s), label) for s, label in ANN[0]]

    def report(bobs):
        return format_report(agreement([DocumentVersions(doc.doc_id, doc.tokens.starts, doc.tokens.ends,
                                                         {"ann": anns, "bob": bobs})], ["ann", "bob"]))

    confirmed = [doc.span_at(first.start)]
    assert window.team.report_dialog.text.toPlainText() == report(confirmed)
    assert report(list(doc.spans)) != report(confirmed)  # the suggestions would have counted


def test_pre_tagging_turned_off_leaves_new_versions_empty_for_everyone(start_window, anns_project, qtbot):
    window = start_window(anns_project)
    window.team.pretagging.actions["pretag"].trigger()  # off, from the Team menu
    assert window.workspace.project.get_setting(PRETAG_SETTING) is False
    window.actions_["next_doc"].trigger()
    wait_idle(qtbot, window)
    assert window.doc.name == "news 2" and window.doc.spans == () and window.doc.status == Status.NEW
    window.close()
    again = start_window(anns_project)  # the project keeps the choice
    assert not again.team.pretagging.actions["pretag"].isChecked()
