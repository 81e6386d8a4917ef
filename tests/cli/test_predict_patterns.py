"""``ner-studio predict MODEL IN -o OUT --patterns FILE``: pattern entities join the model's and
beat them where they overlap; entities kept from the input beat both; MODEL ``none``."""

from __future__ import annotations

import json

from ner_studio.cli import main
from ner_studio.core.formats import read_documents
from ner_studio.core.text.spans import Source
from tests.core.project_fixtures import run_python


def write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


def entities(path) -> list[tuple[str, str, str]]:
    [doc] = read_documents(path)
    return [(doc.text[s.start:s.end], s.label, str(s.source)) for s in doc.spans]


def test_patterns_alone_with_model_none_never_load_torch(tmp_path):
    text = write(tmp_path / "in.txt", "The Bank of England met Lisbon officials in Lisbon.\n")
    patterns = write(tmp_path / "p.jsonl", '{"label": "ORG", "pattern": [{"lower": "bank"}, {"lower": "of"}, '
                     '{"is_title": true}]}\n{"label": "LOC", "pattern": "Lisbon"}\n')
    out = tmp_path / "out.jsonl"
    child = run_python("""
        import sys
        from ner_studio.cli import main
        code = main(["predict", "none", *sys.argv[1:]])
        print("torch loaded" if "torch" in sys.modules else "no torch", code)
    """, str(text), "-o", str(out), "--patterns", str(patterns))
    assert "tagged 1 document, 3 entities (3 from patterns)" in child.stdout
    assert child.stdout.strip().endswith("no torch 0"), child.stderr
    assert entities(out) == [("Bank of England", "ORG", "pattern"), ("Lisbon", "LOC", "pattern"),
                             ("Lisbon", "LOC", "pattern")]


def test_patterns_beat_overlapping_model_entities_and_input_entities_beat_both(tiny_model, tmp_path):
    words = ["EU", "rejects", "German", "call", "to", "boycott", "British", "lamb", "."]
    conll = write(tmp_path / "in.conll", "".join(f"{w}\t{'B-ORG' if w == 'EU' else 'O'}\n" for w in words))
    gazetteer = write(tmp_path / "g.tsv", "EU\tMISC\nGerman\tMISC\nlamb\tMISC\n")
    out = tmp_path / "out.jsonl"
    assert main(["predict", str(tiny_model), str(conll), "-o", str(out), "--patterns", str(gazetteer),
                 "--keep-existing"]) == 0
    found = entities(out)
    assert ("EU", "ORG", "human") in found  # kept from the input: the pattern does not touch it
    assert ("German", "MISC", "pattern") in found and ("lamb", "MISC", "pattern") in found
    pattern_words = {"German", "lamb"}
    model = [e for e in found if e[2] == str(Source.MODEL)]
    assert not any(word in e[0].split() for e in model for word in pattern_words)

    without = tmp_path / "plain.jsonl"
    assert main(["predict", str(tiny_model), str(conll), "-o", str(without), "--patterns", str(gazetteer)]) == 0
    assert ("EU", "MISC", "pattern") in entities(without)  # not kept: the pattern beats the model


def test_model_none_needs_patterns_and_bad_pattern_files_name_the_line(tmp_path, capsys):
    text = write(tmp_path / "in.txt", "Lisbon.\n")
    out = tmp_path / "out.jsonl"
    assert main(["predict", "none", str(text), "-o", str(out)]) == 2
    assert "add --patterns FILE" in capsys.readouterr().err
    bad = write(tmp_path / "bad.jsonl", json.dumps({"label": "LOC", "pattern": "Lisbon"}) + "\n{oops\n")
    assert main(["predict", "none", str(text), "-o", str(out), "--patterns", str(bad)]) == 2
    assert f"{bad}, line 2: not valid JSON" in capsys.readouterr().err
    assert not out.exists()


def test_the_output_may_not_overwrite_a_pattern_file(tmp_path, capsys):
    text = write(tmp_path / "in.txt", "Lisbon.\n")
    patterns = write(tmp_path / "p.jsonl", '{"label": "LOC", "pattern": "Lisbon"}\n')
    assert main(["predict", "none", str(text), "-o", str(patterns), "--patterns", str(patterns), "--force"]) == 2
    assert patterns.read_text(encoding="utf-8").startswith('{"label"')


def test_a_dictionary_entry_matches_a_word_with_a_soft_hyphen(tmp_path):
    page = write(tmp_path / "in.html", "<p>Micro&shy;soft hired staff in Lis&#x200B;bon.</p>")
    places = write(tmp_path / "p.tsv", "Microsoft\tORG\nLisbon\tLOC\n")
    out = tmp_path / "out.jsonl"
    assert main(["predict", "none", str(page), "-o", str(out), "--patterns", str(places)]) == 0
    assert entities(out) == [("Micro\u00adsoft", "ORG", "pattern"), ("Lis\u200bbon", "LOC", "pattern")]


def test_a_dictionary_entry_never_joins_two_table_cells_or_paragraphs(tmp_path):
    from ner_studio.core.formats.samples import sample_docx

    report = tmp_path / "staff.docx"
    report.write_bytes(sample_docx(["Staff", "They met in New", "York Times Square."],
                                   table=[["Olaf Scholz", "Berlin Paris"], ["New York", "Times"]]))
    names = write(tmp_path / "p.tsv", "Scholz Berlin\tORG\nNew York Times\tORG\nNew York\tLOC\n")
    out = tmp_path / "out.jsonl"
    assert main(["predict", "none", str(report), "-o", str(out), "--patterns", str(names)]) == 0
    assert entities(out) == [("New York", "LOC", "pattern")]  # only the one inside a cell
