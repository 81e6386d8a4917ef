"""``ner-studio project create|import|export|agreement``: a team's project without the app.

Each action is ``add_ACTION(actions)`` + ``run_ACTION(args)``, listed in ``ACTIONS`` (which
commands/project.py merges into its own). ``PROJECT`` is a project file (``.nerstudio``) or a
``postgresql://`` URL (core/store/project_store.py); :func:`open_project` opens either.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ner_studio.commands.outputs import add_force_option, checked_output
from ner_studio.core.errors import OutputError, ProjectError
from ner_studio.core.store.project_postgres import display_location  # no psycopg: URL text only
from ner_studio.core.plural import plural

PROJECT_HELP = "the project: a file (.nerstudio) or a postgresql:// URL"


def add_project_action(actions, name: str, **texts) -> argparse.ArgumentParser:
    """The parser of action ``name`` (``texts``: its help and description), its first argument
    PROJECT: a file or a server URL, as every action but ``restore`` takes."""
    action = actions.add_parser(name, **texts)
    action.add_argument("project", metavar="PROJECT", help=PROJECT_HELP)
    return action


def open_project(location: str, *, annotator: str | None = None, read_only: bool = False, create: bool = False):
    """The project at ``location`` (a path or a ``postgresql://`` URL), opened as ``annotator``."""
    from ner_studio.core.store.project import Project

    if create:
        return Project.create(location, annotator=annotator)
    project = Project.open(location, annotator=annotator, read_only=read_only, keep_backups=0 if read_only else 3)
    for warning in project.warnings:  # e.g. a backup not made: silence would hide that they stopped
        print(f"warning: {warning}", file=sys.stderr)
    return project


def project_files(location: str) -> list:
    """The files a command must never write over: a project file and its backups."""
    from ner_studio.core.store.project_files import backup_paths
    from ner_studio.core.store.project_store import is_server_url

    return [] if is_server_url(location) else [location, *backup_paths(Path(location))]


def default_annotator_name(given: str | None) -> str:
    """``--annotator``, else the name kept in the user settings, else the login name."""
    from ner_studio.core.store.annotators import check_annotator_name, configured_annotator
    from ner_studio.core.settings import Settings

    if given is not None:
        return check_annotator_name(given, where="--annotator")
    return configured_annotator(Settings.load())


def _add_annotator_option(action, what: str) -> None:
    action.add_argument("--annotator", metavar="NAME",
                        help=f"{what} (default: the name set in the app, else your login name)")


# --- create -------------------------------------------------------------------------------
def add_create(actions) -> None:
    add_project_action(actions, "create", help="create an empty project",
                       description="Create an empty project with the CoNLL-2003 labels.")


def run_create(args: argparse.Namespace) -> int:
    project = open_project(args.project, create=True, annotator=default_annotator_name(None))
    project.close()
    print(f"created {display_location(args.project)}")
    return 0


# --- import -------------------------------------------------------------------------------
def add_import(actions) -> None:
    action = add_project_action(
        actions, "import", help="add documents (with their entities) as one annotator's versions",
        description="Read FILES (CoNLL, JSONL, text, Word, HTML, Markdown, PDF: by extension and "
        "content) and add their documents to PROJECT; their entities become the annotator's "
        "versions. Every file is read before anything is added, so a bad file adds nothing.")
    action.add_argument("files", metavar="FILES", nargs="+", help="files to import")
    _add_annotator_option(action, "whose versions the entities become")


def run_import(args: argparse.Namespace) -> int:
    from ner_studio.core.formats import read_documents
    from ner_studio.core.formats.outputs import same_file

    annotator = default_annotator_name(args.annotator)
    user = default_annotator_name(None)  # who opens it (claims an older project's spans), not --annotator
    batches = []
    for file in args.files:
        if any(Path(p).exists() and same_file(file, p) for p in project_files(args.project)):
            raise ProjectError("this is the project itself; give files of documents to import", file)
        if not Path(file).is_file():
            raise ProjectError("there is no such file" if not Path(file).exists() else "this is not a file", file)
        batches.append((file, read_documents(file)))
    project = open_project(args.project, annotator=user)
    try:
        for file, docs in batches:
            project.import_version(docs, annotator, source_path=file)
    finally:
        project.close()
    documents = sum(len(docs) for _, docs in batches)
    entities = sum(len(doc.spans) for _, docs in batches for doc in docs)
    print(f"imported {plural(documents, 'document')} ({plural(entities, 'entity')}, annotator {annotator}) into {display_location(args.project)}")
    return 0


# --- export -------------------------------------------------------------------------------
def add_export(actions) -> None:
    from ner_studio.core.formats.spreadsheet import EXPORTS

    action = add_project_action(
        actions, "export", help="write one annotator's versions, or the curated gold versions, to a file",
        description="Write the documents of PROJECT to OUT (CoNLL, JSONL, or a spreadsheet with one "
        "row per entity and its annotator and time: .xlsx, which also counts them per document "
        "and label, or .csv; by extension or --to). "
        "By default each document's training version: the curated gold version where there is "
        "one, else yours. --annotator: that person's versions; --gold: curated documents only.")
    action.add_argument("out", metavar="OUT", help="the file to write")
    which = action.add_mutually_exclusive_group()
    which.add_argument("--annotator", metavar="NAME", help="export this annotator's versions (default: each "
                       "document's gold version where curated, else yours)")
    which.add_argument("--gold", action="store_true", help="export the curated gold versions only")
    action.add_argument("--to", dest="target_fmt", choices=EXPORTS, help="output format (default: by extension)")
    action.add_argument("--kb-column", action="store_true",
                        help="CoNLL: add a last column with each token's catalogue link (kb_id, _ for none)")
    action.add_argument("--skip-damaged", action="store_true",
                        help="export the documents that can be read and name those that cannot (damaged "
                        "bytes); without it, a damaged document stops the export before anything is written")
    add_force_option(action)


def run_export(args: argparse.Namespace) -> int:
    from ner_studio.core.store.annotators import GOLD
    from ner_studio.core.formats import write_documents
    from ner_studio.core.formats.spreadsheet import SHEET_FORMATS, export_format, write_spreadsheet
    from ner_studio.core.store.project_export import damage_report, read_each, version_attribution
    from ner_studio.core.catalogue.files import write_catalogue
    from ner_studio.core.store.project_catalogue import catalogue_beside

    target_fmt = export_format(args.out, args.target_fmt)
    checked_output(args, args.out, target_fmt, inputs=project_files(args.project))
    annotator = default_annotator_name(args.annotator)
    project = open_project(args.project, annotator=default_annotator_name(None), read_only=True)
    try:
        summaries = [(summary.doc_id, summary.name) for summary in project.document_summaries()]
        curated = project.gold_documents()
        if args.gold:
            summaries = [(doc_id, name) for doc_id, name in summaries if doc_id in curated]
            what = "gold versions"
        elif args.annotator is not None:
            project.require_annotator(annotator)
            what = f"{annotator}'s versions"
        else:
            what = f"gold versions where curated, else {project.annotator}'s"

        def load(doc_id: int):
            if args.annotator is not None:
                return project.load_version(doc_id, annotator)
            if doc_id in curated:  # --gold lists only these
                return project.load_version(doc_id, GOLD)
            return project.load_document(doc_id)

        docs, damaged = read_each(load, summaries)
        catalogue = project.catalogue()
        kb_names = {entry_id: entry.name for entry_id, entry in catalogue.entries.items()}
        docs = project.with_notes(docs)  # JSONL meta.notes, the spreadsheets' notes
        if target_fmt in SHEET_FORMATS.values():
            attribution = version_attribution(project, GOLD if args.gold else annotator if args.annotator
                                              else None)
    finally:
        project.close(discard_pending=True)
    if damaged and not args.skip_damaged:
        raise ProjectError(
            f"{damage_report(damaged, len(summaries))}. Nothing was written. Add --skip-damaged to export "
            f"the other {len(docs)}, or put a good backup in place with 'ner-studio project restore "
            f"{args.project} BACKUP'", args.project)
    if target_fmt in SHEET_FORMATS.values():
        write_spreadsheet(docs, args.out, target_fmt, attribution)
    else:
        write_documents(docs, args.out, target_fmt, kb_names=kb_names, kb_column=args.kb_column)
        if kb_names:  # the links' ids mean nothing without the entries they name
            beside = catalogue_beside(args.out)
            write_catalogue([entry for entry in catalogue.entries.values()], beside)
            print(f"wrote the catalogue ({plural(len(kb_names), 'entry')}) -> {beside}")
    print(f"exported {plural(len(docs), 'document')} ({plural(sum(len(d.spans) for d in docs), 'entity')}; {what}) -> {args.out}")
    if damaged:
        print(f"warning: {damage_report(damaged, len(summaries))}; exported the others", file=sys.stderr)
    return 0


# --- agreement ----------------------------------------------------------------------------
def add_agreement(actions) -> None:
    action = add_project_action(
        actions, "agreement", help="inter-annotator agreement per label: span F1, Cohen's kappa, Krippendorff's alpha",
        description="Compare annotators' versions of the documents they share: span F1 (exact and "
        "overlap-tolerant) and Cohen's kappa on tokens for each pair, Krippendorff's alpha "
        "(nominal, on tokens) for all of them; per label and overall.")
    action.add_argument("--annotators", metavar="NAME", nargs="+",
                        help="whom to compare (default: everyone with a version)")
    action.add_argument("--json", metavar="OUT", help="also write the figures to this JSON file")
    action.add_argument("--disagreements", metavar="OUT",
                        help="also write every disagreement to OUT (.jsonl: one JSON line each; .csv: one row "
                        "each): document, kind (only one, label, boundary, link), range, text, each "
                        "annotator's entity (label, range, catalogue entry) and the sentence")
    add_force_option(action)


def run_agreement(args: argparse.Namespace) -> int:
    from ner_studio.core.team.agreement import agreement, format_report, gather
    from ner_studio.core.atomic import atomic_write_text

    from ner_studio.core.team.disagreements import disagreements

    if args.json:
        checked_output(args, args.json, "json", inputs=project_files(args.project))
    if args.disagreements:
        kind = _disagreements_format(args.disagreements)
        checked_output(args, args.disagreements, kind, inputs=[*project_files(args.project), args.json])
    project = open_project(args.project, annotator=default_annotator_name(None), read_only=True)
    try:
        names = args.annotators or project.annotators()
        for name in dict.fromkeys(names):
            project.require_annotator(name)
        names = list(dict.fromkeys(names))
        if len(names) < 2:
            raise ProjectError(f"agreement needs two annotators or more; this project has "
                               f"{', '.join(project.annotators()) or 'none'}", args.project)
        versions = gather(project, names)
    finally:
        project.close(discard_pending=True)
    report = agreement(versions, names)
    print(format_report(report))
    if args.json:
        atomic_write_text(Path(args.json), json.dumps(report.to_dict(), indent=2) + "\n")
        print(f"wrote {args.json}", file=sys.stderr)
    if args.disagreements:
        found = disagreements(versions, names)
        write_disagreements(found, args.disagreements, kind)
        print(f"wrote {plural(len(found), 'disagreement')} -> {args.disagreements}", file=sys.stderr)
    return 0


def _disagreements_format(path: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in (".jsonl", ".csv"):
        raise OutputError("the disagreements are written as .jsonl or .csv; give a file name ending in one",
                           path)
    return suffix[1:]


def write_disagreements(found, path: str, kind: str) -> None:
    """``found`` (core/team/disagreements.py) as JSON lines or as CSV rows, atomically; a CSV
    as the entity spreadsheets are: UTF-8 with a byte-order mark, no cell Excel would run."""
    import csv

    from ner_studio.core.atomic import AtomicWriter
    from ner_studio.core.formats.spreadsheet import neutralised
    from ner_studio.core.team.disagreements import CSV_COLUMNS

    with AtomicWriter(path) as out:
        if kind == "jsonl":
            for disagreement in found:
                out.write(json.dumps(disagreement.to_dict(), ensure_ascii=False) + "\n")
            return
        out.write("\ufeff")
        rows = csv.writer(out)
        rows.writerow(CSV_COLUMNS)
        for disagreement in found:
            rows.writerow([neutralised(v) if isinstance(v, str) else v for v in disagreement.csv_row()])


ACTIONS = {
    "create": (add_create, run_create),
    "import": (add_import, run_import),
    "export": (add_export, run_export),
    "agreement": (add_agreement, run_agreement),
}
