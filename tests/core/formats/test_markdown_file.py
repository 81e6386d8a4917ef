"""Markdown reading: markup removed, link text kept, blocks as paragraphs with line numbers."""

from ner_studio.core.formats import parse_documents, read_documents

NOTE = """---
title: Field notes
tags: [berlin]
---
# Meeting with *Olaf Scholz*

Talks in [Berlin](https://example.org/berlin "the city") went **well** &amp; fast;
`code` stays.

- First point ![photo of Annalena Baerbock](a.png)
- Second point

> Quoted by Reuters.

| Name | City |
|------|------|
| Emmanuel Macron | Paris |

```
print("code block")
```

<div class="box">Raw <b>HTML</b> text</div>
"""


def test_markup_goes_text_stays(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text(NOTE, encoding="utf-8")
    (doc,) = read_documents(path)
    assert doc.text == (
        "Meeting with Olaf Scholz\n\n"
        "Talks in Berlin went well & fast;\ncode stays.\n\n"
        "First point photo of Annalena Baerbock\n\nSecond point\n\n"
        "Quoted by Reuters.\n\n"
        "Name\tCity\n\nEmmanuel Macron\tParis\n\n"
        'print("code block")\n\n'
        "Raw HTML text"
    )
    paragraphs = doc.meta["source"]["paragraphs"]
    assert doc.meta["source"]["format"] == "md"
    assert [(p["block"], p["line"]) for p in paragraphs] == [
        ("heading", 5), ("paragraph", 7), ("paragraph", 10), ("paragraph", 11), ("paragraph", 13),
        ("table row", 15), ("table row", 17), ("code", 19), ("html", 23)]
    assert NOTE.splitlines()[paragraphs[0]["line"] - 1].startswith("# Meeting")


def test_markdown_from_a_string_and_an_entity_offset():
    (doc,) = parse_documents("See [the report](x) by **Reuters**.", "md", name="pasted")
    assert doc.text == "See the report by Reuters." and doc.name == "pasted"
    start = doc.text.index("Reuters")
    assert doc.token_at(start) is not None and doc.token_text(doc.token_at(start)) == "Reuters"


def test_each_table_cell_is_its_own_sentences():
    (doc,) = parse_documents("| Name | City |\n|---|---|\n| Olaf Scholz | Berlin |\n", "md")
    assert doc.text == "Name\tCity\n\nOlaf Scholz\tBerlin"
    assert [" ".join(doc.sentence_words(k)) for k in range(len(doc.sentences))] == ["Name", "City", "Olaf Scholz", "Berlin"]


MIXED = """# Field notes

Talks in [Berlin][b] went well.

- a list item

  continued after a blank line
- another item

> A quote

> another quote

```
code with a blank line

Looks like a paragraph but is code
```

<pre>
raw HTML with a blank line

Still inside the pre
</pre>

Setext heading
==============

| Name | City |
|------|------|
| Emmanuel Macron | Paris |

    indented code

Last paragraph about [Lisbon][l].

[b]: https://example.org/berlin
[l]: https://example.org/lisbon
"""


def test_a_big_file_parsed_in_sections_reads_as_when_parsed_whole(monkeypatch):
    """Issue 24: a big file's blocks are parsed a section at a time (markdown-it's tokens of
    50 MB took over a gigabyte); cuts fall only where they change nothing."""
    from ner_studio.core.formats import markdown_file

    whole = markdown_file.markdown_blocks(MIXED * 5)
    monkeypatch.setattr(markdown_file, "SECTION_CHARS", 20)
    assert len(list(markdown_file._sections(MIXED * 5, 20))) >= 15
    assert markdown_file.markdown_blocks(MIXED * 5) == whole
    assert "Berlin went well." in whole[1].text and whole[-1].text == "Last paragraph about Lisbon."
