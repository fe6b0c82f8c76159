"""The ``newsdesk`` command: one parser assembled from each layer's own subcommands.

Each layer owns the commands for what it does (``corpus.cli``, ``index.cli``,
``search.cli``, ``tui.commands``); this module, in the right-most layer, is the only place
that sees them all.  Errors from the project's exception tree become one line on stderr
and exit status 1 (2 for usage and query errors), never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

from corpus.errors import NewsdeskError

#: Modules exposing ``register(subparsers)``; order is the order shown in ``--help``.
COMMAND_MODULES = ("corpus.cli", "index.cli", "search.cli", "tui.commands")

#: Subcommand run when ``newsdesk`` is called with none.
DEFAULT_COMMAND = "tui"


def package_version() -> str:
    try:
        return version("newsdesk")
    except PackageNotFoundError:  # running from a source tree without install
        return "0+unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsdesk",
        description="Search news archives from the terminal.",
    )
    parser.add_argument("--version", action="version", version=f"newsdesk {package_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    arguments = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(arguments)
    if args.command is None:
        args = parser.parse_args([DEFAULT_COMMAND])
    try:
        status: int = args.run(args)
    except NewsdeskError as error:
        print(f"newsdesk: {error.title}: {error}", file=sys.stderr)
        return getattr(error, "exit_status", 1)
    except KeyboardInterrupt:
        print("newsdesk: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    return status


if __name__ == "__main__":
    sys.exit(main())
