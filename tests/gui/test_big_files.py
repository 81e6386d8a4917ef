"""A file larger than one part opens as several bounded documents, read and tagged a part at
a time, never all in memory at once (issue 12)."""

from __future__ import annotations

import pytest

from ner_studio.core.text.document import Status
from ner_studio.gui.documents import importing

PARAGRAPHS = [f"Karin Olsson visited Lisbon on day {k} . Daniel Okafor met her in Madrid ." for k in range(120)]


@pytest.fixture
def small_parts(monkeypatch):
    """Parts of about 1,000 characters, so a file of a few kilobytes is a "big" one."""
    monkeypatch.setattr(importing, "PART_CHARS", 1000)


@pytest.fixture
def memory(monkeypatch):
    """The largest number of documents the workspace held in memory at once."""
    from ner_studio.gui.window import qt_workspace

    most = {"docs": 0}
    adopt = qt_workspace.Workspace._adopt

    def counting_adopt(self, doc):
        adopt(self, doc)
        most["docs"] = max(most["docs"], len(self._docs))

    monkeypatch.setattr(qt_workspace.Workspace, "_adopt", counting_adopt)
    return most


def test_a_big_text_opens_as_parts_in_order_each_tagged(start_window, small_parts, memory, tmp_path):
    path = tmp_path / "report.txt"
    path.write_text("\n\n".join(PARAGRAPHS) + "\n", encoding="utf-8")
    window = start_window(path)
    most_in_memory = memory["docs"]
    workspace = window.workspace
    ids = workspace.document_ids()
    names = [workspace.summary(i).name for i in ids]
    count = len(names)
    assert count > 5
    # Bounded: the shown part and the parts in flight, never the whole file.
    assert 1 < most_in_memory <= importing.PARTS_IN_FLIGHT + 1 < count
    assert names == [f"report.txt (part {k} of {count})" for k in range(1, count + 1)]
    assert window.doc.doc_id == ids[0]  # the first part is shown; later ones are only listed
    assert window.statusBar().currentMessage() == f"report.txt was split into {count} documents"
    # Order kept, nothing lost; each part's offsets index its own text.
    texts = [workspace.document(i).text for i in ids]
    assert [p for text in texts for p in text.strip().split("\n\n")] == PARAGRAPHS
    for doc_id in ids:
        doc = workspace.document(doc_id)
        assert doc.status == Status.PREDICTED  # every part was tagged
        assert all(doc.text[s.start:s.end].strip() == doc.text[s.start:s.end] != "" for s in doc.spans)
        assert "Karin Olsson" in {doc.text[s.start:s.end] for s in doc.spans}


def test_the_parts_left_memory_and_reload_from_the_project(start_window, small_parts, tmp_path, monkeypatch):
    import gc

    from ner_studio.core import gc_pause

    paused = []
    # Whether the collector was on at each pause: the tagger pauses it too, nested inside.
    monkeypatch.setattr(gc_pause, "pause", lambda real=gc_pause.pause: paused.append(gc.isenabled()) or real())
    path = tmp_path / "report.txt"
    path.write_text("\n\n".join(PARAGRAPHS) + "\n", encoding="utf-8")
    window = start_window(path)
    # The cyclic collector was paused once for the whole file, and is back on.
    assert paused.count(True) == 1 and gc.isenabled()
    workspace = window.workspace
    ids = workspace.document_ids()
    assert set(workspace._docs) == {ids[0]}  # noqa: SLF001 - only the shown part stays
    assert workspace.project.tracked_documents() == [window.doc]
    window.show_document(ids[-1])
    assert window.doc.name.endswith(f"(part {len(ids)} of {len(ids)})") and window.doc.spans


def test_a_big_conll_file_is_cut_between_sentences_keeping_its_entities(start_window, small_parts, tmp_path):
    path = tmp_path / "gold.conll"
    sentence = "Karin B-PER\nOlsson I-PER\nvisited O\nLisbon B-LOC\n. O\n\n"
    path.write_text(sentence * 200, encoding="utf-8")  # no -DOCSTART-: one document
    window = start_window(path)
    workspace = window.workspace
    ids = workspace.document_ids()
    assert len(ids) > 5
    assert window.statusBar().currentMessage() == f"gold.conll was split into {len(ids)} documents"
    entities = []
    for doc_id in ids:
        doc = workspace.document(doc_id)
        entities += [(doc.text[s.start:s.end], s.label, s.source.value) for s in doc.spans]
    assert entities == [("Karin Olsson", "PER", "human"), ("Lisbon", "LOC", "human")] * 200


