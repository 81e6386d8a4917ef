"""The catalogue without a store: entries, ranking as one types, alias suggestions, files."""

import pytest

from ner_studio.core.catalogue.entries import CatalogueEntry, normalised
from ner_studio.core.catalogue.files import parse_catalogue, read_catalogue, write_catalogue
from ner_studio.core.catalogue.ranking import CatalogueIndex, Match
from ner_studio.core.catalogue.suggestions import AliasIndex, suggest_links, with_suggested_links
from ner_studio.core.errors import FormatError
from ner_studio.core.text.spans import Source, Span


def entry(entry_id, name, label, *aliases, external_id="", description=""):
    return CatalogueEntry(entry_id, name, label, tuple(aliases), external_id, description)


CATALOGUE = [
    entry("lis", "Lisbon", "LOC", "Lisboa"),
    entry("nyc", "New York City", "LOC", "NYC", "New York"),
    entry("nyt", "The New York Times", "ORG", "NYT"),
    entry("was-p", "George Washington", "PER", "Washington"),
    entry("was-l", "Washington, D.C.", "LOC", "Washington"),
    entry("mer", "Angela Merkel", "PER", "Merkel"),
]


def ids(candidates):
    return [c.entry.entry_id for c in candidates]


def test_names_compare_normalised():
    assert normalised("  New\u00a0 YORK ") == "new york"
    assert normalised("ﬁnance") == "finance"


def test_a_new_entry_gets_an_id_and_clean_aliases():
    made = CatalogueEntry.create(" Lisbon ", "LOC", ["lisbon", "Lisboa", "", "LISBOA"], " Q597 ")
    assert len(made.entry_id) == 32 and made.name == "Lisbon" and made.aliases == ("Lisboa",)
    assert made.external_id == "Q597"
    renamed = made.renamed("Lisboa, Portugal")
    assert renamed.name == "Lisboa, Portugal" and renamed.aliases == ("Lisbon", "Lisboa")
    merged = entry("a", "NYC", "LOC").absorbing(entry("b", "New York", "LOC", "Big Apple", external_id="Q60"))
    assert merged.aliases == ("New York", "Big Apple") and merged.external_id == "Q60"


def test_an_exact_alias_comes_first_whatever_the_label():
    index = CatalogueIndex(CATALOGUE)
    ranked = index.rank("nyt", label="LOC")
    assert ranked[0].entry.entry_id == "nyt" and ranked[0].match == Match.EXACT


def test_words_typed_so_far_match_by_token_and_prefix():
    index = CatalogueIndex(CATALOGUE)
    ranked = index.rank("new yo", label="LOC")
    assert ids(ranked)[:2] == ["nyc", "nyt"]  # both by token; the mention's label first
    assert {c.match for c in ranked[:2]} == {Match.TOKEN}


def test_typos_match_fuzzily():
    index = CatalogueIndex(CATALOGUE)
    ranked = index.rank("Angela Merkle", label="PER")
    assert index.rank("Merkle", label="PER")[0].entry.entry_id == "mer"  # a typo in one word
    assert ranked[0].entry.entry_id == "mer" and ranked[0].match == Match.FUZZY
    assert index.rank("zzzzqqq") == []


def test_same_label_then_linked_in_this_document_break_ties():
    index = CatalogueIndex(CATALOGUE)
    assert ids(index.rank("Washington", label="LOC"))[:2] == ["was-l", "was-p"]
    assert ids(index.rank("Washington", label="PER"))[:2] == ["was-p", "was-l"]
    assert ids(index.rank("Washington", label="MISC", linked={"was-l"}))[:2] == ["was-l", "was-p"]


def test_an_empty_query_lists_linked_and_same_label_entries():
    index = CatalogueIndex(CATALOGUE)
    assert ids(index.rank("", label="PER", linked={"lis"})) == ["mer", "was-p", "lis"]


