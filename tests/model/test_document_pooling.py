"""Document pooling: each token also sees the mean BiLSTM state of its word's mentions in
the document. Documents must stay whole in a batch, and padding must still change nothing."""

import pytest
import torch

from ner_studio.model.batching import collate, document_batches, document_keys, encode_sentence
from ner_studio.model.network import mention_means
from ner_studio.model.training import TrainingConfig, evaluate_encoded, train_model
from tests.model.conftest import make_model, tiny_examples
from tests.model.test_training import FAST


def encode_documents(vocabs, documents):
    """``documents``: lists of (words, tags) sentences."""
    encoded = []
    for number, sentences in enumerate(documents):
        keys = document_keys([words for words, _ in sentences])
        encoded += [encode_sentence(vocabs, words, tags, document=number, keys=k)
                    for (words, tags), k in zip(sentences, keys)]
    return encoded


def test_document_keys_match_words_as_the_embedding_reads_them():
    keys = document_keys([["Paris", "is", "PARIS"], ["paris", "in", "2024", "1999"]])
    assert keys == [[0, 1, 0], [0, 2, 3, 3]]


def test_mention_means_average_the_states_of_each_group():
    states = torch.tensor([[[1.0], [2.0], [0.0]], [[3.0], [5.0], [7.0]]])
    groups = torch.tensor([[1, 2, 0], [1, 3, 2]])
    means = mention_means(states, groups)
    assert means.squeeze(2).tolist() == [[2.0, 4.5, 0.0], [2.0, 5.0, 4.5]]


def test_document_batches_keep_documents_whole(vocabs):
    examples = tiny_examples()
    encoded = encode_documents(vocabs, [examples[:3], examples[3:4], examples[4:]])
    batches = document_batches(encoded, 2, order=[2, 0, 1])
    assert batches == [[4, 5, 6, 7], [0, 1, 2], [3]]


def test_pooling_sees_other_mentions_and_padding_changes_nothing(vocabs):
    model = make_model(vocabs, document_pooling=True).eval()
    examples = tiny_examples()
    document = encode_documents(vocabs, [examples[:2]])  # "John Smith lives in Paris ." + "Mary visited ..."
    other = encode_documents(vocabs, [[examples[0], examples[5]]])
    for s in other:
        s.document = 7
    with torch.no_grad():
        alone = collate(document)
        e_alone = model(*alone.inputs(), groups=alone.groups)
        together = collate(other + document)
        e_together = model(*together.inputs(), groups=together.groups)
        assert torch.allclose(e_alone, e_together[2:, : e_alone.size(1)], atol=1e-6)
        # Without its document, the same sentence reads differently.
        first = collate(document[:1])
        assert not torch.allclose(model(*first.inputs(), groups=first.groups)[0], e_alone[0, :6], atol=1e-4)


def test_without_groups_every_token_stands_alone(vocabs, encoded):
    model = make_model(vocabs, document_pooling=True).eval()
    batch = collate(encoded)
    alone = torch.arange(1, batch.mask.numel() + 1).view_as(batch.mask) * batch.mask
    with torch.no_grad():
        assert torch.allclose(model(*batch.inputs()), model(*batch.inputs(), groups=alone), atol=1e-6)


def test_a_pooling_model_trains_on_whole_documents_and_overfits(vocabs):
    examples = tiny_examples()
    encoded = encode_documents(vocabs, [examples[:3], examples[3:5], examples[5:]])
    model = make_model(vocabs, dropout=0.0, document_pooling=True)
    seen = []
    result = train_model(model, vocabs, encoded, encoded, TrainingConfig(**{**FAST, "batch_size": 2}),
                         callback=seen.append)
    assert result.best_dev_f1 == 1.0
    assert evaluate_encoded(model, vocabs, encoded)[1] == pytest.approx(1.0)
    assert {p.batches for p in seen if p.phase == "batch"} == {3}


@pytest.mark.parametrize("threads", [None, 2])
def test_the_tagger_pools_over_whole_documents_however_they_are_batched(vocabs, threads):
    from ner_studio.model.checkpoint import LoadedModel
    from ner_studio.model.predict import TorchPredictor
    from tests.model.test_predict import LABELS, whitespace_document

    model = make_model(vocabs, document_pooling=True).eval()
    sentences = [" ".join(words) for words, _ in tiny_examples()]
    docs = [whitespace_document(sentences[:5], "a"), whitespace_document(sentences[5:], "b")]
    tagger = TorchPredictor(LoadedModel(model, vocabs, LABELS, "bioes", {}), threads=threads)
    # Batches of two sentences split each document over several batches.
    predicted = tagger.predict_documents(docs, batch_size=2)
    for doc, prediction in zip(docs, predicted):
        words = [doc.sentence_words(k) for k in range(len(doc.sentences))]
        keys = document_keys(words)
        batch = collate([encode_sentence(vocabs, w, document=0, keys=k) for w, k in zip(words, keys)])
        with torch.no_grad():
            paths = model.decode(model(*batch.inputs(), groups=batch.groups), batch.mask)
        alone = tagger.predict_sentences(words, documents=[0] * len(words))
        assert [p.path for p in alone] == paths
        assert len(prediction.sentence_scores) == len(words)
    # Without document numbers each sentence is its own document.
    words = [s.split(" ") for s in sentences]
    own = tagger.predict_sentences(words)
    single = [tagger.predict_sentences([w])[0] for w in words]
    assert [p.path for p in own] == [p.path for p in single]
