"""HTML reading: visible text only, blocks as paragraphs, entities, encodings that never crash."""

import pytest

from ner_studio.core.errors import FormatError
from ner_studio.core.formats import parse_documents, read_documents
from ner_studio.core.formats.html_file import declared_encoding, decode_html, looks_like_html

PAGE = """<!DOCTYPE html>
<html><head><title>  Election   news </title><style>p { color: red }</style>
<script>document.write("Not text");</script></head>
<body>
<nav hidden>Home | About</nav>
<h1>Results&nbsp;in   <em>Berlin</em></h1>
<p>Olaf Scholz &amp; Annalena Baerbock met
   in the <a href="/x">Bundestag</a>.<br>Then they left.</p>
<div style="display: none">Hidden by style.</div>
<span aria-hidden="true">Icon text</span>
<ul><li>First item</li><li>Second &eacute;l&eacute;ment</li></ul>
<table><tr><th>Party</th><th>Seats</th></tr><tr><td>SPD</td><td>206</td></tr></table>
<pre>keep   these
   spaces</pre>
<!-- a comment -->
<noscript>Enable JavaScript</noscript>
</body></html>
"""


def test_visible_text_blocks_and_sources(tmp_path):
    path = tmp_path / "news.html"
    path.write_text(PAGE, encoding="utf-8")
    (doc,) = read_documents(path)
    assert doc.text == (
        "Results in Berlin\n\n"
        "Olaf Scholz & Annalena Baerbock met in the Bundestag.\nThen they left.\n\n"
        "First item\n\nSecond élément\n\nParty\tSeats\n\nSPD\t206\n\nkeep these\nspaces"
    )
    source = doc.meta["source"]
    assert source["format"] == "html" and source["file"] == "news.html"
    assert source["title"] == "Election news" and source["encoding"] == "utf-8"
    assert [(p["tag"], p["line"]) for p in source["paragraphs"]] == [
        ("h1", 6), ("p", 7), ("li", 11), ("li", 11), ("tr", 12), ("tr", 12), ("pre", 13)]


def test_text_around_nested_blocks_keeps_its_element():
    (doc,) = parse_documents("<div>Intro text<p>Inner paragraph.</p>Outro text</div>", "html")
    assert doc.text == "Intro text\n\nInner paragraph.\n\nOutro text"
    assert [p["tag"] for p in doc.meta["source"]["paragraphs"]] == ["div", "p", "div"]


@pytest.mark.parametrize("data, encoding", [
    ('<html><head><meta charset="iso-8859-1"></head><body><p>Müller in Köln</p></body></html>'.encode("latin-1"), "cp1252"),
    ("<?xml version='1.0' encoding='windows-1251'?><html><body><p>Москва</p></body></html>".encode("cp1251"), "cp1251"),
    ("\ufeff<html><body><p>Zürich</p></body></html>".encode("utf-16"), "utf-16"),
    ('<html><meta charset="x-no-such-charset"><body><p>Zürich</p></body></html>'.encode("utf-8"), "utf-8"),
])
def test_encodings_bom_then_declared_then_utf8(data, encoding):
    text, used = decode_html(data)
    assert used == encoding
    assert any(word in text for word in ("Müller", "Москва", "Zürich"))


def test_a_wrong_declaration_falls_back_to_a_detector(tmp_path):
    body = "<p>Les élèves étaient très fiers de leur école, déclara le ministre à Genève.</p>" * 5
    path = tmp_path / "old.htm"
    path.write_bytes(f'<html><head><meta charset="utf-8"></head><body>{body}</body></html>'.encode("cp1252"))
    (doc,) = read_documents(path)
    assert "élèves" in doc.text and "Genève" in doc.text
    assert doc.meta["source"]["encoding"] != "utf-8"


def test_bytes_no_encoding_fits_are_a_clear_error_not_a_crash(tmp_path):
    path = tmp_path / "noise.html"
    path.write_bytes(b"<html><body>" + bytes(range(128, 256)) * 8 + b"\x00\x81\x8d\x8f\x90\x9d" * 50 + b"</body></html>")
    with pytest.raises(FormatError, match="cannot tell the text encoding of this HTML file") as caught:
        read_documents(path)
    assert caught.value.path == str(path)


def test_declared_encoding_labels():
    assert declared_encoding(b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">') == "cp1252"
    assert declared_encoding(b"<meta charset='Shift_JIS'>") == "shift_jis"
    assert declared_encoding(b"<p>no declaration</p>") is None


def test_html_is_sniffed_by_content():
    assert looks_like_html(b"\xef\xbb\xbf  <!-- saved page --><!DOCTYPE HTML><html>")
    assert looks_like_html(b"<?xml version='1.0'?>\n<html xmlns='http://www.w3.org/1999/xhtml'>")
    assert not looks_like_html(b"Hello <html> is a tag")


def test_a_page_saved_as_txt_is_read_as_html(tmp_path):
    path = tmp_path / "saved.txt"
    path.write_text("<!DOCTYPE html><html><body><p>From a browser.</p><script>x()</script></body></html>", encoding="utf-8")
    (doc,) = read_documents(path)
    assert doc.text == "From a browser." and doc.meta["source"]["format"] == "html"


@pytest.mark.parametrize("html", ["", "   ", "<html><head><title>t</title></head><body><script>x</script></body></html>"])
def test_a_page_without_visible_text_is_a_clear_error(tmp_path, html):
    path = tmp_path / "empty.html"
    path.write_text(html, encoding="utf-8")
    with pytest.raises(FormatError) as caught:
        read_documents(path)
    assert caught.value.path == str(path)


def test_each_table_cell_is_its_own_sentences():
    (doc,) = parse_documents("<table><tr><td>Olaf Scholz</td><td>Berlin</td></tr></table><p>After it.</p>", "html")
    assert doc.text == "Olaf Scholz\tBerlin\n\nAfter it."
    assert [" ".join(doc.sentence_words(k)) for k in range(len(doc.sentences))] == ["Olaf Scholz", "Berlin", "After it ."]
