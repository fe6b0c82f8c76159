"""``newsdesk search``, ``newsdesk show`` and ``newsdesk eval``: the search layer's commands.

What they print as text is made in ``search.output``; the JSON objects here.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from corpus.cli import article_to_json
from index.cli import add_cluster, add_index_dir, positive_int
from index.store import resolve_index_dir
from search.arguments import SORTS
from search.errors import InvalidArgumentError, QueryError
from search.export import FORMATS, Provenance, emit_export, export_hits, hit_record
from search.output import article_text, counted, results_text, versions_text, write_text
from search.query.dates import date_bounds
from search.results import Hit, SearchResults

if TYPE_CHECKING:
    from search.explain import Explanation

QUERY_HELP = """\
query language:
  words            all must match (ranked by BM25F: title > subheads/captions > body);
                   if fewer than 5 articles have them all, any-word matches follow ("relaxed")
  "exact phrase"   the words in this order;  "rate cut"~3  at most 3 words between them
  -word, NOT word  exclude;   a OR b   either;   ( ... )   group
  field:value      title, body, source, category, topic(s), place(s), person/people,
                   org(s), credit(s), exchange(s), id   e.g. place:raqa  title:"islamic state"
  date:2017  date:2017-09  date:[2017-09-01 to 2017-09-30]  date:>2017-09-20  date:<=2017
  hawi*            prefix (also ? and * wildcards)
  hawjia~  word~2  fuzzy (edit distance 1 for short words, 2 for longer; or as given)
Case and accents are ignored ("Kilic" finds "Kılıç"). Empty query: every article, newest first.
Options may come anywhere, spelled in full (--limit 5 or --limit=5); every other word,
"-syria" included, is part of the query.
"""


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    """``--filter``, ``--from``, ``--to`` and ``--sort``, as every searching command takes."""
    parser.add_argument(
        "--filter",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="keep only articles with this facet value (repeat: OR within a field, AND across)",
    )
    parser.add_argument("--from", dest="date_from", metavar="DATE", help="on or after DATE")
    parser.add_argument("--to", dest="date_to", metavar="DATE", help="on or before DATE")
    parser.add_argument("--sort", choices=SORTS, default="relevance")


def register(subparsers: Any) -> None:
    search = subparsers.add_parser(
        "search",
        help="search the index",
        description="Ranked, faceted search over the index.",
        epilog=QUERY_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    search.add_argument("query", nargs="*", metavar="QUERY", help="query words (see below)")
    add_filter_options(search)
    search.add_argument(
        "--limit", type=positive_int, default=10, help="hits per page (no upper limit)"
    )
    search.add_argument("--page", type=positive_int, default=1)
    output = search.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print one JSON object")
    output.add_argument(
        "--format",
        choices=FORMATS,
        help="export the results as CSV, JSON Lines, Markdown citations or BibTeX, "
        "each recording the query, filters and index",
    )
    search.add_argument(
        "--all", action="store_true", help="every matching story, not one page (with --format)"
    )
    search.add_argument(
        "--explain", action="store_true", help="say why each story matched (words, fields, scores)"
    )
    search.add_argument(
        "--every-version",
        action="store_true",
        help="list and count every version of a story (near-duplicates), not each story once",
    )
    search.add_argument(
        "--output", "-o", metavar="FILE", help="write the export to FILE (else standard output)"
    )
    add_index_dir(search)
    add_cluster(search)
    # Words of the query may start with "-" (-syria): ``newsdesk``'s main reads only
    # search's own options as options, wherever they are (see tui.cli).
    search.set_defaults(run=run_search, free_words="query")

    show = subparsers.add_parser(
        "show", help="print one article in full", description="Print one article in full."
    )
    show.add_argument("article_id", metavar="ID")
    show.add_argument("--json", action="store_true", help="print the article as JSON")
    add_index_dir(show)
    add_cluster(show)
    show.set_defaults(run=run_show)

    versions = subparsers.add_parser(
        "versions",
        help="list the versions of a story (its near-duplicates), earliest first",
        description=(
            "List every version of the story an article belongs to -- the same wire story "
            "republished with small edits, a correction, the story in another corpus -- "
            "earliest first, the article among them."
        ),
    )
    versions.add_argument("article_id", metavar="ID")
    versions.add_argument("--json", action="store_true", help="print one JSON object")
    add_index_dir(versions)
    add_cluster(versions)
    versions.set_defaults(run=run_versions)

    evaluate = subparsers.add_parser(
        "eval",
        help="measure ranking quality (MAP, nDCG@10, P@5)",
        description=(
            "Run each query (qid<TAB>text) and score the ranking against TREC qrels, next "
            "to a plain BM25 baseline (body only, no boosts, any word). Needs the eval "
            "extra: pip install 'newsdesk[eval]'."
        ),
    )
    evaluate.add_argument("--queries", required=True, metavar="FILE.tsv")
    evaluate.add_argument("--qrels", required=True, metavar="FILE")
    evaluate.add_argument(
        "--run", dest="run_file", metavar="OUT", help="write the engine's TREC run file"
    )
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    add_index_dir(evaluate)
    evaluate.set_defaults(run=run_eval)


def parse_filters(items: list[str]) -> dict[str, list[str]]:
    """``FIELD=VALUE`` options as a filters mapping (QueryError names a bad one)."""
    filters: dict[str, list[str]] = {}
    for item in items:
        name, equals, value = item.partition("=")
        if not equals or not name.strip() or not value.strip():
            raise QueryError(f"--filter {item!r}: expected FIELD=VALUE, e.g. place=Iraq")
        filters.setdefault(name.strip(), []).append(value.strip())
    return filters


def cli_date(value: str | None, *, end: bool) -> datetime | None:
    if value is None:
        return None
    try:
        first, last = date_bounds(value, 0)
    except QueryError as error:
        raise QueryError(f"--{'to' if end else 'from'}: {error.problem}") from None
    return last if end else first


# -- search ----------------------------------------------------------------------------
def run_search(args: argparse.Namespace) -> int:
    query = " ".join(args.query)
    filters = parse_filters(args.filter)
    from search.engine import Engine  # Whoosh and numpy load only for these commands

    if (args.all or args.output) and not args.format:
        raise InvalidArgumentError("--all/--output", "go with --format csv|jsonl|md|bib")
    date_from = cli_date(args.date_from, end=False)
    date_to = cli_date(args.date_to, end=True)
    with Engine.open(args.index, cluster=args.cluster) as engine:
        if args.format and args.all:
            results = engine.search_all(
                query, filters=filters, date_from=date_from, date_to=date_to, sort=args.sort,
                every_version=args.every_version,
            )  # fmt: skip
        else:
            results = engine.search(
                query,
                filters=filters,
                date_from=date_from,
                date_to=date_to,
                sort=args.sort,
                page=args.page,
                page_size=args.limit,
                facets=not args.format,
                every_version=args.every_version,
            )
        why = {e.article_id: e for e in engine.explain(query, results.hits)} if args.explain else {}
    if args.format:
        provenance = Provenance(
            query=query,
            index=str(resolve_index_dir(args.index)),
            exported=datetime.now(UTC),
            filters=filters,
            date_from=date_from.date() if date_from else None,
            date_to=date_to.date() if date_to else None,
            sort=results.sort,
            total=results.total,
        )
        exported = export_hits(results.hits, args.format, provenance)
        written = counted(len(results.hits), "story", "stories")
        emit_export(exported, args.output, args.format, written)
        return 0
    if args.json:
        data = results_to_json(results)
        for hit in data["hits"] if why else ():
            hit["explain"] = explanation_json(why[hit["id"]])
        json.dump(data, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        explained = {key: e.text() for key, e in why.items()}
        write_text(results_text(results, explained, every_version=args.every_version))
    return 0


def explanation_json(explanation: Explanation) -> dict[str, Any]:
    """``--explain --json``: each word's part of the score, field by field, and the rest."""
    parts = [
        {"field": p.field, "word": p.word, "count": p.count, "score": round(p.score, 6)}
        for p in explanation.parts
    ]
    return {"parts": parts, "other": round(explanation.other, 6)}


