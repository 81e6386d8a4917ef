"""The GUI's side of tagging: the current model file (:class:`ModelHandle`, which loads its
:class:`~ner_studio.model.interface.Predictor` when first asked) and the job that tags documents
in a worker.

The window talks to a :class:`ModelHandle`, not to torch: the handle loads the checkpoint
lazily *inside the worker thread* (importing torch and reading weights takes seconds) and the
job yields ``(document, prediction)`` pairs one document at a time, so the first documents are
highlighted while later ones are still being tagged.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ner_studio.core import gc_pause, heap
from ner_studio.core.errors import SpanError
from ner_studio.core.learning.active_learning import settled_sentences
from ner_studio.core.store.model_spans_writer import ModelSpansWriter
from ner_studio.core.text.document import (
    Document,
    ModelMerge,
    Sentence,
    Status,
    status_after_tagging,
)
from ner_studio.core.text.spans import Source, Span
from ner_studio.model.interface import Predictor, SentenceUncertainty

if TYPE_CHECKING:
    from ner_studio.core.store.project import Project


# int8 LSTM and linear layers: tagging takes ~25-40% less time for -0.1 F1 on CoNLL-2003
# test (resources/models/tagging_speed.json); the command line does the same by default.
QUANTIZE = True


def load_predictor(path: Path) -> Predictor:
    from ner_studio.model.predict import TorchPredictor

    # Batches side by side on every core, each on one torch thread: threads that never wait
    # for each other, unlike torch's own inside one batch (which spin on a busy machine). The
    # UI thread needs little CPU meanwhile (benchmarks/gui_big_document.py measures its stalls).
    # The LSTM in torch, not ONNX Runtime (which `predict` and `evaluate` use where installed):
    # with it the 1 MB report's peak RSS went over 600 MB (608-628 against 548-603, quiet
    # machine, arena on or off), for a gain in time within the runs' spread
    # (benchmarks/results/2026-12-07-tagging-speed-3.md, "In the window").
    predictor = TorchPredictor.load(path, quantize=QUANTIZE, threads=os.cpu_count() or 1, runtime="torch")
    gc_pause.set_aside()  # torch and the model stay: no full collection walks them again (once)
    heap.forget_source_lines()  # what Qt's import hook read of torch's modules
    return predictor


class ModelHandle:
    """A model file and, once loaded, its predictor. Used by one worker at a time."""

    def __init__(self, path: Path | None, loader: Callable[[Path], Predictor] = load_predictor):
        self.path = Path(path) if path is not None else None
        self._loader = loader
        self._predictor: Predictor | None = None

    @property
    def name(self) -> str:
        return self.path.stem if self.path is not None else "no model"

    @property
    def available(self) -> bool:
        return self.path is not None

    @property
    def loaded_labels(self) -> list[str] | None:
        """The labels the model predicts, if it is loaded already (None otherwise: loading
        takes seconds and must not happen on the UI thread)."""
        return None if self._predictor is None else list(self._predictor.labels)

    def predictor(self) -> Predictor:
        """Load on first use; raises the loader's error (e.g. CheckpointError) otherwise."""
        if self._predictor is None:
            self._predictor = self._loader(self.path)
        return self._predictor


# A long document is tagged in two parts: its first sentences (the first screens) at once,
# then the rest, so highlights appear in a fraction of a second whatever the length.
HEAD_SENTENCES = 200


@dataclass(frozen=True)
class Tagged:
    """Model spans for ``doc`` up to character ``until``; ``final`` once the whole document
    is tagged (only then are ``sentence_scores`` complete). ``merge``: the document's spans
    with these in, worked out in the worker (None if that failed: the UI thread merges).
    ``settled``: a final part's sentences the review queue leaves out, found in the worker
    from ``merge`` and the scores (``active_learning.settled_sentences``: ~11 ms a part that
    the UI thread no longer spends); see :meth:`settled_as_shown`."""

    doc: Document
    spans: list[Span]
    sentence_scores: list[SentenceUncertainty]
    until: int
    final: bool
    merge: ModelMerge | None = None
    saved: bool = False  # ``merge`` is committed to the project already (core/store/model_spans_writer.py)
    settled: frozenset[int] | None = None

    def settled_as_shown(self) -> frozenset[int] | None:
        """On the UI thread, once taken: ``settled`` if the document's spans are the merge's
        (swapped in, no edit since); None if they are not (edited or reviewed meanwhile, a
        label gone): the document as it is now is what counts, so the caller works them out."""
        merge = self.merge
        if self.settled is None or merge is None:
            return None
        revision, spans = self.doc.revision_and_spans()
        fits = revision == merge.revision and (spans is merge.spans or spans == merge.spans)
        return self.settled if fits else None

    def spans_to_show(self, current: tuple[Span, ...] | None = None) -> list[Span]:
        """The new spans, plus the model spans past ``until`` (from an earlier tagging) of the
        document's ``current`` spans (default: its spans now), which the next part will replace."""
        if self.final:
            return list(self.spans)
        current = self.doc.spans if current is None else current
        return [*self.spans, *(s for s in current if s.source == Source.MODEL and s.start >= self.until)]


