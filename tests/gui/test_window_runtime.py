"""The window tags with ONNX Runtime where it is installed, lean (no arena, batches of 64
sentences: the 1 MB report's peak RSS under 600 MB, benchmarks/results/2026-12-08-onnx-memory-and-predict.md),
and torch's LSTM is let go once the graph runs it; re-tagging (Ctrl+T) finds what the first
tagging found."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from ner_studio.core.text.spans import Source

pytest.importorskip("onnxruntime")


def model_spans(doc) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.label) for s in doc.spans if s.source == Source.MODEL]


def test_the_window_tags_with_lean_onnx_runtime_and_again_the_same(start_window, qtbot, idle):
    window = start_window()
    first = model_spans(window.doc)
    assert first  # the sample document, tagged as the window opened
    predictor = window.workspace.model.predictor()  # loaded already: this only reads it
    assert predictor.runtime == "onnx"
    assert predictor.model.lstm is None  # torch's copy freed

    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)  # Tag with Model
    assert window.workspace.is_predicting()
    idle(window)
    assert model_spans(window.doc) == first


def test_a_new_version_s_graph_is_built_where_it_was_trained_not_by_the_window(tiny_model_path, tmp_path, monkeypatch):
    """The round's process builds the version's graph into the cache the window reads; the
    window's tagger then only loads it (built there, its Python held the interpreter lock
    and froze the window 0.6 s when the version was adopted)."""
    import shutil

    from ner_studio.gui.learning.learning_jobs import prepare_window_runtime
    from ner_studio.gui.shell import tagging_jobs
    from ner_studio.model import onnx_network

    version = tmp_path / "model-20261208-010000.pt"
    shutil.copyfile(tiny_model_path, version)
    monkeypatch.setenv("NER_STUDIO_CACHE_DIR", str(tmp_path / "cache"))  # no graph built before
    prepare_window_runtime(version)
    assert len(list((tmp_path / "cache" / "onnx").glob("*.onnx"))) == 1

    def built(*args, **kwargs):
        raise AssertionError("the window built the graph")

    monkeypatch.setattr(onnx_network, "_built_graph", built)
    predictor = tagging_jobs.load_predictor(version)
    assert predictor.runtime == "onnx"
