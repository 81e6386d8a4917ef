"""Agreement figures against published worked examples and reference implementations."""

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ner_studio.core.team.agreement import (
    OVERALL, DocumentVersions, agreement, cohen_kappa, format_report, gather, krippendorff_alpha, span_scores,
    token_labels,
)
from ner_studio.core.text.document import Document
from ner_studio.core.store.project import Project
from ner_studio.core.store.annotators import GOLD
from ner_studio.core.text.spans import Source, Span


def test_cohen_kappa_matches_the_textbook_example():
    # Wikipedia's worked example: 50 applications, both yes 20, A yes B no 5, A no B yes 10,
    # both no 15: p_o = 0.7, p_e = 0.5, kappa = 0.4.
    first = ["yes"] * 25 + ["no"] * 25
    second = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(first, second) == pytest.approx(0.4)


def test_cohen_kappa_matches_scikit_learn_and_is_undefined_without_variation():
    metrics = pytest.importorskip("sklearn.metrics")
    generator = random.Random(7)
    for _ in range(20):
        first = [generator.choice("OOOOPLM") for _ in range(200)]
        second = [value if generator.random() < 0.7 else generator.choice("OPLM") for value in first]
        assert cohen_kappa(first, second) == pytest.approx(metrics.cohen_kappa_score(first, second))
    assert cohen_kappa(["O"] * 5, ["O"] * 5) is None
    assert cohen_kappa([], []) is None


# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four observers,
# twelve units, missing values; nominal alpha = 0.743.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def test_krippendorff_alpha_matches_the_published_example():
    units = list(zip(*KRIPPENDORFF_2011))
    assert krippendorff_alpha(units) == pytest.approx(0.743, abs=5e-4)


def test_krippendorff_alpha_matches_the_krippendorff_package():
    krippendorff = pytest.importorskip("krippendorff")
    import numpy as np

    generator = random.Random(11)
    for coders in (2, 3, 5):
        values = [[generator.choice("OOOPLM") for _ in range(150)] for _ in range(coders)]
        for row in values[1:]:
            for i in range(len(row)):
                if generator.random() < 0.6:
                    row[i] = values[0][i]
                if generator.random() < 0.1:
                    row[i] = None
        codes = {"O": 0, "P": 1, "L": 2, "M": 3}
        data = np.array([[np.nan if v is None else codes[v] for v in row] for row in values], dtype=float)
        expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        assert krippendorff_alpha(list(zip(*values))) == pytest.approx(expected)
    assert krippendorff_alpha([("O", "O"), ("O", "O")]) is None


def test_span_f1_exact_and_overlap_tolerant():
    first = [Span(0, 5, "PER"), Span(10, 20, "ORG"), Span(30, 35, "LOC")]
    second = [Span(0, 5, "PER"), Span(10, 15, "ORG"), Span(30, 35, "PER"), Span(40, 45, "LOC")]
    exact = span_scores([(first, second)])
    assert exact[OVERALL].f1 == pytest.approx(2 * 1 / (3 + 4))
    assert (exact["PER"].precision, exact["PER"].recall) == (0.5, 1.0)
    assert exact["ORG"].f1 == 0.0
    overlap = span_scores([(first, second)], overlap=True)
    assert overlap[OVERALL].f1 == pytest.approx(2 * 2 / (3 + 4))
    assert overlap["ORG"].f1 == 1.0
    # one span matches at most one other
    assert span_scores([([Span(0, 10, "X")], [Span(0, 4, "X"), Span(5, 10, "X")])], overlap=True)[OVERALL].recall == 1.0
    assert span_scores([([Span(0, 10, "X")], [Span(0, 4, "X"), Span(5, 10, "X")])], overlap=True)[OVERALL].precision == 0.5


def test_token_labels_take_the_covering_span():
    assert token_labels([0, 4, 8, 12], [3, 7, 11, 15], [Span(4, 11, "ORG"), Span(13, 15, "X")]) == ["O", "ORG", "ORG", "X"]


