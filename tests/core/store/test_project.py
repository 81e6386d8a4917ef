import signal
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.core.project_fixtures import make_document, run_python, token_span

from ner_studio.core.text.document import Status
from ner_studio.core.errors import LabelError, ProjectError
from ner_studio.core.text.labels import LabelSet
from ner_studio.core.store.project import BIG_EDIT, Project, default_project_path, default_projects_dir
from ner_studio.core.text.spans import Source, Span

TEXT = "Angela Merkel visited Paris . Siemens opened a plant in Bavaria ."


@pytest.fixture
def project(project_location):
    """A new project, once as a file and once on the test PostgreSQL server."""
    with Project.create(project_location) as opened:
        yield opened


def sample(name="news"):
    doc = make_document(TEXT, name)
    doc.add_span(Span(*token_span_range(doc, 0, 2), "PER"))
    doc.add_span(Span(*token_span(doc, 3), "LOC", Source.MODEL, 0.62))
    doc.add_span(Span(*token_span(doc, 5), "ORG", Source.MODEL, 0.97))
    return doc


def token_span_range(doc, i, j):
    return doc.tokens[i].start, doc.tokens[j - 1].end


def test_documents_and_spans_round_trip(project_location):
    path = project_location
    doc = sample()
    doc.meta = {"pos": ["NNP"] * len(doc.tokens), "origin": "ünïcode ✓"}
    doc.status = Status.PREDICTED
    with Project.create(path) as project:
        [doc_id] = project.add_documents([doc], source_path="/data/news.conll")
        assert doc.doc_id == doc_id
    with Project.open(path) as project:
        loaded = project.load_document(doc_id)
        assert loaded.text == doc.text and loaded.tokens == doc.tokens
        assert loaded.sentences == doc.sentences and len(loaded.sentences) == 2
        assert loaded.spans == doc.spans
        assert loaded.name == "news" and loaded.status == Status.PREDICTED
        assert loaded.meta == doc.meta and loaded.doc_id == doc_id
        [summary] = project.document_summaries()
        assert summary == (doc_id, "news", Status.PREDICTED, 3, 2, len(doc.tokens), "/data/news.conll")


def test_summaries_keep_insertion_order_and_count_entities(project):
    empty = make_document("nothing here .", "empty")
    ids = project.add_documents([sample("b"), empty, sample("a")])
    assert [(s.doc_id, s.name, s.entity_count) for s in project.document_summaries()] == [
        (ids[0], "b", 3), (ids[1], "empty", 0), (ids[2], "a", 3)]


def test_tracked_edits_are_on_disk_before_the_call_returns(project):
    [doc_id] = project.add_documents([sample()])
    doc = project.load_document(doc_id, track=True)
    doc.add_span(Span(*token_span(doc, 10), "LOC"))
    doc.remove_span(doc.span_at(doc.tokens[0].start))
    doc.status = Status.REVIEWED
    # A separate connection (another process would see the same) reads the committed state.
    with Project.open(project.location, read_only=True) as other:
        assert other.query("reading", lambda conn: (
            conn.execute("SELECT label FROM spans ORDER BY start_char").fetchall(),
            conn.execute("SELECT status FROM document_versions").fetchone())) == (  # the annotator's own
            [("LOC",), ("ORG",), ("LOC",)], ("reviewed",))
    assert project.pending_count == 0


