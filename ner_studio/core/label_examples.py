"""How many examples each label has to learn from, and which have too few to be predicted yet.

A label the analyst just introduced is learnt from its reviewed entities only; with a handful
of them the fine-tuned model rarely predicts it at all, and without a word the analyst cannot
tell "not learnt yet" from "broken". The GUI shows :func:`label_examples` beside each label and
:func:`too_few_message` when a label is below :data:`MIN_EXAMPLES`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ner_studio.core.document import Document

# Below this many reviewed entities a new label is rarely predicted on new text. A working value:
# the native setting of benchmarks/adaptation.py (WNUT-16's ten types as new labels) records
# per-label F1 against examples per round to check it (benchmarks/RESULTS.md).
MIN_EXAMPLES = 10


def label_examples(docs: Iterable[Document]) -> dict[str, int]:
    """Entities per label over ``docs`` (labels in alphabetical order)."""
    counts: dict[str, int] = {}
    for doc in docs:
        for span in doc.spans:
            counts[span.label] = counts.get(span.label, 0) + 1
    return dict(sorted(counts.items()))


def too_few(counts: Mapping[str, int], labels: Iterable[str] = (), minimum: int = MIN_EXAMPLES) -> list[str]:
    """Labels (those counted, plus ``labels`` with none yet) with fewer than ``minimum`` examples."""
    return sorted(label for label in {*counts, *labels} if counts.get(label, 0) < minimum)


def too_few_message(counts: Mapping[str, int], labels: Iterable[str] = (), minimum: int = MIN_EXAMPLES) -> str | None:
    """One line for the analyst, or None when every label has enough examples."""
    short = too_few(counts, labels, minimum)
    if not short:
        return None
    listed = ", ".join(f"{label} ({counts.get(label, 0)})" for label in short)
    return (f"too few examples to be predicted yet: {listed}; a label needs about {minimum} reviewed "
            "entities before the model starts to tag it")