def test_a_mention_that_names_one_entry_gets_a_suggested_link():
    text = "Washington met Merkel in Lisbon and Washington."
    spans = [Span(0, 10, "PER"), Span(15, 21, "PER"), Span(25, 31, "LOC"), Span(36, 46, "MISC"),
             Span(36, 46, "LOC", kb_id="lis")]
    index = AliasIndex(CATALOGUE)
    suggested = suggest_links(text, spans, index)
    assert suggested == {spans[0]: "was-p", spans[1]: "mer", spans[2]: "lis"}  # MISC: two entries; linked: kept
    linked = with_suggested_links(text, spans[:3], index)
    assert [s.kb_id for s in linked] == ["was-p", "mer", "lis"]
    assert linked[0].source == Source.HUMAN


def test_a_link_is_part_of_the_span():
    span = Span(0, 5, "LOC")
    assert span.kb_id is None and span.linked("lis") != span and span.linked("lis").linked(None) == span
    assert span.linked("lis").relabelled("ORG").kb_id == "lis"


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_files_round_trip(tmp_path, suffix):
    entries = [*CATALOGUE, entry("x", "=cmd|' /C calc'!A0", "MISC", "-minus", description="a, \"quoted\"\nline")]
    path = tmp_path / f"catalogue{suffix}"
    assert write_catalogue(entries, path) == len(entries)
    assert read_catalogue(path) == entries
    if suffix == ".csv":
        assert "'=cmd" in path.read_text(encoding="utf-8-sig")  # never a formula in Excel


def test_a_csv_without_ids_gets_new_ones_and_extra_columns_are_refused(tmp_path):
    made = parse_catalogue("name,label,aliases\nLisbon,LOC,Lisboa|Lisbonne\n\n", "csv")
    assert made[0].aliases == ("Lisboa", "Lisbonne") and len(made[0].entry_id) == 32
    with pytest.raises(FormatError, match="line 1"):
        parse_catalogue("name,colour\nLisbon,red\n", "csv", "c.csv")


@pytest.mark.parametrize("fmt,text,line,reason", [
    ("csv", "name,label\nLisbon,LOC\n,LOC\n", 3, "no name"),
    ("csv", "name,label\nLisbon,LOC,extra\n", 2, "3 cells"),
    ("csv", "id,name,label\na,Lisbon,LOC\na,Porto,LOC\n", 3, "line 2 too"),
    ("jsonl", '{"name": "Lisbon", "label": "LOC"}\n{"name": "Porto"\n', 2, "not JSON"),
    ("jsonl", '{"name": "Lisbon", "label": "LOC", "aliases": "Lisboa"}\n', 1, "list of strings"),
    ("jsonl", '["Lisbon"]\n', 1, "JSON object"),
    ("jsonl", '{"name": "Lisbon", "label": "LOC", "qid": "Q1"}\n', 1, "unknown keys qid"),
])
def test_bad_rows_name_the_file_and_line(fmt, text, line, reason):
    with pytest.raises(FormatError) as caught:
        parse_catalogue(text, fmt, f"cat.{fmt}")
    assert caught.value.path == f"cat.{fmt}" and caught.value.line == line and reason in caught.value.reason


def test_an_unknown_suffix_or_a_file_not_utf8_is_refused(tmp_path):
    with pytest.raises(FormatError, match=r"\.csv or \.jsonl"):
        read_catalogue(tmp_path / "c.txt")
    bad = tmp_path / "c.csv"
    bad.write_bytes(b"name,label\nZ\xfcrich,LOC\n")
    with pytest.raises(FormatError, match="not UTF-8"):
        read_catalogue(bad)


def test_rapidfuzz_is_imported_when_first_ranking_not_at_start_up():
    import subprocess
    import sys
    from pathlib import Path

    probe = ("import sys, ner_studio.core.catalogue.ranking, ner_studio.gui.catalogue.links; "
             "print('rapidfuzz' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parents[3])
    assert result.stdout.strip() == "False"
