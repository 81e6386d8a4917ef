"""``ner-studio project labels``: hand a project's label set on with its guidelines (each
label's description and examples), as a file (core/formats/label_set_file.py), or take one in."""

from __future__ import annotations

import argparse
import sys

from ner_studio.commands.outputs import add_force_option, checked_output
from ner_studio.commands.project_team import add_project_action, default_annotator_name, open_project, project_files
from ner_studio.core.plural import plural


def add_labels(actions) -> None:
    action = add_project_action(
        actions, "labels", help="export a project's labels with their guidelines to a file, or import them",
        description="With --export, write PROJECT's label set (names, colours, keys, and each label's "
        "description and examples) to a JSON file; with --import, take labels from such a file "
        "(a label of the same name takes the file's colour, key and guideline; new ones are "
        "added; none is removed). Without either, list the labels.")
    which = action.add_mutually_exclusive_group()
    which.add_argument("--export", metavar="OUT", help="the label set file to write (.json)")
    which.add_argument("--import", dest="import_", metavar="FILE", help="a label set file to read")
    add_force_option(action)


def run_labels(args: argparse.Namespace) -> int:
    from ner_studio.core.formats.label_set_file import merge_label_set, read_label_set, write_label_set

    if args.export:
        checked_output(args, args.export, "json", inputs=project_files(args.project))
    imported = read_label_set(args.import_) if args.import_ else None  # a bad file fails before opening
    project = open_project(args.project, annotator=default_annotator_name(None), read_only=imported is None)
    try:
        labels = project.labels()
        if imported is not None:
            labels = merge_label_set(labels, imported)
            project.save_labels(labels)
    finally:
        project.close(discard_pending=imported is None)
    if args.export:
        write_label_set(args.export, labels, force=args.force)
        print(f"wrote {plural(len(labels), 'label')} to {args.export}", file=sys.stderr)
    elif imported is not None:
        print(f"took {plural(len(imported), 'label')} from {args.import_}; the project has {', '.join(labels.names())}")
    else:
        for label in labels:
            guideline = f"  {label.description.splitlines()[0]}" if label.description else ""
            print(f"{label.name}\t{label.key or '-'}\t{label.colour}{guideline}")
    return 0


ACTIONS = {"labels": (add_labels, run_labels)}
