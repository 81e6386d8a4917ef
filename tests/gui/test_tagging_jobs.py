"""Tagging in parts: a long document's first screens are tagged first, and the parts add up
to the same entities as tagging it whole."""

from __future__ import annotations

from ner_studio.core.text.document import Document
from ner_studio.core.text.spans import Source, Span
from ner_studio.gui.shell.tagging_jobs import HEAD_SENTENCES, ModelHandle, Tagged, prediction_job, split_document

SENTENCE = "Karin Olsson visited Lisbon on Thursday ."


def long_document() -> Document:
    return Document.from_text(" ".join([SENTENCE] * (2 * HEAD_SENTENCES + 50)))


def test_split_document_keeps_offsets_on_the_same_text():
    doc = long_document()
    head, tail = split_document(doc, 3)
    assert head.text is doc.text and tail.text is doc.text
    assert list(head.tokens) + list(tail.tokens) == list(doc.tokens)
    assert len(head.sentences) == 3 and len(head.sentences) + len(tail.sentences) == len(doc.sentences)
    assert tail.sentence_words(0) == doc.sentence_words(3)


def test_a_long_document_is_tagged_first_screens_first(tiny_model_path):
    doc = long_document()
    handle = ModelHandle(tiny_model_path)
    reports = []
    parts = list(prediction_job(handle, [doc])(lambda done, total: reports.append((done, total)), lambda: False))
    assert [p.final for p in parts] == [False, True]
    head = parts[0]
    assert head.until < len(doc.text) and all(s.end <= head.until for s in head.spans)
    assert reports[-1] == (len(doc.sentences), len(doc.sentences))
    [whole] = handle.predictor().predict_documents([doc])
    key = lambda spans: [(s.start, s.end, s.label) for s in spans]  # noqa: E731
    assert key(parts[1].spans) == key(whole.spans) and len(parts[1].sentence_scores) == len(doc.sentences)


def test_a_partial_result_keeps_the_older_model_spans_beyond_it():
    doc = Document.from_text("Karin visited Lisbon . Olsson left Madrid .")
    old_tail = Span(35, 41, "LOC", Source.MODEL, 0.8)
    doc.set_spans([Span(0, 5, "ORG", Source.MODEL, 0.3), old_tail])
    fresh = [Span(0, 5, "PER", Source.MODEL, 0.9)]
    partial = Tagged(doc, fresh, [], until=22, final=False)
    assert partial.spans_to_show() == [*fresh, old_tail]
    assert Tagged(doc, fresh, [], until=len(doc.text), final=True).spans_to_show() == fresh


def test_a_model_that_pools_over_the_document_tags_a_long_one_whole_at_the_end(tmp_path):
    import torch

    from ner_studio.model.checkpoint import save_checkpoint
    from ner_studio.model.network import BiLSTMNetwork, NetworkConfig
    from ner_studio.model.vocab import Vocabularies

    text = " ".join([SENTENCE] * (2 * HEAD_SENTENCES + 50) + ["Lisbon beat Olsson United 2-1 ."] * 30)
    doc = Document.from_text(text)
    tags = ["O"] + [f"{p}-{label}" for label in ("LOC", "PER") for p in "BIES"]
    vocabs = Vocabularies.build([doc.words()], [tags])
    torch.manual_seed(3)
    config = NetworkConfig(len(vocabs.words), len(vocabs.chars), len(vocabs.tags), word_dim=8, char_dim=4,
                          char_filters=4, casing_dim=2, hidden=8, document_pooling=True)
    path = tmp_path / "pooling.pt"
    save_checkpoint(path, BiLSTMNetwork(config, tags, "bioes"), vocabs, ["LOC", "PER"], "bioes", {})
    handle = ModelHandle(path)
    reports = []
    parts = list(prediction_job(handle, [doc])(lambda done, total: reports.append((done, total)), lambda: False))
    assert [p.final for p in parts] == [False, True]
    assert reports[-1] == (len(doc.sentences), len(doc.sentences))
    assert all(done <= total for done, total in reports)
    [whole] = handle.predictor().predict_documents([doc])
    key = lambda spans: [(s.start, s.end, s.label, s.confidence) for s in spans]  # noqa: E731
    assert key(parts[1].spans) == key(whole.spans) and len(parts[1].sentence_scores) == len(doc.sentences)
    [head] = handle.predictor().predict_documents([split_document(doc, HEAD_SENTENCES)[0]])
    assert key(parts[0].spans) == key(head.spans)
    # The head alone reads differently: the tail's mentions count in the final result.
    assert key(head.spans) != key(whole.spans[: len(head.spans)])


