import itertools
import math

import pytest
import torch

from ner_studio.model.crf import CRF, scheme_constraints


def brute_force(crf, emissions, length):
    """Score of every path of one sentence, by enumeration."""
    transitions, start, end = crf.scores()
    scores = {}
    for path in itertools.product(range(crf.num_tags), repeat=length):
        s = start[path[0]] + emissions[0, path[0]] + end[path[-1]]
        for t in range(1, length):
            s = s + transitions[path[t - 1], path[t]] + emissions[t, path[t]]
        scores[path] = float(s.detach())
    return scores


@pytest.fixture
def crf():
    torch.manual_seed(3)
    model = CRF(3)
    with torch.no_grad():
        for p in model.parameters():
            p.normal_()
    return model


def padded_batch(lengths, tags=3, width=None):
    torch.manual_seed(5)
    width = width or max(lengths)
    emissions = torch.randn(len(lengths), width, tags)
    mask = torch.arange(width).unsqueeze(0) < torch.tensor(lengths).unsqueeze(1)
    return emissions, mask


def test_partition_viterbi_and_marginals_match_enumeration(crf):
    emissions, mask = padded_batch([4, 2, 1], width=5)
    log_z = crf.log_partition(emissions, mask)
    paths, best = crf.viterbi(emissions, mask)
    probs = crf.marginals(emissions, mask)[0]
    for row, length in enumerate([4, 2, 1]):
        scores = brute_force(crf, emissions[row, :length], length)
        expected_z = math.log(sum(math.exp(s) for s in scores.values()))
        assert log_z[row].item() == pytest.approx(expected_z, abs=1e-4)
        best_path = max(scores, key=scores.get)
        assert paths[row] == list(best_path)
        assert best[row].item() == pytest.approx(scores[best_path], abs=1e-4)
        for t in range(length):
            for k in range(3):
                expected = sum(math.exp(s - expected_z) for p, s in scores.items() if p[t] == k)
                assert probs[row, t, k].item() == pytest.approx(expected, abs=1e-5)
        assert torch.all(probs[row, length:] == 0)


def test_marginals_are_distributions(crf):
    emissions, mask = padded_batch([6, 3, 1])
    probs = crf.marginals(emissions, mask)[0]
    sums = probs.sum(2)
    assert torch.allclose(sums[mask], torch.ones_like(sums[mask]), atol=1e-5)
    assert probs.min() >= 0


def test_padding_never_changes_a_result(crf):
    emissions, mask = padded_batch([5, 2])
    single = emissions[1:2, :2]
    single_mask = torch.ones(1, 2, dtype=torch.bool)
    tags = torch.tensor([[0, 2, 1, 1, 0], [1, 2, 0, 0, 0]])
    assert crf.log_partition(emissions, mask)[1].item() == pytest.approx(crf.log_partition(single, single_mask).item())
    assert crf.path_score(emissions, tags, mask)[1].item() == pytest.approx(
        crf.path_score(single, tags[1:2, :2], single_mask).item())
    assert crf.viterbi(emissions, mask)[0][1] == crf.viterbi(single, single_mask)[0][0]
    assert torch.allclose(crf.marginals(emissions, mask)[0][1, :2], crf.marginals(single, single_mask)[0][0])


def test_likelihood_of_all_paths_sums_to_one(crf):
    emissions, mask = padded_batch([3])
    total = 0.0
    for path in itertools.product(range(3), repeat=3):
        nll = crf.neg_log_likelihood(emissions, torch.tensor([path]), mask)
        total += math.exp(-nll.item())
    assert total == pytest.approx(1.0, abs=1e-4)


def test_bioes_constraints_forbid_invalid_transitions():
    tags = ["O", "B-PER", "I-PER", "E-PER", "S-PER", "B-LOC", "E-LOC"]
    allowed, start, end = scheme_constraints(tags, "bioes")
    index = {t: i for i, t in enumerate(tags)}
    assert allowed[index["B-PER"], index["E-PER"]]
    assert not allowed[index["B-PER"], index["O"]]
    assert not allowed[index["B-PER"], index["E-LOC"]]
    assert not allowed[index["O"], index["I-PER"]]
    assert not start[index["E-PER"]] and start[index["S-PER"]]
    assert not end[index["B-LOC"]] and end[index["E-LOC"]]
    crf = CRF(len(tags), allowed, start, end)
    torch.manual_seed(0)
    emissions = torch.randn(4, 6, len(tags)) * 5
    mask = torch.ones(4, 6, dtype=torch.bool)
    for path in crf.viterbi(emissions, mask)[0]:
        names = [tags[i] for i in path]
        assert names[0][0] in "OBS" and names[-1][0] in "OES"
        assert all(allowed[a, b] for a, b in zip(path, path[1:]))


def test_iob2_constraints():
    tags = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]
    allowed, start, _ = scheme_constraints(tags, "iob2")
    assert allowed[1, 2] and allowed[2, 2] and not allowed[0, 2] and not allowed[3, 2]
    assert not start[2] and start[1]
