"""Documents of files named alike (tagged.conll, tagged.jsonl) keep names apart."""

from ner_studio.core.text.document import Document
from ner_studio.core.formats import names_apart, parse_documents


def docs_named(*names):
    return [Document.from_text("Text.", name=name) for name in names]


def test_a_file_whose_stem_is_taken_uses_its_full_name():
    docs = parse_documents('{"text": "One."}\n{"text": "Two."}\n{"text": "Own.", "meta": {"name": "mine"}}\n',
                           "jsonl", "in/tagged.jsonl")
    assert [d.name for d in docs] == ["tagged #1", "tagged #2", "mine"]
    names_apart(docs, "in/tagged.jsonl", others={"tagged", "sample"})
    assert [d.name for d in docs] == ["tagged.jsonl #1", "tagged.jsonl #2", "mine"]


def test_names_stay_when_nothing_clashes_and_parts_follow_the_first():
    docs = docs_named("report")
    names_apart(docs, "report.pdf", others={"reports", "report.docx #1", "sample"})
    assert docs[0].name == "report"
    later = docs_named("big #3", "big #4")
    names_apart(later, "big.conll", others={"big"}, earlier=["big #1", "big #2"])
    assert [d.name for d in later] == ["big #3", "big #4"]  # the first parts kept theirs
    names_apart(later, "big.conll", others=set(), earlier=["big.conll #1"])
    assert [d.name for d in later] == ["big.conll #3", "big.conll #4"]
    plain = docs_named("README")
    names_apart(plain, "README", others={"README"})  # no extension to tell them apart by
    assert plain[0].name == "README"
