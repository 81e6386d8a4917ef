"""Running text back from tokenized sentences (CoNLL), with the offsets where sentences start.

Sentence splitters are trained and scored on text as people write it, not on one token per
line: punctuation and clitics go back against their word ("U.S. 's" -> "U.S.'s"), brackets hug
what they enclose, straight double quotes alternate between opening and closing (through the
whole document: a quotation often runs over several sentences). Sentences with final
punctuation run on in one paragraph; a sentence without it (a headline, a byline, a dateline,
a table row: CoNLL-2003 is full of them) stands in its own paragraph, as it does on the page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

NO_SPACE_BEFORE = frozenset(",.;:!?%)]}'") | {"''", "'s", "'S", "n't", "N'T", "'re", "'ve", "'ll", "'d", "'m", "..."}
NO_SPACE_AFTER = frozenset(("(", "[", "{", "$", "``", "#"))
FINAL = frozenset(".!?")


def detokenize(words: Sequence[str]) -> str:
    """One sentence's words as running text."""
    return _detokenize(words, False)[0]


def _detokenize(words: Sequence[str], open_quote: bool) -> tuple[str, bool]:
    """``(text, whether a double quote is left open)``; ``open_quote`` carries a quote opened
    in an earlier sentence (newswire quotes often run over several)."""
    pieces: list[str] = []
    glue_next = True  # no space before the first word
    for word in words:
        if word == '"':
            closing = open_quote
            open_quote = not open_quote
            if closing:
                pieces.append(word)
                glue_next = False
            else:
                pieces.append(("" if glue_next else " ") + word)
                glue_next = True
            continue
        glued = glue_next or word in NO_SPACE_BEFORE or word.lower() in NO_SPACE_BEFORE
        pieces.append(("" if glued else " ") + word)
        glue_next = word in NO_SPACE_AFTER
    return "".join(pieces), open_quote


def ends_with_final_punctuation(words: Sequence[str]) -> bool:
    """Whether a sentence ends in . ! ? (closing quotes and brackets aside)."""
    for word in reversed(words):
        if word in ('"', "''", "'", ")", "]"):
            continue
        return word[-1] in FINAL
    return False


def running_text(sentences: Iterable[Sequence[str]], paragraphs: bool = True) -> tuple[str, list[int]]:
    """``(text, offsets where sentences 2..n start)`` of one document's sentences; with
    ``paragraphs=False`` every sentence runs on after a space, headlines too."""
    pieces: list[str] = []
    starts: list[int] = []
    length = 0
    previous_final = True
    open_quote = False
    for words in sentences:
        sentence, open_quote = _detokenize(words, open_quote)
        if not sentence:
            continue
        final = ends_with_final_punctuation(words)
        if pieces:
            gap = " " if (previous_final and final) or not paragraphs else "\n\n"
            pieces.append(gap)
            length += len(gap)
            starts.append(length)
        pieces.append(sentence)
        length += len(sentence)
        previous_final = final
    return "".join(pieces), starts
