"""Inter-annotator agreement: how far annotators' versions of the same documents agree.

Per label and overall:

* **span F1** between two annotators (one taken as reference; F1 is symmetric): *exact*
  (same start, end and label) and *overlap-tolerant* (same label, the spans share at least one
  character; each span matches at most one other, found left to right);
* **Cohen's kappa** on tokens, for two annotators: every token gets the label of the span
  covering it, or ``O``; per label, the same on "this label or not";
* **Krippendorff's alpha** (nominal) on tokens, for any number of annotators; a token of a
  document an annotator has no version of is a missing value (alpha allows them);
* **links**: of the mentions both annotators marked with the same span (start, end, label)
  and at least one linked to a catalogue entry (core/catalogue), the share linked to the
  same entry (one linked and the other not is a disagreement).

Pure Python, on plain spans and token offsets: the project gathers the versions
(:func:`gather`). The hand-written coefficients are checked in tests/core/team/test_agreement.py
against published worked examples and against scikit-learn and the ``krippendorff`` package.
A coefficient is ``None`` where it is undefined (no variation at all: every value the same).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from ner_studio.core.learning.metrics import Score, label_scores
from ner_studio.core.plural import plural
from ner_studio.core.text.spans import Span

OUTSIDE = "O"
OVERALL = "overall"  # the key of the all-labels figures in every per-label mapping


# --- span F1 -------------------------------------------------------------------------------
def _matched(reference: list[Span], other: list[Span], overlap: bool) -> list[Span]:
    """The spans of ``reference`` that have a partner in ``other`` (each used once)."""
    if not overlap:
        others = {(s.start, s.end, s.label) for s in other}
        return [s for s in reference if (s.start, s.end, s.label) in others]
    matched = []
    candidates: dict[str, list[Span]] = {}
    for span in sorted(other):
        candidates.setdefault(span.label, []).append(span)
    # Spans of one version never overlap, so per label both lists are in order along the text:
    # one sweep skips the candidates that end before a span, as they end before later ones too.
    first = dict.fromkeys(candidates, 0)
    used: set[tuple[str, int]] = set()
    for span in sorted(reference):
        line = candidates.get(span.label, ())
        index = first.get(span.label, 0)
        while index < len(line) and line[index].end <= span.start:
            index += 1
        first[span.label] = index
        while index < len(line) and line[index].start < span.end:
            if (span.label, index) not in used:
                used.add((span.label, index))
                matched.append(span)
                break
            index += 1
    return matched


def span_scores(pairs: Iterable[tuple[Sequence[Span], Sequence[Span]]], *,
                overlap: bool = False) -> dict[str, Score]:
    """Span precision/recall/F1 of the second version of each document against the first,
    per label and under :data:`OVERALL` (``support`` = spans of the first)."""
    true, predicted, correct = Counter(), Counter(), Counter()
    for reference, other in pairs:
        reference, other = list(reference), list(other)
        true.update(s.label for s in reference)
        predicted.update(s.label for s in other)
        correct.update(s.label for s in _matched(reference, other, overlap))
    overall, scores = label_scores(correct, predicted, true)
    scores[OVERALL] = overall
    return scores


# --- token labels and coefficients ---------------------------------------------------------
def token_labels(token_starts: Sequence[int], token_ends: Sequence[int], spans: Iterable[Span]) -> list[str]:
    """The label of each token: that of the span it overlaps, else :data:`OUTSIDE`."""
    labels = [OUTSIDE] * len(token_starts)
    spans = sorted(spans)
    index = 0
    for position, (start, end) in enumerate(zip(token_starts, token_ends)):
        while index < len(spans) and spans[index].end <= start:
            index += 1
        if index < len(spans) and spans[index].start < end:
            labels[position] = spans[index].label
    return labels


def cohen_kappa(first: Sequence[str], second: Sequence[str]) -> float | None:
    """Cohen's kappa of two equally long label sequences; ``None`` if undefined."""
    if len(first) != len(second):
        raise ValueError(f"{len(first)} labels against {len(second)}")
    return _kappa(Counter(zip(first, second)))


def _kappa(confusion: Mapping[tuple, int]) -> float | None:
    """Cohen's kappa from the counts of each (first value, second value) pair."""
    total = sum(confusion.values())
    if not total:
        return None
    counts_a: Counter = Counter()
    counts_b: Counter = Counter()
    for (a, b), n in confusion.items():
        counts_a[a] += n
        counts_b[b] += n
    observed = sum(n for (a, b), n in confusion.items() if a == b) / total
    expected = sum(counts_a[value] * counts_b[value] for value in counts_a) / (total * total)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


def _binary_confusion(confusion: Mapping[tuple[str, str], int], label: str) -> Counter:
    """The confusion counts of "``label`` or not"."""
    binary: Counter = Counter()
    for (a, b), n in confusion.items():
        binary[a == label, b == label] += n
    return binary


