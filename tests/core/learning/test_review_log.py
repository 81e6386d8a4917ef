from ner_studio.core.learning.review_log import (
    BATCH_SENTENCES, ReviewRecord, append_record, batches, looked_at, project_log, read_log, remove_record,
)


def test_batches_summarise_consecutive_reviews_under_one_model():
    records = [ReviewRecord("bundled", 100, 5, 8, 50.0), ReviewRecord("bundled", 100, 5, 4, 30.0),
               ReviewRecord("model-1", 200, 10, 6, 40.0), ReviewRecord("model-2", 50, 0, 0, 0.0)]
    first, second, third = batches(records)
    assert (first.model, first.sentences, first.tokens) == ("bundled", 10, 200)
    assert first.corrections_per_100_tokens == 6.0 and first.seconds_per_sentence == 8.0
    assert (second.corrections_per_100_tokens, second.seconds_per_sentence) == (3.0, 4.0)
    assert third.seconds_per_sentence == 0.0 and third.corrections_per_100_tokens == 0.0
    assert batches([]) == []


def test_a_point_per_ten_sentences_from_the_first_reviews_on_each_with_its_model():
    one = [ReviewRecord("bundled", 10, 1, k % 2, 4.0) for k in range(25)]  # queue accepts, one each
    found = batches(one + [ReviewRecord("v1", 10, 1, 0, 2.0)] * 3)
    assert [(b.model, b.sentences) for b in found] == [("bundled", 10), ("bundled", 10), ("bundled", 5), ("v1", 3)]
    assert BATCH_SENTENCES == 10
    assert found[0].corrections_per_100_tokens == 5.0 and found[-1].seconds_per_sentence == 2.0


def test_a_document_marked_reviewed_at_a_glance_stays_out_of_the_figures():
    assert not looked_at(0, 40, 3.0)  # 40 sentences in 3 s, nothing changed: a bulk mark
    assert looked_at(1, 40, 3.0) and looked_at(0, 2, 2.0)
    glance = ReviewRecord("bundled", 400, 40, 0, 3.0, looked=False)
    [batch] = batches([ReviewRecord("bundled", 20, 2, 2, 20.0), glance, ReviewRecord("bundled", 20, 2, 0, 12.0)])
    assert (batch.sentences, batch.tokens, batch.glanced) == (4, 40, 40)
    assert batch.corrections_per_100_tokens == 5.0 and batch.seconds_per_sentence == 8.0


def test_the_log_round_trips_and_skips_damaged_entries():
    record = ReviewRecord("m", 10, 1, 2, 3.5)
    glanced = ReviewRecord("m", 10, 1, 0, 0.1, looked=False)
    assert read_log([record.to_dict(), {"model": "m"}, "junk", {**record.to_dict(), "tokens": "x"},
                     glanced.to_dict()]) == [record, glanced]
    old = {k: v for k, v in record.to_dict().items() if k != "looked"}  # a log from before the field
    assert read_log([old]) == [record]
    assert read_log("not a list") == [] and read_log(None) == []


def test_an_undone_review_leaves_the_log_by_its_last_copy_only():
    class Settings:
        def __init__(self):
            self.values = {}

        def get_setting(self, key, default=None):
            return self.values.get(key, default)

        def set_setting(self, key, value):
            self.values[key] = value

    project, same, other = Settings(), ReviewRecord("m", 10, 1, 2, 3.5), ReviewRecord("m", 5, 1, 0, 2.0)
    for record in (same, other, same):
        append_record(project, record)
    remove_record(project, same)
    assert project_log(project) == [same, other]
    remove_record(project, ReviewRecord("gone", 1, 1, 1, 1.0))  # not there: nothing changes
    assert project_log(project) == [same, other]


def test_the_review_log_book_reads_once_and_hands_every_change_on_whole():
    from ner_studio.core.learning.review_log import ReviewLogBook, ReviewRecord

    reads, stored = [], []
    first = ReviewRecord("m", 10, 1, 2, 3.0)
    book = ReviewLogBook(lambda: reads.append(1) or [first.to_dict(), "junk"], lambda entries: stored.append(list(entries)))
    second = ReviewRecord("m", 12, 1, 0, 4.0)
    book.append(second)
    book.append(first)
    assert book.records() == [first, second, first] and len(reads) == 1
    book.remove(first)  # its last copy
    assert book.records() == [first, second]
    assert stored[-1] == [first.to_dict(), "junk", second.to_dict()] and len(stored) == 3
    book.remove(ReviewRecord("other", 1, 1, 0, 1.0))  # not there: nothing to store
    assert len(stored) == 3
