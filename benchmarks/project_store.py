"""Project store speed: add, list and load a 200k-token document, and the cost of one committed
edit (every edit is a durable transaction, so this is the latency an annotator feels).

Run: ``.venv/bin/python benchmarks/project_store.py [--tokens N] [--edits N]``.
Prints figures only; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path

from ner_studio.core.text.document import Document, Sentence, Token
from ner_studio.core.store.project import Project
from ner_studio.core.text.spans import Source, Span


def big_document(n_tokens: int) -> Document:
    """~``n_tokens`` words in 20-token sentences, every 7th token a model entity."""
    words = [f"word{i % 997}" if i % 20 != 19 else "." for i in range(n_tokens)]
    text = " ".join(words)
    tokens = [Token(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    sentences = [Sentence(i, min(i + 20, len(tokens))) for i in range(0, len(tokens), 20)]
    spans = [Span(tokens[i].start, tokens[i].end, "ORG", Source.MODEL, 0.8)
             for i in range(0, len(tokens), 7)]
    return Document(text, tokens, sentences, spans, name="big")


def timed(label: str, action):
    began = time.perf_counter()
    result = action()
    print(f"{label:<38} {1000 * (time.perf_counter() - began):8.1f} ms")
    return result


def relabel_latencies(doc: Document, count: int) -> list[float]:
    """Milliseconds per relabel edit of ``doc`` (committed if the document is tracked)."""
    latencies = []
    for i in range(count):
        span = doc.spans[i]
        began = time.perf_counter()
        doc.edit((span,), (span.relabelled("PER" if span.label != "PER" else "LOC"),))
        latencies.append(1000 * (time.perf_counter() - began))
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=200_000)
    parser.add_argument("--edits", type=int, default=50)
    args = parser.parse_args()

    doc = big_document(args.tokens)
    print(f"document: {len(doc.tokens)} tokens, {len(doc.spans)} spans, {len(doc.text) / 1e6:.2f} MB text")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.nerstudio"
        project = timed("create project", lambda: Project.create(path))
        [doc_id] = timed("add_documents (one transaction)", lambda: project.add_documents([doc]))
        timed("document_summaries", project.document_summaries)
        loaded = timed("load_document", lambda: project.load_document(doc_id, track=True))

        untracked = project.load_document(doc_id)
        project.untrack(loaded)
        in_memory = relabel_latencies(untracked, args.edits)
        project.track(loaded)
        committed = relabel_latencies(loaded, args.edits)
        print(f"{'relabel edit, in memory only (median)':<38} {statistics.median(in_memory):8.1f} ms")
        print(f"{'relabel edit + commit (median)':<38} {statistics.median(committed):8.1f} ms"
              f"   (max {max(committed):.1f} ms over {args.edits})")
        timed("replace all model spans (snapshot)", lambda: loaded.replace_model_spans([]))
        project.close()
        print(f"{'file size':<38} {path.stat().st_size / 1e6:8.2f} MB")
        timed("open (check, backup)", lambda: Project.open(path).close())


if __name__ == "__main__":
    main()
