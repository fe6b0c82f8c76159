"""The ``newsdesk`` command: one parser assembled from each layer's own subcommands.

Each layer owns the commands for what it does (``corpus.cli``, ``index.cli``,
``search.cli``, ``tui.commands``); this module, in the right-most layer, is the only place
that sees them all.  Errors from the project's exception tree become one line on stderr
and exit status 1 (2 for usage and query errors), never a traceback; a reader that
stops early (``newsdesk search oil | head``) ends any command quietly with status 0.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

from corpus.errors import NewsdeskError

#: Modules exposing ``register(subparsers)``; order is the order shown in ``--help``.
COMMAND_MODULES = (
    "corpus.cli",
    "index.cli",
    "search.cli",
    "search.batch",
    "search.saved_cli",
    "search.marks_cli",
    "tui.commands",
)

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
    """Run one ``newsdesk`` command; its exit status.

    A closed pipe (the reader of ``newsdesk ... | head`` is gone) ends any command with
    status 0 and no message, including when it happens on the last flush.
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        try:
            return _run(arguments)
        finally:
            sys.stdout.flush()  # here, not at exit, where a closed pipe could not be caught
    except BrokenPipeError:
        _discard_stdout()
        return 0


def _run(arguments: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(with_free_words(parser, arguments))
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
    return status


def with_free_words(parser: argparse.ArgumentParser, arguments: list[str]) -> list[str]:
    """``arguments`` rearranged for argparse when the command takes free words.

    A command declaring ``free_words`` (``newsdesk search``: query words such as
    ``-syria``) gets its own options first, then ``--`` and every other word in order:
    a word is an option only when it is one of the command's options, spelled in full
    (``--limit 5``, ``--limit=5``), wherever it is; anything else is a word, but for a
    ``--name`` the command lacks (``newsdesk save NAME words --index x``): argparse
    refuses it instead of the query silently gaining the words "--index x".
    """
    commands = _subcommands(parser)
    # The command is the first word that is not one of newsdesk's own options.
    position = next((i for i, word in enumerate(arguments) if not word.startswith("-")), None)
    command = commands.get(arguments[position]) if position is not None else None
    if position is None or command is None or command.get_default("free_words") is None:
        return arguments
    rest = _options_then_words(command, arguments[position + 1 :])
    return [*arguments[: position + 1], *rest]


def _options_then_words(command: argparse.ArgumentParser, arguments: list[str]) -> list[str]:
    known = command._option_string_actions
    options: list[str] = []
    words: list[str] = []
    remaining = iter(arguments)
    for argument in remaining:
        name = argument.partition("=")[0] if argument.startswith("--") else argument
        action = known.get(name)
        if action is None:
            if name.startswith("--") and len(name) > 2 and name[2].isalpha():
                options.append(argument)  # an option of another command: refused
            elif argument != "--":  # "end of options" means nothing here: options never end
                words.append(argument)
        elif action.nargs not in (None, 1) or name != argument:
            options.append(argument)  # a flag, or --option=value
        else:
            value = next(remaining, None)
            if value is None:
                options.append(argument)  # argparse reports the missing value
            elif argument.startswith("--"):
                options.append(f"{argument}={value}")  # the value may start with "-"
            else:
                options.extend((argument, value))
    return [*options, "--", *words] if words else options


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _discard_stdout() -> None:
    """Point stdout at the null device: what is still buffered for the closed pipe is
    dropped quietly at exit instead of failing there."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real file descriptor (an in-process test's capture)
        pass


if __name__ == "__main__":
    sys.exit(main())
