"""The window's tagger in a process of its own (gui/shell/tagging_process.py): the same
entities as tagging in the window's process, and no process left once the window closes."""

from __future__ import annotations

import os
import time

from ner_studio.core.errors import CheckpointError
from ner_studio.core.text.document import Document
from ner_studio.gui.shell.tagging_jobs import ModelHandle, load_predictor

from tests.gui.test_big_files import PARAGRAPHS


def _gone(pid: int, seconds: float = 10.0) -> bool:
    """True once ``pid`` no longer runs (a zombie is not running: its parent reaps it)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False


def test_the_window_shows_the_entities_tagging_in_its_own_process_found(start_window, tiny_model_path, tmp_path):
    path = tmp_path / "report.txt"
    text = "\n\n".join(PARAGRAPHS[:40]) + "\n"
    path.write_text(text, encoding="utf-8")
    window = start_window(path)
    pid = window.model.process_id
    assert pid is not None and pid != os.getpid()  # tagged in a child, not in a thread of the window

    shown = window.doc
    assert shown.text == text
    [alone] = load_predictor(tiny_model_path).predict_documents([Document(shown.text, shown.tokens, shown.sentences)])
    assert shown.spans and list(shown.spans) == alone.spans
    assert window.workspace.sentence_scores[shown.doc_id] == alone.sentence_scores


def test_closing_the_window_while_it_tags_ends_its_tagging_process(start_window, qtbot, tmp_path):
    window = start_window()  # the sample, tagged: the tagging process runs
    pid = window.model.process_id
    assert pid is not None
    path = tmp_path / "report.txt"
    path.write_text("\n\n".join(PARAGRAPHS * 20) + "\n", encoding="utf-8")  # ~36k tokens: a second's tagging
    window.files.open_paths([path])
    qtbot.waitUntil(lambda: window.workspace.tagging.working(), timeout=10_000)

    started = time.monotonic()
    window.close()
    assert time.monotonic() - started < 5  # no wait for the part under way
    assert _gone(pid)
    assert window.model.process_id is None


def test_a_tagging_process_that_dies_is_an_error_naming_the_model(tiny_model_path):
    handle = ModelHandle(tiny_model_path)
    predictor = handle.predictor()
    os.kill(handle.process_id, 9)
    try:
        predictor.predict_documents([Document.from_text("Karin Olsson visited Lisbon .")])
    except CheckpointError as error:
        assert str(tiny_model_path) in str(error) and "killed by signal 9" in str(error)
    else:
        raise AssertionError("a dead tagging process must be an error")
    finally:
        handle.close()


def test_a_damaged_model_is_reported_from_the_tagging_process(tmp_path):
    path = tmp_path / "broken.pt"
    path.write_bytes(b"not a checkpoint")
    handle = ModelHandle(path)
    try:
        handle.predictor()
    except CheckpointError as error:
        assert "broken.pt" in str(error)
    else:
        raise AssertionError("a damaged model must be a CheckpointError")
    assert handle.process_id is None


def test_switching_the_model_ends_the_old_models_tagging_process(start_window, idle, tiny_model_path, tmp_path):
    """As adopting a version does: the documents are tagged again by the new model's process,
    and the old one's process does not stay behind."""
    import shutil

    window = start_window()
    old = window.model.process_id
    assert old is not None
    switched = tmp_path / "switched.pt"
    shutil.copyfile(tiny_model_path, switched)
    window.learning.switch_model(switched)
    idle(window)
    assert window.model.path == switched and window.model.process_id not in (None, old)
    assert _gone(old)
