"""What each review cost the analyst, measured while they work (Qt-free; the workspace owns it).

The workspace tells it what the model proposed for a document (all its entities once tagging
finished) and which document is on screen; when the analyst confirms a document or a sentence
it returns a :class:`~ner_studio.core.learning.review_log.ReviewRecord`: span edits from the proposal to
the confirmed entities in that range, and the time spent looking at it. A document the model
did not tag in this session has no proposal and gives no record: its entities may be someone
else's work, not corrections of the model. A confirmation without an edit and faster than
``core.learning.review_log.MIN_SECONDS_PER_SENTENCE`` per sentence is logged as not looked at (a bulk
mark, not a review: ``core.learning.review_log`` keeps it out of the chart's figures).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ner_studio.core.learning.corrections import count_corrections
from ner_studio.core.text.document import Document
from ner_studio.core.learning.review_log import MAX_STRETCH_SECONDS, ReviewRecord, looked_at


class ReviewEffort:
    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._proposals: dict[int, tuple[str, tuple]] = {}  # doc id -> (model, spans as tuples)
        self._seconds: dict[int, float] = {}  # doc id -> time on screen since last counted
        self._current: tuple[int, float] | None = None  # doc on screen, since when

    def proposed(self, doc: Document, model: str) -> None:
        self._proposals[doc.doc_id] = (model, tuple((s.start, s.end, s.label) for s in doc.spans))

    def shown(self, doc_id: int | None) -> None:
        self._settle()
        self._current = None if doc_id is None else (doc_id, self._clock())

    def _settle(self) -> None:
        if self._current is not None:
            doc_id, since = self._current
            stretch = min(self._clock() - since, MAX_STRETCH_SECONDS)
            self._seconds[doc_id] = self._seconds.get(doc_id, 0.0) + stretch
            self._current = (doc_id, self._clock())

    def reviewed(self, doc: Document, start: int = 0, end: int | None = None,
                 seconds: float | None = None) -> ReviewRecord | None:
        """The record for confirming characters ``[start, end)`` of ``doc`` (all of it by
        default); ``seconds`` overrides the time on screen (the review queue times sentences)."""
        entry = self._proposals.get(doc.doc_id)
        if entry is None:
            return None
        model, proposal = entry
        end = len(doc.text) if end is None else end
        proposed = [s for s in proposal if start <= s[0] and s[1] <= end]
        final = [s for s in doc.spans_between(start, end) if s.confirmed]
        first, last = doc.token_range(start, end)
        sentences = doc.sentence_of_token(last - 1) - doc.sentence_of_token(first) + 1 if last > first else 0
        if seconds is None:
            self._settle()
            seconds = self._seconds.pop(doc.doc_id, 0.0)
        corrections = count_corrections(proposed, final)
        return ReviewRecord(model, last - first, sentences, corrections, round(seconds, 2),
                            looked_at(corrections, sentences, seconds))
