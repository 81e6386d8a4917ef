"""``ner-studio project create|import|export|agreement``."""

import json

import pytest

from ner_studio.core.store.annotators import GOLD
from ner_studio.core.store.project import Project
from ner_studio.core.text.spans import Span
from tests.cli.conftest import run

ANN = "Ada\tB-PER\nLovelace\tI-PER\nmet\tO\nBabbage\tB-PER\nin\tO\nLondon\tB-LOC\n.\tO\n"
BOB = "Ada\tB-PER\nLovelace\tI-PER\nmet\tO\nBabbage\tB-ORG\nin\tO\nLondon\tB-LOC\n.\tO\n"


pytestmark = pytest.mark.usefixtures("own_settings")


@pytest.fixture
def team_project(tmp_path, capsys):
    (tmp_path / "ann").mkdir()
    (tmp_path / "bob").mkdir()
    (tmp_path / "ann" / "news.conll").write_text(ANN, encoding="utf-8")
    (tmp_path / "bob" / "news.conll").write_text(BOB, encoding="utf-8")
    project = tmp_path / "team.nerstudio"
    assert run(capsys, "project", "create", project)[0] == 0
    assert run(capsys, "project", "import", project, tmp_path / "ann" / "news.conll", "--annotator", "ann")[0] == 0
    code, out, _ = run(capsys, "project", "import", project, tmp_path / "bob" / "news.conll", "--annotator", "bob")
    assert code == 0 and "imported 1 document (3 entities, annotator bob)" in out
    return project


def test_two_annotators_files_of_one_text_meet_on_one_document(team_project):
    with Project.open(team_project, keep_backups=0) as project:
        assert len(project.document_summaries()) == 1
        assert project.annotators() == ["ann", "bob"]
        assert project.load_document(1).spans == ()  # "login" opened it and has no version
        assert [s.label for s in project.load_version(1, "bob").spans] == ["PER", "ORG", "LOC"]


def test_agreement_prints_a_table_per_label_and_writes_json(team_project, tmp_path, capsys):
    out_json = tmp_path / "agreement.json"
    code, out, _ = run(capsys, "project", "agreement", team_project, "--json", out_json)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "ann vs bob (1 document)"
    rows = {line.split()[0]: line.split()[1:] for line in lines[2:6]}
    assert rows["LOC"][:2] == ["1.000", "1.000"]
    assert rows["overall"][:2] == ["0.667", "0.667"]  # 2 of 3 spans each
    assert rows["ORG"][3] == "0" and rows["PER"][3] == "2"
    figures = json.loads(out_json.read_text(encoding="utf-8"))
    assert figures["pairs"][0]["exact"]["overall"]["f1"] == pytest.approx(2 / 3)
    assert set(figures["alpha"]) == {"LOC", "ORG", "PER", "overall"}


def test_export_one_annotator_the_gold_or_the_training_versions(team_project, tmp_path, capsys):
    code, out, _ = run(capsys, "project", "export", team_project, tmp_path / "bob.jsonl", "--annotator", "bob")
    assert code == 0 and "bob's versions" in out
    exported = json.loads((tmp_path / "bob.jsonl").read_text(encoding="utf-8"))
    assert [s["label"] for s in exported["spans"]] == ["PER", "ORG", "LOC"]
    code, out, _ = run(capsys, "project", "export", team_project, tmp_path / "gold.conll", "--gold")
    assert code == 0 and "exported 0 documents" in out
    with Project.open(team_project, keep_backups=0) as project:
        project.save_gold(1, [Span(0, 12, "PER"), Span(17, 24, "PER")])
    assert run(capsys, "project", "export", team_project, tmp_path / "gold.conll", "--gold", "--force")[0] == 0
    assert "Babbage B-PER" in (tmp_path / "gold.conll").read_text(encoding="utf-8").replace("\t", " ")
    code, out, _ = run(capsys, "project", "export", team_project, tmp_path / "train.jsonl")
    assert code == 0 and "gold versions where curated, else login's" in out
    assert len(json.loads((tmp_path / "train.jsonl").read_text(encoding="utf-8"))["spans"]) == 2


