import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ner_studio.core.errors import LabelError
from ner_studio.core.text.labels import KEYS, PALETTE, Label, LabelSet, check_name

HEX = re.compile(r"#[0-9a-f]{6}")


def test_conll2003_default_has_four_labels_with_keys_and_distinct_colours():
    labels = LabelSet.conll2003()
    assert labels.names() == ["PER", "LOC", "ORG", "MISC"]
    assert [label.key for label in labels] == ["1", "2", "3", "4"]
    colours = [label.colour for label in labels]
    assert len(set(colours)) == 4 and all(HEX.fullmatch(c) for c in colours)
    assert labels.by_key("3").name == "ORG"
    assert labels.by_key("") is None and labels.by_key("9") is None


def test_add_takes_the_first_palette_colour_unlike_the_others_and_next_free_key():
    labels = LabelSet.conll2003()
    date = labels.add("DATE")
    assert date.key == "5"
    assert date.colour == PALETTE[5]  # not PALETTE[4], amber, which is close to LOC's orange
    assert LabelSet().add("FIRST").colour == PALETTE[0]
    assert labels.names()[-1] == "DATE"


def test_many_labels_keep_unique_colours_and_run_out_of_keys_gracefully():
    labels = LabelSet()
    for index in range(30):
        labels.add(f"L{index}")
    assert [label.key for label in labels][:9] == list(KEYS)
    assert all(label.key == "" for label in list(labels)[9:])
    colours = [label.colour for label in labels]
    assert len(set(colours)) == 30 and all(HEX.fullmatch(c) for c in colours)


@pytest.mark.parametrize("name", ["", "NEW YORK", "O", "B-PER", "I-LOC", "X" * 41, "tab\tname"])
def test_bad_names_are_refused(name):
    with pytest.raises(LabelError):
        LabelSet().add(name)


@pytest.mark.parametrize("colour", ["red", "#fff", "#12345g", "123456", "#1234567"])
def test_bad_colours_are_refused(colour):
    labels = LabelSet.conll2003()
    with pytest.raises(LabelError, match="#rrggbb"):
        labels.set_colour("PER", colour)
    assert labels == LabelSet.conll2003()


def test_colours_are_normalised_to_lower_case():
    labels = LabelSet([Label("A", "#AABBCC", "1")])
    assert labels["A"].colour == "#aabbcc"


def test_duplicates_are_refused_with_clear_messages():
    labels = LabelSet.conll2003()
    with pytest.raises(LabelError, match="already a label named 'PER'"):
        labels.add("PER")
    with pytest.raises(LabelError, match="key 2 is already the shortcut of LOC"):
        labels.add("DATE", key="2")
    with pytest.raises(LabelError, match="key 1 is already the shortcut of PER"):
        labels.set_key("ORG", "1")
    with pytest.raises(LabelError, match="already a label named 'ORG'"):
        labels.rename("PER", "ORG")
    with pytest.raises(LabelError, match="1-9"):
        labels.set_key("ORG", "0")
    with pytest.raises(LabelError, match="already"):
        LabelSet([Label("A", "#000000", "1"), Label("A", "#111111", "2")])
    with pytest.raises(LabelError, match="key 1"):
        LabelSet([Label("A", "#000000", "1"), Label("B", "#111111", "1")])
    assert labels == LabelSet.conll2003()


def test_unknown_label_names_the_existing_ones():
    with pytest.raises(LabelError, match="no label named 'GPE'; the labels are PER, LOC, ORG, MISC"):
        LabelSet.conll2003().remove("GPE")


def test_rename_keeps_colour_and_key_and_is_remembered():
    labels = LabelSet.conll2003()
    before = labels["PER"]
    after = labels.rename("PER", "PERSON")
    assert (after.colour, after.key) == (before.colour, before.key)
    assert labels.names()[0] == "PERSON"
    labels.rename("PERSON", "HUMAN")
    assert labels.renames() == {"PER": "HUMAN"}
    assert labels.removed() == set()


def test_swapping_two_names_is_recorded_as_a_swap():
    labels = LabelSet.conll2003()
    labels.rename("PER", "TMP")
    labels.rename("LOC", "PER")
    labels.rename("TMP", "LOC")
    assert labels.renames() == {"PER": "LOC", "LOC": "PER"}


def test_removed_and_readded_name_is_a_new_label():
    labels = LabelSet.conll2003()
    labels.remove("MISC")
    labels.add("MISC")
    assert labels.removed() == {"MISC"}
    labels.rename("MISC", "OTHER")
    assert labels.renames() == {}  # the new MISC was never saved


def test_mark_saved_forgets_history_and_copy_keeps_it():
    labels = LabelSet.conll2003()
    labels.rename("ORG", "COMPANY")
    labels.remove("MISC")
    duplicate = labels.copy()
    assert duplicate.renames() == {"ORG": "COMPANY"} and duplicate.removed() == {"MISC"}
    labels.mark_saved()
    assert labels.renames() == {} and labels.removed() == set()
    assert duplicate.renames() == {"ORG": "COMPANY"}


