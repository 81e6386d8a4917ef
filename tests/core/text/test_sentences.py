"""Punkt sentence boundaries over the regex tokenizer; what a project teaches it; CoNLL text
re-joined for training and scoring."""

import json
import re
from pathlib import Path

import pytest

import ner_studio

from ner_studio.core.datasets.detokenize import detokenize, running_text
from ner_studio.core.text.document import Sentence
from ner_studio.core.errors import FormatError
from ner_studio.core.formats import read_documents
from ner_studio.core.text.sentences import (
    ProjectSplitter, RuleSplitter, load_params, params_from_json, params_to_json, resolve,
    shipped_params_path, shipped_splitter,
)
from ner_studio.core.text.tokenizer import word_tokens

PACKAGE = Path(ner_studio.__file__).resolve().parent  # wherever this test file sits


def sentences(split, text):
    tokens = word_tokens(text)
    found = split(text, tokens)
    assert found[0].start == 0 and found[-1].end == len(tokens)
    assert all(a.end == b.start for a, b in zip(found, found[1:]))
    return [text[tokens.starts[s.start]:tokens.ends[s.end - 1]] for s in found]


def test_abbreviations_do_not_end_sentences():
    text = ("Dr. Watson met the head of Acme Inc. on Monday. The U.S. Army agreed under Sec. 4 of "
            "the act. Mr. Smith left at 5 p.m. The talks ended.")
    assert sentences(shipped_splitter().split, text) == [
        "Dr. Watson met the head of Acme Inc. on Monday.",
        "The U.S. Army agreed under Sec. 4 of the act.",
        "Mr. Smith left at 5 p.m.",
        "The talks ended.",
    ]
    # The tokenizer's own rules know no "Sec.": the reason Punkt is the default.
    assert "The U.S. Army agreed under Sec." in sentences(RuleSplitter.split, text)


def test_blank_lines_always_end_and_list_numbers_never_end_a_sentence():
    text = "Results\n\n1. Svetlana Gladishiva (Russia) 1:49.26\n2. Katja Seizinger (Germany) 1:49.30\n\nNo title"
    assert sentences(shipped_splitter().split, text) == [
        "Results", "1. Svetlana Gladishiva (Russia) 1:49.26\n2. Katja Seizinger (Germany) 1:49.30", "No title"]
    assert sentences(RuleSplitter.split, text) == sentences(shipped_splitter().split, text)


def test_empty_text_has_no_sentences():
    assert shipped_splitter().split("", word_tokens("")) == []


def test_a_project_learns_its_own_abbreviations():
    legal = " ".join(f"The claim under Cl. {i} was denied. Under Cl. {i + 1} the court found otherwise."
                     for i in range(20))
    text = "The judge cited Cl. Brown as precedent. It was upheld."
    assert sentences(shipped_splitter().split, text)[0] == "The judge cited Cl."
    project = ProjectSplitter()
    project.learn(legal)
    assert "cl" in project.abbreviations
    assert sentences(project.split, text) == ["The judge cited Cl. Brown as precedent.", "It was upheld."]
    # What it learned survives the project's settings (JSON) and is only the project's part.
    stored = json.loads(json.dumps(project.to_json()))
    assert "cl" in stored["abbreviations"] and "inc" not in stored["abbreviations"]
    assert "cl" in ProjectSplitter(stored).abbreviations


def test_reading_a_file_with_a_learning_splitter_teaches_it_first(tmp_path):
    path = tmp_path / "ruling.txt"
    path.write_text(" ".join(f"Under Cl. {i} the claim failed." for i in range(15)) + " See Cl. Brown. Done.\n",
                    encoding="utf-8")
    project = ProjectSplitter()
    (doc,) = read_documents(path, splitter=project)
    assert "cl" in project.abbreviations
    last = doc.sentences[-2]
    assert doc.text[doc.tokens[last.start].start:doc.tokens[last.end - 1].end] == "See Cl. Brown."