def test_bad_input_gives_one_line_errors(team_project, tmp_path, capsys):
    bad = tmp_path / "bad.conll"
    bad.write_text("Ada\tB-PER\nmet\tX-Y\n", encoding="utf-8")
    code, _, err = run(capsys, "project", "import", team_project, bad, "--annotator", "ann")
    assert code == 2 and "bad.conll, line 2" in err and len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, "project", "import", team_project, tmp_path / "missing.conll")
    assert code == 2 and "missing.conll: there is no such file" in err
    code, _, err = run(capsys, "project", "import", team_project, tmp_path / "ann" / "news.conll", "--annotator", "@gold")
    assert code == 2 and "reserved" in err
    code, _, err = run(capsys, "project", "export", team_project, team_project, "--to", "jsonl")
    assert code == 2 and "input" in err  # never written over the project
    code, _, err = run(capsys, "project", "export", team_project, tmp_path / "x.jsonl", "--annotator", "zed")
    assert code == 2 and "no annotator named 'zed' (annotators: ann, bob)" in err
    code, _, err = run(capsys, "project", "agreement", team_project, "--annotators", "ann")
    assert code == 2 and "two annotators or more" in err
    code, _, err = run(capsys, "project", "create", team_project)
    assert code == 2 and "already exists" in err
    code, _, err = run(capsys, "project", "agreement", tmp_path / "nothing.nerstudio")
    assert code == 2 and "no such project file" in err
    with Project.open(team_project, keep_backups=0) as project:  # nothing of the failures landed
        assert len(project.document_summaries()) == 1 and project.annotators() == ["ann", "bob"]
    with Project.open(team_project, read_only=True) as project:
        assert GOLD not in project.versions_of(1)


def test_import_uses_the_name_from_the_settings(tmp_path, capsys):
    from ner_studio.core.settings import Settings

    Settings.load().set("annotator", "Ann Smith")
    (tmp_path / "a.conll").write_text(ANN, encoding="utf-8")
    project = tmp_path / "p.nerstudio"
    assert run(capsys, "project", "create", project)[0] == 0
    code, out, _ = run(capsys, "project", "import", project, tmp_path / "a.conll")
    assert code == 0 and "annotator Ann Smith" in out
    with Project.open(project, annotator="Ann Smith", keep_backups=0) as opened:
        assert len(opened.load_document(1).spans) == 3


def test_a_project_on_the_server(postgres_url, tmp_path, capsys):
    (tmp_path / "ann.conll").write_text(ANN, encoding="utf-8")
    (tmp_path / "bob.conll").write_text(BOB, encoding="utf-8")
    assert run(capsys, "project", "create", postgres_url)[0] == 0
    assert run(capsys, "project", "import", postgres_url, tmp_path / "ann.conll", "--annotator", "ann")[0] == 0
    assert run(capsys, "project", "import", postgres_url, tmp_path / "bob.conll", "--annotator", "bob")[0] == 0
    code, out, _ = run(capsys, "project", "agreement", postgres_url, "--annotators", "ann", "bob")
    assert code == 0 and out.splitlines()[0] == "ann vs bob (1 document)"
    code, out, _ = run(capsys, "project", "export", postgres_url, tmp_path / "bob.jsonl", "--annotator", "bob")
    assert code == 0 and "exported 1 document (3 entities; bob's versions)" in out


def test_assign_spreads_documents_with_an_overlap_and_shows_the_assignments(tmp_path, capsys):
    corpus = tmp_path / "corpus.conll"
    corpus.write_text("".join(f"-DOCSTART-\tO\n\nDoc\tO\nnumber\tO\n{i}\tO\n\n" for i in range(10)), encoding="utf-8")
    project = tmp_path / "team.nerstudio"
    assert run(capsys, "project", "create", project)[0] == 0
    assert run(capsys, "project", "import", project, corpus)[0] == 0
    code, out, _ = run(capsys, "project", "assign", project, "--annotators", "ann", "bob", "cy", "--overlap", "0.2")
    assert code == 0
    assert "assigned 10 documents (2 of them to two annotators): ann 4, bob 4, cy 4" in out
    code, out, _ = run(capsys, "project", "assign", project)
    assert code == 0 and "10 of 10 documents assigned, 2 to two annotators; ann 4, bob 4, cy 4" in out
    with Project.open(project, annotator="bob", read_only=True) as opened:
        assert len(opened.assigned_documents()) == 4


def test_assign_refuses_a_bad_overlap_with_a_message(team_project, capsys):
    code, _, err = run(capsys, "project", "assign", team_project, "--annotators", "ann", "--overlap", "0.3")
    assert code == 2 and "an overlap needs at least two annotators" in err


