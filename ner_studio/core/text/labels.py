"""Entity labels: name, highlight colour and shortcut key, kept in an ordered :class:`LabelSet`.

Usage::

    labels = LabelSet.conll2003()          # PER, LOC, ORG, MISC with keys 1-4
    labels.add("DATE")                     # next free palette colour and key
    labels.rename("MISC", "OTHER")         # remembered: see renames()
    labels.set_key("DATE", "9")
    labels.set_guidelines("DATE", "Calendar dates", ["3 March", "last Tuesday"])
    labels.by_key("1").name                # "PER"

Every invalid change raises :class:`LabelError` and leaves the set unchanged. ``changed``
emits (no arguments) after every successful change, so an editor view can redraw.

A set remembers which of the labels it started with (or had at its last ``mark_saved()``) were
renamed or removed; ``Project.save_labels`` uses :meth:`renames` and :meth:`removed` to relabel
or delete existing spans in the same transaction as the label set itself.
"""

from __future__ import annotations

import colorsys
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from ner_studio.core.text.colours import most_distinct
from ner_studio.core.errors import LabelError
from ner_studio.core.events import Signal

# Light, distinct hues: entities are highlighted behind black text, so dark colours hurt.
PALETTE = (
    "#aa9cfc",  # lavender
    "#ff9561",  # orange
    "#7aecec",  # cyan
    "#c3e88d",  # green
    "#feca74",  # amber
    "#f4a6c9",  # pink
    "#9cc9ff",  # sky
    "#e4e7a0",  # olive
    "#d9b38c",  # tan
    "#b4e0c8",  # mint
    "#ffb3b3",  # rose
    "#c9c9c9",  # grey
)
# The colour of labels a set does not know (see LabelSet.colour_of); never given to a new label.
FALLBACK_COLOUR = "#c9c9c9"
KEYS = tuple("123456789")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_MAX_NAME = 40
MAX_DESCRIPTION = 4000  # a guideline, not a manual: a tooltip must fit on a screen
MAX_EXAMPLES = 50


@dataclass(frozen=True, slots=True)
class Label:
    """``colour`` is ``#rrggbb`` (lower case); ``key`` is ``"1"``..``"9"`` or ``""`` for none.
    ``description`` and ``examples`` are the annotation guideline analysts hand on with the
    label set (what counts as this label, a few example texts), shown on hover (issue 26)."""

    name: str
    colour: str
    key: str = ""
    description: str = ""
    examples: tuple[str, ...] = ()


def unprintable(name: str) -> str | None:
    """The first control, format or unassigned character in ``name`` as ``U+XXXX``, if any.
    Why: such a character in a label passes through every file unseen (an escape sequence in
    a terminal, a direction override that reorders a CoNLL line) and makes two labels that
    look the same differ (issue 24)."""
    for ch in name:
        if unicodedata.category(ch).startswith("C"):
            return f"U+{ord(ch):04X}"
    return None


def check_name(name: str, *, stored: bool = False) -> str:
    """``name`` if it can be a label (it becomes the ``X`` of ``B-X`` tags in CoNLL files).
    ``stored``: a label already in a project, where an older version let control characters
    in; it is kept so the project still opens (renaming it is checked in full)."""
    if not isinstance(name, str) or not name:
        raise LabelError("a label needs a name")
    if any(ch.isspace() for ch in name):
        raise LabelError(f"label {name!r} contains whitespace; CoNLL columns would break")
    if not stored and (bad := unprintable(name)) is not None:
        raise LabelError(f"label {name!r} contains the control character {bad}; labels are "
                         f"printable names such as PER")
    if name == "O" or name[:2] in ("B-", "I-", "E-", "S-", "L-", "U-"):
        raise LabelError(f"{name!r} looks like a tag, not a label; use e.g. PER rather than B-PER")
    if len(name) > _MAX_NAME:
        raise LabelError(f"label {name[:20]!r}... is longer than {_MAX_NAME} characters")
    return name


def check_colour(colour: str) -> str:
    if not isinstance(colour, str) or not _COLOUR.fullmatch(colour):
        raise LabelError(f"colour {colour!r} is not of the form #rrggbb (e.g. #ff9561)")
    return colour.lower()


def check_shortcut_key(key: str) -> str:
    if key not in ("", *KEYS):
        raise LabelError(f"shortcut key {key!r} must be one of 1-9, or empty for none")
    return key


