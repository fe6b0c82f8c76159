"""``newsdesk search``, ``newsdesk show`` and ``newsdesk eval``: the search layer's commands.

Article text is untrusted: it is printed through ``rich.text.Text`` (never parsed as
markup) after control characters are removed, so it can neither style the output nor
send escape sequences to the terminal.  Colour only when stdout is a terminal.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.text import Text

from corpus.model import Article
from index.cli import add_index_dir, positive_int
from search.dates import date_bounds
from search.engine import SORTS, Engine
from search.errors import QueryError
from search.highlight import clean_text
from search.results import Hit, SearchResults

QUERY_HELP = """\
query language:
  words            all must match (ranked by BM25F: title > subheads/captions > body);
                   if fewer than 5 articles have them all, any-word matches follow ("relaxed")
  "exact phrase"   the words in this order
  -word, NOT word  exclude;   a OR b   either;   ( ... )   group
  field:value      title, body, source, category, topic(s), place(s), person/people,
                   org(s), credit(s), exchange(s), id   e.g. place:raqa  title:"islamic state"
  date:2017  date:2017-09  date:[2017-09-01 to 2017-09-30]  date:>2017-09-20  date:<=2017
  hawi*            prefix (also ? and * wildcards)
  hawjia~  word~2  fuzzy (edit distance 1 for short words, 2 for longer; or as given)
