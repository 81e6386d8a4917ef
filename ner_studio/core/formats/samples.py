"""Small files of every rich format, made on demand: the self-test opens them, the tests and
the import benchmark build their fixtures with them, so no binary file is ever committed.

``minimal_pdf`` writes a PDF by hand (one Helvetica text object per page, an exact xref
table): a few dozen lines instead of a PDF library that can write text; ``write_pdf`` streams
the same to a file a page at a time.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import BinaryIO


def _pdf_string(line: str) -> bytes:
    raw = line.encode("cp1252", "replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _shown(line: str, kerned: bool) -> bytes:
    if not kerned:
        return _pdf_string(line) + b" Tj"
    # As TeX and most layout programs write text: words placed one by one with a gap, no
    # space characters, so the reader has to infer the spaces.
    return b"[" + b" -333 ".join(_pdf_string(word) for word in line.split(" ")) + b"] TJ"


def minimal_pdf(pages: Sequence[Sequence[str]], *, kerned: bool = False) -> bytes:
    """A PDF whose page ``k`` shows the lines ``pages[k]`` top to bottom (a page with no lines
    has no text layer, like a scan). Characters outside Windows-1252 become ``?``. ``kerned``
    writes each line as words with gaps between them instead of one string with spaces."""
    out = io.BytesIO()
    write_pdf(out, pages, kerned=kerned)
    return out.getvalue()


def write_pdf(out: BinaryIO, pages: Iterable[Sequence[str]], *, kerned: bool = False) -> None:
    """:func:`minimal_pdf` written to ``out`` a page at a time as ``pages`` yields them.

    Why: the memory benchmark makes a PDF of 50 MB; only each object's offset is kept. The
    page tree comes last, once the pages are counted (a PDF's objects may be in any order)."""
    offsets: dict[int, int] = {}

    def put(number: int, body: bytes) -> None:
        offsets[number] = out.tell() - start
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")

    start = out.tell()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    put(1, b"<< /Type /Catalog /Pages 2 0 R >>")
    put(3, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    count = 0
    for count, lines in enumerate(pages, 1):
        page = 2 + 2 * count  # page k (from 1) is object 2k + 2, its content 2k + 3
        content = b"BT /F1 11 Tf 14 TL 72 770 Td " + b" T* ".join(_shown(line, kerned) for line in lines) + b" ET" \
            if lines else b"0.9 g 72 72 451 698 re f"  # a grey box: something drawn, no text
        put(page, f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >>"
                  f" /Contents {page + 1} 0 R >>".encode())
        put(page + 1, b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    kids = " ".join(f"{2 + 2 * k} 0 R" for k in range(1, count + 1))
    put(2, f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode())
    xref = out.tell() - start
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offsets[number] for number in range(1, len(offsets) + 1)))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets) + 1, xref))


def encrypted_pdf(pages: Sequence[Sequence[str]], password: str = "secret") -> bytes:
    """:func:`minimal_pdf` protected by a user password (RC4, which pypdf writes on its own)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(minimal_pdf(pages))))
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def sample_docx(paragraphs: Sequence[str], *, header: str = "", table: Sequence[Sequence[str]] = ()) -> bytes:
    """A Word file: an optional header, a "Heading 1" then ``paragraphs`` (the first one is
    the heading), and an optional table after them."""
    import docx

    document = docx.Document()
    if header:
        document.sections[0].header.paragraphs[0].text = header
    for k, text in enumerate(paragraphs):
        if k == 0:
            document.add_heading(text, level=1)
        else:
            document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=max(map(len, table)))
        for row, cells in zip(grid.rows, table):
            for cell, text in zip(row.cells, cells):
                cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


SAMPLE_SENTENCES = (
    "Angela Merkel met Emmanuel Macron in Paris on Monday.",
    "Dr. Smith of Acme Inc. told Reuters the U.S. plan was sound.",
)


def sample_files() -> dict[str, bytes]:
    """One small file per rich format, keyed by file name; each holds SAMPLE_SENTENCES."""
    first, second = SAMPLE_SENTENCES
    html = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Sample</title>"
            f"<script>var hidden = 1;</script></head><body><h1>News</h1><p>{first}</p>"
            f"<p style='display:none'>Hidden text.</p><p>{second.replace('&', '&amp;')}</p></body></html>")
    return {
        "sample.docx": sample_docx(["News", first, second], header="Weekly report"),
        "sample.html": html.encode("utf-8"),
        "sample.md": f"# News\n\n{first}\n\n[{second}](https://example.org)\n".encode("utf-8"),
        "sample.pdf": minimal_pdf([["News", first], [second]]),
    }