def test_a_report_for_three_annotators():
    starts, ends = [0, 4, 8, 12, 16], [3, 7, 11, 15, 19]
    doc = DocumentVersions(1, starts, ends, {
        "ann": [Span(0, 3, "PER"), Span(8, 15, "ORG")],
        "bob": [Span(0, 3, "PER"), Span(8, 11, "ORG")],
        "cat": [Span(0, 3, "LOC")],
    })
    report = agreement([doc], ["ann", "bob", "cat"])
    assert report.labels == ("LOC", "ORG", "PER") and report.documents == 1
    ann_bob = report.pairs[0]
    assert (ann_bob.first, ann_bob.second, ann_bob.documents) == ("ann", "bob", 1)
    assert ann_bob.exact[OVERALL].f1 == 0.5 and ann_bob.overlap[OVERALL].f1 == 1.0
    # tokens: ann PER O ORG ORG O, bob PER O ORG O O: p_o = 4/5, p_e = (1*1 + 2*3 + 2*1)/25
    assert ann_bob.kappa[OVERALL] == pytest.approx((0.8 - 9 / 25) / (1 - 9 / 25))
    ann_cat = report.pairs[1]
    assert ann_cat.exact[OVERALL].f1 == 0.0 and ann_cat.exact["LOC"].support == 0
    units = list(zip(["PER", "O", "ORG", "ORG", "O"], ["PER", "O", "ORG", "O", "O"], ["LOC", "O", "O", "O", "O"]))
    assert report.alpha[OVERALL] == pytest.approx(krippendorff_alpha(units))
    for label in report.labels:  # per label: the same coefficients on "this label or not"
        binary = [tuple(value == label for value in unit) for unit in units]
        assert report.alpha[label] == pytest.approx(krippendorff_alpha(binary))
        first, second = [unit[0] for unit in binary], [unit[1] for unit in binary]
        expected = cohen_kappa(first, second)
        assert report.pairs[0].kappa[label] == (pytest.approx(expected) if expected is not None else None)
    text = format_report(report)
    lines = text.splitlines()
    assert lines[0] == "ann vs bob (1 document)" and "Krippendorff" in text
    assert lines[2].split() == ["LOC", "n/a", "n/a", "n/a", "0"]  # neither used LOC
    assert lines[4].split() == ["PER", "1.000", "1.000", "1.000", "1"]


def test_documents_without_a_version_are_missing_values_not_disagreement():
    starts, ends = [0, 4], [3, 7]
    docs = [DocumentVersions(1, starts, ends, {"ann": [Span(0, 3, "PER")], "bob": [Span(0, 3, "PER")]}),
            DocumentVersions(2, starts, ends, {"ann": [Span(0, 3, "LOC")]})]
    report = agreement(docs, ["ann", "bob"])
    assert report.documents == 1 and report.pairs[0].exact[OVERALL].f1 == 1.0
    with pytest.raises(ValueError):
        agreement(docs, ["ann"])


def test_gather_reads_the_versions_of_a_project(tmp_path):
    text = "Ada met Bob ."
    with Project.create(tmp_path / "p.nerstudio", annotator="ann") as project:
        doc = Document.from_text(text, name="d")
        doc.add_span(Span(0, 3, "PER"))
        (doc_id,) = project.add_documents([doc])
        other = Document.from_text(text, name="d2")
        project.add_documents([other])  # nobody's: left out
        bob = Document.from_text(text, name="d")
        bob.add_span(Span(8, 11, "PER"))
        assert project.import_version([bob], "bob") == [doc_id]  # the same text: bob's version of it
        project.save_gold(doc_id, [Span(0, 3, "PER")])
        carol = Document.from_text("Carol too .", name="c")
        project.import_version([carol], "carol")
        suggested = Document.from_text(text, name="d")
        suggested.add_span(Span(0, 3, "LOC", Source.MODEL, 0.5))
        project.import_version([suggested], "dan")  # model suggestions only: not dan's judgement
        assert project.versions_of(doc_id) == [GOLD, "ann", "bob", "dan"]
        assert project.worked_versions(doc_id) == ["ann", "bob"]
        gathered = gather(project, ["ann", "bob", "dan"])
        assert [(d.doc_id, sorted(d.spans)) for d in gathered] == [(doc_id, ["ann", "bob"])]
        assert gathered[0].token_starts == [0, 4, 8, 12]
        assert gathered[0].spans["bob"] == [Span(8, 11, "PER")]


