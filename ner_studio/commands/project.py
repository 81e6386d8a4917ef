"""``ner-studio project ACTION``: work on projects (``.nerstudio`` files or ``postgresql://``
URLs of projects on a server) without the app.

A group of actions, each ``add_ACTION(actions)`` + ``run_ACTION(args)``; to add one, write
those two functions and list it in ``ACTIONS``.
"""

from __future__ import annotations

import argparse

from ner_studio.commands.outputs import add_force_option
from ner_studio.commands.project_assign import ACTIONS as ASSIGN_ACTIONS
from ner_studio.commands.project_team import ACTIONS as TEAM_ACTIONS, PROJECT_HELP
from ner_studio.core.plural import plural


def add_backup(actions) -> None:
    action = actions.add_parser(
        "backup", help="write a consistent copy of a project, safe while the app has it open",
        description="Copy PROJECT to the project file OUT. A file is copied with SQLite's backup API: "
        "the copy holds every saved edit, including those still in the -wal file beside the "
        "project, which a plain file copy taken while NER Studio runs can miss. A project on a "
        "server is copied from one consistent snapshot.")
    action.add_argument("project", metavar="PROJECT", help=PROJECT_HELP)
    action.add_argument("out", metavar="OUT", help="the copy to write (an existing project file is replaced)")
    add_force_option(action)


def run_backup(args: argparse.Namespace) -> int:
    from ner_studio.core.project import Project
    from ner_studio.core.project_postgres import display_location

    project = Project.open(args.project, read_only=True)
    try:
        project.save_copy(args.out, force=args.force)
        documents = len(project.document_summaries())
    finally:
        project.close(discard_pending=True)
    print(f"copied {display_location(args.project)} ({plural(documents, 'document')}) -> {args.out}")
    return 0


ACTIONS = {"backup": (add_backup, run_backup), **TEAM_ACTIONS, **ASSIGN_ACTIONS}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "project", help="work on project files (create, import, export, agreement, assign, backup)",
        description="Work on NER Studio project files (.nerstudio) without the app.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for add, _ in ACTIONS.values():
        add(actions)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    return ACTIONS[args.action][1](args)
