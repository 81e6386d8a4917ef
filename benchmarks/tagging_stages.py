"""Where one tagging thread's CPU time goes, per token and by stage (issue 29 item 4).

    python benchmarks/tagging_stages.py [--tokens 300000] [--detail CONFIDENCES] [--runtime onnx]
    python benchmarks/tagging_stages.py --threads 2 [--tokens 1000000] [--runtime onnx]

Tags the benchmark's CoNLL-2003 documents (as benchmarks/tagging_speed.py picks them) with the
bundled int8 model on one thread, torch single-threaded, from a cold word cache, with a timer
around each stage's function: its own CPU time (``time.thread_time``, which other jobs on a
busy machine disturb far less than wall time), nested stages subtracted from the one that
calls them. Reading the CoNLL text and writing the predict command's JSONL are timed apart on
the same documents. Prints microseconds of CPU per token for each stage.

``--threads 2`` asks where the two-thread *wall* time goes instead: the tagger as the benchmark
runs it (batches side by side), each stage timed on whichever thread runs it (wall and CPU),
how long each tagging thread was busy, and how long no tagging thread was (the serial part:
work on the calling thread they wait for, the ends of groups).

Why wrap functions instead of running cProfile: the profiler's own cost per Python call would
inflate exactly the per-token Python stages we want to weigh against the network's.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, os.environ.get("NER_STUDIO_CODE") or str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch
from tagging_speed import benchmark_documents

_spent: dict[str, float] = defaultdict(float)
_stack: list[list] = []


def timed(name: str, function):
    """``function`` with its exclusive thread CPU time added to ``_spent[name]``."""

    def wrapper(*args, **kwargs):
        frame = [name, time.thread_time(), 0.0]  # name, start, time of stages it called
        _stack.append(frame)
        try:
            return function(*args, **kwargs)
        finally:
            _stack.pop()
            total = time.thread_time() - frame[1]
            _spent[name] += total - frame[2]
            if _stack:
                _stack[-1][2] += total

    return wrapper


def patch(owner, attribute: str, name: str) -> None:
    setattr(owner, attribute, timed(name, getattr(owner, attribute)))


def instrument(tagger) -> None:
    """Timers around each stage of ``tagger.predict_documents``."""
    from ner_studio.model import decoding, network, predict, word_table

    patch(predict, "sentences_of", "encoding (words, table rows, batches)")
    patch(predict, "split_windows", "encoding (words, table rows, batches)")
    patch(word_table.WordTable, "sentences", "encoding (words, table rows, batches)")
    patch(word_table.WordTable, "batch", "encoding (words, table rows, batches)")
    patch(predict, "length_buckets", "encoding (words, table rows, batches)")
    patch(word_table.WordTable, "_fill", "char features (CNN per new word)")
    patch(network, "pack_padded_sequence", "BiLSTM pack/unpack")
    patch(network, "pad_packed_sequence", "BiLSTM pack/unpack")
    model = tagger.model
    model.lstm.forward = timed("int8 BiLSTM", model.lstm.forward)
    if getattr(tagger, "_onnx", None) is not None:
        tagger._onnx.emission_parts = timed("int8 BiLSTM + linear (ONNX Runtime)", tagger._onnx.emission_parts)
        patch(type(model), "lstm_input", "embeddings + concat")
    model.output.forward = timed("linear (+ pooling)", model.output.forward)
    if model.shared is not None:
        model.shared.forward = timed("linear (+ pooling)", model.shared.forward)
    patch(type(model), "emission_parts", "embeddings + concat")
    crf = model.crf
    crf.viterbi_paths = timed("CRF Viterbi", crf.viterbi_paths)
    crf.forward_backward = timed("CRF forward-backward (confidences)", crf.forward_backward)
    patch(decoding, "_segment_probabilities", "CRF forward-backward (confidences)")
    patch(predict, "crf_predictions", "spans: entity chunks, lists, predictions")
    patch(predict, "_document_prediction", "spans: character offsets, Span objects")


def timeline(tagger, docs, tokens: int, detail) -> None:
    """``--threads 2``: stages per thread and each tagging thread's busy time (wall)."""
    import threading

    from ner_studio.model import predict, word_table

    events = []  # (thread, stage, wall start, wall end, CPU)

    def on_thread(name: str, function):
        def wrapper(*args, **kwargs):
            started, cpu = time.perf_counter(), time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                events.append((threading.current_thread().name, name, started, time.perf_counter(),
                               time.thread_time() - cpu))
        return wrapper

    for owner, attribute in ((predict, "sentences_of"), (word_table.WordTable, "rows_of"),
                             (word_table.WordTable, "_fill"), (word_table.WordTable, "batch"),
                             (word_table.WordTable, "mention_groups"), (predict, "length_buckets"),
                             (predict, "_document_prediction"), (predict.TorchPredictor, "_emission_parts"),
                             (predict.TorchPredictor, "_decode")):
        setattr(owner, attribute, on_thread(attribute, getattr(owner, attribute)))
    tagger.clear_cache()
    started, cpu = time.perf_counter(), time.process_time()
    tagger.predict_documents(docs, detail=detail)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"{tokens:,} tokens, 2 threads, load {os.getloadavg()[0]:.1f}: wall {wall:.2f} s "
          f"({tokens / wall:,.0f} tokens/s), process CPU {cpu:.2f} s")
    totals = defaultdict(lambda: [0, 0.0, 0.0])
    for thread, stage, start, end, seconds in events:
        total = totals[("calling" if thread == "MainThread" else "tagging"), stage]
        total[0] += 1
        total[1] += end - start
        total[2] += seconds
    print("| thread | stage | calls | wall s | CPU s |\n|---|---|---:|---:|---:|")
    for (thread, stage), (calls, seconds, used) in sorted(totals.items()):
        print(f"| {thread} | {stage} | {calls} | {seconds:.2f} | {used:.2f} |")
    busy = defaultdict(list)
    for thread, stage, start, end, _ in events:
        if thread != "MainThread":  # the network, decoding, and (since 2026-12-08) cutting batches
            busy[thread].append((start, end))
    for thread, spans in sorted(busy.items()):
        print(f"{thread} busy {covered(spans):.2f} s of {wall:.2f}")
    print(f"no tagging thread busy: {wall - covered([s for spans in busy.values() for s in spans]):.2f} s")