def test_edit_survives_sigkill_right_after_it(tmp_path):
    path = tmp_path / "p.nerstudio"
    with Project.create(path) as project:
        [doc_id] = project.add_documents([sample()])
    child = run_python(
        """
        import os, signal, sys
        from ner_studio.core.store.project import Project
        from ner_studio.core.text.spans import Span
        project = Project.open(sys.argv[1])
        doc = project.load_document(int(sys.argv[2]), track=True)
        token = doc.tokens[10]
        doc.add_span(Span(token.start, token.end, "LOC"))
        doc.status = "reviewed"
        os.kill(os.getpid(), signal.SIGKILL)  # no close, no flush, no atexit
        """,
        str(path), str(doc_id),
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    with Project.open(path) as project:
        doc = project.load_document(doc_id)
        assert doc.span_at(doc.tokens[10].start).label == "LOC"
        assert doc.status == Status.REVIEWED


def test_a_big_edit_is_saved(project):
    text = " ".join(f"w{i}" for i in range(BIG_EDIT * 3))
    [doc_id] = project.add_documents([make_document(text)])
    doc = project.load_document(doc_id, track=True)
    predicted = [Span(*token_span(doc, i), "MISC", Source.MODEL, 0.5) for i in range(0, len(doc.tokens), 2)]
    doc.replace_model_spans(predicted)
    assert len(doc.spans) > BIG_EDIT
    project.close()
    with Project.open(project.location) as again:
        assert again.load_document(doc_id).spans == doc.spans


def test_load_returns_the_tracked_instance_and_refuses_a_second_copy(project):
    [doc_id] = project.add_documents([sample()])
    tracked = project.load_document(doc_id, track=True)
    assert project.load_document(doc_id) is tracked
    stray = sample()
    stray.doc_id = doc_id
    with pytest.raises(ProjectError, match="already open"):
        project.track(stray)
    with pytest.raises(ProjectError, match="add the document"):
        project.track(sample())
    with pytest.raises(ProjectError, match="no document 999"):
        project.load_document(999)


def test_untracked_documents_are_not_saved(project):
    [doc_id] = project.add_documents([sample()])
    doc = project.load_document(doc_id, track=True)
    project.untrack(doc)
    doc.add_span(Span(*token_span(doc, 10), "LOC"))
    assert len(project.load_document(doc_id).spans) == 3


def test_delete_and_rename_documents(project):
    first, second = project.add_documents([sample("one"), sample("two")])
    project.rename_document(second, "renamed")
    project.delete_document(first)
    assert [(s.doc_id, s.name) for s in project.document_summaries()] == [(second, "renamed")]
    assert project.label_counts() == {"LOC": 1, "ORG": 1, "PER": 1}  # spans went with it


def test_new_project_has_the_conll_labels_and_saves_changes(project):
    assert project.labels() == LabelSet.conll2003()
    labels = project.labels()
    labels.set_colour("PER", "#010203")
    labels.add("DATE", key="9")
    project.save_labels(labels)
    assert project.labels()["PER"].colour == "#010203"
    assert project.labels().names() == ["PER", "LOC", "ORG", "MISC", "DATE"]


def test_rename_label_relabels_spans_in_the_database_and_in_tracked_documents(project):
    [doc_id] = project.add_documents([sample()])
    doc = project.load_document(doc_id, track=True)
    redraws = []
    doc.changed.connect(redraws.append)
    project.rename_label("LOC", "PLACE")
    assert "PLACE" in project.labels() and "LOC" not in project.labels()
    assert project.label_counts() == {"ORG": 1, "PER": 1, "PLACE": 1}
    place = doc.span_at(doc.tokens[3].start)
    assert (place.label, place.source, place.confidence) == ("PLACE", Source.MODEL, 0.62)
    assert len(redraws) == 1
    project.close()
    with Project.open(project.location) as again:
        assert again.load_document(doc_id).spans == doc.spans


def test_label_swap_through_a_label_set_is_one_consistent_change(project):
    [doc_id] = project.add_documents([sample()])
    labels = project.labels()
    labels.rename("PER", "TMP")
    labels.rename("ORG", "PER")
    labels.rename("TMP", "ORG")
    project.save_labels(labels)
    assert [s.label for s in project.load_document(doc_id).spans] == ["ORG", "LOC", "PER"]
    assert labels.renames() == {}  # saved


def test_removing_a_used_label_needs_consent(project):
    [doc_id] = project.add_documents([sample()])
    with pytest.raises(LabelError, match=r"LOC \(1 spans\)"):
        project.remove_label("LOC")
    assert "LOC" in project.labels() and project.label_counts()["LOC"] == 1
    doc = project.load_document(doc_id, track=True)
    project.remove_label("LOC", delete_spans=True)
    assert "LOC" not in project.labels() and "LOC" not in project.label_counts()
    assert [s.label for s in doc.spans] == ["PER", "ORG"]
    project.remove_label("MISC")  # unused: no consent needed


def test_importing_unknown_labels_adds_them_to_the_set(project):
    doc = make_document("Trump visited Texas .")
    doc.add_span(Span(*token_span(doc, 0), "PERSON"))
    doc.add_span(Span(*token_span(doc, 2), "GPE"))
    project.add_documents([doc])
    labels = project.labels()
    assert labels.names()[-2:] == ["PERSON", "GPE"]
    assert len({label.colour for label in labels}) == len(labels)


def test_model_versions_keep_their_lineage(project):
    base = project.add_model_version("/models/base.pt", metrics={"f1": 0.81}, notes="bundled")
    tuned = project.add_model_version("/models/tuned.pt", parent_id=base, metrics={"f1": 0.86})
    versions = project.model_versions()
    assert [(v.version_id, v.parent_id, v.metrics) for v in versions] == [
        (base, None, {"f1": 0.81}), (tuned, base, {"f1": 0.86})]
    assert versions[0].notes == "bundled" and versions[1].created
    with pytest.raises(ProjectError, match="no model version 99"):
        project.add_model_version("/x.pt", parent_id=99)


def test_project_settings_hold_json_values(project):
    assert project.get_setting("scheme", "iob2") == "iob2"
    project.set_setting("scheme", "bioes")
    project.set_setting("columns", [1, {"a": None}])
    assert project.get_setting("scheme") == "bioes"
    assert project.get_setting("columns") == [1, {"a": None}]



def test_several_settings_are_written_in_one_transaction(project):
    from ner_studio.core.learning.review_log import REVIEW_LOG_SETTING

    commits = len(project.own_revisions)
    project.set_settings({"scheme": "bioes", REVIEW_LOG_SETTING: [{"model": "m"}], "columns": [2]})
    assert project.get_setting("scheme") == "bioes" and project.get_setting("columns") == [2]
    assert project.get_setting(REVIEW_LOG_SETTING) == [{"model": "m"}]  # a personal one among them
    assert len(project.own_revisions) == commits + 1  # one commit


def test_default_locations_follow_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("NER_STUDIO_DATA_DIR", str(tmp_path / "data"))
    assert default_projects_dir() == tmp_path / "data" / "projects"
    first = default_project_path("News / 2024?")
    assert first.parent == default_projects_dir() and first.suffix == ".nerstudio"
    Project.create(first).close()
    assert default_project_path("News / 2024?") != first


def test_create_refuses_to_overwrite(project):
    with pytest.raises(ProjectError, match="already (exists|holds an NER Studio project)"):
        Project.create(project.location)


def test_large_document_round_trips(project):
    text = " ".join(f"tok{i % 977}" for i in range(50_000))
    doc = make_document(text)
    doc.set_spans([Span(*token_span(doc, i), "ORG", Source.MODEL, 0.9) for i in range(0, 50_000, 9)])
    [doc_id] = project.add_documents([doc])
    loaded = project.load_document(doc_id)
    assert loaded.tokens == doc.tokens and loaded.spans == doc.spans


EDITS = st.lists(st.tuples(st.integers(0, 11), st.integers(1, 3), st.sampled_from(["PER", "LOC", ""])),
                 min_size=1, max_size=12)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(EDITS)
def test_what_is_on_disk_always_equals_what_is_in_memory(tmp_path_factory, edits):
    path = tmp_path_factory.mktemp("prop") / "p.nerstudio"
    with Project.create(path) as project:
        [doc_id] = project.add_documents([make_document(TEXT)])
        doc = project.load_document(doc_id, track=True)
        for first, length, label in edits:
            start, end = doc.tokens[first].start, doc.tokens[min(first + length, 12) - 1].end
            clash = tuple(doc.spans_between(start, end))
            doc.edit(clash, (Span(start, end, label),) if label else ())
    with Project.open(path) as project:
        assert project.load_document(doc_id).spans == doc.spans


def test_a_version_1_project_migrates_and_keeps_its_spans_then_stores_every_source(tmp_path):
    from ner_studio.core.store.project_schema import MIGRATIONS, SCHEMA_VERSION, now, pack_offsets

    path = tmp_path / "old.nerstudio"
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("INSERT INTO schema_version VALUES (1, ?)", (now(),))
    doc = make_document(TEXT, "old")
    conn.execute("INSERT INTO documents VALUES (1, 0, 'old', 'predicted', NULL, ?, ?, ?)",
                 (len(doc.tokens), now(), now()))
    conn.execute("INSERT INTO document_contents VALUES (1, '{}', ?, ?, ?)",
                 (doc.text, pack_offsets(doc.tokens.starts, doc.tokens.ends), pack_offsets([0], [len(doc.tokens)])))
    start, end = token_span(doc, 3)
    conn.execute("INSERT INTO spans VALUES (1, 1, ?, ?, 'LOC', 'model', 0.62)", (start, end))
    conn.close()
    with Project.open(path) as project:
        loaded = project.load_document(1, track=True)
        assert loaded.spans == (Span(start, end, "LOC", Source.MODEL, 0.62),)
        loaded.edit(removed=loaded.spans, added=(loaded.spans[0].accepted(),))
        loaded.add_span(Span(*token_span(loaded, 5), "ORG", Source.PATTERN))
    check = sqlite3.connect(path)
    assert check.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == SCHEMA_VERSION
    check.close()
    with Project.open(path) as project:
        spans = project.load_document(1).spans
        assert [(s.source, s.confidence) for s in spans] == [(Source.ACCEPTED, 0.62), (Source.PATTERN, None)]
