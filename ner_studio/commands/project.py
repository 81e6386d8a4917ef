"""``ner-studio project ACTION``: work on projects (``.nerstudio`` files or ``postgresql://``
URLs of projects on a server) without the app.

A group of actions, each ``add_ACTION(actions)`` + ``run_ACTION(args)``; to add one, write
those two functions and list it in ``ACTIONS``.
"""

from __future__ import annotations

import argparse
import sys

from ner_studio.commands.outputs import add_force_option
from ner_studio.commands.project_assign import ACTIONS as ASSIGN_ACTIONS
from ner_studio.commands.project_labels import ACTIONS as LABEL_ACTIONS
from ner_studio.commands.project_team import ACTIONS as TEAM_ACTIONS, add_project_action
from ner_studio.core.plural import plural


def add_backup(actions) -> None:
    action = add_project_action(
        actions, "backup", help="write a consistent copy of a project, safe while the app has it open",
        description="Copy PROJECT to the project file OUT. A file is copied with SQLite's backup API: "
        "the copy holds every saved edit, including those still in the -wal file beside the "
        "project, which a plain file copy taken while NER Studio runs can miss. A project on a "
        "server is copied from one consistent snapshot.")
    action.add_argument("out", metavar="OUT", help="the copy to write (an existing project file is replaced)")
    add_force_option(action)


def run_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ner_studio.core.store.project import Project
    from ner_studio.core.store.project_postgres import display_location
    from ner_studio.core.store.project_files import health_problem

    project = Project.open(args.project, read_only=True)
    try:
        project.save_copy(args.out, force=args.force)
        documents = len(project.document_summaries())
    finally:
        project.close(discard_pending=True)
    print(f"copied {display_location(args.project)} ({plural(documents, 'document')}) -> {args.out}")
    problem = health_problem(Path(args.out))
    if problem is not None:  # a copy of damage is no backup: say so now, not at restore time
        print(f"warning: the copy does not pass a full check, so it cannot be restored: {problem}", file=sys.stderr)
    return 0


def add_restore(actions) -> None:
    action = actions.add_parser(
        "restore", help="put a backup in place of a project (the project replaced is kept)",
        description="Replace the project file PROJECT with BACKUP: a copy made by 'ner-studio project "
        "backup' or one of the app's rotating backups (PROJECT.bak1 to .bak3). The backup must pass "
        "a full check; it is copied in atomically, and the project it replaces is kept beside it as "
        "PROJECT.corrupt-TIME. A project holding newer work than the backup is replaced only with --force. "
        "Close the project in the app first.")
    action.add_argument("project", metavar="PROJECT", help="the project file to restore")
    action.add_argument("backup", metavar="BACKUP", help="the backup file to restore it from")
    action.add_argument("--force", action="store_true",
                        help="restore even over a project with newer work than the backup (it is kept aside)")


def run_restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ner_studio.core.atomic import check_not_special
    from ner_studio.core.errors import ProjectError
    from ner_studio.core.store.project import Project
    from ner_studio.core.store.project_files import check_restorable
    from ner_studio.core.store.project_store import is_server_url

    if is_server_url(args.project) or is_server_url(args.backup):
        raise ProjectError("backups are files; a server's database is restored with the server's own "
                           "tools (pg_restore)", args.project)
    target, backup = Path(args.project), Path(args.backup)
    check_not_special(target)
    check_restorable(backup, target, force=args.force)
    project = Project.restore_backup(backup, target, annotator=None)
    try:
        documents = len(project.document_summaries())
        warnings = list(project.warnings)
    finally:
        project.close(discard_pending=True)
    print(f"restored {target} from {backup} ({documents} documents)")
    for warning in warnings:
        print(f"note: {warning}", file=sys.stderr)
    return 0


ACTIONS = {"backup": (add_backup, run_backup), "restore": (add_restore, run_restore),
           **TEAM_ACTIONS, **ASSIGN_ACTIONS, **LABEL_ACTIONS}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "project", help="work on project files (create, import, export, agreement, assign, labels, backup, restore)",
        description="Work on NER Studio project files (.nerstudio) without the app.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for add, _ in ACTIONS.values():
        add(actions)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    return ACTIONS[args.action][1](args)
