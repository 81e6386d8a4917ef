"""Corpus-wide tools on a real-size project: find, label all occurrences, inconsistencies, and
what the text index costs a single edit (issue 14).

The project: 1,000 documents / ~1M tokens made of CoNLL-2003 train + dev (with their gold
entities), repeated, ~1,000 tokens a document; every tenth document is reviewed (entities
human), the others predicted (entities model suggestions). Fetch the data first:
``python -m ner_studio data fetch conll2003``.

Run: ``PYTHONPATH=$PWD .venv/bin/python benchmarks/corpus_tools.py [--documents N]``.
Prints figures only; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from ner_studio.core.corpus.corpus_text import CorpusText
from ner_studio.core.datasets.fetch import corpus_files
from ner_studio.core.text.document import Document, Sentence, Status
from ner_studio.core.corpus.find import find, find_label
from ner_studio.core.formats import read_documents
from ner_studio.core.corpus.inconsistencies import inconsistencies
from ner_studio.core.corpus.label_all import label_all_edits, preview_label_all, undo_edits
from ner_studio.core.corpus.pattern_matcher import Matcher, project_pattern_edits
from ner_studio.core.corpus.patterns import read_patterns
from ner_studio.core.store.project import Project
from ner_studio.core.store.project_rows import SpansDelta, SpansSnapshot
from ner_studio.core.text.spans import Source, Span
from ner_studio.core.text.tokens import TokenList


def merged(docs: list[Document], name: str) -> Document:
    """One document of ``docs`` one after another, a blank line between them."""
    texts, starts, ends, sentences, spans = [], [], [], [], []
    offset = 0
    for doc in docs:
        n = len(starts)
        starts += [s + offset for s in doc.tokens.starts]
        ends += [e + offset for e in doc.tokens.ends]
        sentences += [Sentence(s.start + n, s.end + n) for s in doc.sentences]
        spans += [Span(s.start + offset, s.end + offset, s.label, s.source) for s in doc.spans]
        texts.append(doc.text)
        offset += len(doc.text) + 2
    return Document("\n\n".join(texts), TokenList(starts, ends), sentences, spans, name=name)


def build_project(path: Path, documents: int, tokens_per_document: int) -> Project:
    files = corpus_files("conll2003")
    source = read_documents(files["train"]) + read_documents(files["dev"])
    project = Project.create(path)
    batch, group, size, i = [], [], 0, 0
    while len(batch) + (1 if group else 0) < documents:
        doc = source[i % len(source)]
        i += 1
        group.append(doc)
        size += len(doc.tokens)
        if size >= tokens_per_document:
            batch.append(merged(group, f"doc{len(batch):04d}"))
            group, size = [], 0
    if group:
        batch.append(merged(group, f"doc{len(batch):04d}"))
    for k, doc in enumerate(batch):
        if k % 10 == 0:  # every tenth document reviewed (gold entities as human ones) ...
            doc.status = Status.REVIEWED
        else:  # ... the others predicted (gold entities as model suggestions)
            doc.set_spans([Span(s.start, s.end, s.label, Source.MODEL, 0.9) for s in doc.spans])
            doc.status = Status.PREDICTED
    project.add_documents(batch)
    return project


def timed(label: str, action, repeat: int = 3):
    """Best of ``repeat`` runs: wall-clock time, and the CPU time of that run (on a machine
    other people load, CPU time is closer to what an idle machine takes)."""
    best, result = None, None
    for _ in range(repeat):
        began, cpu = time.perf_counter(), time.process_time()
        result = action()
        run = (time.perf_counter() - began, time.process_time() - cpu)
        best = run if best is None or run < best else best
    print(f"{label:<52} {1000 * best[0]:8.1f} ms  (CPU {1000 * best[1]:.1f} ms)")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--tokens-per-document", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        began = time.perf_counter()
        project = build_project(Path(folder) / "bench.nerstudio", args.documents, args.tokens_per_document)
        summaries = project.document_summaries()
        print(f"project: {len(summaries)} documents, {sum(s.token_count for s in summaries):,} tokens, "
              f"{sum(s.entity_count for s in summaries):,} entities "
              f"(built in {time.perf_counter() - began:.1f} s)")
        corpus = CorpusText(project)
        timed("first load of all texts (once per session)", corpus.refresh, repeat=1)
        for query in ("Lisbon", "the", "Bank of England"):
            hits = timed(f"find-all {query!r}, whole tokens, any case", lambda query=query: find(corpus, query))
            print(f"    {len(hits):,} hits")
        after_edit(project, corpus)
        hits = timed("find-all 'ban', substring, case-sensitive",
                     lambda: find(corpus, "ban", whole_tokens=False, case_sensitive=True))
        print(f"    {len(hits):,} hits")
        hits = timed("find-all entities labelled ORG", lambda: find_label(corpus, "ORG"))
        print(f"    {len(hits):,} hits")
        for word in ("Germany", "the"):
            preview = timed(f"label-all preview {word!r}", lambda word=word: preview_label_all(corpus, word, "LOC"))
            print(f"    {len(preview):,} occurrences, {sum(o.ticked for o in preview):,} ticked")
        preview = preview_label_all(corpus, "the", "MISC")
        ticked = [o for o in preview if o.ticked][:1000]
        edits = label_all_edits(ticked, "MISC")
        timed(f"apply label-all to {len(ticked):,} occurrences ({len(edits)} documents)",
              lambda: project.edit_documents(edits), repeat=1)
        undo = undo_edits(edits)
        timed("undo it", lambda: project.edit_documents(undo), repeat=1)
        found = timed("inconsistencies", lambda: inconsistencies(corpus))
        print(f"    {len(found):,} surface strings; top: "
              + "; ".join(f"{i.surface}: {i.summary()}" for i in found[:3]))
        patterns(corpus, Path(folder))
        edit_cost(project)
        project.close()


def after_edit(project: Project, corpus: CorpusText) -> None:
    """Find right after an edit, when the cached entities are stale."""
    doc = project.load_document(project.document_summaries()[2].doc_id, track=True)
    spans = iter(doc.spans)

    def edit_then_find(query):
        span = next(spans)
        doc.edit((span,), (span.relabelled("MISC"),))
        began, cpu = time.perf_counter(), time.process_time()
        find(corpus, query)
        return time.perf_counter() - began, time.process_time() - cpu

    for query in ("Lisbon", "the"):
        wall, cpu = min(edit_then_find(query) for _ in range(3))
        print(f"{f'find-all {query!r} right after an edit':<52} {1000 * wall:8.1f} ms  (CPU {1000 * cpu:.1f} ms)")


def patterns(corpus: CorpusText, folder: Path) -> None:
    """A 1,000-entry gazetteer (the project's own LOC names) and five token patterns, one of
    them tried at every token, suggested over the whole project."""
    names = sorted({" ".join(h.text.split()) for h in find_label(corpus, "LOC")})[:1000]
    token_patterns = [
        [{"lower": "bank"}, {"lower": "of"}, {"is_title": True, "op": "+"}],
        [{"orth": "Mr."}, {"is_title": True}],
        [{"lower": "university"}, {"lower": "of"}, {"is_title": True}],
        [{"is_title": True}, {"orth": {"in": ["Inc.", "Ltd", "Corp."]}}],
        [{"shape": "dddd"}, {"lower": "season"}],
    ]
    gazetteer = folder / "places.tsv"
    gazetteer.write_text("".join(f"{name}\tLOC\n" for name in names), encoding="utf-8")
    jsonl = folder / "orgs.jsonl"
    jsonl.write_text("".join(json.dumps({"label": "ORG", "pattern": p}) + "\n" for p in token_patterns),
                     encoding="utf-8")
    matcher = Matcher(read_patterns(gazetteer) + read_patterns(jsonl))
    edits = timed(f"pattern suggestions over the project ({len(matcher.patterns):,} patterns)",
                  lambda: project_pattern_edits(corpus, matcher), repeat=1)
    print(f"    {sum(len(e.added) for e in edits):,} suggestions in {len(edits)} documents")


def edit_cost(project: Project) -> None:
    """What keeping the entity cache current (the spans_revision triggers of schema version 3)
    adds to an edit: the edit's SQL with and without the triggers, rolled back each time so
    the fsync of a commit (the rest of an edit's cost) does not drown it; then a whole
    committed edit."""
    doc = project.load_document(project.document_summaries()[1].doc_id)
    relabel = [SpansDelta(doc.doc_id, (s,), (s.relabelled("PER" if s.label != "PER" else "LOC"),))
               for s in doc.spans[:50]]
    everything = SpansSnapshot(doc.doc_id, tuple(s.relabelled("MISC") for s in doc.spans))
    conn = sqlite3.connect(project.path, isolation_level=None)
    for when in ("with", "without"):
        for label, edits in ((f"one relabel, {when} the triggers", relabel),
                             (f"all {len(doc.spans)} spans of a document, {when}", [everything])):
            times = []
            for edit in edits * (1 if len(edits) > 1 else 20):
                conn.execute("BEGIN IMMEDIATE")
                began = time.perf_counter()
                edit.apply(conn)
                times.append(1000 * (time.perf_counter() - began))
                conn.execute("ROLLBACK")
            print(f"{'SQL of ' + label:<52} {statistics.median(times):8.3f} ms median")
        for trigger in ("spans_insert_new_stamp", "spans_delete_old_stamp", "spans_update_new_stamp"):
            conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    conn.close()
    tracked = project.load_document(doc.doc_id, track=True)
    latencies = []
    for span in tracked.spans[:50]:
        began = time.perf_counter()
        tracked.edit((span,), (span.relabelled("PER" if span.label != "PER" else "LOC"),))
        latencies.append(1000 * (time.perf_counter() - began))
    print(f"{'one committed edit (fsync included)':<52} {statistics.median(latencies):8.1f} ms median")


if __name__ == "__main__":
    main()