def merged(tagged: Tagged) -> Tagged:
    """``tagged`` with its :class:`ModelMerge` against the document's spans now, worked out in
    the worker so that the UI thread only swaps them in. A prediction that fits no token
    leaves it to the UI thread, whose merge raises the error it reports."""
    current = tagged.doc.revision_and_spans()
    try:
        merge = tagged.doc.merge_model_spans(tagged.spans_to_show(current[1]), current)
    except SpanError:
        return tagged
    settled = None
    if tagged.final:  # from the worker's own merge: the document may be edited meanwhile
        settled = frozenset(settled_sentences(tagged.doc, tagged.sentence_scores, merge.spans))
    return replace(tagged, merge=merge, settled=settled)


class _Saving:
    """Final results saved by ``writer`` in one thread of their own, while the tagging thread
    goes on with the next part (a part's save is ~0.1 s of SQLite; the tagger's threads keep
    the cores busy meanwhile). The writer's connection lives in that thread. The tagging
    itself runs in a thread of its own too (:meth:`alongside`), so that the job hands over each
    saved result as soon as it is saved, not after the next part is tagged: the window shows
    a part's final spans, and lets the reader go on (``importing.PartsGate``), a part sooner."""

    def __init__(self, writer: ModelSpansWriter | None):
        self._writer = writer
        self._pool = None if writer is None else ThreadPoolExecutor(1, thread_name_prefix="save model spans")
        self._runner: ThreadPoolExecutor | None = None
        self._waiting: list[Future] = []

    def alongside(self, call: Callable, *args, **kwargs) -> Generator[Tagged, None, object]:
        """``call(*args, **kwargs)``'s result; meanwhile the results whose save ends are yielded."""
        if self._pool is None:
            return call(*args, **kwargs)
        if self._runner is None:
            self._runner = ThreadPoolExecutor(1, thread_name_prefix="tag")
        running = self._runner.submit(call, *args, **kwargs)
        while self._waiting and not running.done():
            wait([running, self._waiting[0]], return_when=FIRST_COMPLETED)
            yield from self.ready()
        return running.result()

    def start(self, tagged: Tagged) -> bool:
        """Save ``tagged`` beside the tagging; False if there is nothing to save it with."""
        if self._pool is None:
            return False
        self._waiting.append(self._pool.submit(saved, tagged, self._writer))
        return True

    def ready(self, *, wait: bool = False, quietly: bool = False) -> Iterator[Tagged]:
        """The results whose save is over, in order (``wait``: all of them)."""
        while self._waiting and (wait or self._waiting[0].done()):
            future = self._waiting.pop(0)
            if quietly and future.exception() is not None:
                continue
            yield future.result()

    def close(self) -> None:
        if self._runner is not None:
            self._runner.shutdown(wait=True)
        if self._pool is not None:
            self._pool.submit(self._writer.close)  # in the thread that opened it
            self._pool.shutdown(wait=True)


def saved(tagged: Tagged, writer: ModelSpansWriter | None) -> Tagged:
    """``tagged`` with its merge committed by ``writer`` if it still fits the document (the UI
    thread then only shows it). Only final results: a first screens' merge the window skips
    (a part nobody looks at) would leave the store ahead of the document in memory."""
    doc, merge = tagged.doc, tagged.merge
    if (writer is None or merge is None or doc.doc_id is None or doc.status == Status.REVIEWED
            or doc.revision_and_spans()[0] != merge.revision):
        return tagged
    return replace(tagged, saved=writer.save(doc.doc_id, merge))


def take_tagged(project: Project, tagged: Tagged, known: set[str], interim: set[int]) -> bool:
    """On the UI thread: show what the tagger found in a document; False if it was reviewed
    meanwhile (its entities stay, in the project too). First screens (not ``final``) are shown
    but not saved: the final spans follow within seconds and are saved (by the worker, mostly),
    so a part's ~7,000 model spans are not written twice; ``interim`` holds such documents
    until then (the workspace saves them if the final spans never come). Final spans make a new
    document "predicted" (``status_after_tagging``)."""
    doc = tagged.doc
    if doc.status == Status.REVIEWED:
        if tagged.saved or doc.doc_id in interim:  # the file holds model spans the document has not
            project.save_model_spans(doc)
        interim.discard(doc.doc_id)
        return False
    if tagged.final:
        apply_tagged(project, tagged, known)
        interim.discard(doc.doc_id)
        doc.status = status_after_tagging(doc)
    else:
        with project.saved_elsewhere():
            apply_tagged(project, tagged, known)
        interim.add(doc.doc_id)
    return True


