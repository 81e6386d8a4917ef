from ner_studio.core.review_log import ReviewRecord, batches, read_log


def test_batches_summarise_consecutive_reviews_under_one_model():
    records = [ReviewRecord("bundled", 100, 5, 8, 50.0), ReviewRecord("bundled", 100, 5, 4, 30.0),
               ReviewRecord("model-1", 200, 10, 6, 40.0), ReviewRecord("model-2", 50, 0, 0, 0.0)]
    first, second, third = batches(records)
    assert (first.model, first.sentences, first.tokens) == ("bundled", 10, 200)
    assert first.corrections_per_100_tokens == 6.0 and first.seconds_per_sentence == 8.0
    assert (second.corrections_per_100_tokens, second.seconds_per_sentence) == (3.0, 4.0)
    assert third.seconds_per_sentence == 0.0 and third.corrections_per_100_tokens == 0.0
    assert batches([]) == []


def test_the_log_round_trips_and_skips_damaged_entries():
    record = ReviewRecord("m", 10, 1, 2, 3.5)
    assert read_log([record.to_dict(), {"model": "m"}, "junk", {**record.to_dict(), "tokens": "x"}]) == [record]
    assert read_log("not a list") == [] and read_log(None) == []
