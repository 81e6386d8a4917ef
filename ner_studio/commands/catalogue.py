"""``ner-studio catalogue import|export PROJECT FILE``: a project's entity catalogue from or
to a CSV or JSONL file (core/catalogue/files.py says what they hold).

Import adds the file's entries and replaces those whose id the project knows (a file
exported, edited and imported again updates the entries in place, links kept); the whole
file is checked first, so a bad line changes nothing and names the file and the line.
"""

from __future__ import annotations

import argparse

from ner_studio.commands.outputs import add_force_option, checked_output
from ner_studio.commands.project_team import PROJECT_HELP, default_annotator_name, open_project, project_files
from ner_studio.core.plural import plural


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "catalogue", help="import or export a project's entity catalogue (CSV, JSONL)",
        description="The entity catalogue links each mention to the person, place or organisation it "
        "names. A catalogue file is .csv (columns id, name, label, aliases separated by |, "
        "external_id, description) or .jsonl (one object a line with those keys, aliases a list).")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("import", help="add a file's entries to the project (an entry with a known id is replaced)")
    add.add_argument("project", metavar="PROJECT", help=PROJECT_HELP)
    add.add_argument("file", metavar="FILE", help="the catalogue to import (.csv or .jsonl)")
    add.set_defaults(run=import_catalogue)
    out = actions.add_parser("export", help="write the project's catalogue to a file")
    out.add_argument("project", metavar="PROJECT", help=PROJECT_HELP)
    out.add_argument("file", metavar="FILE", help="the file to write (.csv or .jsonl)")
    add_force_option(out)
    out.set_defaults(run=export_catalogue)


def run(args: argparse.Namespace) -> int:  # the subcommand's own run is set by its action
    return args.run(args)


def import_catalogue(args: argparse.Namespace) -> int:
    from ner_studio.core.catalogue.files import read_catalogue

    entries = read_catalogue(args.file)
    project = open_project(args.project, annotator=default_annotator_name(None))
    try:
        known = project.catalogue().entries
        replaced = sum(entry.entry_id in known for entry in entries)
        project.save_entries(entries)
    finally:
        project.close()
    print(f"imported {plural(len(entries), 'entry')} ({replaced} replaced) from {args.file} -> {args.project}")
    return 0


def export_catalogue(args: argparse.Namespace) -> int:
    from ner_studio.core.catalogue.files import catalogue_format, write_catalogue

    checked_output(args, args.file, catalogue_format(args.file), inputs=project_files(args.project))
    project = open_project(args.project, annotator=default_annotator_name(None), read_only=True)
    try:
        entries = list(project.catalogue().entries.values())
    finally:
        project.close(discard_pending=True)
    count = write_catalogue(entries, args.file)
    print(f"exported {plural(count, 'entry')} -> {args.file}")
    return 0