def _naive_overlap_matches(reference, other):
    """Each reference span, left to right, takes the first unused overlapping span of its label."""
    used, matches = set(), 0
    for span in sorted(reference):
        for index, candidate in enumerate(sorted(other)):
            if index not in used and candidate.label == span.label and candidate.start < span.end and span.start < candidate.end:
                used.add(index)
                matches += 1
                break
    return matches


def _version(cuts, labels):
    cuts = sorted(set(cuts))
    return [Span(a, b, label) for (a, b), label in zip(zip(cuts[::2], cuts[1::2]), labels) if a < b]


@given(st.lists(st.integers(0, 80), max_size=20), st.lists(st.integers(0, 80), max_size=20),
       st.lists(st.sampled_from("AB"), min_size=10, max_size=10), st.lists(st.sampled_from("AB"), min_size=10, max_size=10))
def test_the_overlap_sweep_matches_the_naive_search(cuts_a, cuts_b, labels_a, labels_b):
    first, second = _version(cuts_a, labels_a), _version(cuts_b, labels_b)
    matches = _naive_overlap_matches(first, second)
    overall = span_scores([(first, second)], overlap=True)[OVERALL]
    assert overall.f1 == pytest.approx(2 * matches / (len(first) + len(second)) if first or second else 0.0)


def test_agreement_counts_only_what_people_confirmed(project_location):
    """A version pre-tagged for its annotator (model suggestions) in which they confirmed one
    entity: only that one counts, on both stores (issue 26)."""
    text = "Ada met Bob in Rome ."
    with Project.create(project_location, annotator="ann") as project:
        doc = Document.from_text(text, name="d")
        for start, end, label in ((0, 3, "PER"), (8, 11, "PER"), (15, 19, "LOC")):
            doc.add_span(Span(start, end, label))
        (doc_id,) = project.add_documents([doc])
    with Project.open(project_location, annotator="bob", keep_backups=0) as project:
        bob = project.load_document(doc_id, track=True)
        bob.replace_model_spans([Span(0, 3, "PER", Source.MODEL, 0.9), Span(15, 19, "LOC", Source.MODEL, 0.8)])
        bob.edit([Span(0, 3, "PER", Source.MODEL, 0.9)], [Span(0, 3, "PER", Source.ACCEPTED, 0.9)])
        assert project.worked_versions(doc_id) == ["ann", "bob"]
        gathered = gather(project, ["ann", "bob"])
    assert gathered[0].spans["bob"] == [Span(0, 3, "PER", Source.ACCEPTED, 0.9)]
    report = agreement(gathered, ["ann", "bob"])
    exact = report.pairs[0].exact[OVERALL]
    assert (exact.precision, exact.recall, exact.support) == (1.0, 1 / 3, 3)  # Rome, the model's, not counted


def test_links_agree_on_mentions_marked_alike_and_linked_by_one_at_least():
    from ner_studio.core.team.agreement import OVERALL, link_agreement

    ann = [Span(0, 5, "PER", kb_id="a"), Span(10, 15, "LOC", kb_id="x"), Span(20, 25, "LOC"), Span(30, 35, "ORG", kb_id="o")]
    bob = [Span(0, 5, "PER", kb_id="a"), Span(10, 15, "LOC", kb_id="y"), Span(20, 25, "LOC"), Span(30, 36, "ORG", kb_id="o")]
    found = link_agreement([(ann, bob)])
    assert (found["PER"].same, found["PER"].compared) == (1, 1)
    assert (found["LOC"].same, found["LOC"].compared) == (0, 1)  # unlinked on both sides: not compared
    assert "ORG" not in found  # different spans are span disagreement, not link disagreement
    assert found[OVERALL].share == 0.5 and link_agreement([([Span(0, 5, "PER")], [Span(0, 5, "PER")])]) == {}