Case and accents are ignored ("Kilic" finds "Kılıç"). Empty query: every article, newest first.
"""

#: Facet values listed per facet in the text output.
SHOWN_FACET_VALUES = 5


def register(subparsers: Any) -> None:
    search = subparsers.add_parser(
        "search",
        help="search the index",
        description="Ranked, faceted search over the index.",
        epilog=QUERY_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    search.add_argument("query", nargs="*", metavar="QUERY", help="query words (see below)")
    search.add_argument(
        "--filter",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="keep only articles with this facet value (repeat: OR within a field, AND across)",
    )
    search.add_argument("--from", dest="date_from", metavar="DATE", help="on or after DATE")
    search.add_argument("--to", dest="date_to", metavar="DATE", help="on or before DATE")
    search.add_argument("--sort", choices=SORTS, default="relevance")
    search.add_argument(
        "--limit", type=positive_int, default=10, help="hits per page (no upper limit)"
    )
    search.add_argument("--page", type=positive_int, default=1)
    search.add_argument("--json", action="store_true", help="print one JSON object")
    add_index_dir(search)
    search.set_defaults(run=run_search)

    show = subparsers.add_parser(
        "show", help="print one article in full", description="Print one article in full."
    )
    show.add_argument("article_id", metavar="ID")
    show.add_argument("--json", action="store_true", help="print the article as JSON")
    add_index_dir(show)
    show.set_defaults(run=run_show)

    evaluate = subparsers.add_parser(
        "eval",
        help="measure ranking quality (MAP, nDCG@10, P@5)",
        description=(
            "Run each query (qid<TAB>text) and score the ranking against TREC qrels, next "
            "to a plain BM25 baseline (body only, no boosts, any word)."
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


def _cli_date(value: str | None, *, end: bool) -> datetime | None:
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
    with Engine.open(args.index) as engine:
        results = engine.search(
            query,
            filters=filters,
            date_from=_cli_date(args.date_from, end=False),
            date_to=_cli_date(args.date_to, end=True),
            sort=args.sort,
            page=args.page,
            page_size=args.limit,
        )
    if args.json:
        json.dump(results_to_json(results), sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print_results(results, Console(highlight=False, soft_wrap=False))
    return 0


def results_to_json(results: SearchResults) -> dict[str, Any]:
    """The ``--json`` object (the schema documented in the README)."""
    return {
        "query": results.query,
        "total": results.total,
        "page": results.page,
        "page_size": results.page_size,
        "took_ms": round(results.took_ms, 3),
        "relaxed": results.relaxed,
        "all_words_total": results.all_words_total,
        "suggestion": results.suggestion,
        "hits": [hit_to_json(hit) for hit in results.hits],
        "facets": {
            name: [{"value": value, "count": count} for value, count in pairs]
            for name, pairs in results.facets.items()
        },
    }


def hit_to_json(hit: Hit) -> dict[str, Any]:
    return {
        "id": hit.id,
        "title": hit.title,
        "date": hit.date.isoformat() if hit.date else None,
        "source": hit.source,
        "category": hit.category,
        "places": list(hit.places),
        "score": round(hit.score, 6),
        "snippet": hit.snippet,
        "highlights": [[start, end] for start, end in hit.highlights],
    }


def relaxed_note(results: SearchResults) -> str:
    """Say exactly how the any-word fallback applied (none, or only a few, had every word)."""
    if results.all_words_total == 0:
        return "No article has every word: showing articles with any of them."
    have = "article has" if results.all_words_total == 1 else "articles have"
    return (
        f"Only {results.all_words_total} {have} every word (listed first); "
        "articles with some of the words follow."
    )


def print_results(results: SearchResults, console: Console) -> None:
    first = (results.page - 1) * results.page_size + 1
    last = first + len(results.hits) - 1
    summary = Text()
    if results.hits:
        summary.append(f"{first}-{last} of {results.total} articles", style="bold")
    else:
        summary.append(f"no articles on this page ({results.total} in all)", style="bold")
    summary.append(f"  ({results.took_ms:.0f} ms)", style="dim")
    console.print(summary)
    if results.relaxed:
        console.print(Text(relaxed_note(results), "yellow"))
    if results.partial:
        console.print(Text("Time limit reached: results may be incomplete.", "yellow"))
    if results.suggestion:
        console.print(Text.assemble("Did you mean: ", (clean_text(results.suggestion), "bold")))
    for number, hit in enumerate(results.hits, start=first):
        console.print()
        console.print(_hit_text(number, hit))
    facet_lines = _facet_text(results)
    if facet_lines.plain:
        console.print()
        console.print(facet_lines)


def _hit_text(number: int, hit: Hit) -> Text:
    text = Text()
    text.append(f"{number}. ", style="dim")
    text.append(clean_text(hit.title) or "(untitled)", style="bold cyan")
    text.append(f"  [{clean_text(hit.id)}]\n", style="dim")
    meta = [hit.date.strftime("%Y-%m-%d") if hit.date else "", hit.source, hit.category]
    meta.append(", ".join(hit.places[:5]))
    text.append(clean_text(" · ".join(part for part in meta if part)), style="green")
    snippet = Text(hit.snippet)  # already plain text; spans index into it
    for start, end in hit.highlights:
        snippet.stylize("bold yellow", start, end)
    text.append("\n")
    text.append_text(snippet)
    return text


def _facet_text(results: SearchResults) -> Text:
    text = Text()
    for name, pairs in results.facets.items():
        if not pairs:
            continue
        shown = pairs if name in ("month", "year") else pairs[:SHOWN_FACET_VALUES]
        if name == "month" and len(shown) > 12:
            continue  # the year line summarises long histograms
        values = ", ".join(f"{clean_text(value)} ({count})" for value, count in shown)
        more = " …" if len(shown) < len(pairs) else ""
        text.append(f"{name}: ", style="bold")
        text.append(values + more + "\n")
    text.rstrip()
    return text


# -- show ------------------------------------------------------------------------------
def run_show(args: argparse.Namespace) -> int:
    with Engine.open(args.index) as engine:
        article = engine.get(args.article_id)
    if args.json:
        json.dump(article_to_json(article), sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        Console(highlight=False).print(article_text(article))
    return 0


def article_to_json(article: Article) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in Article.__slots__:
        value = getattr(article, name)
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        fields[name] = value
    return fields


def article_text(article: Article) -> Text:
    """The whole story: headline, metadata, body with subheads in place, captions."""
    text = Text()
    text.append(clean_text(article.title) + "\n", style="bold cyan")
    when = article.date.strftime("%Y-%m-%d") if article.date else ""
    if when and article.date_inferred:
        when += " (inferred)"
    meta = [when, article.source, article.category, ", ".join(article.places)]
    text.append(clean_text(" · ".join(part for part in meta if part)) + "\n", style="green")
    subheads = {clean_text(subhead) for subhead in article.subheads}
    for paragraph in article.body.split("\n"):
        line = clean_text(paragraph)
        if not line:
            continue
        text.append("\n")
        text.append(line + "\n", style="bold" if line in subheads else "")
    for caption in article.captions:
        text.append("\n")
        text.append("Picture: ", style="dim")
        text.append(clean_text(caption) + "\n", style="italic")
    if article.credits:
        text.append("\nCredits: " + clean_text(", ".join(article.credits)) + "\n", style="dim")
    if article.url:
        text.append(clean_text(article.url) + "\n", style="dim")
    text.rstrip()
    return text


# -- eval ------------------------------------------------------------------------------
def run_eval(args: argparse.Namespace) -> int:
    from search.evaluation import baseline_run, engine_run, read_queries, score_run, write_run

    queries = read_queries(args.queries)
    query_ids = [qid for qid, _ in queries]
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
    print(f"{len(queries)} queries")
    print(f"{'run':<16}{'MAP':>8}{'nDCG@10':>10}{'P@5':>8}")
    for name, values in scores.items():
        print(f"{name:<16}{values['AP']:>8.4f}{values['nDCG@10']:>10.4f}{values['P@5']:>8.4f}")
    return 0