def apply_tagged(project: Project, tagged: Tagged, known: set[str]) -> None:
    """On the UI thread: swap in the merge the worker made (and saved: then nothing is written
    here). If an edit came in meanwhile (it wins) or a label of it is no longer ``known``, merge
    again from the document as it is now, and save that over the worker's rows
    (core/store/model_spans_writer.py)."""
    doc, merge = tagged.doc, tagged.merge
    if merge is not None and merge.labels <= known:
        if not tagged.saved:
            if doc.apply_model_merge(merge):
                return
        elif not project.pending_count:
            with project.saved_elsewhere():
                if doc.apply_model_merge(merge):
                    return
    spans = [s for s in tagged.spans_to_show() if s.label in known]
    if not tagged.saved:
        doc.replace_model_spans(spans)
        return
    with project.saved_elsewhere():
        doc.replace_model_spans(spans)
    project.save_model_spans(doc)


def split_document(doc: Document, k: int) -> list[Document]:
    """Two documents over the same text, with sentences ``[0, k)`` and ``[k, n)``: the spans
    a tagger finds in either are spans of ``doc``, since offsets refer to the same text."""
    cut = doc.sentences[k].start
    head = Document(doc.text, doc.tokens[:cut], doc.sentences[:k])
    tail = Document(doc.text, doc.tokens[cut:], [Sentence(s.start - cut, s.end - cut) for s in doc.sentences[k:]])
    return [head, tail]


def prediction_job(handle: ModelHandle, docs: list[Document], writer: ModelSpansWriter | None = None, *,
                   more: Callable[[], list[Document]] = list,
                   first_screens: Callable[[Document], bool] = lambda doc: True):
    """A worker job (see ``qt_worker``) that tags ``docs``, then what ``more()`` hands it
    until it hands nothing, and yields :class:`Tagged` parts.

    Progress counts sentences over all documents. Documents are only read here (text, tokens
    and sentences never change; the spans once per part, as a revision's snapshot) and each
    part comes with its merge (:func:`merged`); the UI thread applies the spans. A long
    document's first screens come first if ``first_screens(doc)``; otherwise it is tagged once,
    whole (a part nobody looks at: its first screens would be thrown away). With a
    ``writer``, a document's final merge is saved first (:func:`saved`), in a thread beside
    this one while the next part is tagged (:class:`_Saving`), and yielded once it is stored.
    """

    def job(report: Callable[[int, int], None], should_stop: Callable[[], bool]) -> Iterator[Tagged]:
        saving = _Saving(writer)
        try:
            yield from tag(report, should_stop, saving)
            yield from saving.ready(wait=True)
        except Exception:
            # Saved but never shown would leave the file ahead of the window: show them first.
            yield from saving.ready(wait=True, quietly=True)
            raise
        finally:
            saving.close()

    def tag(report: Callable[[int, int], None], should_stop: Callable[[], bool], saving: _Saving) -> Iterator[Tagged]:
        predictor = handle.predictor()
        pending = list(docs)
        total = sum(len(doc.sentences) for doc in pending)
        done = 0
        while True:
            if not pending:  # what was queued meanwhile (the next parts of a big file)
                pending = list(more())
                if not pending:
                    return
                total += sum(len(doc.sentences) for doc in pending)
            doc = pending.pop(0)
            if not doc.sentences:
                continue
            long = len(doc.sentences) > 2 * HEAD_SENTENCES and first_screens(doc)
            parts = split_document(doc, HEAD_SENTENCES) if long else [doc]
            if long and predictor.pools_documents:  # the final part must see every mention
                parts = [parts[0], doc]
            spans: list[Span] = []
            scores: list[SentenceUncertainty] = []
            for part in parts:
                if should_stop():
                    return
                if part is doc and spans:  # the whole document again: its spans replace the head's
                    done -= len(parts[0].sentences)
                    spans, scores = [], []
                before = done

                def progress(finished: int, _total: int, before=before) -> None:
                    report(before + finished, total)  # noqa: B023 - the total now: it grows as more come

                results = yield from saving.alongside(predictor.predict_documents, [part], progress=progress,
                                                      should_stop=should_stop)
                if not results:  # cancelled inside the part
                    return
                spans += results[0].spans
                scores += results[0].sentence_scores
                done += len(part.sentences)
                report(done, total)
                final = part is parts[-1]
                if final:  # the next part's tensors start from a small heap (core/heap.py)
                    heap.release_freed_memory()
                until = len(doc.text) if final else part.tokens[-1].end
                tagged = merged(Tagged(doc, list(spans), list(scores), until, final))
                yield from saving.ready()
                if not (final and saving.start(tagged)):
                    yield tagged

    return job
