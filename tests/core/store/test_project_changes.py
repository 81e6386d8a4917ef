"""Other instances' changes reach an open project: notifications on the server, a revision
poll for a file, and catching an open document up to what is stored (both stores)."""

import queue
import threading

import pytest

from ner_studio.core.text.document import Status
from ner_studio.core.store.project import Project
from ner_studio.core.store.project_changes import ProjectChange, plan_refresh, watch
from ner_studio.core.text.spans import Span

from tests.core.project_fixtures import make_document, token_span

TEXT = "Ada Lovelace met Charles Babbage in London ."
WAIT = 20  # seconds: a bound on waiting for a change, not a speed target


class Watching:
    """``watch(project)`` run in a thread, as the app's worker runs it."""

    def __init__(self, project):
        self.changes: queue.Queue = queue.Queue()
        self._stop = threading.Event()
        job = watch(project)
        started = threading.Event()

        def run():
            generator = job(lambda *_: None, self._stop.is_set)
            started.set()
            for batch in generator:
                self.changes.put(batch)

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        started.wait(WAIT)
        # Watching begins with "anything may have changed" (what came before it started).
        assert self.next_batch() == [ProjectChange(None)]

    def next_batch(self) -> list[ProjectChange]:
        return self.changes.get(timeout=WAIT)

    def stop(self):
        self._stop.set()
        self._thread.join(WAIT)


@pytest.fixture
def two(project_location):
    with Project.create(project_location, annotator="ann") as first:
        [doc_id] = first.add_documents([make_document(TEXT)])
        with Project.open(project_location, annotator="ann", keep_backups=0) as second:
            yield first, second, doc_id


def test_another_instance_sees_the_edit_and_catches_up(two):
    first, second, doc_id = two
    watching = Watching(second)
    try:
        shown = second.load_document(doc_id, track=True)
        edited = first.load_document(doc_id, track=True)
        edited.add_span(Span(*token_span(edited, 0), "PER"))
        edited.status = Status.REVIEWED
        changes = []
        while sum(1 for c in changes if c.origin != second.origin) < (2 if first.on_server else 1):
            changes += watching.next_batch()
    finally:
        watching.stop()
    plan = plan_refresh(changes, second.origin, second.version_annotator, second.own_revisions)
    assert plan is not None and plan.documents == {doc_id}  # (a file's poll names it too)
    if first.on_server:  # the notification names the version too
        assert {c.origin for c in changes} == {first.origin}
        assert {c.annotator for c in changes} == {"ann"}
    updates = []
    shown.changed.connect(updates.append)
    assert second.catch_up(doc_id)
    assert shown.spans == edited.spans and shown.status == Status.REVIEWED
    assert len(updates) == 1 and second.pending_count == 0
    assert not second.catch_up(doc_id)  # nothing new


def test_own_writes_and_other_annotators_versions_need_no_refresh():
    mine = ProjectChange(7, "ann", frozenset({1}), "me")
    bobs = ProjectChange(8, "bob", frozenset({1}), "elsewhere")
    polled_own = ProjectChange(9)
    assert plan_refresh([mine, bobs, polled_own], "me", "ann", [9]) is None
    labels = ProjectChange(10, None, None, "elsewhere")
    assert plan_refresh([mine, labels], "me", "ann").documents is None
    assert plan_refresh([ProjectChange(10)], "me", "ann", [9]).documents is None  # polled: compare all
    ours = ProjectChange(11, "ann", frozenset({1, 2}), "elsewhere")
    gold = ProjectChange(12, "@gold", frozenset({3}), "elsewhere")
    assert plan_refresh([ours, gold], "me", "ann").documents == {1, 2}
    assert plan_refresh([ours, gold], "me", "@gold").documents == {3}
    some_version = ProjectChange(13, None, frozenset({4}))  # polled: these documents, any version
    assert plan_refresh([some_version], "me", "ann").documents == {4}


def changed_documents(watching, project) -> frozenset[int]:
    """The open documents the next change of another instance asks ``project`` to read again."""
    while True:
        plan = plan_refresh(watching.next_batch(), project.origin, project.version_annotator, project.own_revisions)
        if plan is not None:
            return plan.documents


def test_only_the_documents_changed_elsewhere_are_read_again(project_location):
    with Project.create(project_location, annotator="ann") as first:
        ids = first.add_documents([make_document(TEXT, f"d{i}") for i in range(3)])
        with Project.open(project_location, annotator="ann", keep_backups=0) as second:
            for doc_id in ids:
                second.load_document(doc_id, track=True)
            watching = Watching(second)
            try:
                edited = first.load_document(ids[0], track=True)
                edited.add_span(Span(*token_span(edited, 0), "PER"))
                assert changed_documents(watching, second) == {ids[0]}
                first.load_document(ids[1], track=True).status = Status.REVIEWED  # no span changes
                assert changed_documents(watching, second) == {ids[1]}
                first.set_setting("colour", "blue")
                if not first.on_server:  # the poll: no document; a server names none either way
                    assert changed_documents(watching, second) == frozenset()
            finally:
                watching.stop()


def test_a_document_with_unsaved_edits_is_not_caught_up(project_location):
    with Project.create(project_location, annotator="ann") as first:
        [doc_id] = first.add_documents([make_document(TEXT)])
        with Project.open(project_location, annotator="ann", read_only=True) as viewer:
            shown = viewer.load_document(doc_id, track=True)
            shown.add_span(Span(*token_span(shown, 6), "LOC"))  # read-only: kept in the journal
            assert viewer.has_pending(doc_id)
            edited = first.load_document(doc_id, track=True)
            edited.add_span(Span(*token_span(edited, 0), "PER"))
            assert not viewer.catch_up(doc_id)
            assert [s.label for s in shown.spans] == ["LOC"]  # the unsaved edit stays on screen
            viewer.close(discard_pending=True)


def test_payloads_round_trip_and_unreadable_ones_mean_anything():
    change = ProjectChange(3, "ann", frozenset({1, 5}), "abc")
    assert ProjectChange.from_payload(change.payload()) == change
    huge = ProjectChange(4, "ann", frozenset(range(5000)), "abc")
    assert ProjectChange.from_payload(huge.payload()).documents is None
    assert ProjectChange.from_payload("not json") == ProjectChange(None)