def test_splitter_names():
    assert resolve("rules") is RuleSplitter and resolve("punkt") is shipped_splitter() is resolve(None)
    project = ProjectSplitter()
    assert resolve(project) is project
    with pytest.raises(FormatError, match="unknown sentence splitter 'nltk'"):
        resolve("nltk")


def test_shipped_parameters_round_trip_and_stay_small():
    params = load_params(shipped_params_path())
    assert {"dr", "inc", "u.s", "sec"} <= params.abbrev_types
    again = params_from_json(params_to_json(params))
    assert (again.abbrev_types, again.collocations, again.sent_starters) == (
        params.abbrev_types, params.collocations, params.sent_starters)
    assert shipped_params_path().stat().st_size < 200_000


@pytest.mark.parametrize("content", ["not json", '{"format": 99}', '{"format": 1, "abbreviations": 3}'])
def test_a_bad_parameter_file_is_a_format_error(tmp_path, content):
    path = tmp_path / "params.json"
    path.write_text(content)
    with pytest.raises(FormatError) as caught:
        load_params(path)
    assert caught.value.path == str(path)


def test_detokenized_running_text_and_its_sentence_starts():
    assert detokenize(["He", "said", '"', "no", "!", '"', "to", "the", "U.S.", "'s", "(", "big", ")", "plan", "."]) == \
        'He said "no!" to the U.S.\'s (big) plan.'
    text, starts = running_text([["EU", "rejects", "call"], ["Peter", "Blackburn"], ["He", "left", "."], ["It", "rained", "."]])
    assert text == "EU rejects call\n\nPeter Blackburn\n\nHe left. It rained."
    assert [text[s:s + 5] for s in starts] == ["Peter", "He le", "It ra"]
    text, starts = running_text([["EU", "rejects", "call"], ["He", "left", "."]], paragraphs=False)
    assert text == "EU rejects call He left." and starts == [16]


def test_nltk_is_used_without_downloaded_data():
    offences = []
    for path in PACKAGE.rglob("*.py"):
        for pattern in (r"nltk\.download", r"\bword_tokenize\(", r"\bsent_tokenize\("):
            if re.search(pattern, path.read_text(encoding="utf-8")):
                offences.append(f"{path.name}: {pattern}")
    assert not offences


def test_sentences_tile_tokens_on_odd_text():
    for text in ["...", "A. B. C.", "Hi!!! Yes?? No.", "e.g. this\n\n\n", "“Quoted.” Next one."]:
        tokens = word_tokens(text)
        found = shipped_splitter().split(text, tokens)
        assert sum(s.end - s.start for s in found) == len(tokens)
        assert all(isinstance(s, Sentence) and s.end > s.start for s in found)


def test_punkt_with_plain_re_patterns_finds_what_nltk_finds():
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    from ner_studio.core.datasets.detokenize import running_text
    from tests.model.conftest import TINY_CORPUS

    text = " ".join(running_text([words.split() for words, _ in TINY_CORPUS])[0] for _ in range(3))
    text += (' He said "Stop." Then Dr. J. R. Smith left at 5 p.m. on Dec. 5, 1996... (Really?) Yes! '
             "Acme Inc. grew 3.5%. The U.S. agreed. Prof. Lee: “Fine.” «Non.» See Sec. 4 and 1. first.")
    params = shipped_splitter().params
    assert shipped_splitter().boundaries(text) == [s for s, _ in PunktSentenceTokenizer(params).span_tokenize(text)][1:]


def test_split_at_cuts_at_the_token_starting_at_or_after_each_offset():
    from ner_studio.core.text.sentences import split_at
    from ner_studio.core.text.tokenizer import tokenize

    text = "Name\tCity\tOlaf Scholz"
    tokens, sentences = tokenize(text)
    assert [tuple(s) for s in sentences] == [(0, 4)]
    assert [tuple(s) for s in split_at(sentences, tokens, [5, 9, 10, 99])] == [(0, 1), (1, 2), (2, 4)]
    assert split_at([], [], [3]) == []
