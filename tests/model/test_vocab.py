from ner_studio.model.vocab import PAD_INDEX, UNK_INDEX, Vocab, Vocabularies, casing, normalize_word


def test_words_are_looked_up_lower_cased_with_digits_folded():
    assert normalize_word("Paris") == "paris"
    assert normalize_word("1996-08-22") == "0000-00-00"


def test_casing_keeps_what_lower_casing_drops():
    assert [casing(w) for w in ["Paris", "EU", "lamb", "1996", "12.5", "A4", "iPhone", ",", "I"]] == [
        "title", "upper", "lower", "numeric", "mostly_numeric", "contains_digit", "mixed", "other", "upper"]


def test_unknown_words_and_chars_map_to_unk(vocabs):
    assert vocabs.encode_words(["Paris", "PARIS", "Zanzibar"]) == [vocabs.words.index("paris")] * 2 + [UNK_INDEX]
    assert vocabs.encode_chars(["é"]) == [[UNK_INDEX]]
    assert vocabs.words[PAD_INDEX] == "<pad>"


def test_growing_keeps_existing_indices(vocabs):
    before = vocabs.words.to_list()
    new = vocabs.words.add("zanzibar")
    assert new == len(before)
    assert vocabs.words.to_list()[: len(before)] == before
    assert vocabs.words.add("paris") == before.index("paris")


def test_round_trip_through_plain_lists(vocabs):
    again = Vocabularies.from_dict(vocabs.to_dict())
    assert again.to_dict() == vocabs.to_dict()
    assert again.encode_words(["Paris", "nowhere"]) == vocabs.encode_words(["Paris", "nowhere"])


def test_tag_vocabulary_has_no_specials():
    tags = Vocab(["O", "S-PER"], specials=())
    assert tags.to_list() == ["O", "S-PER"]
    try:
        tags.index("B-LOC")
    except KeyError:
        pass
    else:
        raise AssertionError("an unknown tag must not map to anything")


def test_the_model_reads_a_word_without_its_invisible_format_characters():
    from ner_studio.model.batching import encode_sentence
    from ner_studio.model.vocab import Vocabularies, casing, model_word, normalize_word

    vocabs = Vocabularies.build([["Microsoft", "2001"]], [["O"]])
    assert normalize_word("Micro\u00adsoft") == normalize_word("Microsoft") == "microsoft"
    assert casing("Micro\u200bsoft") == "title" and casing("20\u206001") == "numeric"
    marked = encode_sentence(vocabs, ["Micro\u00adsoft", "20\u200b01"])
    plain = encode_sentence(vocabs, ["Microsoft", "2001"])
    assert (marked.words, marked.chars, marked.casing) == (plain.words, plain.chars, plain.casing)
    assert model_word("\u00ad") == "\u00ad"  # nothing visible left: the text itself, never empty
