import pytest
import torch

from ner_studio.core.errors import FormatError
from ner_studio.model.vectors import initialise_embedding, read_vectors
from tests.model.conftest import make_model


def write_vectors(path, lines, header=None):
    text = (f"{header}\n" if header else "") + "\n".join(lines) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def test_glove_file_is_read_with_normalised_keys(tmp_path):
    path = write_vectors(tmp_path / "v.txt", ["Paris 1 2 3", "paris 4 5 6", "1996 7 8 9", "lamb 0 0 1"])
    vectors, dimension = read_vectors(path)
    assert dimension == 3
    assert vectors["paris"] == [4.0, 5.0, 6.0]  # the lower-case entry wins over "Paris"
    assert vectors["0000"] == [7.0, 8.0, 9.0]


def test_word2vec_header_and_wanted_filter(tmp_path):
    path = write_vectors(tmp_path / "w2v.txt", ["Berlin 1 1", "zebra 2 2"], header="2 2")
    vectors, dimension = read_vectors(path, wanted={"berlin"})
    assert dimension == 2 and vectors == {"berlin": [1.0, 1.0]}


@pytest.mark.parametrize("lines, message, line", [
    (["a 1 2", "b 1"], "1 numbers where earlier lines have 2", 2),
    (["a 1 x"], "not a number", 1),
    (["lonely"], "expected a word followed by numbers", 1),
])
def test_bad_lines_are_named(tmp_path, lines, message, line):
    path = write_vectors(tmp_path / "bad.txt", lines)
    with pytest.raises(FormatError, match=message) as error:
        read_vectors(path)
    assert error.value.line == line and error.value.path == str(path)


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(FormatError, match="cannot read"):
        read_vectors(tmp_path / "nope.txt")
    (tmp_path / "empty.txt").write_text("")
    with pytest.raises(FormatError, match="no vectors"):
        read_vectors(tmp_path / "empty.txt")


def test_embedding_rows_copied_for_known_words_only(tmp_path, vocabs):
    model = make_model(vocabs)
    dimension = model.config.word_dim
    path = write_vectors(tmp_path / "v.txt", [
        "Paris " + " ".join(["0.5"] * dimension),
        "unseenword " + " ".join(["0.25"] * dimension),
    ])
    vectors, _ = read_vectors(path, wanted=set(vocabs.words))
    before = model.word_embedding.weight.detach().clone()
    assert initialise_embedding(model.word_embedding, vocabs.words, vectors) == 1
    after = model.word_embedding.weight.detach()
    paris = vocabs.words.index("paris")
    assert torch.all(after[paris] == 0.5)
    changed = (after != before).any(dim=1).nonzero().flatten().tolist()
    assert changed == [paris]  # every other word keeps its random vector
