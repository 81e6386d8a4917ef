"""Tag schemes (IOB1, IOB2, BIOES) as small pure functions, both directions.

Spans are the source of truth; tags exist only at the edges (file formats, the model).
Token spans are ``(i, j, label)`` with token indices ``[i, j)``.

Validation works on *pairs* of neighbouring tags: whether a tag may follow another depends
only on those two tags, so checking the few distinct pairs of a sequence (a set built at C
speed) validates a million tokens as fast as a few hundred. ``None`` stands for a sentence
boundary on either side.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from itertools import compress, count

from ner_studio.core.errors import TagError
from ner_studio.core.text.labels import unprintable
from ner_studio.core.text.spans import Source, Span

SCHEMES = ("iob1", "iob2", "bioes")
OUTSIDE = "O"
_PREFIXES = {"iob1": "BI", "iob2": "BI", "bioes": "BIES"}

TokenSpan = tuple[int, int, str]


def check_scheme(scheme: str) -> str:
    if scheme not in SCHEMES:
        raise TagError(f"unknown tag scheme {scheme!r}; use one of {', '.join(SCHEMES)}")
    return scheme


@lru_cache(maxsize=8192)
def parse_tag(tag: str) -> tuple[str, str]:
    """``"B-PER"`` -> ``("B", "PER")``; ``"O"`` -> ``("O", "")``. Raises :class:`TagError`."""
    if tag == OUTSIDE:
        return OUTSIDE, ""
    prefix, dash, label = tag.partition("-")
    if not dash or prefix not in ("B", "I", "E", "S"):
        raise TagError(
            f"invalid tag {tag!r}: expected O or B-/I-/E-/S- followed by an entity type, e.g. B-PER"
        )
    if not label or label.isspace():
        raise TagError(f"invalid tag {tag!r}: the entity type after {prefix}- is empty")
    if (bad := unprintable(label)) is not None:
        raise TagError(f"invalid tag {tag!r}: the entity type contains the control character {bad}")
    return prefix, label


def _describe(tag: str | None) -> str:
    return "the start of the sentence" if tag is None else tag


@lru_cache(maxsize=16384)
def _pair_problem(prev: str | None, cur: str | None, scheme: str) -> str | None:
    """Why ``cur`` may not follow ``prev`` in ``scheme`` (None if it may)."""
    p_prefix, p_label = parse_tag(prev) if prev is not None else (OUTSIDE, "")
    c_prefix, c_label = parse_tag(cur) if cur is not None else (OUTSIDE, "")
    if c_prefix not in _PREFIXES[scheme] + OUTSIDE:
        return f"{cur} is not an {scheme.upper()} tag (only {'/'.join(_PREFIXES[scheme])}- and O)"
    continues = p_prefix != OUTSIDE and p_label == c_label
    if scheme == "iob2" and c_prefix == "I" and not continues:
        return f"{cur} follows {_describe(prev)}: in IOB2 every entity starts with B-"
    if scheme == "iob1" and c_prefix == "B" and not continues:
        return (
            f"{cur} follows {_describe(prev)}: in IOB1, B- only separates two adjacent "
            f"entities of the same type"
        )
    if scheme == "bioes":
        open_ = p_prefix in ("B", "I")
        if open_ and not (c_prefix in ("I", "E") and c_label == p_label):
            after = "the end of the sentence" if cur is None else cur
            return f"{prev} is followed by {after}: a BIOES entity must end with E-{p_label}"
        if not open_ and c_prefix in ("I", "E"):
            return f"{cur} follows {_describe(prev)}: a BIOES entity starts with B- or S-"
    return None


def _begins(prev: str | None, cur: str | None) -> bool:
    """Whether ``cur`` starts an entity after ``prev`` (valid in the scheme at hand)."""
    if cur is None or cur == OUTSIDE:
        return False
    c_prefix, c_label = parse_tag(cur)
    if c_prefix in ("B", "S") or prev is None or prev == OUTSIDE:
        return True
    p_prefix, p_label = parse_tag(prev)
    return p_label != c_label or p_prefix in ("E", "S")


def _neighbours(tags: Sequence[str], sentence_starts: Iterable[int]):
    """The tag before and after each token, ``None`` across sentence boundaries."""
    prev: list[str | None] = [None, *tags[:-1]]
    nxt: list[str | None] = [*tags[1:], None]
    for start in sentence_starts:
        if 0 < start < len(tags):
            prev[start] = None
            nxt[start - 1] = None
    return prev, nxt


def _raise_first_problem(prev: list, tags: Sequence[str], nxt: list, bad: set, scheme: str):
    """Raise for the earliest token where a bad pair occurs (error path: a plain loop)."""
    for index, (before, tag, after) in enumerate(zip(prev, tags, nxt)):
        if (before, tag) in bad:
            raise TagError(_pair_problem(before, tag, scheme), index)
        if after is None and (tag, None) in bad:
            raise TagError(_pair_problem(tag, None, scheme), index)
    raise AssertionError("a bad pair taken from the sequence must occur in it")


def _is_valid(tag: str) -> bool:
    try:
        parse_tag(tag)
    except TagError:
        return False
    return True


def _check_tags(tags: Sequence[str]) -> None:
    """Parse each distinct tag once; raise for the earliest invalid one."""
    invalid = [tag for tag in set(tags) if not _is_valid(tag)]
    if invalid:
        index = min(tags.index(tag) for tag in invalid)
        try:
            parse_tag(tags[index])
        except TagError as error:
            raise TagError(error.reason, index) from None


def _scheme_evidence(prev: list, tags: Sequence[str], pairs: set) -> dict[str, int]:
    """For each scheme a token index that only that scheme explains: an E-/S- tag (BIOES), an
    I- that opens an entity (IOB1), a B- that opens one after O or another type (IOB2).
    ``pairs`` is ``set(zip(prev, tags))``."""
    found: dict[str, set] = {}
    for pair in pairs:
        p, c = pair
        prefix, _ = parse_tag(c)
        continues = p is not None and p != OUTSIDE and parse_tag(p)[1] == parse_tag(c)[1]
        if prefix in ("E", "S"):
            found.setdefault("bioes", set()).add(pair)
        elif prefix == "I" and not continues:
            found.setdefault("iob1", set()).add(pair)
        elif prefix == "B" and not continues:
            found.setdefault("iob2", set()).add(pair)
    return {
        scheme: next(i for i, pair in enumerate(zip(prev, tags)) if pair in pairs)
        for scheme, pairs in found.items()
    }


_EVIDENCE = {
    "iob1": "an I- tag opens an entity (IOB1)",
    "iob2": "a B- tag opens an entity after O or another type (IOB2)",
    "bioes": "an E- or S- tag is used (BIOES)",
}


def _token_position(index: int) -> str:
    return f"token {index + 1}"


def _choose_scheme(evidence: dict[str, int], where=_token_position) -> str:
    if "iob1" in evidence and ("iob2" in evidence or "bioes" in evidence):
        other = "bioes" if "bioes" in evidence else "iob2"
        (first, first_scheme), (second, second_scheme) = sorted(
            [(evidence["iob1"], "iob1"), (evidence[other], other)]
        )
        raise TagError(
            f"mixed tag schemes: here {_EVIDENCE[second_scheme]}, but at {where(first)} "
            f"{_EVIDENCE[first_scheme]}; convert the file to one scheme",
            second,
        )
    if "bioes" in evidence:
        return "bioes"
    return "iob1" if "iob1" in evidence else "iob2"


def decode_tags(
    tags: Sequence[str],
    sentence_starts: Iterable[int] = (0,),
    scheme: str | None = None,
    where: Callable[[int], str] = _token_position,
) -> tuple[str, list[TokenSpan]]:
    """Validate many sentences' tags in one flat list and decode them to token spans.

    ``sentence_starts`` are the indices where sentences begin. With ``scheme=None`` the scheme
    is detected. Returns ``(scheme, spans)``; raises :class:`TagError` with the token index.
    ``where(index)`` names a token in messages that mention a second one (e.g. "line 7").
    """
    if not tags:
        return scheme or "iob2", []
    _check_tags(tags)
    starts = sorted(set(sentence_starts))
    prev, nxt = _neighbours(tags, starts)
    pairs = set(zip(prev, tags))
    if scheme is None:
        scheme = _choose_scheme(_scheme_evidence(prev, tags, pairs), where)
    check_scheme(scheme)
    next_pairs = set(zip(tags, nxt))
    pairs.update(pair for pair in next_pairs if pair[1] is None)
    bad = {pair for pair in pairs if _pair_problem(pair[0], pair[1], scheme)}
    if bad:
        _raise_first_problem(prev, tags, nxt, bad, scheme)
    begin_pairs = {pair for pair in pairs if pair[1] is not None and _begins(*pair)}
    end_pairs = {
        (t, a) for t, a in next_pairs if t != OUTSIDE and (a is None or a == OUTSIDE or _begins(t, a))
    }
    # compress/map keep the per-token loop in C: this is the hot path of loading a corpus.
    begins = list(compress(count(), map(begin_pairs.__contains__, zip(prev, tags))))
    ends = list(compress(count(1), map(end_pairs.__contains__, zip(tags, nxt))))
    return scheme, [(i, j, parse_tag(tags[i])[1]) for i, j in zip(begins, ends)]


def validate_tags(tags: Sequence[str], scheme: str) -> None:
    """Raise :class:`TagError` (with the token index) unless ``tags`` is valid ``scheme``."""
    decode_tags(tags, (0,), check_scheme(scheme))


def detect_scheme(tag_seqs: Iterable[Sequence[str]]) -> str:
    """The one scheme that explains all sequences (``"iob2"`` when nothing tells them apart).

    Raises :class:`TagError` on invalid tags or when the sequences mix schemes."""
    flat: list[str] = []
    starts: list[int] = []
    for seq in tag_seqs:
        starts.append(len(flat))
        flat.extend(seq)
    return decode_tags(flat, starts)[0] if flat else "iob2"


def tags_to_token_spans(tags: Sequence[str], scheme: str = "iob2") -> list[TokenSpan]:
    return decode_tags(tags, (0,), check_scheme(scheme))[1]


def encode_spans(
    n: int, spans: Iterable[TokenSpan], scheme: str = "iob2", sentence_starts: Iterable[int] = (0,)
) -> list[str]:
    """Tags for ``n`` tokens (many sentences) from sorted, non-overlapping token spans that do not
    cross ``sentence_starts``. Raises :class:`TagError` on spans that break those rules."""
    check_scheme(scheme)
    tags = [OUTSIDE] * n
    starts = set(sentence_starts)
    last_end, last_label = 0, ""
    for i, j, label in spans:
        if not 0 <= i < j <= n:
            raise TagError(f"token span [{i}, {j}) is empty or outside {n} tokens", max(0, min(i, n - 1)))
        if i < last_end:
            raise TagError(f"token span [{i}, {j}) {label} overlaps the previous span", i)
        if not label or any(c.isspace() for c in label):
            raise TagError(f"token span [{i}, {j}) has an empty label or one with spaces: {label!r}", i)
        if scheme == "bioes":
            if j - i == 1:
                tags[i] = "S-" + label
            else:
                tags[i:j] = ["B-" + label, *["I-" + label] * (j - i - 2), "E-" + label]
        else:
            tags[i:j] = ["I-" + label] * (j - i)
            adjacent = i == last_end and label == last_label and i not in starts
            if scheme == "iob2" or adjacent:
                tags[i] = "B-" + label
        last_end, last_label = j, label
    return tags


def token_spans_to_tags(n: int, spans: Iterable[TokenSpan], scheme: str = "iob2") -> list[str]:
    """Tags for one sentence of ``n`` tokens."""
    return encode_spans(n, sorted(spans), scheme)


def convert_tags(tags: Sequence[str], src: str, dst: str) -> list[str]:
    return token_spans_to_tags(len(tags), tags_to_token_spans(tags, src), dst)


def cut_at_sentences(spans: Iterable[TokenSpan], sentence_starts: Sequence[int]) -> list[TokenSpan]:
    """Split token spans that cross a sentence start (sorted) into one piece per sentence."""
    pieces = []
    for i, j, label in spans:
        k = bisect_right(sentence_starts, i)
        while k < len(sentence_starts) and sentence_starts[k] < j:
            pieces.append((i, sentence_starts[k], label))
            i = sentence_starts[k]
            k += 1
        pieces.append((i, j, label))
    return pieces


def document_token_spans(doc) -> list[TokenSpan]:
    """``doc.spans`` as sorted token spans (spans are token-aligned, so this is exact)."""
    return [(*doc.token_range(s.start, s.end), s.label) for s in doc.spans]


def document_tags(doc, scheme: str = "iob2") -> list[list[str]]:
    """One tag list per sentence, derived from ``doc.spans``. A span that crosses a sentence
    boundary is cut there (the CoNLL writer merges such sentences instead, losing nothing)."""
    starts = [s.start for s in doc.sentences]
    spans = cut_at_sentences(document_token_spans(doc), starts)
    flat = encode_spans(len(doc.tokens), spans, scheme, starts)
    return [flat[s.start : s.end] for s in doc.sentences]


def sentence_spans_from_tags(
    doc,
    sentence_index: int,
    tags: Sequence[str],
    scheme: str = "iob2",
    source: Source = Source.MODEL,
    confidences: Sequence[float] | None = None,
) -> list[Span]:
    """Character spans of sentence ``sentence_index`` from its tags. ``confidences`` holds one
    probability per token; a span gets the lowest of its tokens' (the least sure part)."""
    sentence = doc.sentences[sentence_index]
    n = sentence.end - sentence.start
    if len(tags) != n:
        raise TagError(f"sentence {sentence_index} has {n} tokens but {len(tags)} tags were given")
    if confidences is not None and len(confidences) != n:
        raise TagError(f"sentence {sentence_index} has {n} tokens but {len(confidences)} confidences")
    spans = []
    for i, j, label in tags_to_token_spans(tags, scheme):
        confidence = float(min(confidences[i:j])) if confidences is not None else None
        first, last = doc.tokens[sentence.start + i], doc.tokens[sentence.start + j - 1]
        spans.append(Span(first.start, last.end, label, Source(source), confidence))
    return spans
