"""The disagreements behind the agreement figures: each kind, from a project on both stores."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ner_studio.core.store.project import Project
from ner_studio.core.team.agreement import DocumentVersions, gather
from ner_studio.core.team.disagreements import Disagreement, DisagreementKind, disagreements, pair_spans
from ner_studio.core.text.document import Document
from ner_studio.core.text.spans import Source, Span

TEXT = "Karin Olsson visited Lisbon with Meridian Capital . Then Daniel Okafor flew to New York City ."


def at(surface: str, label: str, kb_id: str | None = None, source: Source = Source.HUMAN) -> Span:
    start = TEXT.index(surface)
    return Span(start, start + len(surface), label, source, 0.9 if source != Source.HUMAN else None, kb_id)


def version(*spans: Span) -> Document:
    doc = Document.from_text(TEXT, name="trip")
    for span in spans:
        doc.add_span(span)
    return doc


ANN = (at("Karin Olsson", "PER", "Q1"), at("Lisbon", "LOC"), at("Meridian Capital", "ORG"),
       at("Daniel Okafor", "PER", "Q2"), at("New York City", "LOC"))
BOB = (at("Karin Olsson", "PER", "Q9"),  # another entry: link
       at("Lisbon", "ORG"),  # same range, other label
       at("Meridian", "ORG"),  # overlapping, other edges
       at("Daniel Okafor", "PER", "Q2"),  # the same: agreed
       at("flew", "MISC", source=Source.MODEL))  # a suggestion bob left standing: not his judgement
# New York City: ann only


def test_each_kind_from_a_project_with_the_sentence_around_it(project_location):
    with Project.create(project_location, annotator="ann") as project:
        (doc_id,) = project.add_documents([version(*ANN)])
        assert project.import_version([version(*BOB)], "bob") == [doc_id]
        gathered = gather(project, ["ann", "bob"])
    found = disagreements(gathered, ["ann", "bob"])
    assert [(d.kind, d.text) for d in found] == [
        (DisagreementKind.LINK, "Karin Olsson"), (DisagreementKind.LABEL, "Lisbon"),
        (DisagreementKind.BOUNDARY, "Meridian Capital"), (DisagreementKind.ONLY_ONE, "New York City")]
    link, label, boundary, only = found
    assert (link.first_span.kb_id, link.second_span.kb_id) == ("Q1", "Q9")
    assert (label.first_span.label, label.second_span.label) == ("LOC", "ORG")
    assert (boundary.start, boundary.end) == (TEXT.index("Meridian"), TEXT.index(" ."))
    assert boundary.second_span == at("Meridian", "ORG")
    assert only.second_span is None and only.labels == ("LOC",)
    assert {d.document for d in found} == {"trip"} and {d.pair for d in found} == {("ann", "bob")}
    assert link.context == "Karin Olsson visited Lisbon with Meridian Capital ." and link.context_start == 0
    assert only.context == "Then Daniel Okafor flew to New York City ."
    assert only.context_start == TEXT.index("Then")
    assert only.to_dict() == {
        "document": "trip", "doc_id": doc_id, "kind": "only one", "start": TEXT.index("New"),
        "end": TEXT.index(" .", TEXT.index("New")), "text": "New York City",
        "first": {"annotator": "ann", "span": {"start": TEXT.index("New"), "end": TEXT.index("New") + 13,
                                               "label": "LOC", "kb_id": None}},
        "second": {"annotator": "bob", "span": None}, "context": only.context}
    assert link.csv_row()[5:10] == ("ann", "PER", 0, 12, "Q1")


def test_three_annotators_give_each_pair_on_the_documents_they_share():
    starts, ends = [0, 4, 8], [3, 7, 11]  # "Ada met Bob"
    text = "Ada met Bob"
    docs = [DocumentVersions(1, starts, ends, {"ann": [Span(0, 3, "PER")], "bob": [Span(0, 3, "LOC")],
                                               "cy": [Span(0, 3, "PER")]}, "d1", text, [(0, 11)]),
            DocumentVersions(2, starts, ends, {"ann": [Span(8, 11, "PER")], "cy": []}, "d2", text, [(0, 11)]),
            DocumentVersions(3, starts, ends, {"bob": [Span(8, 11, "PER")]}, "d3", text, [(0, 11)])]
    found = disagreements(docs, ["ann", "bob", "cy"])
    assert [(d.document, d.pair, str(d.kind)) for d in found] == [
        ("d1", ("ann", "bob"), "label"), ("d1", ("bob", "cy"), "label"), ("d2", ("ann", "cy"), "only one")]
    assert found[2].first_span == Span(8, 11, "PER") and found[2].second_span is None


def test_pairs_prefer_the_same_label_then_the_larger_overlap():
    first = [Span(0, 10, "ORG")]
    second = [Span(0, 4, "PER"), Span(5, 10, "ORG")]  # both overlap; the ORG one pairs, PER stays alone
    assert pair_spans(first, second) == [(DisagreementKind.ONLY_ONE, None, Span(0, 4, "PER")),
                                         (DisagreementKind.BOUNDARY, Span(0, 10, "ORG"), Span(5, 10, "ORG"))]
    assert pair_spans([Span(0, 3, "PER", kb_id="a")], [Span(0, 3, "PER")]) == [
        (DisagreementKind.LINK, Span(0, 3, "PER", kb_id="a"), Span(0, 3, "PER"))]  # linked by one only
    assert pair_spans([Span(0, 3, "PER")], [Span(0, 3, "PER", Source.ACCEPTED, 0.8)]) == []


def _version(cuts, labels):
    cuts = sorted(set(cuts))
    return [Span(a, b, label) for (a, b), label in zip(zip(cuts[::2], cuts[1::2]), labels) if a < b]


@given(st.lists(st.integers(0, 60), max_size=16), st.lists(st.integers(0, 60), max_size=16),
       st.lists(st.sampled_from("AB"), min_size=8, max_size=8), st.lists(st.sampled_from("AB"), min_size=8, max_size=8))
def test_every_span_not_agreed_is_in_exactly_one_disagreement(cuts_a, cuts_b, labels_a, labels_b):
    first, second = _version(cuts_a, labels_a), _version(cuts_b, labels_b)
    found = pair_spans(first, second)
    agreed = {(s.start, s.end, s.label) for s in first} & {(s.start, s.end, s.label) for s in second}
    assert sorted(a for _, a, _ in found if a is not None) == sorted(s for s in first if (s.start, s.end, s.label) not in agreed)
    assert sorted(b for _, _, b in found if b is not None) == sorted(s for s in second if (s.start, s.end, s.label) not in agreed)
    for kind, a, b in found:
        if a is not None and b is not None:
            assert a.overlaps(b) and kind == (DisagreementKind.LABEL if (a.start, a.end) == (b.start, b.end)
                                              else DisagreementKind.BOUNDARY)
    assert [min(s.start for s in (a, b) if s) for _, a, b in found] == sorted(
        min(s.start for s in (a, b) if s) for _, a, b in found)


def test_a_disagreement_names_both_ends_even_when_one_is_missing():
    found = Disagreement(1, "d", "ann", "bob", DisagreementKind.ONLY_ONE, None, Span(4, 7, "LOC"), "met")
    assert (found.start, found.end, found.labels) == (4, 7, ("LOC",))
    with pytest.raises(ValueError):  # a disagreement has a side at least: none is a bug, not a place
        _ = Disagreement(1, "d", "ann", "bob", DisagreementKind.ONLY_ONE, None, None, "").start
