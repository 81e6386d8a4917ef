"""Import time of a 100-page PDF and a 300-page Word file, generated at run time.

Run: ``.venv/bin/python benchmarks/rich_import.py [--pdf-pages 100] [--docx-pages 300]``.
Target on the reference machine (2 cores): each imported in under 5 s, from the bytes on disk
to a tokenized, sentence-split document with its sources, as the app's import worker does.

Pages are filled like a report: ~45 lines of ~85 characters per PDF page, placed word by word
with gaps as layout programs do (the reader infers the spaces), some words hyphenated at line
ends; five ~90-word paragraphs, a heading and a table row for every page of the Word file. Each time is the best of ``--repeat`` runs in this process, after a first run
that pays the one-off imports (pypdf, python-docx/lxml, NLTK), which are printed on their own.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from ner_studio.core.formats import read_documents
from ner_studio.core.formats.samples import minimal_pdf, sample_docx
from ner_studio.core.text.sentences import ProjectSplitter

WORDS = ("the minister said on Monday that talks with officials in Brussels would continue after "
         "the summit while analysts at Acme Inc. expected a deal by Dec. 5 and Dr. Smith of the U.S. "
         "delegation declined to comment on reports about the agreement").split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 24))]
    return " ".join(words).capitalize() + "."


def pdf_pages(n: int, rng: random.Random) -> list[list[str]]:
    pages = []
    for _ in range(n):
        text = " ".join(sentence(rng) for _ in range(28))
        lines, line = [], ""
        for word in text.split():
            if len(line) + len(word) > 85:
                if len(word) > 6 and rng.random() < 0.3:  # hyphenate at the line end
                    lines.append(f"{line} {word[:3]}-".strip())
                    line = word[3:]
                    continue
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        pages.append((lines + [line])[:45])
    return pages


def docx_bytes(pages: int, rng: random.Random) -> bytes:
    paragraphs = ["Annual report"]
    table = []
    for page in range(pages):
        paragraphs.append(f"Section {page + 1}")
        paragraphs += [" ".join(sentence(rng) for _ in range(5)) for _ in range(5)]
        table.append([f"Item {page}", "Brussels", f"{rng.randint(1, 999)}"])
    return sample_docx(paragraphs, header="Ministry of Foreign Affairs", table=table)


def best_time(path: Path, repeat: int, splitter=None) -> tuple[float, object]:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        (doc,) = read_documents(path, splitter=splitter)
        times.append(time.perf_counter() - began)
    return min(times), doc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pdf-pages", type=int, default=100)
    parser.add_argument("--docx-pages", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(0)
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder, "report.pdf")
        began = time.perf_counter()
        pdf.write_bytes(minimal_pdf(pdf_pages(args.pdf_pages, rng), kerned=True))
        docx = Path(folder, "report.docx")
        docx.write_bytes(docx_bytes(args.docx_pages, rng))
        print(f"generated in {time.perf_counter() - began:.1f} s: {pdf.name} {pdf.stat().st_size / 1e6:.1f} MB "
              f"({args.pdf_pages} pages), {docx.name} {docx.stat().st_size / 1e6:.1f} MB ({args.docx_pages} pages)")
        for path in (pdf, docx):
            began = time.perf_counter()
            read_documents(path)
            print(f"first {path.suffix} import, with the one-off library imports: {time.perf_counter() - began:.2f} s")
        for path in (pdf, docx):
            for splitter in ("punkt", "rules"):
                seconds, doc = best_time(path, args.repeat, splitter)
                print(f"{path.suffix:6} {splitter:6}: {seconds:5.2f} s  ({len(doc.text) / 1e6:.2f} M characters, "
                      f"{len(doc.tokens):,} tokens, {len(doc.sentences):,} sentences, "
                      f"{len(doc.meta['source']['paragraphs']):,} paragraphs)")
            project = ProjectSplitter()
            began = time.perf_counter()
            read_documents(path, splitter=project)
            learned = len(str(project.to_json()))
            print(f"{path.suffix:6} learn : {time.perf_counter() - began:5.2f} s  (Punkt learning from the file, "
                  f"then splitting it; {learned / 1024:.0f} KiB learned)")


if __name__ == "__main__":
    main()
