"""Assigning documents to annotators: a curator spreads the documents nobody has yet evenly
over the team, and gives a share of them (the overlap) to two annotators each, so that
agreement (core/team/agreement.py) has documents to compare.

:func:`plan_assignment` is the plan, a pure function; the rows live in the ``assignments``
table (schema version 5, core/store/project_schema.py) and :class:`ProjectAssignments` reads and
writes them on a :class:`~ner_studio.core.store.project.Project`.

The overlap documents are spaced evenly through the list (not the first ones: a corpus is
often ordered by source or date, and agreement should sample all of it); each goes to the
two least loaded annotators, preferring the pair that has shared fewest documents so far,
so that every pair gets compared. The others go to the least loaded annotator, in turn.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Sequence
from itertools import combinations

from ner_studio.core.store.annotators import check_annotator_name
from ner_studio.core.errors import AnnotatorError
from ner_studio.core.store.project_dialect import Connection
from ner_studio.core.store.project_schema import now, schema_version

# The schema version that brought the assignments table (project_schema._V5).
ASSIGNMENTS_SCHEMA = 5


def check_team(annotators: Sequence[str], overlap: float) -> list[str]:
    """The annotators' names, checked; an AnnotatorError says what is wrong."""
    names = [check_annotator_name(name) for name in annotators]
    if not names:
        raise AnnotatorError("name at least one annotator to assign documents to")
    repeated = sorted(name for name, n in Counter(names).items() if n > 1)
    if repeated:
        raise AnnotatorError(f"each annotator once, please: {', '.join(repeated)} is named twice")
    if not 0.0 <= overlap <= 1.0:
        raise AnnotatorError(f"the overlap is a share of the documents, from 0 to 1 (0.2 is 20%), not {overlap:g}")
    if overlap > 0 and len(names) < 2:
        raise AnnotatorError("an overlap needs at least two annotators (each overlap document goes to two)")
    return names


def overlap_positions(count: int, overlap: float) -> set[int]:
    """Positions (of ``count`` documents) of the ``round(overlap * count)`` overlap
    documents, spaced evenly."""
    shared = min(count, round(overlap * count))
    return {int((j + 0.5) * count / shared) for j in range(shared)} if shared else set()


def plan_assignment(doc_ids: Sequence[int], annotators: Sequence[str], overlap: float) -> dict[int, tuple[str, ...]]:
    """Who gets each of ``doc_ids`` (in list order): one annotator each, two for the
    overlap share; every annotator's count within one of the others'."""
    names = check_team(annotators, overlap)
    shared = overlap_positions(len(doc_ids), overlap)
    load = dict.fromkeys(names, 0)
    pairs: Counter = Counter()
    order = {name: i for i, name in enumerate(names)}
    chosen: dict[int, tuple[str, ...]] = {}
    # The pairs first, then the single documents fill up whoever has fewest.
    for position in sorted(shared):
        pair = min(combinations(names, 2),
                   key=lambda p: (load[p[0]] + load[p[1]], pairs[p], order[p[0]], order[p[1]]))
        pairs[pair] += 1
        chosen[position] = pair
        for name in pair:
            load[name] += 1
    for position in range(len(doc_ids)):
        if position not in shared:
            name = min(names, key=lambda n: (load[n], order[n]))
            chosen[position] = (name,)
            load[name] += 1
    return {doc_id: chosen[position] for position, doc_id in enumerate(doc_ids)}


def next_in_turn(doc_ids: Sequence[int], current: int | None, assigned: Collection[int], *, step: int = 1,
                 skip: Callable[[int], bool] = lambda doc_id: False) -> int | None:
    """The document after (``step`` 1) or before (-1) ``current`` in ``doc_ids`` (list
    order, wrapping) that ``skip`` does not reject, for Next Document: among the ones
    ``assigned`` to the annotator when some are (a team's project: your documents, not the
    others'), else among all. Without ``current`` (or one not listed), the first (or the
    last); None if no other document will do."""
    ids = list(doc_ids)
    yours = set(assigned).intersection(ids)
    if current in ids:
        at = ids.index(current)
        ids = ids[at + 1:] + ids[:at]
    if step < 0:
        ids.reverse()
    return next((doc_id for doc_id in ids if (not yours or doc_id in yours) and not skip(doc_id)), None)


