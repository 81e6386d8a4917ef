"""``ner-studio project assign``: a curator spreads the documents nobody has yet over the
team, with an overlap share that two annotators each get, for agreement (core/store/assignment.py).
Without ``--annotators`` it shows who has which share."""

from __future__ import annotations

import argparse
from collections import Counter

from ner_studio.core.errors import AnnotatorError
from ner_studio.core.plural import plural
from ner_studio.commands.project_team import add_project_action, default_annotator_name, open_project
from ner_studio.core.store.project_postgres import display_location


def add_assign(actions) -> None:
    action = add_project_action(
        actions, "assign", help="assign the unassigned documents to annotators, with an overlap for agreement",
        description="Spread the documents of PROJECT that nobody is assigned yet evenly over the "
        "annotators; --overlap SHARE of them (spaced through the list) go to two annotators "
        "each, so that agreement can compare them. Earlier assignments stay. Without "
        "--annotators, show the assignments.")
    action.add_argument("--annotators", metavar="NAME", nargs="+", help="whom to assign documents to")
    action.add_argument("--overlap", metavar="SHARE", type=float, default=0.0,
                        help="the share of the documents that two annotators get, 0 to 1 (default: 0)")


def run_assign(args: argparse.Namespace) -> int:
    from ner_studio.core.store.assignment import check_team

    if args.annotators is not None:
        check_team(args.annotators, args.overlap)  # a bad team fails before the project opens
    elif args.overlap:
        raise AnnotatorError("--overlap needs --annotators: whom to give the documents to")
    project = open_project(args.project, annotator=default_annotator_name(None),
                           read_only=args.annotators is None)
    try:
        if args.annotators is not None:
            plan = project.assign(args.annotators, args.overlap)
            shared = sum(1 for names in plan.values() if len(names) > 1)
            print(f"assigned {plural(len(plan), 'document')} ({shared} of them to two annotators): "
                  f"{_counts(plan, args.annotators)}")
        total = len(project.document_summaries())
        everything = project.assignments()
    finally:
        project.close(discard_pending=True)
    shared = sum(1 for names in everything.values() if len(names) > 1)
    names = sorted({name for names in everything.values() for name in names})
    print(f"{display_location(args.project)}: {len(everything)} of {plural(total, 'document')} assigned, {shared} to two annotators"
          + (f"; {_counts(everything, names)}" if names else ""))
    return 0


def _counts(plan: dict[int, tuple[str, ...]], names) -> str:
    counts = Counter(name for chosen in plan.values() for name in chosen)
    return ", ".join(f"{name} {counts[name]}" for name in names)


ACTIONS = {"assign": (add_assign, run_assign)}
