"""Fuzzing every reader: random bytes and random structures either load or raise one of our
own errors (a message for the user), never anything else (issue 12)."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ner_studio.core.errors import NerStudioError
from ner_studio.core.formats import parse_documents, read_documents
from ner_studio.core.formats.stream import read_in_chunks
from ner_studio.core.store.project import Project
from ner_studio.core.settings import Settings

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
TAGS = st.sampled_from(["O", "B-PER", "I-PER", "E-PER", "S-LOC", "B-LOC", "I-", "B-", "X-Y", "-DOCSTART-", ""])
WORD = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=6)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 50) | st.floats(allow_nan=True) | WORD,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(WORD, inner, max_size=4),
    max_leaves=12,
)
RECORD = st.fixed_dictionaries(
    {"text": st.one_of(WORD, st.just("John lives in Paris ."), JSON)},
    optional={
        "spans": st.lists(st.one_of(JSON, st.fixed_dictionaries(
            {"start": st.integers(-2, 30), "end": st.integers(-2, 30), "label": st.one_of(WORD, JSON)})), max_size=3),
        "tokens": st.one_of(JSON, st.lists(st.fixed_dictionaries(
            {"start": st.integers(-2, 30), "end": st.integers(-2, 30)}), max_size=5)),
        "label": JSON, "entities": JSON, "sentences": JSON, "status": JSON, "meta": JSON,
    },
)


def loads_or_explains(action) -> None:
    try:
        action()
    except NerStudioError as error:
        assert str(error)  # a message for the user, never empty


@FUZZ
@given(data=st.binary(max_size=400), fmt=st.sampled_from(["conll", "jsonl", "txt"]))
def test_random_bytes_in_every_format(tmp_path, data, fmt):
    path = tmp_path / f"fuzz.{fmt}"
    path.write_bytes(data)
    loads_or_explains(lambda: read_documents(path))
    loads_or_explains(lambda: [d for piece in read_in_chunks(path, chunk_chars=64) for d in piece])


@FUZZ
@given(lines=st.lists(st.tuples(st.lists(WORD, min_size=0, max_size=3), TAGS), max_size=30))
def test_random_conll_columns(lines):
    text = "\n".join(" ".join([*words, tag]) for words, tag in lines)
    loads_or_explains(lambda: parse_documents(text, "conll"))


@FUZZ
@given(records=st.lists(st.one_of(RECORD, JSON), min_size=1, max_size=4))
def test_random_jsonl_records(records):
    text = "\n".join(json.dumps(record) for record in records)
    loads_or_explains(lambda: parse_documents(text, "jsonl"))


@FUZZ
@given(text=st.text(max_size=300))
def test_random_plain_text(text):
    loads_or_explains(lambda: parse_documents(text, "txt"))


@FUZZ
@given(data=st.binary(max_size=300), prefix=st.sampled_from([b"", b"SQLite format 3\x00"]))
def test_random_bytes_as_a_project(tmp_path, data, prefix):
    path = tmp_path / "fuzz.nerstudio"
    path.write_bytes(prefix + data)
    loads_or_explains(lambda: Project.open(path, keep_backups=0).close())


@FUZZ
@given(data=st.one_of(st.binary(max_size=200), JSON.map(lambda v: json.dumps(v).encode())))
def test_random_settings_files_never_stop_the_app(tmp_path, data):
    path = tmp_path / "settings.json"
    path.write_bytes(data)
    Settings.load(path)  # never raises: falls back to defaults


# --- issue 24: control characters in labels, JSON nested too deeply -------------------------
CONTROL = st.characters(whitelist_categories=("Cc", "Cf"), blacklist_characters="\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85")
LABEL_WITH_CONTROL = st.tuples(st.sampled_from(["PER", "LOC", "org"]), CONTROL, st.sampled_from(["", "X"])).map("".join)


@FUZZ
@given(label=LABEL_WITH_CONTROL, line=st.integers(1, 5))
def test_a_control_character_in_a_label_is_refused_with_the_file_and_line(tmp_path, label, line):
    from ner_studio.core.errors import FormatError
    from ner_studio.core.corpus.patterns import read_patterns

    rows = ["Paris B-LOC", "is O", "nice O", "Bonn S-LOC", "too O"]
    rows[line - 1] = f"Word B-{label}"
    files = {
        "in.conll": "\n".join(rows) + "\n",
        "in.jsonl": "\n".join(['{"text": "a b"}'] * (line - 1)
                              + [json.dumps({"text": "a b", "spans": [{"start": 0, "end": 1, "label": label}]})]) + "\n",
        "dictionary.tsv": "\n".join(["Paris\tLOC"] * (line - 1) + [f"Bonn\t{label}"]) + "\n",
        "patterns.jsonl": "\n".join(['{"label": "LOC", "pattern": "Paris"}'] * (line - 1)
                                    + [json.dumps({"label": label, "pattern": [{"lower": "bonn"}]})]) + "\n",
    }
    for name, text in files.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        reader = read_patterns if name.startswith(("dictionary", "patterns")) else read_documents
        try:
            reader(path)
        except FormatError as error:
            assert error.path == str(path) and error.line == line, (name, str(error))
            # A NUL makes the whole file binary, said with the same file and line.
            assert "control character U+" in str(error) or ("\x00" in label and "NUL bytes" in str(error))
        else:
            raise AssertionError(f"{name}: the label {label!r} was accepted")


DEEP = st.integers(5_000, 60_000).map(lambda n: "[" * n + "]" * n)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(deep=DEEP)
def test_json_nested_too_deeply_is_a_clear_error_everywhere(tmp_path, deep):
    from ner_studio.core.errors import FormatError
    from ner_studio.core.corpus.patterns import read_patterns
    from ner_studio.core.text.sentences import load_params

    for name, text, read in [
        ("p.jsonl", '{"label": "ORG", "pattern": "Acme"}\n{"label": "X", "pattern": ' + deep + "}\n", read_patterns),
        ("d.jsonl", '{"text": "a"}\n{"text": "a", "meta": ' + deep + "}\n", read_documents),
        ("params.json", deep, load_params),
    ]:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        try:
            read(path)
        except FormatError as error:
            assert "nested too deeply" in str(error) and error.path == str(path), str(error)
            if name.endswith(".jsonl"):
                assert error.line == 2
        else:
            raise AssertionError(f"{name} was read")
    settings_file = tmp_path / "settings.json"
    settings_file.write_text('{"recent_projects": ' + deep + "}", encoding="utf-8")
    loaded = Settings.load(settings_file)  # set aside, defaults used, one notice
    assert "nested too deeply" in loaded.problem and loaded.recent_projects == []


def test_the_json_depth_error_points_at_the_bracket_past_the_limit():
    from ner_studio.core import json_text

    text = '{"a": "[[[[", "b": ' + "[" * 5000 + "]" * 5000 + "}"
    try:
        json_text.loads(text)
    except json.JSONDecodeError as error:
        assert error.pos == text.index("[[[[[") + json_text.MAX_DEPTH - 1
        assert error.lineno == 1
    else:
        raise AssertionError("read")


@settings(max_examples=15, deadline=None)
@given(count=st.integers(1, 150), removed=st.lists(st.integers(0, 149), max_size=20))
def test_any_number_of_labels_added_and_removed_keep_distinct_colours(count, removed):
    from ner_studio.core.text.labels import LabelSet

    labels = LabelSet.conll2003()
    for k in range(count):
        labels.add(f"L{k}")
    for k in dict.fromkeys(removed):
        if f"L{k}" in labels:
            labels.remove(f"L{k}")
            labels.add(f"again{k}")
    assert len({label.colour for label in labels}) == len(labels)


TAG = st.sampled_from(["div", "font", "span", "b", "p", "li", "blockquote", "td"])


@settings(max_examples=25, deadline=None)
@given(opened=st.lists(st.tuples(TAG, st.integers(1, 400)), min_size=1, max_size=8), closed=st.booleans())
def test_nested_html_gives_every_word_or_refuses(opened, closed):
    """Issue 24: tags left open pile up; the reader keeps every word or says it cannot."""
    words = [f"w{k}" for k in range(len(opened))]
    page = "".join(f"<{tag}>" * depth + f" {word} " + (f"</{tag}>" * depth if closed else "")
                   for (tag, depth), word in zip(opened, words))
    try:
        (doc,) = parse_documents(f"<html><body>{page}</body></html>", "html")
    except NerStudioError as error:
        assert "levels deep" in str(error)
        return
    assert doc.text.split() == words


@settings(max_examples=25, deadline=None)
@given(levels=st.lists(st.tuples(st.sampled_from(["> ", "- ", "1. ", "  - "]), st.integers(1, 150)), min_size=1, max_size=5))
def test_nested_markdown_gives_every_word_or_refuses(levels):
    words = [f"w{k}" for k in range(len(levels))]
    source = "\n\n".join(marker * depth + word for (marker, depth), word in zip(levels, words)) + "\n"
    try:
        (doc,) = parse_documents(source, "md")
    except NerStudioError as error:
        assert "too deeply" in str(error)
        return
    assert [w for w in doc.text.split() if w.startswith("w")] == words
