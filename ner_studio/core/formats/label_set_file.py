"""A label set as a file, to hand on with its guidelines (issue 26): names, colours, keys and
each label's description and examples, in JSON::

    {"ner_studio_labels": 1,
     "labels": [{"name": "PER", "colour": "#aa9cfc", "key": "1",
                 "description": "People, by name; not titles alone",
                 "examples": ["Karin Olsson", "Dr. Okafor"]}]}

Only ``name`` is required. A plain list of such objects, or of names (``["PER", "LOC"]``), is
read too, so a hand-written file works. A key the reader does not know is an error naming the
file and line (a misspelt ``"desciption"`` would otherwise lose the guideline without a word),
and so is any invalid label.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ner_studio.core import json_text
from ner_studio.core.atomic import atomic_write_text
from ner_studio.core.errors import FormatError, LabelError
from ner_studio.core.formats.outputs import check_output
from ner_studio.core.utf8_file import read_utf8_file
from ner_studio.core.text.labels import LabelSet

FORMAT_KEY = "ner_studio_labels"
FORMAT_VERSION = 1
_LABEL_KEYS = ("name", "colour", "key", "description", "examples")
_TOP_KEYS = (FORMAT_KEY, "labels")


def label_set_json(labels: LabelSet) -> str:
    """The file's text for ``labels`` (see module doc)."""
    return json.dumps({FORMAT_KEY: FORMAT_VERSION, "labels": [
        {"name": label.name, "colour": label.colour, "key": label.key, "description": label.description,
         "examples": list(label.examples)} for label in labels]}, ensure_ascii=False, indent=2) + "\n"


def write_label_set(path: str | Path, labels: LabelSet, *, force: bool = False) -> None:
    """Write ``labels`` to ``path`` atomically, once it is safe to (``check_output``: an
    existing file of another kind is replaced only with ``force``)."""
    atomic_write_text(check_output(path, "json", force=force), label_set_json(labels))


def read_label_set(path: str | Path) -> LabelSet:
    """The label set in the file ``path``; a FormatError names the file, the line and what is wrong."""
    text = read_utf8_file(path)
    return parse_label_set(text, path)


def parse_label_set(text: str, path: str | Path | None = None) -> LabelSet:
    try:
        data = json_text.loads(text)
    except json.JSONDecodeError as error:
        raise FormatError(f"not JSON: {error.msg} (column {error.colno})", path, error.lineno) from error
    if isinstance(data, dict):
        unknown = [key for key in data if key not in _TOP_KEYS]
        if unknown:
            raise FormatError(f"unknown key {unknown[0]!r}; a label set file has {', '.join(map(repr, _TOP_KEYS))}",
                              path, _line_of_key(text, unknown[0]))
        version = data.get(FORMAT_KEY, FORMAT_VERSION)
        if not isinstance(version, int) or version > FORMAT_VERSION:
            raise FormatError(f"label set format {version!r} is newer than this NER Studio reads "
                              f"({FORMAT_VERSION}); update NER Studio", path, _line_of_key(text, FORMAT_KEY))
        entries = data.get("labels")
    else:
        entries = data
    if not isinstance(entries, list):
        raise FormatError('expected a list of labels (or {"labels": [...]})', path, 1)
    labels = LabelSet([])
    for number, entry in enumerate(entries, 1):
        _add_label(labels, entry, number, text, path)
    labels.mark_saved()
    return labels


def _add_label(labels: LabelSet, entry, number: int, text: str, path) -> None:
    """Add label number ``number`` of the file (an object or a name) to ``labels``."""
    if isinstance(entry, str):
        entry = {"name": entry}
    if not isinstance(entry, dict):
        raise FormatError(f"label {number} is {type(entry).__name__}, not an object or a name", path)
    unknown = [key for key in entry if key not in _LABEL_KEYS]
    if unknown:
        raise FormatError(f"label {number}: unknown key {unknown[0]!r}; a label has "
                          f"{', '.join(map(repr, _LABEL_KEYS))}", path, _line_of_key(text, unknown[0]))
    name = entry.get("name")
    line = _line_of_name(text, name)
    try:
        for field in ("name", "colour", "key", "description"):
            if field in entry and not isinstance(entry[field], str):
                raise LabelError(f"{field} is {type(entry[field]).__name__}, not text")
        label = labels.add(name, entry.get("colour"), entry.get("key"))
        examples = entry.get("examples", [])
        if not isinstance(examples, list):
            raise LabelError("examples is a list of texts")
        labels.set_guidelines(label.name, entry.get("description", ""), examples)
    except LabelError as error:
        raise FormatError(f"label {number}{f' ({name})' if isinstance(name, str) else ''}: {error}", path,
                          line) from error


def merge_label_set(current: LabelSet, imported: LabelSet) -> LabelSet:
    """``current`` (a copy, its renames kept) with ``imported``'s labels: a label of the same
    name takes the file's colour and guidelines (and its key, if no other label has it), a
    new one is added after the others. Nothing is removed: entities keep their labels."""
    merged = current.copy()
    for label in imported:
        if label.name not in merged:
            free = label.key and merged.by_key(label.key) is None
            merged.add(label.name, label.colour, label.key if free else None)
        else:
            merged.set_colour(label.name, label.colour)
            holder = merged.by_key(label.key)
            if label.key and holder is None:
                merged.set_key(label.name, label.key)
        merged.set_guidelines(label.name, label.description, label.examples)
    return merged


def _line_of_key(text: str, key: str) -> int | None:
    """The line of the first ``"key":`` in ``text`` (the parser keeps no positions)."""
    match = re.search(re.escape(json.dumps(key)) + r"\s*:", text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _line_of_name(text: str, name) -> int | None:
    if not isinstance(name, str):
        return None
    literal = re.escape(json.dumps(name, ensure_ascii=False))
    match = re.search(r'"name"\s*:\s*' + literal, text) or re.search(literal, text)
    return text.count("\n", 0, match.start()) + 1 if match else None

