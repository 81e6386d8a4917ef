"""``ner-studio predict`` writes the same JSONL however its process is arranged (reading ahead,
writing behind, start-up overlapped): tags, spans and confidences as the code before wrote
them (tests/fixtures/predict_golden.jsonl, written by main at fee5a20 with the bundled model,
pieces of 1,200 characters, 2 threads), byte for byte as the plain read-tag-write loop
writes them in the same process, and errors still name the file and line.
benchmarks/results/2026-12-07-predict-process.md measures the process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ner_studio.resources import bundled_model_path
from tests.cli.conftest import run

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SOURCE = FIXTURES / "predict_input.conll"  # 12 documents, quotes, backslashes, accents
GOLDEN = FIXTURES / "predict_golden.jsonl"
GOLDEN_ONNX = FIXTURES / "predict_golden_onnx.jsonl"  # the same, with the LSTM in ONNX Runtime
PIECE_CHARS = 1200  # the fixture becomes 6 pieces, so reading ahead and writing behind both act

pytestmark = pytest.mark.skipif(bundled_model_path() is None, reason="the bundled model is not trained yet")


@pytest.fixture
def small_pieces(monkeypatch):
    monkeypatch.setattr("ner_studio.core.formats.stream.CHUNK_CHARS", PIECE_CHARS)


def predict(capsys, tmp_path, source=SOURCE, model="default") -> tuple[int, str, Path]:
    out = tmp_path / "out.jsonl"
    code, _, err = run(capsys, "predict", model, source, "-o", out, "--threads", "2")
    return code, err, out


def plain_loop(source: Path) -> bytes:
    """What ``predict`` writes, done the plain way: read a piece, tag it, write it, one after
    the other, each record through ``json.dumps``."""
    from ner_studio.core.formats.jsonl import document_to_record
    from ner_studio.core.formats.stream import read_in_chunks
    from ner_studio.model.interface import PredictionDetail
    from ner_studio.model.predict import TorchPredictor

    tagger = TorchPredictor.load(bundled_model_path(), quantize=True, threads=2, runtime="onnx")  # as predict
    lines = []
    for docs in read_in_chunks(source):
        for doc in docs:
            doc.set_spans([])
        for doc, prediction in zip(docs, tagger.predict_documents(docs, detail=PredictionDetail.CONFIDENCES)):
            doc.replace_model_spans(prediction.spans)
        lines += [json.dumps(document_to_record(doc), ensure_ascii=False) + "\n" for doc in docs]
    return "".join(lines).encode("utf-8")


def assert_as_golden(out: Path, golden_file: Path) -> None:
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    golden = [json.loads(line) for line in golden_file.read_text(encoding="utf-8").splitlines()]
    assert len(written) == len(golden) == 12
    for new, old in zip(written, golden):
        # Confidences to 1e-5 (int8 kernels may round differently on another CPU); all else exact.
        new_confidences = [span.pop("confidence") for span in new["spans"]]
        old_confidences = [span.pop("confidence") for span in old["spans"]]
        assert new == old
        assert new_confidences == pytest.approx(old_confidences, abs=1e-5)
    assert sum(len(record["spans"]) for record in written) == 181


def test_predict_writes_what_the_code_before_wrote(tmp_path, capsys, small_pieces, monkeypatch):
    # The code before ran the LSTM in torch: so does this run. ONNX Runtime's int8 LSTM (where
    # installed) rounds otherwise and may label an entity differently (tests/model/test_onnx_network.py,
    # benchmarks/results/2026-12-07-tagging-speed-3.md); what this test pins is the process.
    monkeypatch.setattr("ner_studio.model.predict.onnx_network", lambda *args, **kwargs: None)
    code, _, out = predict(capsys, tmp_path)
    assert code == 0
    assert_as_golden(out, GOLDEN)


def test_predict_with_onnx_runtime_writes_what_the_code_before_wrote(tmp_path, capsys, small_pieces):
    """The same check for the runtime ``predict`` asks for where installed: ONNX Runtime's
    int8 LSTM (tests/fixtures/predict_golden_onnx.jsonl, written by main at 84ba164; it differs
    from the torch file in confidences and one label, as benchmarks/results/2026-12-07-tagging-speed-3.md
    allows). Pins what the start-up changes of 2026-12-08-onnx-memory-and-predict.md may not move."""
    pytest.importorskip("onnxruntime")
    code, _, out = predict(capsys, tmp_path)
    assert code == 0
    assert_as_golden(out, GOLDEN_ONNX)


def test_predict_writes_byte_for_byte_what_the_plain_loop_writes(tmp_path, capsys, small_pieces):
    code, _, out = predict(capsys, tmp_path)
    assert code == 0
    assert out.read_bytes() == plain_loop(SOURCE)


def test_a_bad_line_late_in_the_input_is_named_and_leaves_no_output(tmp_path, capsys, small_pieces):
    lines = SOURCE.read_text(encoding="utf-8").splitlines(keepends=True)
    bad = len(lines) - 3  # in the last piece, read while the first ones are tagged
    lines[bad - 1] = "Berlin O B-LOC\n"  # three columns here, two everywhere else
    source = tmp_path / "bad.conll"
    source.write_text("".join(lines), encoding="utf-8")
    code, err, out = predict(capsys, tmp_path, source)
    assert code != 0
    assert f"bad.conll, line {bad}" in err or f"bad.conll:{bad}" in err, err
    assert not out.exists()


def test_a_bad_model_is_named_while_the_input_is_read(tmp_path, capsys, small_pieces):
    model = tmp_path / "broken.pt"
    model.write_bytes(b"not a model")
    code, err, out = predict(capsys, tmp_path, model=model)
    assert code != 0
    assert "broken.pt" in err and "not a readable model file" in err
    assert not out.exists()


# An .xlsx keeps the collector: openpyxl's objects form cycles.
@pytest.mark.parametrize(("suffix", "patterns"), [(".jsonl", False), (".conll", False), (".csv", False), (".jsonl", True)])
def test_the_tagging_loop_makes_no_reference_cycles(tmp_path, capsys, small_pieces, monkeypatch, suffix, patterns):
    """``predict`` pauses the collector while it tags (commands/predict.py): safe only while
    nothing in its loop makes a cycle, which would then stay until the loop ends."""
    import gc

    from ner_studio.commands import predict as command

    def set_aside_then_watch():
        set_aside()
        gc.collect()
        gc.set_debug(gc.DEBUG_SAVEALL)  # from here on, what the collector frees is kept in gc.garbage

    set_aside = command.set_aside
    monkeypatch.setattr(command, "set_aside", set_aside_then_watch)
    out = tmp_path / f"out{suffix}"
    extra = []
    if patterns:
        (tmp_path / "places.tsv").write_text("Berlin\tLOC\nDeutsche Bank\tORG\n", encoding="utf-8")
        extra = ["--patterns", tmp_path / "places.tsv"]
    try:
        assert run(capsys, "predict", "default", SOURCE, "-o", out, "--threads", "2", *extra)[0] == 0
        gc.collect()
        cycles = sorted({type(thing).__qualname__ for thing in gc.garbage})
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert out.stat().st_size > 0
    assert cycles == []