def check_guidelines(description: str, examples) -> tuple[str, tuple[str, ...]]:
    """``(description, examples)`` cleaned: surrounding blank space off, empty examples dropped."""
    if not isinstance(description, str):
        raise LabelError(f"a label's description is text, not {type(description).__name__}")
    if isinstance(examples, str) or not all(isinstance(e, str) for e in examples):
        raise LabelError("a label's examples are a list of texts")
    if len(description) > MAX_DESCRIPTION:
        raise LabelError(f"a label's description is longer than {MAX_DESCRIPTION} characters")
    cleaned = tuple(e.strip() for e in examples if e.strip())
    if len(cleaned) > MAX_EXAMPLES or any(len(e) > MAX_DESCRIPTION for e in cleaned):
        raise LabelError(f"a label has at most {MAX_EXAMPLES} examples of at most {MAX_DESCRIPTION} characters each")
    return description.strip(), cleaned


def generated_colour(index: int) -> str:
    """A light colour for label number ``index`` once the palette is used up (golden-ratio hues
    stay apart)."""
    hue = (index * 0.618033988749895) % 1.0
    red, green, blue = colorsys.hls_to_rgb(hue, 0.78, 0.75)
    return "#{:02x}{:02x}{:02x}".format(round(red * 255), round(green * 255), round(blue * 255))


@dataclass(frozen=True)
class LabelChanges:
    """Edits of a label set as operations (see :meth:`LabelSet.changes`). Saving applies them
    to the labels stored *now*, so two windows that each add a label keep both: saving a
    whole list read earlier would delete the label the other one added."""

    renames: dict[str, str]  # saved name -> new name
    removed: frozenset[str]  # saved names
    added: tuple[Label, ...]
    updated: tuple[Label, ...]  # recoloured, new key or new guidelines, by current name
    order: tuple[str, ...] | None  # the editor's order, if it was changed

    def apply(self, stored: LabelSet) -> LabelSet:
        """``stored`` with these edits made: renames and removals of labels another window
        already removed are skipped; on a shortcut key both sides want, these edits win."""
        taken = set(stored.names())
        for old, new in self.renames.items():
            if new in taken and new not in self.renames and old in taken:
                raise LabelError(f"another window added a label named {new!r} meanwhile; "
                                 f"choose another name for {old!r}")
        result = [replace(label, name=self.renames.get(label.name, label.name))
                  for label in stored if label.name not in self.removed]
        updated = {label.name: label for label in (*self.updated, *self.added)}
        result = [updated.pop(label.name, label) for label in result]
        result += [label for label in self.added if label.name in updated]
        mine = {label.name for label in (*self.updated, *self.added)}
        keys = {label.key for label in result if label.name in mine and label.key}
        result = [label if label.name in mine or label.key not in keys else replace(label, key="")
                  for label in result]
        if self.order is not None:
            # The editor's order; labels it never saw (added elsewhere) go last.
            position = {name: k for k, name in enumerate(self.order)}
            result.sort(key=lambda label: position.get(label.name, len(position)))
        return LabelSet(result)


