"""A team on one project at once: N simulated annotators (separate processes) edit one project
(their assigned documents, an overlap shared by two) as fast as they can, E edits in all.

Checks that no edit is lost or duplicated (every process keeps the spans it expects; at the
end every (document, annotator) version stored is compared span by span, and the span rows
counted), and prints the edit latency (each edit is one committed transaction: what an
annotator waits for) and the time until an edit made in one instance is visible in another
(the notification path, core/store/project_changes.py: LISTEN/NOTIFY on PostgreSQL, the revision
poll on SQLite), from the probe edit's commit to the watching instance (in this process)
showing it. By default the annotators pause for nothing between edits: a stress test, as a
person makes an edit every second or so (``--pause MS`` gives them a mean pause).

Run: ``.venv/bin/python benchmarks/team_load.py [--store postgresql|sqlite|both]
[--annotators 8] [--edits 10000] [--sqlite-processes 2] [--pause MS]``. PostgreSQL runs on a throwaway
local server (tests/postgres_server.py's way; as the ``postgres`` user when root) with
durable commits (fsync on, unlike the test server). Prints figures only.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from ner_studio.core.text.document import Document, Sentence, Token  # noqa: E402
from ner_studio.core.store.project import Project  # noqa: E402
from ner_studio.core.store.project_changes import plan_refresh, watch  # noqa: E402
from ner_studio.core.text.spans import Span  # noqa: E402

LABELS = ("PER", "LOC", "ORG", "MISC")
PROBE = "probe"


def make_document(index: int, n_tokens: int) -> Document:
    words = [f"w{index}_{i}" if i % 20 != 19 else "." for i in range(n_tokens)]
    text = " ".join(words)
    tokens = [Token(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    sentences = [Sentence(i, min(i + 20, len(tokens))) for i in range(0, len(tokens), 20)]
    return Document(text, tokens, sentences, name=f"doc{index}")


def key(span: Span) -> tuple:
    return span.start, span.end, span.label, str(span.source)


def one_edit(doc: Document, rng: random.Random) -> None:
    """Add a one- or two-token entity where there is none, else remove or relabel one."""
    i = rng.randrange(len(doc.tokens) - 1)
    start, end = doc.tokens[i].start, doc.tokens[i + rng.randrange(2)].end
    hit = doc.span_at(start) or doc.span_at(end - 1)
    if hit is None:
        doc.add_span(Span(start, end, rng.choice(LABELS)))
    elif rng.random() < 0.5:
        doc.remove_span(hit)
    else:
        doc.edit((hit,), (hit.relabelled(rng.choice([x for x in LABELS if x != hit.label])),))


def annotator_process(location: str, name: str, edits: int, seed: int, pause: float, start, results) -> None:
    rng = random.Random(seed)
    project = Project.open(location, annotator=name, keep_backups=0, lock_timeout=30)
    docs = [project.load_document(doc_id, track=True) for doc_id in sorted(project.assigned_documents())]
    start.wait()
    began_at = time.time()
    latencies = []
    for _ in range(edits):
        if pause:
            time.sleep(rng.expovariate(1 / pause))  # a person's pause between edits, shortened
        doc = rng.choice(docs)
        began = time.perf_counter()
        one_edit(doc, rng)
        latencies.append(1000 * (time.perf_counter() - began))
    pending = project.pending_count
    expected = {doc.doc_id: [key(s) for s in doc.spans] for doc in docs}
    ended_at = time.time()
    project.close()
    results.put((name, latencies, pending, expected, began_at, ended_at))


class Observer(threading.Thread):
    """Another instance watching the probe document: records when each probe span shows."""

    def __init__(self, location, doc_id: int):
        super().__init__(daemon=True)
        self.location, self.doc_id = location, doc_id
        self.seen: dict[int, float] = {}  # probe start offset -> when it became visible
        self.stop = threading.Event()
        self.ready = threading.Event()

    def run(self) -> None:
        project = Project.open(self.location, annotator=PROBE, keep_backups=0)
        doc = project.load_document(self.doc_id, track=True)
        job = watch(project)(lambda *_: None, self.stop.is_set)
        self.ready.set()
        try:
            for batch in job:
                plan = plan_refresh(batch, project.origin, project.version_annotator, project.own_revisions)
                if plan is not None and project.catch_up(self.doc_id):
                    now = time.perf_counter()
                    for span in doc.spans:
                        self.seen.setdefault(span.start, now)
        finally:
            project.close()


def probe(location, doc_id: int, observer: Observer, done) -> list[float]:
    """Milliseconds from an edit here being committed until the observer shows it: one
    probe every half second until ``done()``."""
    project = Project.open(location, annotator=PROBE, keep_backups=0, lock_timeout=30)
    doc = project.load_document(doc_id, track=True)
    began: dict[int, float] = {}
    for token in doc.tokens:
        if done():
            break
        doc.add_span(Span(token.start, token.end, "PER"))
        began[token.start] = time.perf_counter()  # committed: from here on others may see it
        time.sleep(0.5)
    deadline = time.monotonic() + 5
    while len(observer.seen) < len(began) and time.monotonic() < deadline:
        time.sleep(0.05)
    project.close()
    return [1000 * (observer.seen[s] - t) for s, t in began.items() if s in observer.seen]


def collector(results, workers):
    """``done()``: whether every worker has reported (gathering what came in meanwhile)."""
    import queue

    collected = []

    def done() -> bool:
        while len(collected) < len(workers):
            try:
                collected.append(results.get_nowait())
            except queue.Empty:
                if any(w.exitcode not in (None, 0) for w in workers):
                    raise SystemExit("an annotator process failed (see above)")
                return False
        return True

    return collected, done


def verify(location, expected: dict[str, dict[int, list]]) -> tuple[int, int]:
    """``(versions compared, span rows)``; raises if any version differs from what its
    annotator's process holds."""
    with Project.open(location, annotator=PROBE, read_only=True) as project:
        for name, docs in expected.items():
            for doc_id, spans in docs.items():
                stored = [key(s) for s in project.spans_of(doc_id, name)]
                if stored != spans:
                    raise SystemExit(f"LOST OR DUPLICATED EDIT: {name}'s version of document {doc_id}: "
                                     f"{len(stored)} spans stored, {len(spans)} expected")
        counted = project.query("counting spans", lambda conn: conn.execute(
            "SELECT COUNT(*) FROM spans WHERE annotator <> ?", (PROBE,)).fetchone()[0])
    want = sum(len(spans) for docs in expected.values() for spans in docs.values())
    if counted != want:
        raise SystemExit(f"SPAN ROWS DIFFER: {counted} stored, {want} expected")
    return sum(len(docs) for docs in expected.values()), counted


