"""Shared helpers for the project-store tests: documents without the tokenizer, child processes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

from ner_studio.core.text.document import Document, Sentence, Token

REPO = Path(__file__).resolve().parents[2]


def make_document(text: str, name: str = "doc") -> Document:
    """Whitespace tokens; a sentence ends after every token that is exactly "."."""
    tokens = [Token(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    sentences, start = [], 0
    for index, token in enumerate(tokens):
        if text[token.start : token.end] == "." or index == len(tokens) - 1:
            sentences.append(Sentence(start, index + 1))
            start = index + 1
    return Document(text, tokens, sentences, name=name)


def make_old_project(path, version: int, text: str = "one .", annotator: str = "ann",
                     stamp: str = "2026-11-30T10:00:00+00:00") -> int:
    """A project file at schema ``version`` (4 or later: annotators), as an older NER Studio
    left it: one document of ``text`` in ``annotator``'s version, made at ``stamp``, and the
    label PER. Built from the migrations themselves, so later ones (whatever their order)
    are what opening it runs. Returns the document's id."""
    import sqlite3

    from ner_studio.core.store.project_schema import MIGRATIONS, pack_offsets

    doc = make_document(text)
    conn = sqlite3.connect(path, isolation_level=None)
    for number, migration in enumerate(MIGRATIONS[:version], 1):
        for statement in migration:
            conn.execute(statement)
        conn.execute("INSERT INTO schema_version VALUES (?, ?)", (number, stamp))
    conn.execute("INSERT INTO documents (id, position, name, status, token_count, created, modified)"
                 " VALUES (1, 0, 'one', 'new', ?, ?, ?)", (len(doc.tokens), stamp, stamp))
    conn.execute("INSERT INTO document_contents VALUES (1, '{}', ?, ?, ?)",
                 (text, pack_offsets(doc.tokens.starts, doc.tokens.ends), pack_offsets([0], [len(doc.tokens)])))
    conn.execute("INSERT INTO document_versions VALUES (1, ?, ?, NULL)", (annotator, stamp))
    conn.execute("INSERT INTO labels (name, position, colour) VALUES ('PER', 0, '#aa9cfc')")
    conn.close()
    return 1


def token_span(doc: Document, index: int):
    token = doc.tokens[index]
    return token.start, token.end


def python_code(code: str) -> list[str]:
    return [sys.executable, "-c", textwrap.dedent(code)]


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    return env


def run_python(code: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(python_code(code) + list(args), capture_output=True, text=True,
                          timeout=timeout, env=child_env(), cwd=REPO)


def start_python(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(python_code(code) + list(args), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=child_env(), cwd=REPO)


def two_document_project(folder: Path, words: str) -> Path:
    """A closed project in ``folder`` with documents "one" and "two", each the text ``words``."""
    from ner_studio.core.store.project import Project

    project_path = folder / "p.nerstudio"
    with Project.create(project_path) as project:
        project.add_documents([make_document(words, "one"), make_document(words, "two")])
    return project_path