# --- on an open connection (the Project wraps these in its transactions) ------------------
def has_table(conn: Connection) -> bool:
    """False for a project opened read-only before schema version 5 (nothing assigned)."""
    return schema_version(conn) >= ASSIGNMENTS_SCHEMA


def unassigned_documents(conn: Connection) -> list[int]:
    rows = conn.execute("SELECT d.id FROM documents d WHERE NOT EXISTS (SELECT 1 FROM assignments a"
                        " WHERE a.document_id = d.id) ORDER BY d.position, d.id").fetchall()
    return [doc_id for (doc_id,) in rows]


def store_plan(conn: Connection, plan: dict[int, tuple[str, ...]]) -> None:
    stamp = now()
    conn.executemany("INSERT INTO assignments (document_id, annotator, assigned) VALUES (?, ?, ?)",
                     [(doc_id, name, stamp) for doc_id, names in plan.items() for name in names])


def replace_assignments(conn: Connection, doc_ids: Sequence[int], names: Sequence[str]) -> None:
    """``doc_ids`` are ``names``' now, whoever had them before."""
    conn.executemany("DELETE FROM assignments WHERE document_id = ?", [(doc_id,) for doc_id in doc_ids])
    store_plan(conn, {doc_id: tuple(names) for doc_id in doc_ids})


def read_assignments(conn: Connection) -> dict[int, tuple[str, ...]]:
    """Every assigned document's annotators, in list order."""
    if not has_table(conn):
        return {}
    plan: dict[int, list[str]] = {}
    for doc_id, name in conn.execute(
            "SELECT a.document_id, a.annotator FROM assignments a JOIN documents d ON d.id = a.document_id"
            " ORDER BY d.position, d.id, a.annotator"):
        plan.setdefault(doc_id, []).append(name)
    return {doc_id: tuple(names) for doc_id, names in plan.items()}


def assigned_to(conn: Connection, annotator: str) -> set[int]:
    if not has_table(conn):
        return set()
    rows = conn.execute("SELECT document_id FROM assignments WHERE annotator = ?", (annotator,))
    return {doc_id for (doc_id,) in rows}


class ProjectAssignments:
    """Assignments of a :class:`~ner_studio.core.store.project.Project` (a mixin: it uses the
    project's ``_read`` and ``_write``)."""

    def assign(self, annotators: Sequence[str], overlap: float = 0.0) -> dict[int, tuple[str, ...]]:
        """Spread the documents nobody is assigned yet over ``annotators`` (see the module
        doc), in one transaction; returns who got which."""
        names = check_team(annotators, overlap)

        def assign(conn):
            plan = plan_assignment(unassigned_documents(conn), names, overlap)
            store_plan(conn, plan)
            return plan

        return self._write("assigning documents", assign)

    def assign_documents(self, doc_ids: Sequence[int], annotators: Sequence[str]) -> None:
        """Give ``doc_ids`` (chosen by hand: several selected in the list) to ``annotators``,
        in place of whom they were assigned to, in one transaction."""
        names = check_team(annotators, 0.0)
        ids = list(dict.fromkeys(doc_ids))
        self._write("assigning documents", lambda conn: replace_assignments(conn, ids, names))

    def assignments(self) -> dict[int, tuple[str, ...]]:
        """Every assigned document's annotators."""
        return self._read("reading the assignments", read_assignments)

    def assigned_documents(self, annotator: str | None = None) -> set[int]:
        """The documents assigned to ``annotator`` (by default, whom this project is open as)."""
        name = self.annotator if annotator is None else annotator
        return self._read("reading the assignments", lambda conn: assigned_to(conn, name))