def results_to_json(results: SearchResults) -> dict[str, Any]:
    """The ``--json`` object (the schema documented in the README)."""
    return {
        "query": results.query,
        "total": results.total,
        "partial": results.partial,
        "page": results.page,
        "page_size": results.page_size,
        "took_ms": round(results.took_ms, 3),
        "relaxed": results.relaxed,
        "all_words_total": results.all_words_total,
        "suggestion": results.suggestion,
        "undated": results.undated,
        "missing_shards": list(results.missing_shards),
        "only_stop_words": results.only_stop_words,
        "folded": results.folded,
        "sort": results.sort,
        "hits": [hit_to_json(hit) for hit in results.hits],
        "facets": {
            name: [{"value": value, "count": count} for value, count in pairs]
            for name, pairs in results.facets.items()
        },
    }


def hit_to_json(hit: Hit) -> dict[str, Any]:
    """A ``--json`` hit: the exported fields, then where the query's words are."""
    return {**hit_record(hit), "highlights": [[start, end] for start, end in hit.highlights]}


# -- show ------------------------------------------------------------------------------
def run_show(args: argparse.Namespace) -> int:
    from search.engine import Engine

    with Engine.open(args.index, cluster=args.cluster) as engine:
        article = engine.get(args.article_id)
    if args.json:
        json.dump(article_to_json(article), sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        write_text(article_text(article))
    return 0


# -- versions --------------------------------------------------------------------------
def run_versions(args: argparse.Namespace) -> int:
    from search.engine import Engine

    with Engine.open(args.index, cluster=args.cluster) as engine:
        hits = engine.versions(args.article_id)
    if args.json:
        json.dump({"id": args.article_id, "versions": [hit_record(hit) for hit in hits]},
                  sys.stdout, ensure_ascii=False)  # fmt: skip
        sys.stdout.write("\n")
    else:
        write_text(versions_text(args.article_id, hits))
    return 0


# -- eval ------------------------------------------------------------------------------
def run_eval(args: argparse.Namespace) -> int:
    from search.evaluation import (
        baseline_run,
        check_readable,
        check_writable,
        engine_run,
        read_queries,
        require_ir_measures,
        score_run,
        write_run,
    )

    # Everything that can fail fast fails before minutes of queries.
    require_ir_measures()
    queries = read_queries(args.queries)
    check_readable(args.qrels, "the qrels file")
    if args.run_file:
        check_writable(args.run_file)
    query_ids = [qid for qid, _ in queries]
    from search.engine import Engine

    with Engine.open(args.index) as engine:
        ours = engine_run(engine, queries)
        baseline = baseline_run(engine, queries)
    if args.run_file:
        write_run(ours, args.run_file)
    scores = {
        "newsdesk": score_run(ours, args.qrels, query_ids),
        "bm25-baseline": score_run(baseline, args.qrels, query_ids),
    }
    if args.json:
        json.dump({"queries": len(queries), "scores": scores}, sys.stdout)
        sys.stdout.write("\n")
        return 0
    print(counted(len(queries), "query", "queries"))
    print(f"{'run':<16}{'MAP':>8}{'nDCG@10':>10}{'P@5':>8}")
    for name, values in scores.items():
        print(f"{name:<16}{values['AP']:>8.4f}{values['nDCG@10']:>10.4f}{values['P@5']:>8.4f}")
    return 0
