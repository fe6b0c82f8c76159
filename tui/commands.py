"""``newsdesk tui [--index DIR] [--cluster ray[:ADDRESS]]``: open the terminal UI
(also what plain ``newsdesk`` runs)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from index import default_index_dir
from index.cli import add_cluster


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "tui",
        help="open the search app (the default command)",
        description="Open the terminal search app. With no index yet at the default "
        "location, it indexes the bundled sample stories first.",
    )
    parser.add_argument(
        "--index",
        metavar="DIR",
        type=Path,
        default=None,
        help="index folder (default: $NEWSDESK_INDEX or the user data dir)",
    )
    add_cluster(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from tui.app import create_app
    from tui.settings import Settings

    # The sample is built on first run into the default index only: a mistyped --index
    # should say "no index there", not quietly create one.
    explicit = args.index is not None
    index_dir = args.index if explicit else default_index_dir()
    if args.cluster is not None:  # joined first: its errors as one line, before the UI
        from index.ray_cluster import cluster_address, connect

        connect(cluster_address(args.cluster))
    settings = Settings(
        index_dir=index_dir, build_sample_if_missing=not explicit, cluster=args.cluster
    )
    create_app(settings).run()
    return 0
