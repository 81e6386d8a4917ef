import pytest
import torch

from ner_studio.model.batching import collate, length_buckets
from tests.model.conftest import make_model


@pytest.mark.parametrize("decoder", ["crf", "softmax"])
def test_emission_shapes_and_decoded_lengths(vocabs, encoded, decoder):
    model = make_model(vocabs, decoder).eval()
    batch = collate(encoded)
    emissions = model(*batch.inputs())
    assert emissions.shape == (len(encoded), max(map(len, encoded)), len(vocabs.tags))
    paths = model.decode(emissions, batch.mask)
    assert [len(p) for p in paths] == [len(s) for s in encoded]
    loss = model.loss(emissions, batch.tags, batch.mask)
    assert loss.ndim == 0 and loss.item() > 0


@pytest.mark.parametrize("decoder", ["crf", "softmax"])
def test_padding_never_changes_emissions_loss_or_paths(vocabs, encoded, decoder):
    model = make_model(vocabs, decoder).eval()
    short = encoded[3]  # "Paris is big": shorter words and fewer tokens than the rest
    alone = collate([short])
    together = collate([encoded[1], short])
    with torch.no_grad():
        e_alone = model(*alone.inputs())
        e_together = model(*together.inputs())
        assert together.chars.shape[2] > alone.chars.shape[2]
        assert torch.allclose(e_alone[0], e_together[1, : len(short)], atol=1e-6)
        loss_alone = model.loss(e_alone, alone.tags, alone.mask)
        losses = [model.loss(e_together[i : i + 1], together.tags[i : i + 1], together.mask[i : i + 1])
                  for i in range(2)]
        assert losses[1].item() == pytest.approx(loss_alone.item(), abs=1e-5)
        assert model.decode(e_together, together.mask)[1] == model.decode(e_alone, alone.mask)[0]


def test_length_buckets_cover_every_sentence_once():
    lengths = [5, 1, 9, 3, 3, 7, 2]
    buckets = length_buckets(lengths, 3)
    assert sorted(i for b in buckets for i in b) == list(range(len(lengths)))
    assert all(len(b) <= 3 for b in buckets)
    assert [lengths[b[0]] for b in buckets] == sorted((lengths[b[0]] for b in buckets), reverse=True)


def test_unknown_decoder_is_refused(vocabs):
    with pytest.raises(ValueError, match="decoder"):
        make_model(vocabs, "beam")
