"""``newsdesk index`` and ``newsdesk stats``: the index layer's subcommands."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from index.build import BuildSummary, build_index
from index.progress import BuildProgress
from index.stats import IndexStats, index_stats

#: Seconds between plain progress lines when stderr is not a terminal.
PLAIN_PROGRESS_INTERVAL = 5.0
#: Corpus skips listed one by one before summarising the rest.
MAX_LISTED_SKIPS = 50


def register(subparsers: Any) -> None:
    index_parser = subparsers.add_parser(
        "index",
        help="build or refresh the search index",
        description=(
            "Build the index from corpora (files, folders, .tar.gz/.zip archives), or with "
            "no PATH refresh it from the corpora it was built from (the bundled sample if "
            "none). Incremental: only new, changed and vanished articles are written."
        ),
    )
    index_parser.add_argument("paths", nargs="*", metavar="PATH", help="corpus to index")
    add_index_dir(index_parser)
    index_parser.add_argument(
        "--rebuild",
        action="store_true",
        help="build from scratch (swapped in atomically; needed after a schema change)",
    )
    index_parser.add_argument(
        "--procs", type=positive_int, default=2, help="writer processes (default 2)"
    )
    index_parser.add_argument(
        "--limitmb",
        type=positive_int,
        default=256,
        help="writer memory budget in MB, shared by the processes (default 256)",
    )
    index_parser.add_argument(
        "-q", "--quiet", action="store_true", help="no progress, only the summary"
    )
    index_parser.set_defaults(run=run_index)

    stats_parser = subparsers.add_parser(
        "stats",
        help="show what the index holds",
        description="Article count, date range, top facet values, size, corpora, build time.",
    )
    add_index_dir(stats_parser)
    stats_parser.add_argument("--json", action="store_true", help="print one JSON object")
    stats_parser.set_defaults(run=run_stats)


def add_index_dir(parser: argparse.ArgumentParser) -> None:
    """The ``--index DIR`` option every command that reads or writes the index shares."""
    parser.add_argument(
        "--index",
        metavar="DIR",
        default=None,
        help="index location (default: $NEWSDESK_INDEX or the user data dir)",
    )


def positive_int(text: str) -> int:
    """argparse type for counts that must be at least 1 (with a readable message)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text}")
    return value


def printable(text: str) -> str:
    """Paths and reasons may hold control characters: never let them reach the terminal."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


@contextmanager
def _progress_reporter(quiet: bool) -> Iterator[Callable[[BuildProgress], None] | None]:
    if quiet:
        yield None
    elif sys.stderr.isatty():
        with _rich_progress() as callback:
            yield callback
    else:
        yield _plain_progress(sys.stderr)


@contextmanager
def _rich_progress() -> Iterator[Callable[[BuildProgress], None]]:
    console = Console(stderr=True)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:>8,.0f} articles/s"),
        TimeElapsedColumn(),
        TextColumn("elapsed · ETA"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task: TaskID = bar.add_task("indexing", total=None, rate=0.0)

        def update(event: BuildProgress) -> None:
            bar.update(
                task,
                completed=event.done,
                total=event.total,
                description=event.phase,
                rate=event.articles_per_second,
            )

        yield update


def _plain_progress(stream: TextIO) -> Callable[[BuildProgress], None]:
    last = [0.0]

    def update(event: BuildProgress) -> None:
        now = time.monotonic()
        if event.phase == "indexing" and now - last[0] < PLAIN_PROGRESS_INTERVAL:
            return
        last[0] = now
        of_total = f" of ~{event.total:,}" if event.total else ""
        eta = f", ETA {event.eta_seconds:.0f} s" if event.eta_seconds is not None else ""
        print(
            f"{event.phase}: {event.done:,}{of_total} articles "
            f"({event.articles_per_second:,.0f}/s{eta})",
            file=stream,
            flush=True,
        )

    return update


def run_index(args: argparse.Namespace) -> int:
    with _progress_reporter(args.quiet) as progress:
        summary = build_index(
            args.paths or None,
            args.index,
            rebuild=args.rebuild,
            procs=args.procs,
            limitmb=args.limitmb,
            progress=progress,
        )
    _print_skips(summary, sys.stderr)
    print(describe_summary(summary))
    return 0


def describe_summary(summary: BuildSummary) -> str:
    rate = summary.total / summary.seconds if summary.seconds > 0 else 0.0
    if summary.rebuilt:
        what = f"built {summary.added:,} articles"
    elif summary.changed:
        what = (
            f"added {summary.added:,}, updated {summary.updated:,}, "
            f"deleted {summary.deleted:,}, unchanged {summary.unchanged:,}"
        )
    else:
        what = f"up to date ({summary.unchanged:,} articles unchanged)"
    skipped = f", {len(summary.skipped):,} skipped" if summary.skipped else ""
    return printable(
        f"{what}{skipped}; index holds {summary.total:,} articles "
        f"({summary.seconds:.1f} s, {rate:,.0f} articles/s) at {summary.index_dir}"
    )


def _print_skips(summary: BuildSummary, stream: TextIO) -> None:
    for skip in summary.skipped[:MAX_LISTED_SKIPS]:
        print(f"skipped: {printable(str(skip))}", file=stream)
    hidden = len(summary.skipped) - MAX_LISTED_SKIPS
    if hidden > 0:
        print(f"skipped: ... and {hidden:,} more (see `newsdesk corpus PATH`)", file=stream)
    for warning in summary.warnings[:MAX_LISTED_SKIPS]:
        print(f"warning: {printable(str(warning))}", file=stream)


def run_stats(args: argparse.Namespace) -> int:
    stats = index_stats(args.index)
    if args.json:
        print(json.dumps(stats.to_json_dict(), ensure_ascii=False))
    else:
        print(describe_stats(stats))
    return 0


def _size(size_bytes: int) -> str:
    value = float(size_bytes)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:,.1f} {unit}" if unit != "B" else f"{size_bytes:,} B"
        value /= 1024
    return f"{size_bytes:,} B"


def describe_stats(stats: IndexStats) -> str:
    dates = (
        f"{stats.date_min:%Y-%m-%d} to {stats.date_max:%Y-%m-%d}"
        if stats.date_min and stats.date_max
        else "none"
    )
    lines = [
        f"index      {stats.index_dir} ({stats.generation}, schema {stats.schema_version})",
        f"articles   {stats.articles:,}",
        f"size       {_size(stats.size_bytes)}",
        f"dates      {dates}",
        f"built      {stats.built_at} in {stats.build_seconds:.1f} s",
    ]
    if stats.writer_pid is not None:
        who = f"PID {stats.writer_pid}" if stats.writer_pid > 0 else "another process"
        lines.append(f"updating   now, by {who}")
    if stats.last_update:
        changes = ", ".join(f"{k} {v:,}" for k, v in sorted(stats.last_update.items()))
        lines.append(f"last run   {changes}")
    lines.extend(f"corpus     {path}" for path in stats.corpora)
    terms = ", ".join(f"{name} {count:,}" for name, count in stats.term_counts.items())
    lines.append(f"terms      {terms}")
    for name, values in stats.top_facets.items():
        shown = ", ".join(f"{value} ({count:,})" for value, count in values)
        lines.append(f"top {name:<11}{shown}")
    return "\n".join(printable(line) for line in lines)
