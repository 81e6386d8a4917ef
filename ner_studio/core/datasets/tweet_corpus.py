"""WNUT-16 tweets (``ner-studio data fetch wnut16``) as documents, for the adaptation benchmark.

The corpus is one CoNLL file of 2,394 tweets in ten entity types. Each tweet becomes a document
of one sentence (tweets are independent posts: nothing links one to the next), keeping the
native types; :func:`mapped` renames them onto CoNLL-2003's four, so a newswire model can be
scored and adapted without learning new labels. Tweets 1-1,394 are the benchmark's pool,
1,395-2,394 its test set (:func:`pool_and_test`).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ner_studio.core.text.document import Document
from ner_studio.core.formats import read_documents
from ner_studio.core.learning.training_set import sentence_snapshot

NATIVE_TYPES = ("company", "facility", "geo-loc", "movie", "musicartist", "other", "person", "product",
                "sportsteam", "tvshow")
TO_CONLL = {
    "person": "PER",
    "geo-loc": "LOC", "facility": "LOC",
    "company": "ORG", "sportsteam": "ORG", "musicartist": "ORG",
    "product": "MISC", "movie": "MISC", "tvshow": "MISC", "other": "MISC",
}
POOL_TWEETS = 1394


def read_tweets(path: str | Path) -> list[Document]:
    """Every tweet of the corpus file as a one-sentence document named ``tweet N`` (1-based)."""
    tweets = []
    for doc in read_documents(path, "conll"):
        for k in range(len(doc.sentences)):
            tweet = sentence_snapshot(doc, k)
            tweet.name = f"tweet {len(tweets) + 1}"
            tweets.append(tweet)
    return tweets


def mapped(doc: Document, mapping: dict[str, str] = TO_CONLL) -> Document:
    """``doc`` with every span's label renamed by ``mapping`` (labels not in it are kept)."""
    spans = [replace(span, label=mapping.get(span.label, span.label)) for span in doc.spans]
    return Document(doc.text, doc.tokens, list(doc.sentences), spans, name=doc.name, status=doc.status,
                    doc_id=doc.doc_id)


def pool_and_test(tweets: list[Document]) -> tuple[list[Document], list[Document]]:
    """The benchmark's fixed split: the first 1,394 tweets and the rest."""
    return tweets[:POOL_TWEETS], tweets[POOL_TWEETS:]
