"""``newsdesk tui [--index DIR]``: open the terminal UI (also what plain ``newsdesk`` runs)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from index import default_index_dir


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "tui",
        help="open the search app (the default command)",
        description="Open the terminal search app. With no index yet, it indexes the "
        "bundled sample stories first.",
    )
    parser.add_argument(
        "--index",
        metavar="DIR",
        type=Path,
        default=None,
        help="index folder (default: $NEWSDESK_INDEX or the user data dir)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from tui.app import create_app
    from tui.settings import Settings

    index_dir = args.index if args.index is not None else default_index_dir()
    create_app(Settings(index_dir=index_dir)).run()
    return 0
