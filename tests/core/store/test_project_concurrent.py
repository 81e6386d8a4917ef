"""Two connections (two app instances) editing one project at once: edits are row-level, so
neither rewrites the other's work from a stale copy; on the same span the later one wins,
and no span is ever stored twice. Run against both stores."""

import pytest

from ner_studio.core.store.project import BIG_EDIT, Project
from ner_studio.core.text.spans import Source, Span

from tests.core.project_fixtures import make_document, token_span

TEXT = " ".join(f"w{i}" for i in range(BIG_EDIT * 3))


@pytest.fixture
def two(project_location):
    """The same annotator's project open twice, with one document open (tracked) in each."""
    with Project.create(project_location, annotator="ann") as first:
        [doc_id] = first.add_documents([make_document(TEXT)])
        with Project.open(project_location, annotator="ann", keep_backups=0) as second:
            yield (first, first.load_document(doc_id, track=True),
                   second, second.load_document(doc_id, track=True))


def stored(project, doc_id):
    with Project.open(project.location, annotator="ann", keep_backups=0, read_only=True) as fresh:
        return list(fresh.load_document(doc_id).spans)


def test_edits_of_different_spans_of_one_document_both_stay(two):
    first, a, second, b = two
    a.add_span(Span(*token_span(a, 1), "PER"))
    b.add_span(Span(*token_span(b, 5), "LOC"))
    a.add_span(Span(*token_span(a, 9), "ORG"))
    b.remove_span(b.span_at(b.tokens[5].start))
    b.add_span(Span(*token_span(b, 7), "MISC"))
    assert stored(first, a.doc_id) == [Span(*token_span(a, 1), "PER"), Span(*token_span(a, 7), "MISC"),
                                       Span(*token_span(a, 9), "ORG")]


def test_the_later_edit_of_the_same_span_wins_and_it_is_stored_once(two):
    first, a, second, b = two
    a.add_span(Span(*token_span(a, 3), "PER"))
    b.add_span(Span(*token_span(b, 3), "ORG"))  # b never saw a's span: the later edit wins
    assert stored(first, a.doc_id) == [Span(*token_span(a, 3), "ORG")]
    b.add_span(Span(*token_span(b, 4), "LOC"))
    a.add_span(Span(token_span(a, 4)[0], token_span(a, 5)[1], "ORG"))  # over b's LOC: a's is later
    assert stored(first, a.doc_id) == [Span(*token_span(a, 3), "ORG"),
                                       Span(token_span(a, 4)[0], token_span(a, 5)[1], "ORG")]
    a.remove_span(a.span_at(a.tokens[3].start))  # a's PER, which b changed: the later edit wins
    assert stored(first, a.doc_id) == [Span(token_span(a, 4)[0], token_span(a, 5)[1], "ORG")]


def test_removing_a_span_another_changed_leaves_the_changed_one(two):
    first, a, second, b = two
    a.add_span(Span(*token_span(a, 2), "PER"))
    second_copy = Project.open(first.location, annotator="ann", keep_backups=0)
    try:
        c = second_copy.load_document(a.doc_id, track=True)  # a third window sees PER at 2
        c.remove_span(c.span_at(c.tokens[2].start))
        c.add_span(Span(token_span(c, 2)[0], token_span(c, 3)[1], "ORG"))
    finally:
        second_copy.close()
    a.remove_span(a.span_at(a.tokens[2].start))  # a's PER is gone already: nothing to delete
    assert stored(first, a.doc_id) == [Span(token_span(a, 2)[0], token_span(a, 3)[1], "ORG")]


def test_a_big_edit_from_a_stale_copy_keeps_the_others_edits(two):
    first, a, second, b = two
    b.add_span(Span(*token_span(b, 1), "PER"))  # a never sees this one
    b.add_span(Span(*token_span(b, 4), "LOC"))  # ... nor this, which a's big edit overlaps
    predicted = [Span(*token_span(a, i), "MISC", Source.MODEL, 0.5) for i in range(4, len(a.tokens), 2)]
    assert len(predicted) > BIG_EDIT
    a.set_spans([Span(*token_span(a, i), "ORG") for i in range(4, len(a.tokens), 2)])
    spans = stored(first, a.doc_id)
    assert spans == [Span(*token_span(a, 1), "PER"), *(Span(*token_span(a, i), "ORG") for i in range(4, len(a.tokens), 2))]
    assert len({s.start for s in spans}) == len(spans)


def test_re_tagging_a_stale_copy_never_touches_a_persons_span_stored_meanwhile(two):
    first, a, second, b = two
    a.replace_model_spans([Span(*token_span(a, i), "MISC", Source.MODEL, 0.5) for i in range(2, len(a.tokens), 2)])
    b.add_span(Span(*token_span(b, 1), "PER"))  # a never sees these two
    b.add_span(Span(*token_span(b, 4), "LOC"))  # ... this one where a's old and new predictions lie
    predicted = [Span(*token_span(a, i), "ORG", Source.MODEL, 0.9) for i in range(4, len(a.tokens), 2)]
    assert len(predicted) > BIG_EDIT
    a.replace_model_spans(predicted)
    # Every old model span went, the person's stayed, the prediction overlapping theirs was not stored.
    assert stored(first, a.doc_id) == [Span(*token_span(a, 1), "PER"), Span(*token_span(a, 4), "LOC"), *predicted[1:]]


def test_two_annotators_on_one_document_never_touch_each_others_version(project_location):
    with Project.create(project_location, annotator="ann") as ann:
        [doc_id] = ann.add_documents([make_document(TEXT)])
        with Project.open(project_location, annotator="bob", keep_backups=0) as bob:
            a = ann.load_document(doc_id, track=True)
            b = bob.load_document(doc_id, track=True)
            a.add_span(Span(*token_span(a, 3), "PER"))
            b.add_span(Span(*token_span(b, 3), "ORG"))
            b.replace_model_spans([Span(*token_span(b, i), "MISC", Source.MODEL, 0.5)
                                   for i in range(5, len(b.tokens), 2)])
            assert ann.spans_of(doc_id, "ann") == [Span(*token_span(a, 3), "PER")]
            assert bob.spans_of(doc_id, "bob")[0] == Span(*token_span(b, 3), "ORG")
