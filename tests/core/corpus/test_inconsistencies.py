"""Inconsistencies: surface strings with different labels, or labelled in some places only."""

from __future__ import annotations

from ner_studio.core.corpus.corpus_text import CorpusText
from ner_studio.core.corpus.inconsistencies import UNLABELLED, inconsistencies
from ner_studio.core.corpus.label_all import preview_label_all
from ner_studio.core.store.project import Project
from ner_studio.core.text.spans import Source
from tests.core.corpus.test_find import labelled


def make_project(path):
    project = Project.create(path)
    project.add_documents([
        labelled("Lisbon won.", "1", ("Lisbon", "ORG", Source.HUMAN)),
        labelled("Lisbon lost.", "2", ("Lisbon", "ORG", Source.MODEL)),
        labelled("Lisbon drew.", "3", ("Lisbon", "LOC", Source.HUMAN)),
        labelled("New  York and Paris.", "4", ("New  York", "LOC", Source.HUMAN), ("Paris", "LOC", Source.HUMAN)),
        labelled("New York again, Paris.", "5", ("Paris", "LOC", Source.HUMAN)),
        labelled("University of Lisbon. Berlin.", "6", ("University of Lisbon", "ORG", Source.HUMAN),
                 ("Berlin", "LOC", Source.HUMAN)),
        labelled("Berlin and berlin.", "7", ("Berlin", "LOC", Source.HUMAN)),
    ])
    return project


def test_different_labels_and_unlabelled_occurrences_sorted_by_documents(tmp_path):
    with make_project(tmp_path / "p.nerstudio") as project:
        found = inconsistencies(CorpusText(project))
        assert [(i.surface, i.summary(), i.documents) for i in found] == [
            ("Lisbon", "ORG ×2, LOC ×1", 3),
            ("New York", "LOC ×1, unlabelled ×1", 2),
        ]
        lisbon, new_york = found
        # "Lisbon" inside "University of Lisbon" is part of another name, not a disagreement;
        # "berlin" differs in case, so it is another surface string.
        assert [(p.doc_id, p.label, p.source) for p in lisbon.places] == [
            (1, "ORG", Source.HUMAN), (2, "ORG", Source.MODEL), (3, "LOC", Source.HUMAN)]
        assert lisbon.labels == ["ORG", "LOC"]
        assert [(p.doc_id, p.start, p.end, p.label) for p in new_york.places] == [(4, 0, 9, "LOC"), (5, 0, 8, None)]
        assert new_york.counts == {"LOC": 1, UNLABELLED: 1}


def test_an_inconsistency_is_harmonised_through_the_label_all_preview(tmp_path):
    with make_project(tmp_path / "p.nerstudio") as project:
        corpus = CorpusText(project)
        new_york = inconsistencies(corpus)[1]
        preview = preview_label_all(corpus, new_york.surface, "LOC")
        assert [(o.doc_id, o.ticked) for o in preview] == [(4, False), (5, True)]


def test_a_consistent_project_has_none(tmp_path):
    with Project.create(tmp_path / "p.nerstudio") as project:
        project.add_documents([labelled("Paris.", "1", ("Paris", "LOC", Source.HUMAN)),
                               labelled("Paris!", "2", ("Paris", "LOC", Source.MODEL))])
        assert inconsistencies(CorpusText(project)) == []


def test_a_text_linked_to_different_entries_is_listed(tmp_path):
    from ner_studio.core.text.spans import Span
    from tests.core.project_fixtures import make_document, token_span

    with Project.create(tmp_path / "p.nerstudio") as project:
        docs = [make_document("Washington spoke .", "a"), make_document("In Washington today .", "b"),
                make_document("Washington again .", "c")]
        docs[0].set_spans([Span(*token_span(docs[0], 0), "LOC", kb_id="president")])
        docs[1].set_spans([Span(*token_span(docs[1], 1), "LOC", kb_id="city")])
        docs[2].set_spans([Span(*token_span(docs[2], 0), "LOC", kb_id="city")])
        project.add_documents(docs)
        [found] = inconsistencies(CorpusText(project))
        assert found.surface == "Washington" and found.counts == {"LOC": 3}
        assert found.links == {"city": 2, "president": 1}
        assert found.summary({"city": "Washington, D.C."}.get) == "LOC ×3; linked to Washington, D.C. ×2, president ×1"
        assert [p.kb_id for p in found.places] == ["president", "city", "city"]


def test_link_all_occurrences_through_the_label_all_preview(tmp_path):
    from ner_studio.core.corpus.label_all import Change, label_all_edits
    from ner_studio.core.text.spans import Span
    from tests.core.project_fixtures import make_document, token_span

    with Project.create(tmp_path / "p.nerstudio") as project:
        docs = [make_document("Lisbon is big .", "a"), make_document("In Lisbon today .", "b")]
        docs[0].set_spans([Span(*token_span(docs[0], 0), "LOC")])  # confirmed, not linked
        project.add_documents(docs)
        corpus = CorpusText(project)
        occurrences = preview_label_all(corpus, "Lisbon", "LOC", kb_id="lis")
        assert [(o.change, o.ticked) for o in occurrences] == [(Change.RELABEL, True), (Change.ADD, True)]
        project.edit_documents(label_all_edits(occurrences, "LOC", "lis"))
        assert [s.kb_id for d in docs for s in project.load_document(d.doc_id).spans] == ["lis", "lis"]
        again = preview_label_all(CorpusText(project), "Lisbon", "LOC", kb_id="lis")
        assert [o.change for o in again] == [Change.NONE, Change.NONE]
