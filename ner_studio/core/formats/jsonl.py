"""JSON Lines with character-offset spans, one document per line.

Read (auto-detected per line):
  spaCy/Prodigy  ``{"text": ..., "spans": [{"start": 0, "end": 5, "label": "PER"}]}``
  doccano        ``{"text": ..., "label": [[0, 5, "PER"]]}`` (or ``"entities"`` with
                 ``start_offset``/``end_offset``)
A Prodigy-style ``"tokens"`` list, when present, is used as the tokenization (whitespace-only
tokens, which spaCy emits for line breaks, are skipped); otherwise the text is tokenized
offline. Spans must start and end on token boundaries: a misaligned span is an error, never
silently moved.

Written in the spaCy/Prodigy style, with ``tokens``, ``sentences`` (character offsets),
``status``, and each span's provenance (``source``: human, model, accepted or pattern) with the
model's ``confidence`` where there is one, so our own files reload exactly. A span linked to
a catalogue entry (core/catalogue) carries spaCy's ``kb_id`` and, when the writer knows the
catalogue, the entry's name as ``kb_name`` (for readers; only ``kb_id`` is read back).
A document read from a Word, HTML, Markdown or PDF file carries its origin in
``meta.source`` (file, format, and each paragraph's character range with its page, line or
element; see ``formats/extracted.py``). Analysts' notes travel in ``meta.notes``, a list of
``{text, author, created, resolved, start, end}`` (core/text/notes.py; start and end null for a
note on the document); a bad one is an error naming the line. Fields we do not know are kept
in ``doc.meta`` and written back.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Mapping
from pathlib import Path

from ner_studio.core import json_text
from ner_studio.core.text.document import Document, Sentence, Status, Token
from ner_studio.core.errors import FormatError, SpanError
from ner_studio.core.formats.text import decode_text
from ner_studio.core.gc_pause import paused_gc
from ner_studio.core.text.labels import unprintable
from ner_studio.core.text.notes import NOTES_META, notes_from_records
from ner_studio.core.text.spans import Source, Span
from ner_studio.core.text.sentences import resolve
from ner_studio.core.text.tokenizer import split_sentences, word_tokens

KNOWN_FIELDS = {"text", "tokens", "spans", "sentences", "status", "meta"}


class _RecordError(Exception):
    """A problem in one record; the caller adds the file and line."""


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _read_tokens(record: dict, text: str) -> list[Token] | None:
    raw = record.get("tokens")
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise _RecordError('"tokens" must be a list of {"start", "end"} objects')
    tokens: list[Token] = []
    previous_end = 0
    for k, item in enumerate(raw):
        if not isinstance(item, dict) or not _is_int(item.get("start")) or not _is_int(item.get("end")):
            raise _RecordError(f'token {k} needs integer "start" and "end": {item!r}')
        start, end = item["start"], item["end"]
        if not previous_end <= start <= end <= len(text):
            raise _RecordError(
                f"token {k} [{start}, {end}) is out of order or past the end of the text "
                f"(length {len(text)})"
            )
        if "text" in item and item["text"] != text[start:end]:
            raise _RecordError(
                f"token {k} says {item['text']!r} but the text at [{start}, {end}) is "
                f"{text[start:end]!r}"
            )
        previous_end = end
        if text[start:end].strip():
            tokens.append(Token(start, end))
    return tokens


def _span_field(record: dict) -> str | None:
    """Which field holds the spans: spaCy/Prodigy "spans", doccano "entities" or "label"."""
    for field in ("spans", "entities"):
        if field in record:
            return field
    return "label" if isinstance(record.get("label"), list) else None


# Other tools put their model's name in "source" (Prodigy): such spans count as a person's.
_SOURCES = {str(source): source for source in Source}


def _raw_spans(record: dict, style: str | None) -> list[tuple]:
    """``(start, end, label, source, confidence, kb_id)`` tuples from any supported style."""
    if style is None:
        return []
    items = record[style]
    if not isinstance(items, list):
        raise _RecordError(f'"{style}" must be a list')
    spans = []
    for item in items:
        if style == "label":
            if not (isinstance(item, list) and len(item) == 3):
                raise _RecordError(f'doccano "label" entries are [start, end, "LABEL"]; got {item!r}')
            start, end, label = item
            source, confidence, kb_id = Source.HUMAN, None, None
        elif isinstance(item, dict):
            keys = ("start", "end") if style == "spans" else ("start_offset", "end_offset")
            start, end, label = item.get(keys[0]), item.get(keys[1]), item.get("label")
            source = _SOURCES.get(item.get("source"), Source.HUMAN)
            confidence = None if source == Source.HUMAN else item.get("confidence")
            kb_id = item.get("kb_id") or None  # spaCy writes "" for no link
            if kb_id is not None and not isinstance(kb_id, str):
                raise _RecordError(f"span [{start}, {end}) kb_id {kb_id!r} must be a string (a catalogue entry's id)")
        else:
            raise _RecordError(f'each entry of "{style}" must be an object; got {item!r}')
        if not (_is_int(start) and _is_int(end)):
            raise _RecordError(f"span offsets must be integers: {item!r}")
        if not isinstance(label, str) or not label.strip():
            raise _RecordError(f"span [{start}, {end}) needs a non-empty string label: {item!r}")
        if (bad := unprintable(label)) is not None:
            raise _RecordError(f"span [{start}, {end}) label {label!r} contains the control character {bad}")
        if confidence is not None and (
            not isinstance(confidence, (int, float)) or isinstance(confidence, bool) or not 0 <= confidence <= 1
        ):
            raise _RecordError(f"span [{start}, {end}) confidence {confidence!r} is not a number in [0, 1]")
        spans.append((start, end, label, source, confidence, kb_id))
    return spans


def _check_spans(raw: list[tuple], text: str, tokens: list[Token]) -> list[Span]:
    starts = [t.start for t in tokens]
    ends = [t.end for t in tokens]
    spans = []
    for start, end, label, source, confidence, kb_id in sorted(raw, key=lambda s: (s[0], s[1])):
        where = f"span [{start}, {end}) {label}"
        if not 0 <= start < end:
            raise _RecordError(f"{where} is empty or has a negative offset")
        if end > len(text):
            raise _RecordError(f"{where} ends past the end of the text (length {len(text)})")
        i = bisect_left(starts, start)
        j = bisect_left(ends, end)
        if i == len(starts) or starts[i] != start or j == len(ends) or ends[j] != end:
            k = min(i if i == len(starts) or starts[i] != start else j, len(tokens) - 1)
            token = text[tokens[k].start : tokens[k].end] if tokens else ""
            raise _RecordError(
                f"{where} {text[start:end]!r} does not start and end on token boundaries "
                f"(nearest token {token!r}); fix the offsets, or add a \"tokens\" list"
            )
        if spans and start < spans[-1].end:
            before = spans[-1]
            raise _RecordError(f"{where} overlaps span [{before.start}, {before.end}) {before.label}")
        spans.append(Span(start, end, label, source, confidence, kb_id))
    return spans


def _read_sentences(record: dict, tokens: list[Token]) -> list[Sentence] | None:
    raw = record.get("sentences")
    if raw is None:
        return None
    starts = [t.start for t in tokens]
    sentences = []
    expected = 0
    for item in raw if isinstance(raw, list) else [raw]:
        ok = isinstance(item, list) and len(item) == 2 and all(map(_is_int, item))
        i = bisect_left(starts, item[0]) if ok else -1
        j = bisect_left(starts, item[1]) if ok else -1
        if not ok or i != expected or j <= i:
            raise _RecordError(
                f'"sentences" must be [start, end] character offsets that cover the tokens in '
                f"order; got {item!r}"
            )
        sentences.append(Sentence(i, j))
        expected = j
    if expected != len(tokens):
        raise _RecordError(f'"sentences" cover {expected} of {len(tokens)} tokens')
    return sentences


def _merge_crossed(sentences: list[Sentence], spans: list[Span], tokens: list[Token]) -> list[Sentence]:
    """Join sentences an entity runs across: the annotator knows better than our splitter."""
    ends = [t.end for t in tokens]
    crossed = set()
    for span in spans:
        first, last = bisect_left(ends, span.start + 1), bisect_left(ends, span.end)
        crossed.update(range(first + 1, last + 1))
    if not crossed:
        return sentences
    merged: list[Sentence] = []
    for sentence in sentences:
        if merged and sentence.start in crossed:
            merged[-1] = Sentence(merged[-1].start, sentence.end)
        else:
            merged.append(sentence)
    return merged


def record_to_document(record, name: str, split=split_sentences) -> Document:
    """One document from one decoded JSON line; raises ``_RecordError``. ``split(text,
    tokens)`` finds the sentences of a record that does not list them."""
    if not isinstance(record, dict):
        raise _RecordError(f"expected one JSON object per line, got {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str):
        raise _RecordError('every line needs a "text" string')
    tokens = _read_tokens(record, text)
    if tokens is None:
        tokens = word_tokens(text)
    style = _span_field(record)
    spans = _check_spans(_raw_spans(record, style), text, tokens)
    given = _read_sentences(record, tokens)
    if given is not None:
        sentences = given
    else:
        sentences = _merge_crossed(split(text, tokens), spans, tokens)
    status = record.get("status", Status.NEW)
    if not isinstance(status, str) or status not in set(Status):
        raise _RecordError(f'"status" must be one of {", ".join(Status)}; got {status!r}')
    meta_field = record.get("meta", {})
    if not isinstance(meta_field, dict):
        raise _RecordError('"meta" must be an object')
    if isinstance(meta_field.get("name"), str):
        name = meta_field["name"]
    rest = {k: v for k, v in meta_field.items() if k not in ("name", "source", NOTES_META)}
    meta = {"jsonl_meta": rest} if rest else {}
    if NOTES_META in meta_field:  # analysts' notes (core/text/notes.py): checked, kept as records
        try:
            meta[NOTES_META] = [note.record() for note in notes_from_records(meta_field[NOTES_META], len(text))]
        except ValueError as error:
            raise _RecordError(str(error)) from None
    if isinstance(meta_field.get("source"), dict):  # where a Word/HTML/Markdown/PDF text came from
        meta["source"] = meta_field["source"]
    elif "source" in meta_field:
        meta.setdefault("jsonl_meta", {})["source"] = meta_field["source"]
    # The spans are written back as "spans"; a stale doccano copy would contradict them.
    extra = {k: v for k, v in record.items() if k not in KNOWN_FIELDS and k != style}
    if extra:
        meta["jsonl_extra"] = extra
    try:
        return Document(text, tokens, sentences, spans, name=name, status=status, meta=meta)
    except SpanError as error:
        raise _RecordError(str(error)) from None


def parse_jsonl(text: str, path: str | Path | None = None, *, name: str = "", splitter=None) -> list[Document]:
    """Documents from JSON Lines text; :class:`FormatError` names the line. Blank lines are
    allowed (many tools end files with one). Records without ``"sentences"`` are split by
    ``splitter`` (``core.text.sentences.resolve``), which does not learn from them."""
    with paused_gc():
        return _parse(text, path, name, resolve(splitter).split)


def _parse(text: str, path, name: str, split) -> list[Document]:
    base = name or (Path(path).stem if path is not None else "document")
    lines = text.removeprefix("\ufeff").split("\n")
    numbered = [(n, line) for n, line in enumerate(lines, 1) if line.strip()]
    if not numbered:
        raise FormatError("the file has no JSON lines", path)
    docs = []
    for k, (number, line) in enumerate(numbered):
        try:
            record = json_text.loads(line)
        except json.JSONDecodeError as error:
            hint = (
                "; this looks like a JSON array or pretty-printed JSON, but NER Studio reads "
                "JSON Lines (one object per line)"
                if k == 0 and (line.lstrip().startswith("[") or line.strip() == "{")
                else ""
            )
            raise FormatError(f"invalid JSON: {error.msg} (column {error.colno}){hint}", path, number) from None
        doc_name = base if len(numbered) == 1 else f"{base} #{k + 1}"
        try:
            docs.append(record_to_document(record, doc_name, split))
        except _RecordError as error:
            raise FormatError(str(error), path, number) from None
    return docs


def read_jsonl(path: str | Path) -> list[Document]:
    path = Path(path)
    return parse_jsonl(decode_text(path.read_bytes(), path), path)


def token_bounds(doc: Document, span) -> tuple[int, int]:
    """``(token_start, token_end)`` of ``span`` as JSONL writes them, in Prodigy's way: its
    first and last token, counted from 0. The app shows an entity's tokens with these numbers."""
    first, end = doc.token_range(span.start, span.end)
    return first, end - 1


