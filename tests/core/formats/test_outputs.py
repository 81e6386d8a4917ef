"""The output checks every command runs before its work (core/formats/outputs.py)."""

import os
import re

import pytest

from ner_studio.core.errors import OutputError
from ner_studio.core.formats.outputs import (
    check_output,
    check_output_folder,
    kind_of,
    same_file,
    save_with_fallback,
)

CONLL = "EU B-ORG\nrejects O\nGerman B-MISC\n"


@pytest.mark.parametrize("content, kind", [
    (b"", "empty"),
    (CONLL.encode(), "conll"),
    (b'{"text": "a b"}\n{"text": "c"}\n', "jsonl"),
    (b'{\n  "overall": {"f1": 0.5}\n}\n', "json"),
    (b"PK\x03\x04rest-of-a-zip", "model"),
    (b"SQLite format 3\x00....", "sqlite"),
    (b"\x7fELF\x00\x01", "binary"),
    (b"Just a story about Paris.\n", "txt"),
])
def test_kind_of_reads_the_first_bytes(tmp_path, content, kind):
    path = tmp_path / "file.dat"
    path.write_bytes(content)
    assert kind_of(path) == kind


def test_an_input_is_never_an_output(tmp_path):
    data = tmp_path / "gold.conll"
    data.write_text(CONLL)
    with pytest.raises(OutputError, match="also an input"):
        check_output(data, "conll", inputs=[data], force=True)
    link = tmp_path / "link.conll"
    link.symlink_to(data)
    with pytest.raises(OutputError, match="also an input"):
        check_output(link, "conll", inputs=[data])
    hard = tmp_path / "hard.conll"
    os.link(data, hard)
    assert same_file(hard, data)
    with pytest.raises(OutputError, match="also an input"):
        check_output(tmp_path / "sub" / ".." / "gold.conll", "jsonl", inputs=[str(data)])


def test_another_kind_is_replaced_only_with_force(tmp_path):
    data = tmp_path / "gold.conll"
    data.write_text(CONLL)
    with pytest.raises(OutputError, match="CoNLL file; the command would replace it with a model file.*--force"):
        check_output(data, "model")
    assert check_output(data, "model", force=True) == data
    assert check_output(data, "conll") == data  # same kind: a normal re-run
    assert data.read_text() == CONLL  # checking changes nothing


def test_folders_missing_or_not_folders(tmp_path):
    with pytest.raises(OutputError, match="is a folder"):
        check_output(tmp_path, "json")
    with pytest.raises(OutputError, match="does not exist"):
        check_output(tmp_path / "missing" / "out.json", "json")
    afile = tmp_path / "afile"
    afile.write_text("x")
    with pytest.raises(OutputError, match="not a folder"):
        check_output(afile / "out.json", "json")
    with pytest.raises(OutputError, match="is a file, not a folder"):
        check_output_folder(afile / "cache")
    assert check_output_folder(tmp_path / "new" / "cache") == tmp_path / "new" / "cache"
    assert not (tmp_path / "new").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]  # no probe files left


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_found_before_the_work(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(OutputError, match="cannot write in the folder"):
            check_output(folder / "model.pt", "model")
    finally:
        folder.chmod(0o755)


def test_a_failed_save_goes_to_the_fallback_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("NER_STUDIO_DATA_DIR", str(tmp_path / "data"))
    target = tmp_path / "gone" / "model.pt"

    def write(path):
        path.write_bytes(b"weights")  # the folder of ``target`` does not exist: OSError

    saved, reason = save_with_fallback(target, write)
    assert reason and saved.parent == tmp_path / "data" / "rescued"
    assert saved.name.startswith("model-") and saved.suffix == ".pt"
    assert saved.read_bytes() == b"weights"


def test_a_save_that_works_needs_no_fallback(tmp_path):
    target = tmp_path / "out.json"
    assert save_with_fallback(target, lambda path: path.write_text("{}")) == (target, None)


def _special_files(tmp_path):
    """A character device, a FIFO and a socket (issue 24: each was written to, or hung)."""
    import socket

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "sock"))
    link = tmp_path / "null.conll"
    link.symlink_to("/dev/null")
    return sock, {"/dev/null": "a character device", str(link): "a character device",
                  str(fifo): "a named pipe (FIFO)", str(tmp_path / "sock"): "a socket"}


def test_devices_fifos_and_sockets_are_refused_before_anything_is_read(tmp_path):
    import signal

    sock, special = _special_files(tmp_path)
    signal.alarm(20)  # reading the FIFO to learn its kind used to block for ever
    try:
        for path, what in special.items():
            for force in (False, True):
                with pytest.raises(OutputError, match=re.escape(f"this is {what}, not a regular file")) as error:
                    check_output(path, "conll", force=force)
                assert error.value.path == path
            assert kind_of(path) == "binary"
    finally:
        signal.alarm(0)
        sock.close()


def test_an_atomic_write_never_renames_over_a_device(tmp_path):
    from ner_studio.core.atomic import atomic_write_text

    sock, special = _special_files(tmp_path)
    sock.close()
    for path in special:
        with pytest.raises(OutputError, match="not a regular file"):
            atomic_write_text(path, "x")
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null.conll", "pipe", "sock"]  # no temporaries


def test_standard_output_is_refused_where_a_file_is_written(tmp_path):
    with pytest.raises(OutputError, match="not to standard output"):
        check_output("-", "conll")
