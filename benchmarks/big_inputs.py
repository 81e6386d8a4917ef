"""Big inputs of every kind for ``robustness.py --memory``: random news words, so a Word file
compresses as real text does (about 5x), made at run time and never committed."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

WORDS = ("Angela Merkel met Emmanuel Macron in Paris on Monday . Reuters said the talks in Berlin went well , "
         "and Acme Inc. of Lisbon hired Dr. Smith from the U.S. office for the new plan").split()


def _sentences(size: int, seed: int = 24):
    """Sentences of words drawn at random (so a Word file compresses as real text does,
    about 3x) until ``size`` characters."""
    import random

    rng = random.Random(seed)
    made = 0
    while made < size:
        sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 30))) + " ."
        made += len(sentence) + 1
        yield sentence


def _paragraphs(size: int, per: int = 4):
    sentences = _sentences(size)
    while True:
        group = [s for _, s in zip(range(per), sentences)]
        if not group:
            return
        yield " ".join(group)


def _word_file(path: Path, size: int) -> None:
    from ner_studio.core.formats.samples import sample_docx

    blank = zipfile.ZipFile(io.BytesIO(sample_docx(["Placeholder"])))
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in blank.infolist():
            if item.filename != "word/document.xml":
                archive.writestr(item.filename, blank.read(item.filename))
        with archive.open("word/document.xml", "w", force_zip64=True) as out:
            out.write(f'<w:document xmlns:w="{w}"><w:body>'.encode())
            for paragraph in _paragraphs(size):
                out.write(f"<w:p><w:r><w:t>{paragraph}</w:t></w:r></w:p>".encode())
            out.write(b"</w:body></w:document>")


def _pdf_pages(paragraphs, width: int = 85, height: int = 50):
    """Pages of lines of at most ``width`` characters (about 3.5 KB of text a page), a blank
    line between paragraphs, as a report is laid out."""
    lines: list[str] = []
    for paragraph in paragraphs:
        line = ""
        for word in paragraph.split():
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines += [line, " "]  # a blank line that pypdf reads as one (an empty string it drops)
        while len(lines) >= height:
            yield lines[:height]
            del lines[:height]
    if any(line.strip() for line in lines):
        yield lines


def _pdf_file(path: Path, size: int) -> None:
    """A PDF of about ``size`` bytes with a Helvetica text layer, written a page at a time."""
    from itertools import takewhile

    from ner_studio.core.formats.samples import write_pdf

    with open(path, "wb") as out:
        write_pdf(out, takewhile(lambda page: out.tell() < size, _pdf_pages(_paragraphs(size))))


def make_input(kind: str, folder: Path, size: int) -> Path:
    """A file of about ``size`` bytes (of text, for Word; on disk, for PDF) of the given kind."""
    import json

    names = {"txt": "big.txt", "conll": "big.conll", "jsonl-many": "many.jsonl", "jsonl-one": "one.jsonl",
             "md": "big.md", "html": "big.html", "docx": "big.docx", "pdf": "big.pdf"}
    path = folder / names[kind]
    if kind == "docx":
        _word_file(path, size)
        return path
    if kind == "pdf":
        _pdf_file(path, size)
        return path
    with open(path, "w", encoding="utf-8") as out:
        if kind == "txt":
            out.writelines(p + "\n\n" for p in _paragraphs(size))
        elif kind == "conll":
            for sentence in _sentences(size // 2):  # a token a line: twice the bytes of its text
                out.write("".join(f"{word} {'B-PER' if word[0].isupper() else 'O'}\n" for word in sentence.split()) + "\n")
        elif kind == "jsonl-many":
            out.writelines(json.dumps({"text": p}) + "\n" for p in _paragraphs(size, per=40))
        elif kind == "jsonl-one":
            out.write(json.dumps({"text": "\n\n".join(_paragraphs(size))}) + "\n")
        elif kind == "md":
            out.writelines(f"## Part {k}\n\n{p}\n\n- *{p[:40]}*\n\n" for k, p in enumerate(_paragraphs(size)))
        elif kind == "html":
            out.write("<!DOCTYPE html><html><head><title>Big</title></head><body>\n")
            out.writelines(f"<h2>Part {k}</h2><p>{p}</p>\n" for k, p in enumerate(_paragraphs(size)))
            out.write("</body></html>\n")
    return path
