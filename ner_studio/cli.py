"""``ner-studio``: no argument (or only files) starts the GUI; subcommands run headless."""

from __future__ import annotations

import argparse
import importlib
import sys

from ner_studio import __version__
from ner_studio.core.errors import NerStudioError

# Each name is a module in ner_studio.commands with register(subparsers) and run(args) -> int.
COMMANDS = ("convert", "train", "finetune", "evaluate", "predict", "data")


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
    if argv[:1] == ["--self-test"]:  # an installation check, not a subcommand
        from ner_studio.selftest import run_self_test

        return run_self_test(argv[1:])
    if not argv or (argv[0] not in COMMANDS and not argv[0].startswith("-")):
        from ner_studio.gui.app import run_app

        return run_app(argv)
    args = build_parser().parse_args(argv)
    if args.command is None:
        build_parser().print_help()
        return 0
    try:
        return args.run(args)
    except NerStudioError as error:
        print(f"ner-studio {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
