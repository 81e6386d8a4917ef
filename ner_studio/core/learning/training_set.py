"""What fine-tuning learns from: frozen copies of reviewed documents and of single sentences a
person accepted in the review queue.

Training runs in another thread for minutes while the analyst keeps editing, so it must never
read live documents: :func:`snapshot` copies one (spans are immutable, so a shallow copy of the
span tuple is enough), and :func:`sentence_snapshot` makes a one-sentence document out of an
accepted sentence of a document that is not reviewed as a whole.

Accepted sentences are remembered per project as ``{doc_id: [sentence index, ...]}``;
:func:`accepted_from_setting` / :func:`accepted_to_setting` convert to and from the JSON form
the project's settings table stores (JSON object keys are strings).
"""

from __future__ import annotations

from collections.abc import Iterable

from ner_studio.core.text.document import Document, Sentence, Status
from ner_studio.core.errors import TrainingError
from ner_studio.core.text.spans import Span

ACCEPTED_SETTING = "accepted_sentences"
MIN_REVIEWED_SENTENCES = 10


def snapshot(doc: Document) -> Document:
    """An independent copy of ``doc`` (no signal connections) with the same spans."""
    # Text and tokens never change after a document is made, so they can be shared.
    return Document(doc.text, doc.tokens, list(doc.sentences), doc.spans,
                    name=doc.name, status=doc.status, doc_id=doc.doc_id)


def sentence_snapshot(doc: Document, index: int) -> Document:
    """Sentence ``index`` of ``doc`` as a document of its own, with the spans inside it
    (a span that crosses the sentence boundary is cut to the sentence, as tags would be)."""
    return excerpt(doc, [index], suffix=f"sentence {index + 1}")


def excerpt(doc: Document, indices: list[int], *, suffix: str = "excerpt") -> Document:
    """A document made of sentences ``indices`` (ascending) of ``doc``, in order, separated by
    a line break, with the spans inside them (cut to the sentence, as tags would be)."""
    parts, tokens, sentences, spans = [], [], [], []
    length = 0
    for index in indices:
        sentence = doc.sentences[index]
        offset, end = doc.tokens[sentence.start].start, doc.tokens[sentence.end - 1].end
        if parts:
            parts.append("\n")
            length += 1
        shift = length - offset
        first = len(tokens)
        tokens.extend((t.start + shift, t.end + shift) for t in doc.tokens[sentence.start : sentence.end])
        sentences.append(Sentence(first, len(tokens)))
        for span in doc.spans_between(offset, end):
            start, stop = max(span.start, offset), min(span.end, end)
            spans.append(Span(start + shift, stop + shift, span.label, span.source, span.confidence))
        parts.append(doc.text[offset:end])
        length += end - offset
    name = f"{doc.name or 'document'} · {suffix}"
    return Document("".join(parts), tokens, sentences, spans, name=name, status=Status.REVIEWED,
                    doc_id=doc.doc_id)


def sentence_range(doc: Document, index: int) -> tuple[int, int]:
    """Character ``[start, end)`` of sentence ``index``."""
    sentence = doc.sentences[index]
    return doc.tokens[sentence.start].start, doc.tokens[sentence.end - 1].end


def count_sentences(docs: Iterable[Document]) -> int:
    return sum(len(doc.sentences) for doc in docs)


def labelled_documents(reviewed: Iterable[Document], accepted: dict[int, set[int]],
                       others: Iterable[Document]) -> list[Document]:
    """Snapshots of every reviewed document plus the accepted sentences of ``others`` (documents
    not reviewed as a whole); sentences of reviewed documents are not counted twice."""
    result = [snapshot(doc) for doc in reviewed]
    seen = {doc.doc_id for doc in result}
    for doc in others:
        if doc.doc_id in seen:
            continue
        for index in sorted(accepted.get(doc.doc_id, ())):
            if 0 <= index < len(doc.sentences):
                result.append(sentence_snapshot(doc, index))
    return result


class SnapshotCache:
    """:func:`labelled_documents`, each document's snapshots kept while its spans (an immutable
    tuple that every edit replaces), its name and its accepted sentences stay the same. A
    round's start and the Models panel's recount snapshot every reviewed document on the UI
    thread: 81 ms at 1,200 accepted tweets, growing with the data
    (benchmarks/results/2026-12-07-analyst-loop.md); unchanged documents now cost a look-up."""

    def __init__(self):
        self._kept: dict[int, tuple[object, str | None, tuple[int, ...] | None, list[Document]]] = {}

    def labelled(self, reviewed: Iterable[Document], accepted: dict[int, set[int]],
                 others: Iterable[Document]) -> list[Document]:
        kept: dict[int, tuple] = {}
        result: list[Document] = []
        for doc in reviewed:
            result.extend(self._made(doc, None, kept))
        seen = {doc.doc_id for doc in result}
        for doc in others:
            if doc.doc_id in seen:
                continue
            indices = tuple(k for k in sorted(accepted.get(doc.doc_id, ())) if 0 <= k < len(doc.sentences))
            result.extend(self._made(doc, indices, kept))
        self._kept = kept  # documents no longer labelled are forgotten
        return result

    def _made(self, doc: Document, indices: tuple[int, ...] | None, kept: dict) -> list[Document]:
        """``doc``'s snapshot (``indices`` None) or its accepted sentences' ones."""
        entry = self._kept.get(doc.doc_id)
        if entry is None or entry[0] is not doc.spans or entry[1] != doc.name or entry[2] != indices:
            made = [snapshot(doc)] if indices is None else [sentence_snapshot(doc, k) for k in indices]
            entry = (doc.spans, doc.name, indices, made)
        kept[doc.doc_id] = entry
        return entry[3]


def check_enough(reviewed_sentences: int, minimum: int = MIN_REVIEWED_SENTENCES, *, held: int = 0) -> None:
    """Raise a TrainingError that says what is missing when there is too little to learn from;
    ``held`` more reviewed sentences are kept for the check set (never learned from)."""
    if reviewed_sentences < minimum:
        missing = minimum - reviewed_sentences
        kept = f" to learn from ({held} more are kept for the check set)" if held else ""
        raise TrainingError(
            f"fine-tuning needs at least {minimum} reviewed sentences{kept} and there "
            f"{'is' if reviewed_sentences == 1 else 'are'} {reviewed_sentences}: review {missing} more "
            f"sentence{'s' if missing != 1 else ''} (mark documents reviewed with Ctrl+Enter, or accept "
            "sentences in the Review Next queue), then train again")


def accepted_from_setting(value) -> dict[int, set[int]]:
    """The stored form back into ``{doc_id: {sentence index}}``; malformed entries are dropped
    (a hand-edited or older project must not stop the queue from opening)."""
    accepted: dict[int, set[int]] = {}
    if not isinstance(value, dict):
        return accepted
    for key, indices in value.items():
        try:
            doc_id = int(key)
        except (TypeError, ValueError):
            continue
        if isinstance(indices, list):
            accepted[doc_id] = {i for i in indices if isinstance(i, int) and i >= 0}
    return accepted


def accepted_to_setting(accepted: dict[int, set[int]]) -> dict[str, list[int]]:
    return {str(doc_id): sorted(indices) for doc_id, indices in sorted(accepted.items()) if indices}