class LabelSet:
    """An ordered set of labels with unique names and unique shortcut keys."""

    def __init__(self, labels: Iterable[Label] = ()):
        self._labels: list[Label] = []
        for label in labels:
            description, examples = check_guidelines(label.description, label.examples)
            label = Label(check_name(label.name, stored=True), check_colour(label.colour),
                          check_shortcut_key(label.key), description, examples)
            self._check_free(label.name, label.key)
            self._labels.append(label)
        self._origin: dict[str, str] = {}
        self.changed = Signal()
        self.mark_saved()

    @classmethod
    def conll2003(cls) -> LabelSet:
        names = ("PER", "LOC", "ORG", "MISC")
        return cls(Label(n, PALETTE[i], KEYS[i]) for i, n in enumerate(names))

    # --- reading -------------------------------------------------------------------------
    def __iter__(self) -> Iterator[Label]:
        return iter(list(self._labels))

    def __len__(self) -> int:
        return len(self._labels)

    def __contains__(self, name: object) -> bool:
        return any(label.name == name for label in self._labels)

    def __getitem__(self, name: str) -> Label:
        return self._labels[self._index(name)]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LabelSet) and self._labels == other._labels

    def __repr__(self) -> str:
        return f"LabelSet({', '.join(label.name for label in self._labels)})"

    def names(self) -> list[str]:
        return [label.name for label in self._labels]

    def get(self, name: str) -> Label | None:
        return next((label for label in self._labels if label.name == name), None)

    def by_key(self, key: str) -> Label | None:
        if not key:
            return None
        return next((label for label in self._labels if label.key == key), None)

    def colour_of(self, name: str, fallback: str = FALLBACK_COLOUR) -> str:
        """The label's colour, or ``fallback`` for labels not in the set (e.g. from a model)."""
        label = self.get(name)
        return label.colour if label else fallback

    def copy(self) -> LabelSet:
        duplicate = LabelSet(self._labels)
        duplicate._origin = dict(self._origin)
        duplicate._saved = set(self._saved)
        duplicate._base = list(self._base)
        return duplicate

    # --- editing -------------------------------------------------------------------------
    def add(self, name: str, colour: str | None = None, key: str | None = None) -> Label:
        """Append a label; ``colour=None`` takes the next unused palette colour and ``key=None``
        the next free key (``""`` when 1-9 are all taken)."""
        name = check_name(name)
        colour = self._free_colour() if colour is None else check_colour(colour)
        key = self._free_key() if key is None else check_shortcut_key(key)
        self._check_free(name, key)
        label = Label(name, colour, key)
        self._labels.append(label)
        self.changed.emit()
        return label

    def rename(self, old: str, new: str) -> Label:
        index = self._index(old)
        new = check_name(new)
        if new == old:
            return self._labels[index]
        self._check_free(new, "")
        label = replace(self._labels[index], name=new)
        self._labels[index] = label
        if old in self._origin:
            self._origin[new] = self._origin.pop(old)
        self.changed.emit()
        return label

    def remove(self, name: str) -> Label:
        label = self._labels.pop(self._index(name))
        self._origin.pop(name, None)
        self.changed.emit()
        return label

    def set_colour(self, name: str, colour: str) -> Label:
        index = self._index(name)
        label = replace(self._labels[index], colour=check_colour(colour))
        self._labels[index] = label
        self.changed.emit()
        return label

    def set_key(self, name: str, key: str) -> Label:
        """Give ``name`` the shortcut ``key`` (``""`` clears it)."""
        index = self._index(name)
        key = check_shortcut_key(key)
        holder = self.by_key(key)
        if holder is not None and holder.name != name:
            raise LabelError(f"key {key} is already the shortcut of {holder.name}; clear it first")
        label = replace(self._labels[index], key=key)
        self._labels[index] = label
        self.changed.emit()
        return label

    def set_guidelines(self, name: str, description: str, examples=()) -> Label:
        """Give ``name`` its annotation guideline: a description and example texts."""
        index = self._index(name)
        description, examples = check_guidelines(description, examples)
        label = replace(self._labels[index], description=description, examples=examples)
        if label != self._labels[index]:
            self._labels[index] = label
            self.changed.emit()
        return label

    def move(self, name: str, position: int) -> None:
        """Put ``name`` at ``position`` in the order (clamped to the ends)."""
        label = self._labels.pop(self._index(name))
        self._labels.insert(max(0, min(position, len(self._labels))), label)
        self.changed.emit()

    # --- what changed since the last save ------------------------------------------------
    def renames(self) -> dict[str, str]:
        """``{name at last save: current name}`` for every saved label renamed since."""
        return {origin: name for name, origin in self._origin.items() if origin != name}

    def removed(self) -> set[str]:
        """Names (at the last save) of saved labels removed since."""
        return self._saved - set(self._origin.values())

    def changes(self) -> LabelChanges:
        """What was done to this set since the last save, as operations that can be applied
        to the labels stored now, which another window may have changed meanwhile."""
        base = {label.name: label for label in self._base}
        added, updated = [], []
        for label in self._labels:
            origin = self._origin.get(label.name)
            if origin is None:
                added.append(label)
            elif replace(label, name=origin) != base[origin]:
                updated.append(label)
        kept = [self._origin[label.name] for label in self._labels if label.name in self._origin]
        reordered = kept != [label.name for label in self._base if label.name in set(kept)]
        return LabelChanges(self.renames(), frozenset(self.removed()), tuple(added), tuple(updated),
                            tuple(self.names()) if reordered else None)

    def mark_saved(self) -> None:
        """Forget past renames and removals: the current labels are what is stored."""
        self._origin = {label.name: label.name for label in self._labels}
        self._saved = set(self._origin)
        self._base = list(self._labels)

    # --- helpers -------------------------------------------------------------------------
    def _index(self, name: str) -> int:
        for index, label in enumerate(self._labels):
            if label.name == name:
                return index
        raise LabelError(f"no label named {name!r}; the labels are {', '.join(self.names())}")

    def _check_free(self, name: str, key: str) -> None:
        if name in self:
            raise LabelError(f"there is already a label named {name!r}")
        holder = self.by_key(key)
        if holder is not None:
            raise LabelError(f"key {key} is already the shortcut of {holder.name}")

    def _free_colour(self) -> str:
        """The first palette colour that looks unlike every label's, else the palette or
        generated colour farthest from its nearest label colour (see core/text/colours.py)."""
        used = {label.colour for label in self._labels} | {FALLBACK_COLOUR}
        candidates = [c for c in PALETTE if c not in used]
        # As many generated colours as labels and 48 more, so some are always free: a set of 66
        # labels (Few-NERD) ran out of them (issue 24).
        extra = range(len(PALETTE), len(PALETTE) + len(self._labels) + 48)
        candidates += [c for c in map(generated_colour, extra) if c not in used]
        return most_distinct(candidates, used)

    def _free_key(self) -> str:
        used = {label.key for label in self._labels}
        return next((key for key in KEYS if key not in used), "")
