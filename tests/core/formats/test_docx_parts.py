"""Word files give all their text (issue 24): a body without sections, text boxes, footnotes,
endnotes, comments, content controls, fields and tracked insertions; a zip bomb is refused.

The files are a python-docx document whose XML is then written by hand, as Word writes it;
every test compares what is read with :func:`all_w_t_words`, an extraction of its own made
with the standard library only (zipfile + ElementTree)."""

import io
import re
import zipfile
import xml.etree.ElementTree as ET
from collections import Counter

import pytest

from ner_studio.core.errors import FormatError
from ner_studio.core.formats import docx_file, read_documents
from ner_studio.core.formats.samples import sample_docx

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
NAMESPACES = (
    f'xmlns:w="{W}" xmlns:mc="{MC}" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
TYPES = "application/vnd.openxmlformats-officedocument.wordprocessingml."


def para(*runs: str) -> str:
    return "<w:p>" + "".join(runs) + "</w:p>"


def run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def text_box(*paragraphs: str) -> str:
    """A text box as Word 2010+ writes it: the drawing, and a VML copy for older readers."""
    content = "<w:txbxContent>" + "".join(paragraphs) + "</w:txbxContent>"
    return (
        '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic>'
        '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f"<wps:wsp><wps:txbx>{content}</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor>"
        f"</w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>{content}</v:textbox>"
        "</v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )


def word_file(body: str, *, sections: bool = True, notes: dict[str, str] | None = None) -> bytes:
    """python-docx's blank document with ``body`` as its body (and its final ``w:sectPr``
    unless ``sections`` is false), plus ``notes``: ``{"footnotes": xml, ...}`` parts."""
    blank = zipfile.ZipFile(io.BytesIO(sample_docx(["Placeholder"])))
    document = blank.read("word/document.xml").decode()
    sect_pr = re.search(r"<w:sectPr.*</w:sectPr>", document, re.DOTALL).group()
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {NAMESPACES}><w:body>{body}'
           f'{sect_pr if sections else ""}</w:body></w:document>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in blank.infolist():
            data = blank.read(item.filename)
            if item.filename == "word/document.xml":
                data = xml.encode()
            elif item.filename == "[Content_Types].xml" and notes:
                overrides = "".join(f'<Override PartName="/word/{kind}.xml" ContentType="{TYPES}{kind}+xml"/>'
                                    for kind in notes)
                data = data.replace(b"</Types>", overrides.encode() + b"</Types>")
            elif item.filename == "word/_rels/document.xml.rels" and notes:
                rels = "".join(f'<Relationship Id="rIdNote{k}" Type="{RELS}{kind}" Target="{kind}.xml"/>'
                               for k, kind in enumerate(notes))
                data = data.replace(b"</Relationships>", rels.encode() + b"</Relationships>")
            archive.writestr(item.filename, data)
        for kind, part in (notes or {}).items():
            archive.writestr(f"word/{kind}.xml", f'<w:{kind} {NAMESPACES}>{part}</w:{kind}>')
    return out.getvalue()


def all_w_t_words(data: bytes) -> Counter:
    """Every word of every ``w:t`` in the document's text parts, a paragraph's runs joined:
    the reference, made without python-docx or lxml. A drawing's fallback copy
    (``mc:Fallback``) repeats its text box and is left out, as Word shows the box once."""
    words: Counter = Counter()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if not re.fullmatch(r"word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml", name):
                continue
            root = ET.fromstring(archive.read(name))
            parent = {child: element for element in root.iter() for child in element}
            for fallback in root.iter(f"{{{MC}}}Fallback"):
                parent[fallback].remove(fallback)
            paragraphs: dict = {}
            for t in root.iter(f"{{{W}}}t"):
                holder = parent[t]
                while holder.tag != f"{{{W}}}p":
                    holder = parent[holder]
                paragraphs.setdefault(holder, []).append(t.text or "")
            for pieces in paragraphs.values():
                words.update("".join(pieces).split())
    return words


def read(tmp_path, data: bytes, name: str = "w.docx"):
    path = tmp_path / name
    path.write_bytes(data)
    (doc,) = read_documents(path)
    return doc


def test_a_body_without_sections_gives_all_its_text(tmp_path):
    data = word_file(para(run("Angela Merkel visited Lisbon.")) + para(run("Then she flew home.")), sections=False)
    doc = read(tmp_path, data)
    assert doc.text == "Angela Merkel visited Lisbon.\n\nThen she flew home."
    assert Counter(doc.text.split()) == all_w_t_words(data)


def test_text_boxes_come_after_their_paragraph_once(tmp_path):
    data = word_file(para(run("Before the box."), text_box(para(run("Boxed text about Acme Corp.")))) +
                     para(run("After the box.")))
    doc = read(tmp_path, data)
    assert doc.text == "Before the box.\n\nBoxed text about Acme Corp.\n\nAfter the box."
    wheres = [{k: v for k, v in p.items() if k not in ("start", "end")} for p in doc.meta["source"]["paragraphs"]]
    assert wheres[1] == {"part": "text box", "box": 0}
    assert Counter(doc.text.split()) == all_w_t_words(data)


def test_runs_inside_links_fields_content_controls_and_insertions_count(tmp_path):
    body = para(
        run("Call"),
        f'<w:hyperlink r:id="rIdX">{run(" Reuters")}</w:hyperlink>',
        f'<w:fldSimple w:instr=" DATE ">{run(" today")}</w:fldSimple>',
        f'<w:sdt><w:sdtContent>{run(" in Berlin")}</w:sdtContent></w:sdt>',
        f'<w:ins w:id="1" w:author="QA">{run(" and Bonn")}</w:ins>',
        '<w:del w:id="2" w:author="QA"><w:r><w:delText> not Paris</w:delText></w:r></w:del>',
    ) + f"<w:sdt><w:sdtContent>{para(run('A cover page in a content control.'))}</w:sdtContent></w:sdt>"
    doc = read(tmp_path, word_file(body))
    assert doc.text == "Call Reuters today in Berlin and Bonn\n\nA cover page in a content control."
    assert Counter(doc.text.split()) == all_w_t_words(word_file(body))


def test_footnotes_endnotes_and_comments_come_last_with_their_ids(tmp_path):
    notes = {
        "footnotes": ('<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
                      '<w:footnote w:id="1">' + para('<w:r><w:footnoteRef/></w:r>', run(" Source: the Lisbon office."))
                      + "</w:footnote>"),
        "endnotes": '<w:endnote w:id="1">' + para(run("Figures from Eurostat.")) + "</w:endnote>",
        "comments": '<w:comment w:id="0" w:author="QA">' + para(run("Check the spelling of Scholz.")) + "</w:comment>",
    }
    data = word_file(para(run("The report"), '<w:r><w:footnoteReference w:id="1"/></w:r>', run(" is final.")),
                     notes=notes)
    doc = read(tmp_path, data)
    assert doc.text == ("The report is final.\n\nSource: the Lisbon office.\n\nFigures from Eurostat.\n\n"
                        "Check the spelling of Scholz.")
    wheres = [{k: v for k, v in p.items() if k not in ("start", "end")} for p in doc.meta["source"]["paragraphs"]]
    assert wheres[1:] == [{"part": "footnote", "id": "1"}, {"part": "endnote", "id": "1"},
                          {"part": "comment", "id": "0"}]
    assert Counter(doc.text.split()) == all_w_t_words(data)


def test_a_section_break_inside_the_body_keeps_the_text_after_it(tmp_path):
    """A paragraph's w:sectPr ends a section; text after the last one (no body w:sectPr)
    used to vanish with it."""
    body = (para('<w:pPr><w:sectPr/></w:pPr>', run("First section.")) + para(run("Second section, no sectPr.")))
    data = word_file(body, sections=False)
    doc = read(tmp_path, data)
    assert doc.text == "First section.\n\nSecond section, no sectPr."
    assert Counter(doc.text.split()) == all_w_t_words(data)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    blank = zipfile.ZipFile(io.BytesIO(sample_docx(["Placeholder"])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in blank.infolist():
            archive.writestr(item.filename, blank.read(item.filename))
        archive.writestr("word/media/padding.xml", b" " * 20_000_000)  # 20 MB in about 20 kB
    path = tmp_path / "bomb.docx"
    path.write_bytes(out.getvalue())
    with pytest.raises(FormatError, match=r"unpacks to more than NER Studio reads \(word/media/padding.xml: 20 MB") as caught:
        read_documents(path)
    assert caught.value.path == str(path) and "zip bomb" in caught.value.reason


def test_a_part_larger_than_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(docx_file, "MEMBER_LIMIT", 10_000)
    data = word_file(para(run("Lisbon " * 2_000)))
    path = tmp_path / "big.docx"
    path.write_bytes(data)
    with pytest.raises(FormatError, match="word/document.xml"):
        read_documents(path)
