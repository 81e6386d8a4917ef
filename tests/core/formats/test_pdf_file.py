"""PDF reading: text per page in order, hyphens joined, pages as paragraphs, clear errors.

Every PDF here is written by ``core/formats/samples.py`` (a hand-built minimal PDF, or pypdf's
writer for the encrypted one): no binary fixtures."""

import pytest

from ner_studio.core.errors import FormatError
from ner_studio.core.formats import read_documents
from ner_studio.core.formats.pdf_file import page_paragraphs
from ner_studio.core.formats.samples import encrypted_pdf, minimal_pdf, write_pdf
from ner_studio.core.formats.stream import read_pieces


def write(tmp_path, pages, name="report.pdf"):
    path = tmp_path / name
    path.write_bytes(minimal_pdf(pages))
    return path


def test_pages_in_order_with_page_numbers(tmp_path):
    path = write(tmp_path, [["Angela Merkel visited Paris.", "She met Emmanuel Macron."], ["Talks went on in Berlin."]])
    (doc,) = read_documents(path)
    assert doc.name == "report"
    assert doc.text == "Angela Merkel visited Paris.\nShe met Emmanuel Macron.\n\nTalks went on in Berlin."
    source = doc.meta["source"]
    assert source["file"] == "report.pdf" and source["format"] == "pdf" and source["pages"] == 2
    assert [(doc.text[p["start"]:p["end"]], p["page"]) for p in source["paragraphs"]] == [
        ("Angela Merkel visited Paris.\nShe met Emmanuel Macron.", 1), ("Talks went on in Berlin.", 2)]
    # The page break is a paragraph break: no sentence runs across it.
    assert [" ".join(doc.sentence_words(i)) for i in range(len(doc.sentences))] == [
        "Angela Merkel visited Paris .", "She met Emmanuel Macron .", "Talks went on in Berlin ."]


def test_hyphenated_line_ends_are_joined(tmp_path):
    path = write(tmp_path, [["The infor-", "mation came from Jean-", "Paul in Ham-", "burg."]])
    (doc,) = read_documents(path)
    assert doc.text == "The information came from Jean-\nPaul in Hamburg."
    assert "information" in doc.words() and "Hamburg" in doc.words()


def test_page_paragraphs_split_on_blank_lines_and_drop_soft_hyphens():
    assert page_paragraphs("one\u00ad\ntwo\r\n\r\n  next para \n") == ["onetwo", "next para"]
    assert page_paragraphs("Моск-\nва and Ath-\nens, 1990-\n1995") == ["Москва and Athens, 1990-\n1995"]
    assert page_paragraphs("  \n \n") == []


def test_a_page_without_text_is_recorded(tmp_path):
    (doc,) = read_documents(write(tmp_path, [["Cover text."], [], ["Last page."]]))
    assert doc.meta["source"]["pages_without_text"] == [2]
    assert [p["page"] for p in doc.meta["source"]["paragraphs"]] == [1, 3]


def test_a_scan_says_to_run_ocr(tmp_path):
    path = write(tmp_path, [[], []], "scan.pdf")
    with pytest.raises(FormatError, match="scanned: no text to tag; run OCR first") as caught:
        read_documents(path)
    assert caught.value.path == str(path)


def test_an_encrypted_pdf_is_a_clear_error(tmp_path):
    path = tmp_path / "secret.pdf"
    path.write_bytes(encrypted_pdf([["Classified."]]))
    with pytest.raises(FormatError, match="encrypted with a password") as caught:
        read_documents(path)
    assert caught.value.path == str(path)


@pytest.mark.parametrize("data, reason", [
    (b"%PDF-1.4\nthis is not really a PDF\n", "damaged"),
    (minimal_pdf([["Some text."]])[:150], "damaged"),
    (b"hello, I am text", "not a PDF"),
])
def test_a_damaged_or_false_pdf_is_a_clear_error(tmp_path, data, reason):
    path = tmp_path / "broken.pdf"
    path.write_bytes(data)
    with pytest.raises(FormatError, match=reason) as caught:
        read_documents(path)
    assert caught.value.path == str(path)


def test_a_pdf_is_recognised_by_its_bytes_whatever_its_name(tmp_path):
    path = write(tmp_path, [["Recognised by content."]], "download.txt")
    (doc,) = read_documents(path)
    assert doc.meta["source"]["format"] == "pdf" and doc.text == "Recognised by content."


def test_spaces_are_inferred_between_words_placed_one_by_one(tmp_path):
    path = tmp_path / "typeset.pdf"
    path.write_bytes(minimal_pdf([["Olaf Scholz (SPD) spoke in Ber-", "lin on Monday."]], kerned=True))
    (doc,) = read_documents(path)
    assert doc.text == "Olaf Scholz (SPD) spoke in Berlin on Monday."


def test_a_pdf_written_a_page_at_a_time_is_read_in_parts_that_keep_their_pages(tmp_path):
    """The memory benchmark streams a 50 MB PDF out with ``write_pdf`` (benchmarks/big_inputs.py);
    ``predict`` and ``convert`` read it a part at a time, every paragraph keeping its page."""
    path = tmp_path / "long.pdf"
    asked_at = []

    def pages():
        for k in range(1, 31):
            asked_at.append(out.tell())
            yield [f"Page {k}: Olaf Scholz spoke in Berlin.", " ", f"Angela Merkel met Macron on page {k}."]

    with open(path, "wb") as out:
        write_pdf(out, pages())
    assert asked_at == sorted(set(asked_at))  # each page was written before the next was made
    (whole,) = read_documents(path)
    assert whole.meta["source"]["pages"] == 30
    pieces = list(read_pieces(path, chunk_chars=200))
    count = len(pieces)
    assert count > 5 and [(p.number, p.count) for p in pieces] == [(k, count) for k in range(1, count + 1)]
    parts = [p.docs[0] for p in pieces]
    assert [d.name for d in parts] == [f"long.pdf (part {k} of {count})" for k in range(1, count + 1)]

    def paragraphs(doc):
        return [(doc.text[p["start"]:p["end"]], p["page"]) for p in doc.meta["source"]["paragraphs"]]

    assert [para for d in parts for para in paragraphs(d)] == paragraphs(whole)
    assert paragraphs(whole)[58:] == [("Page 30: Olaf Scholz spoke in Berlin.", 30),
                                      ("Angela Merkel met Macron on page 30.", 30)]
