"""The catalogue in a project, on both stores: entries, links on spans, merge, rename,
delete with counts, and the revision other instances follow."""

from ner_studio.core.catalogue.entries import CatalogueEntry
from ner_studio.core.store.project import Project
from ner_studio.core.store.project_changes import plan_refresh
from ner_studio.core.store.project_schema import MIGRATIONS
from ner_studio.core.text.spans import Source, Span

from tests.core.project_fixtures import make_document, token_span


def linked_project(location):
    project = Project.create(location, annotator="ann")
    lisbon = CatalogueEntry.create("Lisbon", "LOC", ["Lisboa"], "Q597")
    porto = CatalogueEntry.create("Porto", "LOC", ["Oporto"])
    project.save_entries([lisbon, porto])
    docs = [make_document("Lisbon is not Porto .", "a"), make_document("Lisboa and Lisbon .", "b")]
    project.add_documents(docs)
    a = project.load_document(docs[0].doc_id, track=True)
    a.add_span(Span(*token_span(a, 0), "LOC", kb_id=lisbon.entry_id))
    a.add_span(Span(*token_span(a, 3), "LOC", Source.MODEL, 0.9, kb_id=porto.entry_id))
    b = project.load_document(docs[1].doc_id, track=True)
    b.add_span(Span(*token_span(b, 0), "LOC", kb_id=lisbon.entry_id))
    b.add_span(Span(*token_span(b, 2), "LOC"))
    return project, lisbon, porto, a, b


def test_the_catalogue_is_one_migration_named_by_its_feature():
    assert any("CREATE TABLE catalogue_entries" in statement for migration in MIGRATIONS for statement in migration)


def test_entries_and_links_are_stored_and_read_back(project_location):
    project, lisbon, porto, a, b = linked_project(project_location)
    doc_ids = (a.doc_id, b.doc_id)
    project.close()
    with Project.open(project_location, annotator="ann") as again:
        snapshot = again.catalogue()
        assert snapshot.entries == {lisbon.entry_id: lisbon, porto.entry_id: porto}
        assert snapshot.name_of(lisbon.entry_id) == "Lisbon"
        spans = again.load_document(doc_ids[0]).spans
        assert [s.kb_id for s in spans] == [lisbon.entry_id, porto.entry_id]
        assert spans[1].source == Source.MODEL and spans[1].confidence == 0.9
        counts = again.entry_counts()
        assert (counts[lisbon.entry_id].mentions, counts[lisbon.entry_id].documents) == (2, 2)
        assert [(m.doc_id, m.start) for m in again.entry_mentions(lisbon.entry_id)] == [(doc_ids[0], 0), (doc_ids[1], 0)]
        # another annotator's version has its own links
        with Project.open(project_location, annotator="bob") as bob:
            assert bob.entry_counts() == {}


def test_linking_is_a_span_edit_that_undoes(project_location):
    project, lisbon, _porto, _a, b = linked_project(project_location)
    unlinked = b.spans[1]
    b.edit((unlinked,), (unlinked.linked(lisbon.entry_id),))
    assert project.entry_counts()[lisbon.entry_id].mentions == 3
    b.edit((b.spans[1],), (unlinked,))
    assert project.entry_counts()[lisbon.entry_id].mentions == 2
    project.close()


def test_merge_moves_every_mention_and_keeps_the_names(project_location):
    project, lisbon, porto, a, b = linked_project(project_location)
    merged, moved, changed = project.merge_entries(lisbon.entry_id, porto.entry_id)
    assert moved == 1 and changed == [a.doc_id]
    assert merged.aliases == ("Lisboa", "Porto", "Oporto") and merged.external_id == "Q597"
    assert set(project.catalogue().entries) == {lisbon.entry_id}
    assert [s.kb_id for s in a.spans] == [lisbon.entry_id, lisbon.entry_id]  # the open document follows
    assert project.entry_counts()[lisbon.entry_id].mentions == 3
    project.close()


def test_rename_keeps_links_and_delete_says_how_many_lose_theirs(project_location):
    project, lisbon, porto, a, b = linked_project(project_location)
    renamed = project.rename_entry(lisbon.entry_id, "Lisboa, Portugal")
    assert renamed.name == "Lisboa, Portugal" and "Lisbon" in renamed.aliases
    assert project.entry_counts()[lisbon.entry_id].mentions == 2
    assert project.links_of(lisbon.entry_id) == 2
    unlinked, changed = project.delete_entry(lisbon.entry_id)
    assert unlinked == 2 and sorted(changed) == sorted([a.doc_id, b.doc_id])
    assert all(s.kb_id is None for s in b.spans) and a.spans[0].kb_id is None
    assert set(project.catalogue().entries) == {porto.entry_id}
    project.close()


def test_other_instances_see_a_catalogue_change(project_location):
    project, lisbon, porto, a, _b = linked_project(project_location)
    with Project.open(project_location, annotator="ann") as other:
        seen = other.catalogue_revision()
        shown = other.load_document(a.doc_id, track=True)
        project.merge_entries(lisbon.entry_id, porto.entry_id)
        assert other.catalogue_revision() != seen
        assert other.catch_up(a.doc_id) and shown.spans[1].kb_id == lisbon.entry_id
    project.close()


def test_a_catalogue_change_is_news_for_every_instance():
    from ner_studio.core.store.project_changes import ProjectChange
    batch = [ProjectChange(7, None, frozenset(), "someone")]
    assert plan_refresh(batch, "me", "ann") is not None


def test_entries_follow_a_renamed_label(project_location):
    project, lisbon, _porto, a, _b = linked_project(project_location)
    seen = project.catalogue_revision()
    labels = project.labels()
    labels.rename("LOC", "PLACE")
    project.save_labels(labels)
    assert {e.label for e in project.catalogue().entries.values()} == {"PLACE"}
    assert project.catalogue_revision() != seen
    assert project.load_document(a.doc_id).spans[0] == Span(0, 6, "PLACE", kb_id=lisbon.entry_id)
    project.close()
