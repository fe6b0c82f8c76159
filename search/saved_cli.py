"""``newsdesk save`` and ``newsdesk saved``: keep a search, then see what is new in it."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any

from rich.text import Text

from index.cli import add_cluster, add_index_dir, positive_int
from index.errors import NewsdeskIndexError
from index.store import resolve_index_dir
from search.cli import add_filter_options, cli_date, hit_to_json, parse_filters
from search.errors import SearchError
from search.output import counted, date_text, write_text
from search.present.highlight import clean_text
from search.results import Hit, SearchResults
from search.saved import SavedSearch, SavedSearches, new_search

#: What ``newsdesk saved`` does (the first word after it; ``list`` when none).
ACTIONS = ("list", "run", "remove")


def register(subparsers: Any) -> None:
    save = subparsers.add_parser(
        "save",
        help="save a search under a name (see `newsdesk saved`)",
        description="Save a query with its filters, dates and sort under NAME; the "
        "stories it matches now are seen, so `newsdesk saved` counts the new ones from here.",
    )
    save.add_argument("name", metavar="NAME")
    save.add_argument("query", nargs="*", metavar="QUERY", help="query words")
    add_filter_options(save)
    save.add_argument("--replace", action="store_true", help="replace a search of that name")
    add_index_dir(save)
    add_cluster(save)
    save.set_defaults(run=run_save, free_words="query")

    saved = subparsers.add_parser(
        "saved",
        help="list saved searches with their new stories, run or remove one",
        description="`newsdesk saved`: each saved search, how many stories it matches and "
        "how many are new since the last look. `newsdesk saved run NAME [--new]`: its "
        "stories (only the new ones), and the look is recorded. `newsdesk saved remove NAME`.",
    )
    saved.add_argument("action", nargs="?", choices=ACTIONS, default="list")
    saved.add_argument("name", nargs="?", metavar="NAME")
    saved.add_argument(
        "--new", action="store_true", help="only the stories new since the last look"
    )
    saved.add_argument("--limit", type=positive_int, default=20, help="stories shown (run)")
    saved.add_argument("--json", action="store_true", help="print one JSON object")
    add_index_dir(saved)
    add_cluster(saved)
    saved.set_defaults(run=run_saved)


def run_save(args: argparse.Namespace) -> int:
    store = SavedSearches(index=resolve_index_dir(args.index))
    if args.name in store.searches and not args.replace:
        raise SearchError(f"a search named {args.name!r} is saved already; add --replace")
    from_, to = cli_date(args.date_from, end=False), cli_date(args.date_to, end=True)
    search = new_search(
        args.name, " ".join(args.query), filters=parse_filters(args.filter),
        date_from=from_.date() if from_ else None, date_to=to.date() if to else None,
        sort=args.sort,
    )  # fmt: skip
    # What it matches now is seen: `newsdesk saved` then counts what is new since.
    from search.engine import Engine

    try:
        with Engine.open(args.index, cluster=args.cluster) as engine:
            results = search.run(engine)
    except NewsdeskIndexError as error:
        print(f"newsdesk: {error.title}: {error} (saved; every story counts as new)",
              file=sys.stderr)  # fmt: skip
        store.put(search)
        print(f"saved {search.name!r} in {store.path}")
        return 0
    store.put(search.looked(results, datetime.now(UTC)))
    matches = counted(results.total, "story matches", "stories match")
    print(f"saved {search.name!r} in {store.path}: {matches} now, new ones counted from here")
    return 0


def run_saved(args: argparse.Namespace) -> int:
    store = SavedSearches(index=resolve_index_dir(args.index))
    if args.action != "list" and not args.name:
        raise SearchError(f"`newsdesk saved {args.action}` needs the NAME of a saved search")
    if args.action == "remove":
        store.remove(args.name)
        print(f"removed {args.name!r}")
        return 0
    if args.action == "list":
        _print_list(_counted_searches(store, args), as_json=args.json)
        return 0
    from search.engine import Engine

    with Engine.open(args.index, cluster=args.cluster) as engine:
        search = store.get(args.name)
        results = search.run(engine)
    hits = [hit for hit in results.hits if not args.new or search.is_new(hit)]
    _print_run(search, hits, results.total, args)
    store.put(search.looked(results, datetime.now(UTC)))
    return 0


def _counted_searches(
    store: SavedSearches, args: argparse.Namespace
) -> list[tuple[SavedSearch, SearchResults | None]]:
    """Each saved search with its results now; None for each when the index cannot be
    read (the searches are the user's own file: they are listed all the same)."""
    from search.engine import Engine

    try:
        with Engine.open(args.index, cluster=args.cluster) as engine:
            return [(search, search.run(engine)) for search in store.searches.values()]
    except NewsdeskIndexError as error:
        print(f"newsdesk: {error.title}: {error} (the searches are listed uncounted)",
              file=sys.stderr)  # fmt: skip
        return [(search, None) for search in store.searches.values()]


def _print_list(rows: list[tuple[SavedSearch, SearchResults | None]], *, as_json: bool) -> None:
    if as_json:
        json.dump(
            [
                {"name": search.name, "query": search.query, "filters": search.filters,
                 "total": results.total if results else None,
                 "new": sum(map(search.is_new, results.hits)) if results else None,
                 "last_look": search.last_look}
                for search, results in rows
            ],
            sys.stdout, ensure_ascii=False,
        )  # fmt: skip
        sys.stdout.write("\n")
        return
    if not rows:
        print("No saved searches yet: `newsdesk save NAME QUERY...` keeps one.")
        return
    text = Text()
    for search, results in rows:
        text.append(clean_text(search.name), style="bold")
        text.append(f"  {clean_text(search.description())}")
        if results is None:
            text.append("  (not counted)\n", style="dim")
            continue
        new = sum(map(search.is_new, results.hits))
        text.append(f"  {counted(results.total, 'story', 'stories')}")
        looked = f"since {search.last_look}" if search.last_look else "never looked at"
        text.append(f"  {new:,} new ({looked})\n", style="green" if new else "dim")
    text.rstrip()
    write_text(text)


def _print_run(search: SavedSearch, hits: list[Hit], total: int, args: argparse.Namespace) -> None:
    shown = hits[: args.limit]
    if args.json:
        json.dump(
            {"name": search.name, "query": search.query, "total": total,
             "new": sum(map(search.is_new, hits)) if not args.new else len(hits),
             "hits": [{**hit_to_json(hit), "new": search.is_new(hit)} for hit in shown]},
            sys.stdout, ensure_ascii=False,
        )  # fmt: skip
        sys.stdout.write("\n")
        return
    what = "new " if args.new else ""
    text = Text(f"{search.name}: {len(hits):,} {what}of {counted(total, 'story', 'stories')}\n")
    for hit in shown:
        text.append("● " if search.is_new(hit) else "  ", style="green")
        text.append(f"{date_text(hit.date, hit.date_inferred) or '----------'}  ", style="dim")
        text.append(clean_text(hit.title))
        text.append(f"  [{clean_text(hit.id)}]\n", style="dim")
    if len(hits) > len(shown):
        text.append(f"… {len(hits) - len(shown):,} more (--limit)\n", style="dim")
    text.rstrip()
    write_text(text)
