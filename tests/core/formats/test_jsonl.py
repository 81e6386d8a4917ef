"""JSONL spans: spaCy/Prodigy and doccano styles, export, round trips and clear errors."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ner_studio.core.text.document import Document, Status
from ner_studio.core.errors import FormatError
from ner_studio.core.formats import read_documents, write_documents
from ner_studio.core.formats.conll import format_conll, parse_conll
from ner_studio.core.formats.jsonl import format_jsonl, parse_jsonl
from ner_studio.core.text.spans import Source, Span


def entity_texts(doc):
    return [(doc.text[s.start : s.end], s.label) for s in doc.spans]


def line(**record):
    return json.dumps(record, ensure_ascii=False)


def test_both_styles_are_detected_line_by_line(fixtures):
    docs = read_documents(fixtures / "mixed_styles.jsonl")
    assert [entity_texts(d) for d in docs] == [
        [("Peter Blackburn", "PER"), ("New York", "LOC")],
        [("EU", "ORG"), ("German", "MISC")],
    ]


def test_doccano_entities_style():
    text = line(text="Visit Rome now", entities=[{"start_offset": 6, "end_offset": 10, "label": "LOC"}], id=7)
    doc = parse_jsonl(text)[0]
    assert entity_texts(doc) == [("Rome", "LOC")]
    assert doc.meta["jsonl_extra"] == {"id": 7}


def test_export_is_spacy_style_with_model_details():
    doc = Document.from_text("Angela Merkel met Macron in Paris.", name="news")
    doc.add_span(Span(0, 13, "PER"))
    doc.add_span(Span(18, 24, "PER", Source.MODEL, 0.8125))
    doc.status = Status.PREDICTED
    record = json.loads(format_jsonl([doc]))
    assert record["text"] == doc.text
    assert record["spans"] == [
        {"start": 0, "end": 13, "label": "PER", "token_start": 0, "token_end": 1, "source": "human"},
        {"start": 18, "end": 24, "label": "PER", "token_start": 3, "token_end": 3, "source": "model", "confidence": 0.8125},
    ]
    assert record["status"] == "predicted"
    assert record["meta"] == {"name": "news"}
    assert record["tokens"][0] == {"text": "Angela", "start": 0, "end": 6, "id": 0, "ws": True}
    again = parse_jsonl(format_jsonl([doc]))[0]
    assert again.spans == doc.spans and again.status == Status.PREDICTED and again.name == "news"


def test_own_export_reloads_exactly():
    text = "Dr. Who lives in the U.S. He likes London.\n\nNew paragraph here"
    doc = Document.from_text(text)
    doc.add_span(Span(text.index("London"), text.index("London") + 6, "LOC"))
    doc.meta["jsonl_extra"] = {"_input_hash": 42}
    again = parse_jsonl(format_jsonl([doc]))[0]
    assert (again.text, again.tokens, again.sentences, again.spans) == (doc.text, doc.tokens, doc.sentences, doc.spans)
    assert again.meta["jsonl_extra"] == {"_input_hash": 42}


def test_prodigy_tokens_are_used_and_whitespace_tokens_skipped():
    text = "U.S.A. rocks\nyes"
    tokens = [{"text": "U.S.A", "start": 0, "end": 5}, {"text": ".", "start": 5, "end": 6},
              {"text": "rocks", "start": 7, "end": 12}, {"text": "\n", "start": 12, "end": 13},
              {"text": "yes", "start": 13, "end": 16}]
    doc = parse_jsonl(line(text=text, tokens=tokens, spans=[{"start": 0, "end": 5, "label": "LOC"}]))[0]
    assert doc.words() == ["U.S.A", ".", "rocks", "yes"]
    assert entity_texts(doc) == [("U.S.A", "LOC")]


def test_sentences_an_entity_crosses_are_joined():
    text = "I met Dr. J. Smith. Then left."
    # "Smith." ends a sentence; an annotator's span over "Smith. Then" (odd but legal) keeps
    # its sentence whole instead of being cut.
    start, end = text.index("Smith"), text.index("Then") + 4
    doc = parse_jsonl(line(text=text, spans=[{"start": start, "end": end, "label": "X"}]))[0]
    assert len(doc.sentences) == 1
    assert len(Document.from_text(text).sentences) == 2


def test_blank_lines_are_allowed_and_line_numbers_count_them():
    text = "\n" + line(text="a") + "\n\n" + "{oops\n"
    with pytest.raises(FormatError, match="invalid JSON") as caught:
        parse_jsonl(text, "f.jsonl")
    assert caught.value.line == 4


@pytest.mark.parametrize(
    "record, reason",
    [
        ('{"text": "abc", "spans": [{"start": 0, "end": 9, "label": "X"}]}', "past the end of the text"),
        ('{"text": "New York City", "spans": [{"start": 0, "end": 8, "label": "A"}, {"start": 4, "end": 13, "label": "B"}]}', "overlaps"),
        ('{"text": "New York", "label": [[0, 6, "LOC"]]}', "token boundaries"),
        ('{"text": "New York", "label": [[1, 8, "LOC"]]}', "token boundaries"),
        ('{"text": "New York", "label": [[0, 3]]}', "start, end"),
        ('{"text": "New York", "spans": [{"start": 0, "end": 3, "label": ""}]}', "non-empty string label"),
        ('{"text": "New York", "spans": [{"start": "0", "end": 3, "label": "X"}]}', "integers"),
        ('{"text": "New York", "spans": [{"start": 3, "end": 3, "label": "X"}]}', "empty"),
        ('{"text": "New York", "spans": [{"start": 0, "end": 3, "label": "X", "source": "model", "confidence": 2}]}', "confidence"),
        ('{"text": "New York", "spans": "nope"}', "must be a list"),
        ('{"text": "New York", "status": "done"}', "status"),
        ('{"spans": []}', '"text" string'),
        ('["text"]', "one JSON object per line"),
        ('{"text": "ab", "tokens": [{"text": "x", "start": 0, "end": 1}]}', "says 'x'"),
        ('{"text": "ab", "tokens": [{"start": 0, "end": 5}]}', "past the end"),
        ('{"text": "ab", "sentences": [[1, 2]]}', "sentences"),
        ('{"text": "abc" "d"}', "invalid JSON"),
    ],
)
def test_errors_name_file_and_line(tmp_path, record, reason):
    path = tmp_path / "bad.jsonl"
    path.write_text(line(text="fine") + "\n" + record + "\n")
    with pytest.raises(FormatError, match=reason) as caught:
        read_documents(path)
    assert (caught.value.path, caught.value.line) == (str(path), 2)


def test_a_json_array_gets_a_hint():
    with pytest.raises(FormatError, match="JSON Lines"):
        parse_jsonl('[{"text": "a",\n "spans": []}]')


def test_empty_jsonl():
    with pytest.raises(FormatError, match="no JSON lines"):
        parse_jsonl("\n \n")


# --- property: JSONL -> CoNLL -> JSONL keeps every token-aligned span ----------------------------
WORDS = ["Paris", "is", "nice", ".", "Dr.", "Smith", "U.S.", "état", "東京", "😀", "don't", "3,5", "\"", "(", ")"]


@st.composite
def annotated_text(draw):
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=20))
    gaps = draw(st.lists(st.sampled_from([" ", "  ", "\n", "\n\n", " \t"]), min_size=len(words), max_size=len(words)))
    text = "".join(w + g for w, g in zip(words, gaps)).rstrip()
    doc = Document.from_text(text)
    spans, i, n = [], 0, len(doc.tokens)
    while i < n:
        i += draw(st.integers(0, 3))
        if i < n:
            j = min(n, i + draw(st.integers(1, 3)))
            label = draw(st.sampled_from(["PER", "LOC"]))
            spans.append({"start": doc.tokens[i].start, "end": doc.tokens[j - 1].end, "label": label})
            i = j
    style = draw(st.sampled_from(["spacy", "doccano"]))
    if style == "spacy":
        return line(text=text, spans=spans)
    return line(text=text, label=[[s["start"], s["end"], s["label"]] for s in spans])


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(annotated_text(), min_size=1, max_size=3))
def test_jsonl_to_conll_to_jsonl_keeps_every_span(records):
    originals = parse_jsonl("\n".join(records))
    via_conll = parse_conll(format_conll(originals))
    back = parse_jsonl(format_jsonl(via_conll))
    assert [entity_words(d) for d in back] == [entity_words(d) for d in originals]
    assert [d.words() for d in back] == [d.words() for d in originals]


def entity_words(doc):
    """Each span as (token indices, its tokens, label): what survives a change of text layout."""
    return [((i, j), doc.words(i, j), s.label) for s in doc.spans for i, j in [doc.token_range(s.start, s.end)]]


def test_write_documents_by_extension(tmp_path):
    doc = Document.from_text("Hello Rome")
    doc.add_span(Span(6, 10, "LOC"))
    write_documents([doc], tmp_path / "out.jsonl")
    write_documents([doc], tmp_path / "out.conll", scheme="bioes")
    assert entity_texts(read_documents(tmp_path / "out.jsonl")[0]) == [("Rome", "LOC")]
    assert (tmp_path / "out.conll").read_text() == "-DOCSTART- O\n\nHello O\nRome S-LOC\n\n"
    with pytest.raises(FormatError, match="plain text cannot hold entities"):
        write_documents([doc], tmp_path / "out.txt")


def test_every_provenance_round_trips_and_foreign_sources_count_as_human():
    doc = Document.from_text("Ann met Bob and Cy in Rome .")
    t = doc.tokens
    doc.set_spans([Span(t[0].start, t[0].end, "PER", Source.HUMAN),
                   Span(t[2].start, t[2].end, "PER", Source.ACCEPTED, 0.4),
                   Span(t[4].start, t[4].end, "PER", Source.MODEL, 0.9),
                   Span(t[6].start, t[6].end, "LOC", Source.PATTERN)])
    [again] = parse_jsonl(format_jsonl([doc]))
    assert again.spans == doc.spans
    line = json.dumps({"text": "Ann met Bob", "spans": [{"start": 0, "end": 3, "label": "PER",
                                                          "source": "en_core_web_sm", "confidence": 0.3}]})
    [foreign] = parse_jsonl(line)
    assert foreign.spans == (Span(0, 3, "PER", Source.HUMAN, None),)


def _dumped(docs):
    """What the writer wrote before it wrote token lists itself."""
    from ner_studio.core.formats.jsonl import document_to_record

    return "".join(json.dumps(document_to_record(doc), ensure_ascii=False) + "\n" for doc in docs)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(alphabet=st.sampled_from(['a', 'É', '"', '\\', '\t', '\n', '\u2028', '\x01', ' ', '😀', 'Z']),
                        min_size=0, max_size=12), min_size=0, max_size=8),
       st.sampled_from([None, 0.5, 0.123456789, 1.0]))
def test_written_lines_are_the_characters_json_dumps_writes(words, confidence):
    text = " ".join(words)
    doc = Document.from_text(text, name='odd "name" \\')
    if doc.tokens:
        start, end = doc.tokens[0]
        doc.set_spans([Span(start, end, "PER", Source.MODEL, confidence)])
    doc.meta["jsonl_extra"] = {"zeta": ["é", 1.5, None, True]}
    doc.meta["jsonl_meta"] = {"id": 7}
    assert format_jsonl([doc, doc]) == _dumped([doc, doc])


def test_a_kept_field_named_tokens_takes_the_ordinary_path():
    doc = Document.from_text("Peter went home", name="d")
    doc.meta["jsonl_extra"] = {"tokens": "theirs"}
    assert format_jsonl([doc]) == _dumped([doc])
