"""``ner-studio catalogue import|export``, ``predict --catalogue`` and the links in
``project export`` (JSONL kb_id/kb_name, the catalogue beside, an optional CoNLL column)."""

from __future__ import annotations

import json

from ner_studio.cli import main
from ner_studio.core.catalogue.files import read_catalogue
from ner_studio.core.formats import read_documents
from ner_studio.core.store.project import Project
from ner_studio.core.text.spans import Span
from tests.core.project_fixtures import make_document, token_span

CSV = "name,label,aliases,external_id\nLisbon,LOC,Lisboa,Q597\nBank of England,ORG,BoE,\nWashington,PER,,\nWashington,LOC,,\n"


def test_import_then_export_round_trips(tmp_path, capsys):
    project = tmp_path / "p.nerstudio"
    assert main(["project", "create", str(project)]) == 0
    source = tmp_path / "in.csv"
    source.write_text(CSV, encoding="utf-8")
    assert main(["catalogue", "import", str(project), str(source)]) == 0
    assert "imported 4 entries (0 replaced)" in capsys.readouterr().out
    out = tmp_path / "out.jsonl"
    assert main(["catalogue", "export", str(project), str(out)]) == 0
    entries = read_catalogue(out)
    assert sorted(e.name for e in entries) == ["Bank of England", "Lisbon", "Washington", "Washington"]
    # edited and imported again: the same ids are replaced, not doubled
    edited = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    edited[0]["description"] = "edited"
    out.write_text("".join(json.dumps(e) + "\n" for e in edited), encoding="utf-8")
    assert main(["catalogue", "import", str(project), str(out)]) == 0
    assert "imported 4 entries (4 replaced)" in capsys.readouterr().out
    with Project.open(project, read_only=True) as opened:
        assert len(opened.catalogue().entries) == 4


def test_a_bad_line_names_the_file_and_line_and_imports_nothing(tmp_path, capsys):
    project = tmp_path / "p.nerstudio"
    assert main(["project", "create", str(project)]) == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("name,label\nLisbon,LOC\n,ORG\n", encoding="utf-8")
    assert main(["catalogue", "import", str(project), str(bad)]) == 2
    assert f"{bad}, line 3: the entry has no name" in capsys.readouterr().err
    with Project.open(project, read_only=True) as opened:
        assert opened.catalogue().entries == {}


def test_export_refuses_to_overwrite_the_project(tmp_path, capsys):
    project = tmp_path / "p.jsonl"  # a project under an odd name is still not written over
    assert main(["project", "create", str(project)]) == 0
    assert main(["catalogue", "export", str(project), str(project)]) == 2
    assert "input of the command" in capsys.readouterr().err


def test_predict_links_by_alias_as_suggestions(tmp_path, capsys):
    text = tmp_path / "in.txt"
    text.write_text("Lisboa and the BoE met Washington in Lisbon.\n", encoding="utf-8")
    patterns = tmp_path / "p.jsonl"
    patterns.write_text('{"label": "LOC", "pattern": "Lisboa"}\n{"label": "LOC", "pattern": "Lisbon"}\n'
                        '{"label": "ORG", "pattern": "BoE"}\n{"label": "MISC", "pattern": "Washington"}\n',
                        encoding="utf-8")
    catalogue = tmp_path / "c.csv"
    catalogue.write_text(CSV, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["predict", "none", str(text), "-o", str(out), "--patterns", str(patterns),
                 "--catalogue", str(catalogue)]) == 0
    assert "3 linked to the catalogue" in capsys.readouterr().out
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    links = [(record["text"][s["start"]:s["end"]], s.get("kb_name"), s["source"]) for s in record["spans"]]
    # Washington as MISC: a PER and a LOC entry have the name, so no link is guessed
    assert links == [("Lisboa", "Lisbon", "pattern"), ("BoE", "Bank of England", "pattern"),
                     ("Washington", None, "pattern"), ("Lisbon", "Lisbon", "pattern")]


def test_project_export_carries_links_and_writes_the_catalogue_beside(tmp_path, capsys):
    location = tmp_path / "p.nerstudio"
    with Project.create(location) as project:
        source = tmp_path / "in.csv"
        source.write_text(CSV, encoding="utf-8")
        project.save_entries(read_catalogue(source))
        lisbon = next(e for e in project.catalogue().entries.values() if e.name == "Lisbon")
        doc = make_document("We flew to Lisbon .")
        doc.set_spans([Span(*token_span(doc, 3), "LOC", kb_id=lisbon.entry_id)])
        project.add_documents([doc])
    out = tmp_path / "corpus.jsonl"
    assert main(["project", "export", str(location), str(out)]) == 0
    printed = capsys.readouterr().out
    assert "wrote the catalogue (4 entries)" in printed
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert record["spans"][0]["kb_id"] == lisbon.entry_id and record["spans"][0]["kb_name"] == "Lisbon"
    assert {e.entry_id for e in read_catalogue(tmp_path / "corpus.catalogue.jsonl")} >= {lisbon.entry_id}
    # read back: the link survives an import
    [read] = read_documents(out)
    assert read.spans[0].kb_id == lisbon.entry_id
    conll = tmp_path / "corpus.conll"
    assert main(["project", "export", str(location), str(conll)]) == 0
    plain_rows = [line for line in conll.read_text(encoding="utf-8").splitlines() if line.startswith("Lisbon")]
    assert plain_rows == ["Lisbon B-LOC"]  # unchanged by default
    with_column = tmp_path / "linked.conll"
    assert main(["project", "export", str(location), str(with_column), "--kb-column"]) == 0
    rows = [line.split() for line in with_column.read_text(encoding="utf-8").splitlines() if line and not line.startswith("-DOC")]
    assert rows[3] == ["Lisbon", "B-LOC", lisbon.entry_id] and rows[0] == ["We", "O", "_"]