def krippendorff_alpha(units: Iterable[Sequence[str | None]]) -> float | None:
    """Krippendorff's alpha, nominal, of ``units`` (one value per coder; ``None`` missing).
    Units with fewer than two values are not pairable and count for nothing."""
    return _alpha(_patterns(units))


def _patterns(units: Iterable[Sequence[str | None]]) -> Counter:
    """How many units have each pattern of values (value, how many coders gave it): most
    tokens are O for everyone, so a corpus has few patterns, counted once and weighed."""
    return Counter(tuple(sorted(Counter(v for v in unit if v is not None).items())) for unit in units)


def _binary_patterns(patterns: Mapping[tuple, int], label: str) -> Counter:
    """The patterns of "``label`` or not"."""
    binary: Counter = Counter()
    for pattern, weight in patterns.items():
        yes = sum(n for value, n in pattern if value == label)
        no = sum(n for value, n in pattern if value != label)
        binary[tuple((value, n) for value, n in ((False, no), (True, yes)) if n)] += weight
    return binary


def _alpha(patterns: Mapping[tuple, int]) -> float | None:
    coincidences: Counter[tuple[str, str]] = Counter()
    for pattern, weight in patterns.items():
        pairable = sum(n for _, n in pattern)
        if pairable < 2:
            continue
        for value, n in pattern:
            for other, m in pattern:
                pairs = n * (n - 1) if value == other else n * m
                coincidences[value, other] += weight * pairs / (pairable - 1)
    totals: Counter[str] = Counter()
    for (value, _), amount in coincidences.items():
        totals[value] += amount
    n = sum(totals.values())
    if n <= 1:
        return None
    disagreement = sum(amount for (a, b), amount in coincidences.items() if a != b)
    expected = sum(totals[a] * totals[b] for a in totals for b in totals if a != b)
    if expected == 0:
        return None
    return 1 - (n - 1) * disagreement / expected


# --- catalogue links -----------------------------------------------------------------------
@dataclass(frozen=True)
class LinkAgreement:
    """Mentions marked alike by both annotators and linked by at least one (``compared``), and
    how many of them both linked to the same entry (``same``)."""

    same: int = 0
    compared: int = 0

    @property
    def share(self) -> float | None:
        return self.same / self.compared if self.compared else None


def link_agreement(pairs: Iterable[tuple[Sequence[Span], Sequence[Span]]]) -> dict[str, LinkAgreement]:
    """:class:`LinkAgreement` per label and :data:`OVERALL` over pairs of versions."""
    same: Counter = Counter()
    compared: Counter = Counter()
    for first, second in pairs:
        links = {(s.start, s.end, s.label): s.kb_id for s in second}
        for span in first:
            key = (span.start, span.end, span.label)
            if key not in links or (span.kb_id is None and links[key] is None):
                continue
            for label in (span.label, OVERALL):
                compared[label] += 1
                same[label] += span.kb_id == links[key]
    return {label: LinkAgreement(same[label], compared[label]) for label in compared}


# --- a report over a corpus ----------------------------------------------------------------
@dataclass(frozen=True)
class DocumentVersions:
    """One document's token offsets and each annotator's spans (missing: no version); its
    name, text and sentences (character ranges) give a disagreement its context
    (core/team/disagreements.py)."""

    doc_id: int
    token_starts: Sequence[int]
    token_ends: Sequence[int]
    spans: Mapping[str, Sequence[Span]]
    name: str = ""
    text: str = ""
    sentences: Sequence[tuple[int, int]] = ()


@dataclass(frozen=True)
class PairAgreement:
    first: str
    second: str
    documents: int  # documents both have a version of
    exact: dict[str, Score]
    overlap: dict[str, Score]
    kappa: dict[str, float | None]
    links: dict[str, LinkAgreement] = field(default_factory=dict)


@dataclass(frozen=True)
class AgreementReport:
    annotators: tuple[str, ...]
    labels: tuple[str, ...]
    pairs: tuple[PairAgreement, ...]
    alpha: dict[str, float | None] = field(default_factory=dict)
    documents: int = 0  # documents at least two of the annotators have a version of

    def to_dict(self) -> dict:
        def score(s: Score) -> dict:
            return {"precision": s.precision, "recall": s.recall, "f1": s.f1, "support": s.support}

        return {
            "annotators": list(self.annotators), "labels": list(self.labels), "documents": self.documents,
            "alpha": dict(self.alpha),
            "pairs": [{"annotators": [p.first, p.second], "documents": p.documents,
                       "exact": {k: score(v) for k, v in p.exact.items()},
                       "overlap": {k: score(v) for k, v in p.overlap.items()},
                       "kappa": dict(p.kappa),
                       "links": {k: {"same": v.same, "compared": v.compared, "share": v.share}
                                 for k, v in p.links.items()}} for p in self.pairs],
        }


