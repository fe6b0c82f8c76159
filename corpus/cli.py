"""``newsdesk corpus [PATH ...] [--json]``: read corpora and say what is in them.

Without ``--json`` it prints a summary (articles per format, source and category, and
every skipped file or line with its reason); with ``--json`` it streams one JSON object
per article to stdout and the report entries to stderr, for piping into other tools.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any, TextIO

from corpus.model import Article
from corpus.report import CorpusReport, Skip, counted
from corpus.streams import DEFAULT_MAX_ARTICLE_BYTES, MEGABYTE

#: Rows shown per "by ..." table and per ignored list before "... and N more".
SHOWN = 20


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "corpus",
        help="read corpora and summarise them (or print them as JSON Lines)",
        description=(
            "Read article files, folders and archives (.tar.gz, .tgz, .tar, .zip) and "
            "print what they hold: articles per format, source and category, and every "
            "skipped file or line with the reason. With no PATH, reads the bundled sample."
        ),
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="corpus file, folder or archive")
    parser.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object per article (stdout); skips and warnings go to stderr",
    )
    add_max_article_option(parser)
    parser.set_defaults(run=run)


def add_max_article_option(parser: argparse.ArgumentParser) -> None:
    """``--max-article-mb N``, read into ``args.max_article_bytes`` (bytes)."""
    parser.add_argument(
        "--max-article-mb",
        dest="max_article_bytes",
        type=megabytes,
        default=DEFAULT_MAX_ARTICLE_BYTES,
        metavar="N",
        help=(
            "skip (with a reason) any article larger than N megabytes: a file, or one "
            f"record of a data file (default {DEFAULT_MAX_ARTICLE_BYTES // MEGABYTE})"
        ),
    )


def megabytes(value: str) -> int:
    """A positive number of megabytes (``0.5`` allowed) as bytes, for argparse."""
    try:
        size = round(float(value) * MEGABYTE)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not size > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0 megabytes, not {value}")
    return size


def run(args: argparse.Namespace) -> int:
    from corpus.reader import read_corpora, sample_corpus_path

    paths = args.paths or [str(sample_corpus_path())]
    report = CorpusReport()
    articles = read_corpora(paths, report, max_article_bytes=args.max_article_bytes)
    if args.json:
        write_json_lines(articles, report)
        return 0
    started = time.perf_counter()
    sources: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    for article in articles:
        sources[article.source or "(none)"] += 1
        categories[article.category or "(none)"] += 1
    seconds = time.perf_counter() - started
    print_summary(paths, report, sources, categories, seconds, sys.stdout)
    return 0


def write_json_lines(articles: Iterable[Article], report: CorpusReport) -> None:
    """Articles to stdout; skips and warnings to stderr as soon as they happen."""
    shown_skips = shown_warnings = 0

    def flush_report() -> None:
        nonlocal shown_skips, shown_warnings
        for entry in report.skipped[shown_skips:] + report.warnings[shown_warnings:]:
            print(entry, file=sys.stderr)
        shown_skips, shown_warnings = len(report.skipped), len(report.warnings)

    for article in articles:
        flush_report()
        sys.stdout.write(json.dumps(article_to_json(article), ensure_ascii=False) + "\n")
    flush_report()


def article_to_json(article: Article) -> dict[str, Any]:
    """Every Article field; tuples as lists, the date in ISO 8601 (or null)."""
    record = asdict(article)
    record["date"] = article.date.isoformat() if article.date else None
    return {
        key: list(value) if isinstance(value, tuple) else value for key, value in record.items()
    }


def print_summary(
    paths: list[str],
    report: CorpusReport,
    sources: Counter[str],
    categories: Counter[str],
    seconds: float,
    out: TextIO,
) -> None:
    where = paths[0] if len(paths) == 1 else counted(len(paths), "path")
    out.write(f"Read {counted(report.articles, 'article')} from {where} in {seconds:.1f} s\n")
    for label, counts in (("format", report.counts), ("source", sources), ("category", categories)):
        if counts:
            out.write(f"\nBy {label}:\n")
            _write_counts(counts, out)
    _write_entries("Skipped", report.skipped, out, limit=None)
    _write_entries("Warnings", report.warnings, out, limit=None)
    _write_entries("Ignored (not articles)", report.ignored, out, limit=SHOWN)
    if not report.skipped:
        out.write("\nNothing skipped.\n")


def _write_counts(counts: Counter[str], out: TextIO) -> None:
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    width = max(len(name) for name, _ in ranked[:SHOWN])
    for name, count in ranked[:SHOWN]:
        out.write(f"  {name:<{width}}  {count:>8,}\n")
    if len(ranked) > SHOWN:
        rest = sum(count for _, count in ranked[SHOWN:])
        out.write(f"  ... and {len(ranked) - SHOWN:,} more ({counted(rest, 'article')})\n")


def _write_entries(label: str, entries: list[Skip], out: TextIO, *, limit: int | None) -> None:
    if not entries:
        return
    out.write(f"\n{label} ({len(entries):,}):\n")
    shown = entries if limit is None else entries[:limit]
    for entry in shown:
        out.write(f"  {entry}\n")
    if len(shown) < len(entries):
        out.write(f"  ... and {len(entries) - len(shown):,} more\n")