def test_a_document_nobody_looks_at_is_tagged_once_whole(tiny_model_path):
    doc = long_document()
    handle = ModelHandle(tiny_model_path)
    parts = list(prediction_job(handle, [doc], first_screens=lambda d: False)(lambda *_: None, lambda: False))
    assert [p.final for p in parts] == [True]  # no first screens to throw away
    [whole] = handle.predictor().predict_documents([doc])
    assert [(s.start, s.end, s.label) for s in parts[0].spans] == [(s.start, s.end, s.label) for s in whole.spans]


def test_the_job_goes_on_with_what_was_queued_meanwhile(tiny_model_path):
    first, second = Document.from_text(SENTENCE), Document.from_text("Daniel Okafor met her in Madrid .")
    queued = [[second], []]
    reports = []
    job = prediction_job(ModelHandle(tiny_model_path), [first], more=lambda: queued.pop(0))
    parts = list(job(lambda done, total: reports.append((done, total)), lambda: False))
    assert [p.doc for p in parts] == [first, second] and all(p.final for p in parts)
    assert queued == [] and reports[-1] == (2, 2)  # the total grew with what came


class _Writer:
    """A model spans writer that stores nothing and records what it was given."""

    def __init__(self):
        self.saved = []

    def save(self, doc_id, merge) -> bool:
        self.saved.append(doc_id)
        return True

    def close(self) -> None:
        pass


class _Predictor:
    """Tags the second document only once the first one's saved result was handed over."""

    labels = ("PER",)
    pools_documents = False

    def __init__(self, handed_over):
        self.handed_over = handed_over

    def predict_documents(self, docs, **_):
        from ner_studio.model.interface import DocumentPrediction

        if docs[0].doc_id == 2:
            assert self.handed_over.wait(10), "the first document's result waited for the second's tagging"
        return [DocumentPrediction([Span(0, 5, "PER", Source.MODEL, 0.9)], [])]


def test_a_saved_result_is_handed_over_while_the_next_document_is_tagged():
    """The window shows a part's final spans (and the reader goes on) as soon as they are
    saved, not once the next part is tagged too."""
    import threading

    first, second = Document.from_text(SENTENCE), Document.from_text("Karin left Madrid .")
    first.doc_id, second.doc_id = 1, 2
    handed_over = threading.Event()
    handle = ModelHandle(None, loader=lambda path: _Predictor(handed_over))
    writer = _Writer()
    results = []
    for tagged in prediction_job(handle, [first, second], writer)(lambda *_: None, lambda: False):
        results.append(tagged)
        handed_over.set()
    assert [(t.doc.doc_id, t.saved) for t in results] == [(1, True), (2, True)] and writer.saved == [1, 2]


class _NamedPredictor:
    """Records which model tagged which document; the first call waits for ``go``."""

    labels = ("PER",)
    pools_documents = False

    def __init__(self, name, tagged, go):
        self.name, self.tagged, self.go = name, tagged, go

    def predict_documents(self, docs, **_):
        from ner_studio.model.interface import DocumentPrediction

        assert self.go.wait(10)
        self.tagged += [(self.name, doc.text) for doc in docs]
        return [DocumentPrediction([], []) for _ in docs]


def test_the_running_worker_takes_what_is_queued_meanwhile_for_its_own_model_only(qtbot):
    import threading

    from ner_studio.gui.shell.qt_prediction_queue import PredictionQueue

    tagged, go = [], threading.Event()
    old = ModelHandle(None, loader=lambda path: _NamedPredictor("old", tagged, go))
    new = ModelHandle(None, loader=lambda path: _NamedPredictor("new", tagged, go))
    current = {"model": old}
    queue = PredictionQueue(lambda: current["model"])
    workers = []
    queue.running.connect(lambda running: running and workers.append(current["model"]))
    a, b, c, d, e = (Document.from_text(f"Karin met Rui on day {k} .") for k in range(5))
    queue.add([a])
    queue.add([b])  # while a is tagged: the same worker takes it
    go.set()
    qtbot.waitUntil(lambda: not queue.busy(), timeout=10_000)
    assert tagged == [("old", a.text), ("old", b.text)] and workers == [old]
    go.clear()
    queue.add([c])
    queue.add([d])
    current["model"] = new  # a model switch while c is tagged: d and e are the new model's
    queue.add([e])
    go.set()
    qtbot.waitUntil(lambda: not queue.busy(), timeout=10_000)
    assert tagged[2:] == [("old", c.text), ("new", d.text), ("new", e.text)] and workers == [old, old, new]