def agreement(documents: Iterable[DocumentVersions], annotators: Sequence[str]) -> AgreementReport:
    """Every figure of the module doc for ``annotators`` (two or more) on ``documents``."""
    if len(annotators) < 2:
        raise ValueError("agreement needs two or more annotators")
    shared = [d for d in documents if sum(name in d.spans for name in annotators) >= 2]
    labels = tuple(sorted({s.label for d in shared for name in annotators for s in d.spans.get(name, ())}))
    tokens: dict[str, list[str | None]] = {name: [] for name in annotators}
    for doc in shared:
        for name in annotators:
            spans = doc.spans.get(name)
            tokens[name].extend([None] * len(doc.token_starts) if spans is None
                                else token_labels(doc.token_starts, doc.token_ends, spans))
    pairs = tuple(_pair(shared, tokens, first, second, labels) for first, second in combinations(annotators, 2))
    patterns = _patterns(zip(*(tokens[name] for name in annotators)))
    alpha = {OVERALL: _alpha(patterns)}
    for label in labels:
        alpha[label] = _alpha(_binary_patterns(patterns, label))
    return AgreementReport(tuple(annotators), labels, pairs, alpha, len(shared))


def _pair(docs: list[DocumentVersions], tokens, first: str, second: str, labels) -> PairAgreement:
    both = [d for d in docs if first in d.spans and second in d.spans]
    versions = [(d.spans[first], d.spans[second]) for d in both]
    confusion = Counter(zip(tokens[first], tokens[second]))
    for pair in [pair for pair in confusion if None in pair]:  # a document one of them lacks
        del confusion[pair]
    kappa = {OVERALL: _kappa(confusion)}
    for label in labels:
        kappa[label] = _kappa(_binary_confusion(confusion, label))
    return PairAgreement(first, second, len(both), span_scores(versions), span_scores(versions, overlap=True), kappa,
                         link_agreement(versions))


def gather(project, annotators: Sequence[str]) -> list[DocumentVersions]:
    """The versions of ``annotators`` of every document of the open ``project`` that at
    least one of them worked on: marked reviewed, or confirmed an entity in (a version of
    model suggestions nobody looked at is missing, not a judgement). Only the entities people
    confirmed count (drawn, changed or accepted): the model's and the patterns' suggestions
    left standing, as in a version pre-tagged for its annotator, say nothing of them."""
    wanted = set(annotators)
    gathered = []
    for summary in project.document_summaries():
        present = [name for name in project.worked_versions(summary.doc_id) if name in wanted]
        if not present:
            continue
        doc = project.load_version(summary.doc_id, present[0])
        tokens = doc.tokens
        spans = {name: [s for s in project.spans_of(summary.doc_id, name) if s.confirmed] for name in present}
        sentences = [(tokens.starts[s.start], tokens.ends[s.end - 1]) for s in doc.sentences if s.end > s.start]
        gathered.append(DocumentVersions(summary.doc_id, tokens.starts, tokens.ends, spans, summary.name,
                                         doc.text, sentences))
    return gathered


def format_report(report: AgreementReport) -> str:
    """A plain-text table per pair (span F1 exact and overlap, kappa) and one for alpha."""
    def number(value: float | None) -> str:
        return f"{value:9.3f}" if value is not None else f"{'n/a':>9}"

    rows = []
    for pair in report.pairs:
        rows.append(f"{pair.first} vs {pair.second} ({plural(pair.documents, 'document')})")
        links = f" {'links':>9} {'linked':>7}" if pair.links else ""  # only where a catalogue is used
        rows.append(f"{'label':<12} {'F1 exact':>9} {'F1 overl':>9} {'kappa':>9} {'spans':>7}{links}")
        for label in (*report.labels, OVERALL):
            exact, overlap = pair.exact.get(label), pair.overlap.get(label)
            support = (exact.support if exact else 0)
            linked = pair.links.get(label, LinkAgreement())
            link_cells = f" {number(linked.share)} {linked.compared:7d}" if pair.links else ""
            rows.append(f"{label:<12} {number(exact.f1 if exact else None)} "
                        f"{number(overlap.f1 if overlap else None)} {number(pair.kappa.get(label))} {support:7d}"
                        f"{link_cells}")
        rows.append("")
    rows.append(f"Krippendorff's alpha (nominal, tokens), {plural(len(report.annotators), 'annotator')}, "
                f"{plural(report.documents, 'document')}")
    for label in (*report.labels, OVERALL):
        rows.append(f"{label:<12} {number(report.alpha.get(label))}")
    return "\n".join(rows)
