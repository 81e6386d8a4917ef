"""One JSON Lines record too long to tag at once, as records of parts.

Why: a document's tokens cost Python objects (about 150 bytes each with their word), so one
record of 20 MB of text took 3 GB in ``predict``. :mod:`core.formats.stream` cuts such a record
into documents of about a piece's size (``NAME (part K of N)``, ``meta.part``/``meta.parts``
in the output); each is made when the one before it has been let go.
"""

from __future__ import annotations

import json
from bisect import bisect_left

from ner_studio.core.errors import FormatError
from ner_studio.core.formats.jsonl import (
    _is_int, _raw_spans, _read_tokens, _RecordError, _span_field, record_to_document,
)
from ner_studio.core.gc_pause import paused_gc
from ner_studio.core.text.sentences import resolve

_PART_CUTS = ("\n\n", "\n", ". ", " ")


def record_parts(record, part_chars: int) -> list[tuple[int, int]]:
    """Where a record's text is cut into parts of about ``part_chars`` characters: ``[(start,
    end), ...]``, one range when it fits or when the record is not valid (the ordinary reading
    then says what is wrong). A cut falls between paragraphs if it can, else lines, sentences
    or words, and never inside a span, a given token or a given sentence."""
    text = record.get("text") if isinstance(record, dict) else None
    if not isinstance(text, str) or len(text) <= part_chars:
        return [(0, len(text) if isinstance(text, str) else 0)]
    try:
        starts, ends = _fixed_ranges(record, text)
    except (_RecordError, TypeError, ValueError, KeyError, IndexError):
        return [(0, len(text))]
    bounds = []
    start = 0
    while len(text) - start > part_chars:
        end = _cut_at(text, start, part_chars, starts, ends)
        bounds.append((start, end))
        start = end
    bounds.append((start, len(text)))
    return bounds


def _fixed_ranges(record: dict, text: str) -> tuple[list[int], list[int]]:
    """Sorted, merged ``(starts, ends)`` of what a cut may not enter."""
    ranges = [(s, e) for s, e, *_ in _raw_spans(record, _span_field(record))]
    tokens = _read_tokens(record, text)
    ranges += [(t.start, t.end) for t in tokens or ()]
    sentences = record.get("sentences")
    if sentences is not None:
        ranges += [(int(s), int(e)) for s, e in sentences]
    starts: list[int] = []
    ends: list[int] = []
    for s, e in sorted(ranges):
        if ends and s < ends[-1]:
            ends[-1] = max(ends[-1], e)
        else:
            starts.append(s)
            ends.append(e)
    return starts, ends


def _cut_at(text: str, start: int, part_chars: int, starts: list[int], ends: list[int]) -> int:
    limit = start + part_chars
    end = limit
    for mark in _PART_CUTS:
        found = text.rfind(mark, start + part_chars // 2, limit)
        if found >= 0:
            end = found + len(mark)
            break
    k = bisect_left(starts, end) - 1  # the fixed range starting before the cut, if it holds it
    if k >= 0 and ends[k] > end:
        end = starts[k] if starts[k] > start else ends[k]
    return end


def split_record(record: dict, bounds: list[tuple[int, int]]):
    """The records of the parts ``bounds`` (from :func:`record_parts`) of a valid record, one at
    a time: spans, tokens, sentences and a source's paragraphs moved to each part's offsets,
    ``meta`` with ``"part": K, "parts": N`` added, other fields kept."""
    text = record["text"]
    style = _span_field(record)
    spans = sorted(_raw_spans(record, style), key=lambda s: s[0])
    span_starts = [s[0] for s in spans]
    tokens = record.get("tokens")
    token_starts = [t["start"] for t in tokens] if tokens is not None else []
    meta = record.get("meta") if isinstance(record.get("meta"), dict) else {}
    rest = {k: v for k, v in record.items() if k not in ("text", "tokens", "sentences", "meta", "spans", style)}
    for number, (a, b) in enumerate(bounds, 1):
        part = {**rest, "text": text[a:b], "meta": {**meta, "part": number, "parts": len(bounds)}}
        part["spans"] = [
            {"start": s - a, "end": e - a, "label": label, "source": str(source),
             **({"confidence": confidence} if confidence is not None else {}),
             **({"kb_id": kb_id} if kb_id is not None else {})}
            for s, e, label, source, confidence, kb_id in spans[bisect_left(span_starts, a) : bisect_left(span_starts, b)]
        ]
        if tokens is not None:
            part["tokens"] = [{**t, "start": t["start"] - a, "end": t["end"] - a}
                              for t in tokens[bisect_left(token_starts, a) : bisect_left(token_starts, b)]]
        if record.get("sentences") is not None:
            part["sentences"] = [[s - a, e - a] for s, e in record["sentences"] if a <= s < b]
        source = meta.get("source")
        if isinstance(source, dict) and isinstance(source.get("paragraphs"), list):
            part["meta"]["source"] = {**source, "paragraphs": [
                {**p, "start": p["start"] - a, "end": p["end"] - a} for p in source["paragraphs"]
                if isinstance(p, dict) and _is_int(p.get("start")) and _is_int(p.get("end")) and a <= p["start"] < b]}
        yield part


def parse_record_parts(line: str, bounds: list[tuple[int, int]], path, line_number: int, name: str,
                       splitter=None):
    """The documents of one long JSON line cut at ``bounds``, one at a time, named ``NAME
    (part K of N)`` (a name the record gives itself is kept before the part)."""
    record = json.loads(line)
    if isinstance(record.get("meta"), dict) and isinstance(record["meta"].get("name"), str):
        name = record["meta"]["name"]
    split = resolve(splitter).split
    for part in split_record(record, bounds):
        number = part["meta"]["part"]
        part["meta"]["name"] = f"{name} (part {number} of {len(bounds)})"
        try:
            with paused_gc():
                yield record_to_document(part, name, split)
        except _RecordError as error:
            raise FormatError(f"in part {number} of {len(bounds)} of this record: {error}", path, line_number) from None