def test_clearing_a_key_frees_it_and_move_reorders():
    labels = LabelSet.conll2003()
    labels.set_key("PER", "")
    labels.set_key("MISC", "1")
    assert labels.by_key("1").name == "MISC"
    labels.move("MISC", 0)
    assert labels.names() == ["MISC", "PER", "LOC", "ORG"]
    labels.move("MISC", 99)
    assert labels.names()[-1] == "MISC"


def test_changed_fires_on_success_only():
    labels = LabelSet.conll2003()
    calls = []
    labels.changed.connect(lambda: calls.append(1))
    labels.set_colour("PER", "#123456")
    with pytest.raises(LabelError):
        labels.add("PER")
    assert calls == [1]


def test_colour_of_falls_back_for_unknown_labels():
    labels = LabelSet.conll2003()
    assert labels.colour_of("PER") == labels["PER"].colour
    assert labels.colour_of("GPE", "#000000") == "#000000"


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["add", "rename", "remove", "key", "colour"]),
        st.sampled_from(["PER", "LOC", "ORG", "MISC", "A", "B", "C"]),
        st.sampled_from(["PER", "LOC", "X", "Y", "Z"]),
        st.sampled_from(["", "1", "2", "5", "9"]),
    ),
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(OPERATIONS)
def test_any_sequence_of_changes_keeps_the_set_valid(operations):
    labels = LabelSet.conll2003()
    for op, name, other, key in operations:
        snapshot = list(labels)
        try:
            if op == "add":
                labels.add(name, key=key)
            elif op == "rename":
                labels.rename(name, other)
            elif op == "remove":
                labels.remove(name)
            elif op == "key":
                labels.set_key(name, key)
            else:
                labels.set_colour(name, "#ABCDEF")
        except LabelError:
            assert list(labels) == snapshot  # a refused change changes nothing
        names = labels.names()
        keys = [label.key for label in labels if label.key]
        assert len(names) == len(set(names))
        assert len(keys) == len(set(keys))
        assert all(HEX.fullmatch(label.colour) for label in labels)
        renames = labels.renames()
        assert set(renames.values()) <= set(names)
        assert not (set(renames) & labels.removed())


def test_any_number_of_labels_each_get_a_colour_of_their_own():
    """Issue 24: the 61st label raised "max() arg is an empty sequence" (Few-NERD has 66)."""
    labels = LabelSet.conll2003()
    for k in range(196):
        labels.add(f"T{k}")
    assert len(labels) == 200 and len({label.colour for label in labels}) == 200
    again = LabelSet.conll2003()
    for k in range(196):
        again.add(f"T{k}")
    assert again == labels  # deterministic: the same labels get the same colours


@pytest.mark.parametrize("name", ["PER\x00", "\x1b[31mORG", "LOC\u202e", "MISC\x7f", "A\u200bB"])
def test_control_characters_in_a_label_name_are_refused(name):
    with pytest.raises(LabelError, match="control character U\\+"):
        check_name(name)
    with pytest.raises(LabelError):
        LabelSet.conll2003().add(name)


def test_a_stored_label_with_a_control_character_still_loads_so_its_project_opens():
    labels = LabelSet([Label("OLD\x1b", "#aa9cfc", "1")])  # as an older version let it in
    assert labels.names() == ["OLD\x1b"]
    with pytest.raises(LabelError, match="control character"):
        labels.rename("OLD\x1b", "NEW\x1b")
    assert labels.rename("OLD\x1b", "OLD").name == "OLD"


def test_guidelines_are_a_change_saved_like_a_colour_and_kept_by_renames():
    labels = LabelSet.conll2003()
    labels.set_guidelines("PER", "  People by name  ", ["Karin Olsson", "", "  Dr. Okafor "])
    assert labels["PER"].description == "People by name"
    assert labels["PER"].examples == ("Karin Olsson", "Dr. Okafor")
    assert [label.name for label in labels.changes().updated] == ["PER"]
    labels.rename("PER", "PERSON")
    labels.set_key("PERSON", "9")
    assert labels["PERSON"].examples == ("Karin Olsson", "Dr. Okafor")
    stored = LabelSet.conll2003()  # what another window left stored: PER as it was
    assert stored.copy() == stored and labels.changes().apply(stored)["PERSON"].description == "People by name"


def test_guidelines_that_are_not_text_are_refused():
    labels = LabelSet.conll2003()
    with pytest.raises(LabelError, match="list of texts"):
        labels.set_guidelines("PER", "People", "Karin Olsson")
    with pytest.raises(LabelError, match="longer than"):
        labels.set_guidelines("PER", "x" * 5000)
    assert labels["PER"].description == ""