def document_to_record(doc: Document, kb_names: Mapping[str, str] | None = None) -> dict:
    """``kb_names``: catalogue entry id -> name, to write each link's ``kb_name`` too."""
    return _record(doc, _token_records(doc), kb_names)


def _token_records(doc: Document) -> list[dict]:
    text = doc.text
    return [
        {"text": text[s:e], "start": s, "end": e, "id": i, "ws": text[e : e + 1].isspace()}
        for i, (s, e) in enumerate(doc.tokens)
    ]


def _record(doc: Document, tokens, kb_names: Mapping[str, str] | None = None) -> dict:
    text = doc.text
    spans = []
    for span in doc.spans:
        first, last = token_bounds(doc, span)
        item = {"start": span.start, "end": span.end, "label": span.label, "token_start": first, "token_end": last}
        item["source"] = str(span.source)
        if span.confidence is not None:
            item["confidence"] = round(span.confidence, 6)
        if span.kb_id is not None:
            item["kb_id"] = span.kb_id
            if kb_names and span.kb_id in kb_names:
                item["kb_name"] = kb_names[span.kb_id]
        spans.append(item)
    sentences = [[doc.tokens[s.start].start, doc.tokens[s.end - 1].end] for s in doc.sentences]
    meta = {"name": doc.name} if doc.name else {}
    if "source" in doc.meta:
        meta["source"] = doc.meta["source"]
    meta.update(doc.meta.get("jsonl_meta", {}))
    if doc.meta.get(NOTES_META):
        meta[NOTES_META] = doc.meta[NOTES_META]
    record = {"text": text, "tokens": tokens, "spans": spans, "sentences": sentences, "status": str(doc.status)}
    if meta:
        record["meta"] = meta
    record.update(doc.meta.get("jsonl_extra", {}))
    return record