def test_an_error_late_in_a_big_file_says_what_was_added(start_window, small_parts, dialogs, tmp_path):
    path = tmp_path / "late.jsonl"
    lines = ['{"text": "Karin Olsson visited Lisbon ."}'] * 200 + ["{oops"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    window = start_window(path)
    [shown] = dialogs
    added = len(window.workspace.document_ids())
    assert 0 < added < 200  # the parts before the error are in the project, and said so
    assert "late.jsonl, line 201" in shown and f"The {added} documents before this point were added" in shown


def test_the_reader_waits_for_room_before_reading_the_next_part(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text("\n\n".join(PARAGRAPHS) + "\n", encoding="utf-8")
    gate = importing.PartsGate(limit=1)
    stop = {"now": False}
    job = importing.import_job([path], None, gate, part_chars=1000)(lambda done, total: None, lambda: stop["now"])
    first = next(job)
    assert (first.part, first.error) == (1, None) and first.parts > 5 and first.sentence_params is None
    gate.part_done()  # the workspace is done with part 1
    second = next(job)
    assert second.part == 2 and second.docs[0].name == f"report.txt (part 2 of {first.parts})"
    stop["now"] = True  # no room for part 3: the job ends when cancelled, without reading it
    assert list(job) == []


def test_a_big_web_page_opens_as_parts_each_with_its_source(start_window, small_parts, memory, tmp_path):
    """A Word, HTML, Markdown or PDF text is cut between paragraphs like plain text (issue 24):
    one document of it used to hold every token of the page at once."""
    path = tmp_path / "news.html"
    path.write_text("<html><body>" + "".join(f"<p>{p}</p>\n" for p in PARAGRAPHS) + "</body></html>", encoding="utf-8")
    window = start_window(path)
    workspace = window.workspace
    ids = workspace.document_ids()
    count = len(ids)
    assert count > 5 and 1 < memory["docs"] <= importing.PARTS_IN_FLIGHT + 1 < count
    assert [workspace.summary(i).name for i in ids] == [f"news.html (part {k} of {count})" for k in range(1, count + 1)]
    assert window.statusBar().currentMessage() == f"news.html was split into {count} documents"
    paragraphs = []
    for doc_id in ids:
        doc = workspace.document(doc_id)
        source = doc.meta["source"]
        assert source["format"] == "html" and source["parts"] == count and doc.status == Status.PREDICTED
        paragraphs += [doc.text[p["start"]:p["end"]] for p in source["paragraphs"]]
    assert paragraphs == PARAGRAPHS


class RecordingTagger:
    """The window's tagger, recording the documents it was asked to tag."""

    def __init__(self, predictor):
        self._predictor = predictor
        self.labels = predictor.labels
        self.pools_documents = predictor.pools_documents
        self.calls = []

    def predict_documents(self, docs, **kwargs):
        self.calls += [(doc.text, len(doc.sentences)) for doc in docs]
        return self._predictor.predict_documents(docs, **kwargs)


def test_only_the_shown_part_has_its_first_screens_tagged_first(start_window, small_parts, idle, monkeypatch, tmp_path):
    """The later parts of a big file are tagged once, whole: their first screens were tagged
    and thrown away before (nobody looks at them), ~8% more tagging. Entities as before: each
    part's are the model's on the whole part."""
    from PySide6.QtWidgets import QFileDialog

    from ner_studio.gui.shell import tagging_jobs

    monkeypatch.setattr(tagging_jobs, "HEAD_SENTENCES", 2)  # a part of ~26 sentences is a long document
    window = start_window()
    tagger = RecordingTagger(window.workspace.model.predictor())
    window.workspace.model._predictor = tagger  # noqa: SLF001 - recording what the window tags
    path = tmp_path / "report.txt"
    path.write_text("\n\n".join(PARAGRAPHS) + "\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *args, **kwargs: ([str(path)], ""))
    window.actions_["open_files"].trigger()
    idle(window)
    workspace = window.workspace
    ids = [i for i in workspace.document_ids() if workspace.summary(i).source_path == str(path.resolve())]
    parts = [workspace.document(i) for i in ids]
    assert len(parts) > 5 and window.doc is parts[0]
    first = parts[0]
    rest = len(first.sentences) - (0 if tagger.pools_documents else 2)  # the whole part again, or the rest
    assert tagger.calls[:2] == [(first.text, 2), (first.text, rest)]  # its first screens first
    assert tagger.calls[2:] == [(part.text, len(part.sentences)) for part in parts[1:]]  # once each, whole
    for part in parts:
        [whole] = tagger._predictor.predict_documents([part])  # noqa: SLF001
        assert [(s.start, s.end, s.label) for s in part.spans] == [(s.start, s.end, s.label) for s in whole.spans]
        assert part.spans and part.status == Status.PREDICTED


def test_the_second_part_waits_for_the_first_screens(tmp_path):
    """Reading part 2 (Python holding the interpreter lock) would slow the tagging of part 1's
    first screens; part 2 cannot be tagged before part 1 anyway."""
    import threading

    path = tmp_path / "report.txt"
    path.write_text("\n\n".join(PARAGRAPHS) + "\n", encoding="utf-8")
    gate = importing.PartsGate()  # room for two parts
    job = importing.import_job([path], None, gate, part_chars=1000)(lambda done, total: None, lambda: False)
    assert next(job).part == 1
    second = []
    reader = threading.Thread(target=lambda: second.append(next(job)))
    reader.start()
    reader.join(0.3)
    assert second == []  # room for it, but the first screens are not shown yet
    gate.first_screens_shown()
    reader.join(10)
    assert [p.part for p in second] == [2]


def test_no_cyclic_collection_runs_until_the_last_part_is_tagged(start_window, small_parts, monkeypatch, tmp_path):
    """Each pass holds the interpreter lock the window waits for; once the file is tagged the
    collector is back on (gui/documents/qt_importer.py)."""
    import gc

    from ner_studio.model.predict import TorchPredictor

    enabled = []
    predict = TorchPredictor.predict_documents

    def recording(self, docs, **kwargs):
        enabled.append(gc.isenabled())
        return predict(self, docs, **kwargs)

    monkeypatch.setattr(TorchPredictor, "predict_documents", recording)
    path = tmp_path / "report.txt"
    path.write_text("\n\n".join(PARAGRAPHS) + "\n", encoding="utf-8")
    window = start_window(path)
    assert len(enabled) == len(window.workspace.document_ids()) > 5
    assert not any(enabled)
    assert gc.isenabled()


def test_a_big_file_whose_opening_stopped_is_said_at_the_next_opening_and_opening_it_again_adds_the_rest(
        start_window, small_parts, tmp_path, qtbot):
    """Closing the window (or a kill) while a big file is read leaves its first parts: the next
    opening says so, and opening the file again adds the parts after those, not "already in the
    project" (which left the rest out for good)."""
    path = tmp_path / "report.txt"
    path.write_text("\n\n".join(PARAGRAPHS) + "\n", encoding="utf-8")
    window = start_window()
    before = len(window.workspace.document_ids())
    window.files.open_paths([path])
    qtbot.waitUntil(lambda: len(window.workspace.document_ids()) >= before + 2, timeout=30_000)
    project = window.workspace.project.path
    window.close()  # while part 3 or so is read

    again = start_window(project)
    parts = [again.workspace.summary(i).name for i in again.workspace.document_ids()][before:]
    stored = len(parts)
    total = int(parts[0].rsplit(" of ", 1)[1].rstrip(")"))
    assert stored < total
    assert f"report.txt has {stored} of its {total} parts: its opening stopped. Open it again to add the rest." in \
        again.statusBar().currentMessage()
    again.files.open_paths([path])
    qtbot.waitUntil(lambda: len(again.workspace.document_ids()) == before + total and not again.workspace.is_importing(),
                    timeout=60_000)
    names = [again.workspace.summary(i).name for i in again.workspace.document_ids()][before:]
    assert names == [f"report.txt (part {k} of {total})" for k in range(1, total + 1)]  # each once, in order
    text = "".join(again.workspace.document(i).text for i in again.workspace.document_ids()[before:])
    assert text.split() == path.read_text(encoding="utf-8").split()
    assert "Already in the project" not in again.statusBar().currentMessage()
    again.files.open_paths([path])  # whole now: shown, and nothing more is being opened ("-1 more files" before)
    assert again.statusBar().currentMessage() == "Already in the project, shown: report.txt"
    third = start_window(project)
    assert "its opening stopped" not in third.statusBar().currentMessage()
