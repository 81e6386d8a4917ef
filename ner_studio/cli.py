"""``ner-studio``: no argument (or only files) starts the GUI; subcommands run headless."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

from ner_studio import __version__
from ner_studio.core.errors import NerStudioError
from ner_studio.core.logs import setup_logging, versions
from ner_studio.core.store.project_postgres import is_server_url  # no psycopg: URL text only
from ner_studio.core.secrets import redact_secrets

# Each name is a module in ner_studio.commands with register(subparsers) and run(args) -> int.
COMMANDS = ("convert", "train", "finetune", "evaluate", "predict", "data", "project", "catalogue")

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ner-studio",
        description="Tag named entities by hand with a BiLSTM-CRF in the loop. "
        "Run without a subcommand (optionally with files) to start the app.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"ner_studio.commands.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"ner_studio.commands.{name}":
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    log_path = setup_logging()
    if argv[:1] == ["--self-test"]:  # an installation check, not a subcommand
        from ner_studio.selftest import run_self_test

        return run_self_test(argv[1:])
    if not argv or (argv[0] not in COMMANDS and not argv[0].startswith("-")):
        missing = [w for w in argv if not w.startswith("-") and not is_server_url(w)
                   and not os.path.exists(os.path.expanduser(w))]
        if missing:  # like git: a typo or a newer version's command must not start the app
            print(redact_secrets(f"ner-studio: {missing[0]!r} is no such command or file. Commands: "
                                 f"{', '.join(COMMANDS)}; files to open must exist (see ner-studio --help)"),
                  file=sys.stderr)
            return 2
        from ner_studio.gui.app import run_app

        return run_app(argv)
    args = build_parser().parse_args(argv)
    if args.command is None:
        build_parser().print_help()
        return 0
    log.info("ner-studio %s (%s)", redact_secrets(" ".join(argv)), versions())
    try:
        return args.run(args)
    except NerStudioError as error:
        log.info("%s: %s", args.command, error)
        print(redact_secrets(f"ner-studio {args.command}: error: {error}"), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - a bug: one line here, the traceback in the log
        log.exception("%s failed", args.command)
        where = f"; the details are in {log_path}" if log_path else ""
        print(redact_secrets(f"ner-studio {args.command}: internal error: {type(error).__name__}: {error}{where}"),
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