def test_agreement_on_links_per_label(team_project, tmp_path, capsys):
    """Of the mentions both marked alike (Ada Lovelace PER, London LOC), the share linked to the
    same catalogue entry: Ada alike, London linked by ann only."""
    for name, links in (("ann", {0: "ada", 28: "london"}), ("bob", {0: "ada"})):
        with Project.open(team_project, annotator=name, keep_backups=0) as project:
            doc = project.load_document(1, track=True)
            for start, kb_id in links.items():
                span = doc.span_at(start)
                doc.edit((span,), (span.linked(kb_id),))
    out_json = tmp_path / "agreement.json"
    code, out, _ = run(capsys, "project", "agreement", team_project, "--json", out_json)
    assert code == 0
    lines = out.splitlines()
    assert lines[1].split()[-2:] == ["links", "linked"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[2:6]}
    assert rows["PER"][-2:] == ["1.000", "1"] and rows["LOC"][-2:] == ["0.000", "1"]
    assert rows["overall"][-2:] == ["0.500", "2"] and rows["ORG"][-2:] == ["n/a", "0"]
    links = json.loads(out_json.read_text(encoding="utf-8"))["pairs"][0]["links"]
    assert links["overall"] == {"same": 1, "compared": 2, "share": 0.5}


def test_export_carries_the_notes_and_a_bad_note_names_the_line(team_project, tmp_path, capsys):
    with Project.open(team_project, annotator="ann", keep_backups=0) as project:
        project.add_note(1, "Lovelace, not Byron", 0, 12)
        project.add_note(1, "from the 1843 translation")
    code, _, _ = run(capsys, "project", "export", team_project, tmp_path / "noted.jsonl")
    assert code == 0
    notes = json.loads((tmp_path / "noted.jsonl").read_text(encoding="utf-8"))["meta"]["notes"]
    assert [(n["text"], n["author"], n["start"], n["end"], n["resolved"]) for n in notes] == [
        ("Lovelace, not Byron", "ann", 0, 12, False), ("from the 1843 translation", "ann", None, None, False)]
    code, _, _ = run(capsys, "project", "export", team_project, tmp_path / "noted.csv", "--annotator", "ann")
    assert code == 0 and "ann: Lovelace, not Byron" in (tmp_path / "noted.csv").read_text(encoding="utf-8-sig")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "Ada met Babbage .", "meta": {"notes": [{"text": "x", "start": 2, "end": 99}]}}\n',
                   encoding="utf-8")
    code, _, err = run(capsys, "convert", bad, tmp_path / "out.jsonl")
    assert code == 2 and "bad.jsonl, line 1" in err and "not inside the text" in err


def test_agreement_writes_each_disagreement_as_json_lines_or_csv(team_project, tmp_path, capsys):
    """ann and bob differ on Babbage (PER against ORG); the figures print as before."""
    code, plain, _ = run(capsys, "project", "agreement", team_project)
    out = tmp_path / "disagreements.jsonl"
    code, printed, err = run(capsys, "project", "agreement", team_project, "--disagreements", out)
    assert code == 0 and printed == plain and f"wrote 1 disagreement -> {out}" in err
    (line,) = out.read_text(encoding="utf-8").splitlines()
    found = json.loads(line)
    assert found["kind"] == "label" and found["text"] == "Babbage" and found["document"] == "news"
    assert (found["start"], found["end"]) == (17, 24)
    assert found["first"] == {"annotator": "ann", "span": {"start": 17, "end": 24, "label": "PER", "kb_id": None}}
    assert found["second"]["annotator"] == "bob" and found["second"]["span"]["label"] == "ORG"
    assert found["context"] == "Ada Lovelace met Babbage in London ."
    sheet = tmp_path / "disagreements.csv"
    assert run(capsys, "project", "agreement", team_project, "--disagreements", sheet)[0] == 0
    header, row = sheet.read_text(encoding="utf-8-sig").splitlines()
    assert header.startswith("document,kind,start,end,text,first annotator,first label")
    assert row.startswith("news,label,17,24,Babbage,ann,PER,17,24,,bob,ORG,17,24,,")
    code, _, err = run(capsys, "project", "agreement", team_project, "--disagreements", tmp_path / "d.txt")
    assert code == 2 and "d.txt: the disagreements are written as .jsonl or .csv" in err
    code, _, err = run(capsys, "project", "agreement", team_project, "--json", tmp_path / "both.jsonl", "--disagreements",
                       tmp_path / "both.jsonl")
    assert code == 2 and "also an input" in err  # never one file for both