def covered(spans: list[tuple[float, float]]) -> float:
    """Seconds covered by the union of the ``(start, end)`` intervals."""
    total, reach = 0.0, float("-inf")
    for start, end in sorted(spans):
        total += max(0.0, end - max(start, reach))
        reach = max(reach, end)
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tokens", type=int, default=300_000)
    parser.add_argument("--detail", default="CONFIDENCES")
    parser.add_argument("--runtime", default="torch", choices=("torch", "onnx"), help="what runs the LSTM")
    parser.add_argument("--threads", type=int, default=1, help="2: where the two-thread wall time goes")
    args = parser.parse_args()
    from ner_studio.core.datasets.fetch import corpus_files
    from ner_studio.core.formats import read_documents
    from ner_studio.core.formats.stream import DocumentWriter, read_in_chunks
    from ner_studio.model.checkpoint import load_checkpoint
    from ner_studio.model.interface import PredictionDetail
    from ner_studio.model.predict import TorchPredictor
    from ner_studio.resources import bundled_model_location

    files = corpus_files("conll2003")
    docs, tokens = benchmark_documents(read_documents(files["train"], "conll")
                                       + read_documents(files["test"], "conll"), args.tokens)
    if args.threads > 1:
        tagger = TorchPredictor(load_checkpoint(bundled_model_location()), quantize=True, threads=args.threads,
                                runtime=args.runtime)
        timeline(tagger, docs, tokens, PredictionDetail[args.detail])
        return 0
    torch.set_num_threads(1)
    tagger = TorchPredictor(load_checkpoint(bundled_model_location()), quantize=True, runtime=args.runtime)
    instrument(tagger)
    tagger.clear_cache()
    started = time.thread_time()
    predictions = timed("other (predict_documents glue)", tagger.predict_documents)(
        docs, detail=PredictionDetail[args.detail])
    tagging = time.thread_time() - started
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.conll"
        from tagging_speed import write_conll

        write_conll(docs, source)
        started = time.thread_time()
        pieces = list(read_in_chunks(source))
        _spent["[process] reading CoNLL"] = time.thread_time() - started
        read = [d for piece in pieces for d in piece]
        started = time.thread_time()
        for doc, prediction in zip(read, predictions):
            doc.set_spans([])
            doc.replace_model_spans(prediction.spans)
        _spent["[process] spans into documents"] = time.thread_time() - started
        started = time.thread_time()
        with DocumentWriter(Path(folder) / "out.jsonl") as out:
            for piece in pieces:
                out.write(piece)
        _spent["[process] writing JSONL"] = time.thread_time() - started
    print(f"{tokens:,} tokens, detail {args.detail}, 1 thread, load {os.getloadavg()[0]:.1f}; "
          f"tagging {tagging:.2f} CPU-s = {tokens / tagging:,.0f} tokens per CPU-s")
    print("| stage | µs CPU / token | share of tagging |")
    print("|---|---:|---:|")
    for name, seconds in sorted(_spent.items(), key=lambda item: (item[0].startswith("["), -item[1])):
        share = "" if name.startswith("[") else f"{100 * seconds / tagging:.0f}%"
        print(f"| {name} | {1e6 * seconds / tokens:.2f} | {share} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
