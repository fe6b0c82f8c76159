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

    pick = subparsers.add_parser(
        "pick",
        help="choose a story in the search app and print its id (for scripts, like fzf)",
        description="Open the search app; Enter on a story ends it and prints the story's "
        "id (or --print FIELD) on standard output, the app itself drawn on the terminal "
        "(standard error): `newsdesk show $(newsdesk pick hawija)`. Quitting without "
        "choosing (Ctrl+Q) prints nothing and exits with status 1.",
    )
    pick.add_argument("query", nargs="*", metavar="QUERY", help="search to start with")
    pick.add_argument(
        "--print", dest="field", choices=PICK_FIELDS, default="id", help="what to print"
    )
    pick.add_argument(
        "--index", metavar="DIR", type=Path, default=None, help="index folder (as for tui)"
    )
    add_cluster(pick)
    pick.set_defaults(run=run_pick, free_words="query")


#: What ``newsdesk pick --print`` can print of the chosen story.
PICK_FIELDS = ("id", "path", "url", "title", "json")


def run_pick(args: argparse.Namespace) -> int:
    import json

    from search.export import hit_record
    from tui.app import create_app
    from tui.settings import Settings

    index_dir = args.index if args.index is not None else default_index_dir()
    _join_cluster(args.cluster)
    settings = Settings(
        index_dir=index_dir, build_sample_if_missing=False, cluster=args.cluster, pick=True
    )
    app = create_app(settings)
    app.pending_query = " ".join(args.query)
    hit = app.run()
    if hit is None:
        return 1
    record = hit_record(hit)
    value = json.dumps(record, ensure_ascii=False) if args.field == "json" else record[args.field]
    print(value or "")
    return 0


def _join_cluster(cluster: str | None) -> None:
    """Join the Ray cluster first: its errors as one line, before the UI."""
    if cluster is not None:
        from index.ray_cluster import cluster_address, connect

        connect(cluster_address(cluster))


def run(args: argparse.Namespace) -> int:
    from tui.app import create_app
    from tui.settings import Settings

    # The sample is built on first run into the default index only: a mistyped --index
    # should say "no index there", not quietly create one.
    explicit = args.index is not None
    index_dir = args.index if explicit else default_index_dir()
    _join_cluster(args.cluster)
    settings = Settings(
        index_dir=index_dir, build_sample_if_missing=not explicit, cluster=args.cluster
    )
    app = create_app(settings)
    app.run()
    return app.return_code or 0  # (1 when the app stopped on an error: scripts can tell)
