"""Offline tokenizer: exact offsets on any text, Treebank-like tokens, sentence splitting."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ner_studio.core.text.document import Document
from ner_studio.core.text.tokenizer import split_sentences, tokenize, visible_word, word_tokens


def words(text):
    return [text[s:e] for s, e in word_tokens(text)]


def sentences(text):
    tokens, sents = tokenize(text)
    return [" ".join(text[s:e] for s, e in tokens[a:b]) for a, b in sents]


@given(st.text(max_size=300))
def test_tokens_are_exact_nonempty_ordered_and_cover_all_but_whitespace(text):
    tokens, sents = tokenize(text)
    previous_end = 0
    uncovered = []
    for start, end in tokens:
        piece = text[start:end]
        assert previous_end <= start < end
        assert piece and not any(c.isspace() for c in piece)
        uncovered.append(text[previous_end:start])
        previous_end = end
    uncovered.append(text[previous_end:])
    # Only whitespace and invisible format characters (a stray soft hyphen) are no token.
    assert all(c.isspace() or unicodedata.category(c) == "Cf" for c in "".join(uncovered))
    expected = 0
    for start, end in sents:  # sentences tile the tokens
        assert start == expected < end
        expected = end
    assert expected == len(tokens)


@given(st.lists(st.text(st.characters(blacklist_characters="\n"), max_size=40), min_size=2, max_size=5))
def test_a_blank_line_always_ends_a_sentence(paragraphs):
    text = "\n \n".join(paragraphs)
    tokens, sents = tokenize(text)
    starts = {tokens[s.start].start for s in sents}
    offset = 0
    for paragraph in paragraphs[:-1]:
        offset += len(paragraph) + 3
        following = [s for s, _ in tokens if s >= offset]
        if following and any(e <= offset for _, e in tokens):
            assert following[0] in starts


@pytest.mark.parametrize(
    "text, expected",
    [
        ('He said "hi" and \'bye\'.', ["He", "said", '"', "hi", '"', "and", "'", "bye", "'", "."]),
        ("“Curly” ‘quotes’ and ``latex''", ["“", "Curly", "”", "‘", "quotes", "’", "and", "``", "latex", "''"]),
        ("state-of-the-art Obama-led 1996-08-22 -- x", ["state-of-the-art", "Obama-led", "1996-08-22", "--", "x"]),
        ("The U.S. and Dr. Who met Mr. J. Smith", ["The", "U.S.", "and", "Dr.", "Who", "met", "Mr.", "J.", "Smith"]),
        ("See https://example.com/a?b=c&d=1. Or www.x.org!", ["See", "https://example.com/a?b=c&d=1", ".", "Or", "www.x.org", "!"]),
        ("Mail john.doe+x@mail.example.co.uk, now.", ["Mail", "john.doe+x@mail.example.co.uk", ",", "now", "."]),
        ("It cost $1,234.56 or 3,5 € at 10:30.", ["It", "cost", "$", "1,234.56", "or", "3,5", "€", "at", "10:30", "."]),
        ("Don't! Obama's they're I'd", ["Do", "n't", "!", "Obama", "'s", "they", "'re", "I", "'d"]),
        ("Zürich café naïve São Paulo", ["Zürich", "café", "naïve", "São", "Paulo"]),
        ("cafe\u0301 and हिन्दी", ["cafe\u0301", "and", "हिन्दी"]),
        ("東京都に住む。", ["東", "京", "都", "に", "住", "む", "。"]),
        ("Fun 😀👍🏽 👨‍👩‍👧 🇫🇷!", ["Fun", "😀", "👍🏽", "👨‍👩‍👧", "🇫🇷", "!"]),
        ("Wait... what?!", ["Wait", "...", "what", "?!"]),
        ("(a) [b] {c}", ["(", "a", ")", "[", "b", "]", "{", "c", "}"]),
    ],
)
def test_examples(text, expected):
    assert words(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Dr. Smith arrived. He sat down.", ["Dr. Smith arrived .", "He sat down ."]),
        ("It was on Jan. 5 in the U.S. office.", ["It was on Jan. 5 in the U.S. office ."]),
        ("They live in the U.S. The weather is fine.", ["They live in the U.S.", "The weather is fine ."]),
        ("He works at Acme Inc. The firm grows.", ["He works at Acme Inc.", "The firm grows ."]),
        ("Use e.g. Paris. ok", ["Use e.g. Paris . ok"]),
        ('"Stop!" she said. "Why?" Yes.', ['" Stop ! " she said .', '" Why ? "', "Yes ."]),
        ("Really?! Yes... Fine.", ["Really ?!", "Yes ...", "Fine ."]),
        ("No period here\n\nNext paragraph\nsame sentence", ["No period here", "Next paragraph same sentence"]),
        ("東京に住む。大阪も好き！", ["東 京 に 住 む 。", "大 阪 も 好 き ！"]),
        ("J. K. Rowling wrote it.", ["J. K. Rowling wrote it ."]),
        ("The score was 3.5 points. 12 people came.", ["The score was 3.5 points .", "12 people came ."]),
    ],
)
def test_sentence_examples(text, expected):
    assert sentences(text) == expected


def test_empty_and_whitespace_text():
    assert tokenize("") == ([], [])
    assert tokenize(" \n\t ") == ([], [])


def test_split_sentences_accepts_foreign_tokens():
    text = "A b. C d."
    assert split_sentences(text, [(0, 1), (2, 3), (3, 4), (5, 6), (7, 8), (8, 9)]) == [(0, 3), (3, 6)]


def test_document_from_text_uses_the_tokenizer():
    doc = Document.from_text("Hello world. Bye.", name="x")
    assert doc.words() == ["Hello", "world", ".", "Bye", "."]
    assert len(doc.sentences) == 2 and doc.name == "x"


@pytest.mark.parametrize("invisible", ["\u00ad", "\u200b", "\u2060", "\ufeff", "\u200e", "\u2063"])
def test_an_invisible_format_character_never_splits_a_word(invisible):
    text = f"Micro{invisible}soft hired {invisible}Olaf Scholz{invisible} in Berlin {invisible} today."
    assert words(text) == [f"Micro{invisible}soft", "hired", "Olaf", f"Scholz{invisible}", "in", "Berlin", "today", "."]
    assert [visible_word(w) for w in words(text)][:4] == ["Microsoft", "hired", "Olaf", "Scholz"]
    assert len(Document.from_text(text).sentences) == 1


def test_visible_word_keeps_every_visible_character():
    assert visible_word("naïve café 👍🏽") == "naïve café 👍🏽"
    assert visible_word("Microsoft") == "Microsoft"
    assert visible_word("\u00ad") == ""


def test_the_written_out_character_classes_are_what_a_pass_over_unicode_finds():
    """The tokenizer takes the written-out classes (no 130,000-code-point pass at start) only for
    their Unicode version; they must be exactly what the pass finds."""
    import unicodedata

    from ner_studio.core.text import character_classes, tokenizer

    if unicodedata.unidata_version != character_classes.UNICODE_VERSION:
        pytest.skip("another Unicode: the tokenizer works the classes out itself")
    assert tokenizer._character_ranges() == (character_classes.MARK_RANGES, character_classes.FORMAT_RANGES)