def run(location, n_annotators: int, n_edits: int, n_docs: int, tokens: int, pause: float) -> None:
    names = [f"annotator{i + 1}" for i in range(n_annotators)]
    with Project.create(location, annotator=PROBE) as project:
        project.add_documents([make_document(i, tokens) for i in range(n_docs)])
        plan = project.assign(names, 0.2 if n_annotators > 1 else 0.0)
        [probe_doc] = project.add_documents([make_document(n_docs, tokens)])  # nobody's: the probe's
    shared = sum(1 for chosen in plan.values() if len(chosen) > 1)
    print(f"  {n_docs} documents of {tokens} tokens, {shared} shared by two annotators")
    context = multiprocessing.get_context("spawn")
    start, results = context.Event(), context.Queue()
    per = [n_edits // n_annotators + (1 if i < n_edits % n_annotators else 0) for i in range(n_annotators)]
    workers = [context.Process(target=annotator_process, args=(str(location), name, count, i, pause, start, results))
               for i, (name, count) in enumerate(zip(names, per))]
    for worker in workers:
        worker.start()
    observer = Observer(location, probe_doc)
    observer.start()
    observer.ready.wait(30)
    time.sleep(1.0)  # the annotators have opened the project and loaded their documents
    start.set()
    collected, done = collector(results, workers)
    visible = probe(location, probe_doc, observer, done)
    while not done():
        time.sleep(0.2)
    elapsed = max(c[5] for c in collected) - min(c[4] for c in collected)
    for worker in workers:
        worker.join()
    observer.stop.set()
    observer.join(10)
    latencies = sorted(x for _, lat, *_ in collected for x in lat)
    pending = sum(c[2] for c in collected)
    versions, rows = verify(location, {c[0]: c[3] for c in collected})
    quantiles = statistics.quantiles(latencies, n=100)
    print(f"  {len(latencies)} edits by {n_annotators} processes in {elapsed:.1f} s "
          f"({len(latencies) / elapsed:.0f} edits/s); unsaved at the end: {pending}")
    print(f"  edit latency: p50 {quantiles[49]:.1f} ms, p95 {quantiles[94]:.1f} ms, max {latencies[-1]:.1f} ms")
    print(f"  verified: {versions} versions span by span, {rows} span rows, none lost or duplicated")
    if visible:
        visible.sort()
        print(f"  visible in another instance ({len(visible)} probes during the run): median {statistics.median(visible):.0f} ms, "
              f"max {visible[-1]:.0f} ms")
    else:
        print("  visible in another instance: no probe was seen")


def durable_server():
    from postgres_server import PostgresServer, find_bin_dir

    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise SystemExit("PostgreSQL is not installed (no initdb found)")
    server = PostgresServer(bin_dir)
    import os
    import shutil

    if os.geteuid() == 0:
        shutil.chown(server.folder, "postgres", "postgres")
        server._as_user = ["runuser", "-u", "postgres", "--"]
    server._run("initdb", "-D", str(server.data), "-U", "ner", "--auth-local=trust",
                "--auth-host=scram-sha-256", "-E", "UTF8", "--locale", "C")
    options = f"-k {server.folder} -c listen_addresses=127.0.0.1 -p {server.port} -c max_connections=60"
    server._run("pg_ctl", "-D", str(server.data), "-l", str(server.folder / "server.log"), "-w",
                "-o", options, "start")
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", choices=("postgresql", "sqlite", "both"), default="both")
    parser.add_argument("--annotators", type=int, default=8)
    parser.add_argument("--edits", type=int, default=10_000)
    parser.add_argument("--sqlite-processes", type=int, default=2)
    parser.add_argument("--documents", type=int, default=40)
    parser.add_argument("--tokens", type=int, default=400)
    parser.add_argument("--pause", type=float, default=0.0, metavar="MS",
                        help="mean pause of each annotator between edits (default 0: a stress test)")
    args = parser.parse_args()
    if args.store in ("postgresql", "both"):
        server = durable_server()
        try:
            print(f"PostgreSQL ({args.annotators} annotator processes, durable commits, pause {args.pause:g} ms):")
            run(server.new_database(), args.annotators, args.edits, args.documents, args.tokens, args.pause / 1000)
        finally:
            server.stop()
    if args.store in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            print(f"SQLite ({args.sqlite_processes} annotator processes, one file, WAL, pause {args.pause:g} ms):")
            run(Path(folder) / "team.nerstudio", args.sqlite_processes, args.edits, args.documents, args.tokens, args.pause / 1000)


if __name__ == "__main__":
    main()