def format_jsonl(docs, kb_names: Mapping[str, str] | None = None) -> str:
    return "".join(record_line(doc, kb_names) for doc in docs)


_TOKENS_LATER: list = []  # stands for the token list in a record written by ``record_line``
_JSON_STRING = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) uses


def record_line(doc: Document, kb_names: Mapping[str, str] | None = None) -> str:
    """``json.dumps(document_to_record(doc, kb_names), ensure_ascii=False)`` and a line break,
    the same characters, with the token list written straight from the offsets: a dict per
    token, then encoding it, took most of the time ``predict`` spent writing JSONL
    (benchmarks/results/2026-12-07-tagging-speed.md)."""
    record = _record(doc, _TOKENS_LATER, kb_names)
    if next(iter(record)) != "text" or record["tokens"] is not _TOKENS_LATER:  # a kept field renamed them
        return json.dumps(document_to_record(doc, kb_names), ensure_ascii=False) + "\n"
    text = doc.text
    tokens = ", ".join([
        f'{{"text": {_JSON_STRING(text[s:e])}, "start": {s}, "end": {e}, "id": {i}, '
        f'"ws": {"true" if text[e : e + 1].isspace() else "false"}}}'
        for i, (s, e) in enumerate(doc.tokens)
    ])
    rest = json.dumps({k: v for k, v in record.items() if k not in ("text", "tokens")}, ensure_ascii=False)
    return f'{{"text": {_JSON_STRING(record["text"])}, "tokens": [{tokens}], {rest[1:]}\n'
