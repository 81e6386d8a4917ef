"""Every reader returns all the text or a clear error, never a part (issue 24).

Each format's text is compared with an extraction made independently of the reader: the
standard library's html.parser for HTML, the source minus its markup for simple Markdown,
pypdf's plain ``extract_text`` for PDF (Word: tests/core/formats/test_docx_parts.py)."""

import io
from collections import Counter
from html.parser import HTMLParser

import pytest

from ner_studio.core.errors import FormatError
from ner_studio.core.formats import read_documents
from ner_studio.core.formats.samples import minimal_pdf


class _VisibleText(HTMLParser):
    """The words of a page outside <head>, <script> and <style>, by the stdlib's tokenizer."""

    def __init__(self):
        super().__init__()
        self.skipping = 0
        self.words: Counter = Counter()

    def handle_starttag(self, tag, attrs):
        self.skipping += tag in ("head", "script", "style")

    def handle_endtag(self, tag):
        self.skipping -= tag in ("head", "script", "style")

    def handle_data(self, data):
        if not self.skipping:
            self.words.update(data.split())


def stdlib_html_words(page: str) -> Counter:
    parser = _VisibleText()
    parser.feed(page)
    parser.close()
    return parser.words


def read(tmp_path, name: str, data: str | bytes):
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return read_documents(path)


def test_a_legacy_page_of_unclosed_font_tags_gives_every_paragraph(tmp_path):
    """libxml2 stops at 256 nested elements by default: this page lost 273 of 400 paragraphs."""
    page = ("<html><head><title>Old news</title><style>p {}</style></head><body>"
            + "".join(f"<font face='Arial'><p>Paragraph {k} about Lisbon.</p>\n" for k in range(400))
            + "</body></html>")
    (doc,) = read(tmp_path, "legacy.html", page)
    assert len(doc.meta["source"]["paragraphs"]) == 400
    assert doc.text.endswith("Paragraph 399 about Lisbon.")
    assert Counter(doc.text.split()) == stdlib_html_words(page)


def test_an_ordinary_page_matches_the_stdlib_parser(tmp_path):
    page = ("<!DOCTYPE html><html><head><title>T</title><script>var x = 1;</script></head><body>"
            "<h1>Election in <em>Berlin</em></h1><p>Olaf Scholz &amp; Annalena Baerbock met.</p>"
            "<ul><li>One</li><li>Two &eacute;l&eacute;ments</li></ul><table><tr><td>SPD</td><td>206</td></tr></table>"
            "</body></html>")
    (doc,) = read(tmp_path, "page.html", page)
    assert Counter(doc.text.split()) == stdlib_html_words(page)


def test_a_page_nested_past_the_parsers_limit_is_refused_not_cut(tmp_path):
    page = "<html><body>" + "".join(f"<div><p>Paragraph {k}.</p>" for k in range(2100)) + "</body></html>"
    with pytest.raises(FormatError, match="levels deep") as caught:
        read(tmp_path, "deep.html", page)
    assert caught.value.path == str(tmp_path / "deep.html") and caught.value.line == 1


def test_a_page_nested_a_thousand_levels_is_read_whole(tmp_path):
    """Deeper than Python's recursion limit: the walk over the elements must not recurse."""
    page = "<html><body>" + "<div>" * 1500 + "<p>The deepest paragraph, in Porto.</p>" + "</div>" * 1500 + "</body></html>"
    (doc,) = read(tmp_path, "nested.html", page)
    assert doc.text == "The deepest paragraph, in Porto."


SIMPLE_MARKDOWN = """# Meeting in Berlin

Olaf Scholz met *Annalena Baerbock* and **Emmanuel Macron**.

- First point
- Second point about [Reuters](https://example.org)

> A quote from Lisbon.
"""


def markdown_minus_markup(source: str) -> Counter:
    """The words of simple Markdown with its markup characters and link targets removed."""
    import re

    text = re.sub(r"\]\([^)]*\)", "", source)
    text = re.sub(r"^\s*(#+|-|>)\s", " ", text, flags=re.MULTILINE)
    return Counter(re.sub(r"[*\[\]]", "", text).split())


def test_simple_markdown_matches_the_source_minus_markup(tmp_path):
    (doc,) = read(tmp_path, "note.md", SIMPLE_MARKDOWN)
    assert Counter(doc.text.split()) == markdown_minus_markup(SIMPLE_MARKDOWN)


def test_quotes_nested_150_deep_give_their_text(tmp_path):
    """markdown-it's CommonMark preset skips everything past 20 levels without a word."""
    source = "> " * 150 + "Deep in the quotes: Porto.\n\nAfter them: Lisbon.\n"
    (doc,) = read(tmp_path, "deep.md", source)
    assert doc.text == "Deep in the quotes: Porto.\n\nAfter them: Lisbon."


@pytest.mark.parametrize("source, line", [
    ("Intro.\n\n" + "> " * 400 + "Too deep.\n", 3),
    ("Intro.\n\n" + "".join("  " * k + "- item\n" for k in range(150)), 102),
])
def test_markdown_nested_past_the_limit_is_a_clear_error_naming_the_line(tmp_path, source, line):
    with pytest.raises(FormatError, match="nests quotes and lists too deeply") as caught:
        read(tmp_path, "deeper.md", source)
    assert caught.value.path == str(tmp_path / "deeper.md") and caught.value.line == line


def test_pdf_text_matches_pypdfs_plain_extraction(tmp_path):
    from pypdf import PdfReader

    data = minimal_pdf([["Angela Merkel visited Paris.", "She met Emmanuel Macron."], ["Talks went on in Berlin."]])
    (doc,) = read(tmp_path, "report.pdf", data)
    plain = Counter(w for page in PdfReader(io.BytesIO(data)).pages for w in page.extract_text().split())
    assert Counter(doc.text.split()) == plain
