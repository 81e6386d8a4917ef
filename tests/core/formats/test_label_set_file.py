"""A label set file carries the labels with their guidelines both ways; a hand-written one
is read, and what it gets wrong is named with its file and line (issue 26)."""

import pytest

from ner_studio.core.errors import FormatError
from ner_studio.core.formats.label_set_file import merge_label_set, read_label_set, write_label_set
from ner_studio.core.text.labels import Label, LabelSet


def test_a_label_set_with_guidelines_round_trips(tmp_path):
    labels = LabelSet.conll2003()
    labels.set_guidelines("PER", "People by name.\nNot titles alone.", ["Karin Olsson", "Dr. Okafor"])
    labels.add("DATE", "#123456", "")
    labels.set_guidelines("DATE", "Calendar dates — “3 March”, not times", [])
    write_label_set(tmp_path / "labels.json", labels)
    again = read_label_set(tmp_path / "labels.json")
    assert again == labels
    assert again["PER"].examples == ("Karin Olsson", "Dr. Okafor")
    assert again["DATE"].key == "" and again["DATE"].colour == "#123456"


def test_a_hand_written_list_of_names_or_objects_is_read(tmp_path):
    (tmp_path / "names.json").write_text('["PER", "LOC"]', encoding="utf-8")
    assert read_label_set(tmp_path / "names.json").names() == ["PER", "LOC"]
    (tmp_path / "objects.json").write_text('[{"name": "ORG", "description": "Companies"}]', encoding="utf-8")
    org = read_label_set(tmp_path / "objects.json")["ORG"]
    assert org.description == "Companies" and org.key == "1"


@pytest.mark.parametrize(("text", "line", "reason"), [
    ('{"ner_studio_labels": 1,\n "labels": [\n  {"name": "PER",\n   "desciption": "People"}]}', 4, "'desciption'"),
    ('{"ner_studio_labels": 1,\n "label": []}', 2, "unknown key 'label'"),
    ('[\n {"name": "PER"},\n {"name": "B-LOC"}]', 3, "looks like a tag"),
    ('[\n {"name": "PER", "colour": "red"}]', 2, "#rrggbb"),
    ('[\n {"name": "PER", "examples": "Karin"}]', 2, "list of texts"),
    ('[\n {"name": "PER"},\n {"name": "PER"}]', 2, "already a label named"),
    ('{"ner_studio_labels": 9, "labels": []}', 1, "newer"),
    ('[\n {"name": "PER",}]', 2, "not JSON"),
])
def test_mistakes_are_named_with_the_file_and_line(tmp_path, text, line, reason):
    path = tmp_path / "labels.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FormatError) as caught:
        read_label_set(path)
    assert caught.value.path == str(path) and caught.value.line == line
    assert reason in str(caught.value)


def test_importing_merges_colours_keys_and_guidelines_and_removes_nothing():
    current = LabelSet.conll2003()
    current.rename("MISC", "OTHER")  # not saved yet: the rename stays
    imported = LabelSet([Label("LOC", "#000000", "2", "Places", ("Lisbon",)),
                         Label("DATE", "#123456", "4")])  # key 4 is OTHER's here: DATE takes the next free one
    merged = merge_label_set(current, imported)
    assert merged.names() == ["PER", "LOC", "ORG", "OTHER", "DATE"]
    assert merged["LOC"].description == "Places" and merged["LOC"].colour == "#000000"
    assert merged["DATE"].key == "5" and merged.renames() == {"MISC": "OTHER"}
