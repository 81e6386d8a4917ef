"""How many examples each label has to learn from, and when that is too few.

A label the model has never seen starts as the model's average entity (``model/grow.py``) and
must learn what sets it apart from its examples alone: with a handful among hundreds of
sentences it is practically never predicted, and nothing on screen would say why. The Train
dialog and the Training panel show these counts and say so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ner_studio.core.text.document import Document

# Below this, a label the model does not know yet is rarely predicted after a fine-tune. Measured
# on WNUT-16's ten types learnt as new labels (benchmarks/adaptation.py, benchmarks/results/2026-12-02-adaptation-to-tweets.md): under 5
# examples a label scored 0 F1 in 28 of 29 rounds, with 10-39 often still 0, from 40 on it
# scored 0 once in 122.
MIN_NEW_LABEL_EXAMPLES = 40


@dataclass(frozen=True)
class LabelExamples:
    label: str
    train: int  # entities in the sentences fine-tuning learns from
    check: int  # entities in the check set (scored, never learned from)
    known: bool  # the current model already predicts this label

    @property
    def problem(self) -> str | None:
        if self.train == 0:
            return "no examples to learn from yet: the model cannot predict it"
        if not self.known and self.train < MIN_NEW_LABEL_EXAMPLES:
            return (f"only {self.train} example{'s' if self.train != 1 else ''}: too few for a new label to be "
                    f"predicted yet (aim for {MIN_NEW_LABEL_EXAMPLES} or more)")
        return None


def count_entities(docs: Iterable[Document]) -> Counter:
    """Confirmed entities per label (suggestions nobody confirmed are not examples)."""
    return Counter(span.label for doc in docs for span in doc.spans if span.confirmed)


def label_examples(labels: Iterable[str], train: Iterable[Document], check: Iterable[Document],
                   model_labels: Iterable[str]) -> list[LabelExamples]:
    """One row per label of the project (and any other label found in the data), in order."""
    learned, checked, known = count_entities(train), count_entities(check), set(model_labels)
    names = list(dict.fromkeys([*labels, *sorted(learned), *sorted(checked)]))
    return [LabelExamples(name, learned[name], checked[name], name in known) for name in names]


def shortfalls(rows: Iterable[LabelExamples]) -> str:
    """One line naming the labels with too few examples, or '' if there are none."""
    few = [f"{row.label} ({row.train})" for row in rows if row.problem and row.train]
    return f"Too few examples to be predicted yet: {', '.join(few)}." if few else ""


def unchecked(rows: Iterable[LabelExamples]) -> str:
    """One line naming the labels without an entity in the check set, or '' if every label
    has one. The check F1 that decides adoption says nothing about such a label: a new
    version may get it all wrong and still be adopted (issue 23: the tester did not know)."""
    missing = [row.label for row in rows if row.check == 0]
    if not missing:
        return ""
    names = ", ".join(missing)
    return (f"No entity in the check set for {names}: the check F1 that decides whether the new version is "
            f"adopted says nothing about {'it' if len(missing) == 1 else 'them'}.")
