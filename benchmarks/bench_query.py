"""Query latency: newsdesk vs naive Whoosh, SQLite FTS5, tantivy and ripgrep, same run.

Each query asks for the top 10 and every facet count (source, category, topics, places,
people, organisations, month, year) over the whole result set.  newsdesk runs with all
features on (BM25F over title/subheads/captions/body, snippets, facets); the naive
Whoosh searcher queries the SAME index the tutorial way (a searcher per query,
``groupedby`` FieldFacets + DateRangeFacets).  Latency is per query after one warm-up
pass; ratios (peer p95 / newsdesk p95) are the figures to compare across machines.
``newsdesk-warm`` is the same engine after ``Engine.warm()`` (what ``Engine.open(...,
warm=True)`` does in the background for a long-lived session): every cache filled first.

    .venv/bin/python benchmarks/bench_query.py reuters bbc --queries 100
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from harness import (
    machine_note,
    markdown_table,
    parse_engines,
    percentile,
    ratio,
    read_articles,
    resolve_corpus,
    run_child,
    save_articles,
)
from query_set import build_query_set

from corpus.model import Article

ENGINES = ("newsdesk", "newsdesk-warm", "whoosh", "fts5", "tantivy", "ripgrep")
#: Engines that query newsdesk's own index.
SAME_INDEX = ("newsdesk-warm", "whoosh")
#: The goals of issue 4: newsdesk's p95 must be at least this many times lower.
GOALS = {"whoosh": 20.0, "ripgrep": 10.0, "fts5": 1 / 3}


class Searcher(Protocol):
    name: str

    def query(self, text: str) -> int: ...

    def close(self) -> None: ...


def open_searcher(engine: str, folders: dict[str, Path], articles: Sequence[Article]) -> Searcher:
    if engine in ("newsdesk", "newsdesk-warm"):
        from ours import EngineSearcher

        return EngineSearcher(folders["newsdesk"], warm=engine == "newsdesk-warm")
    if engine == "whoosh":
        from peer_whoosh import NaiveWhooshSearcher

        dates = [article.date for article in articles if article.date is not None]
        span = (min(dates), max(dates)) if dates else None
        return NaiveWhooshSearcher(folders["newsdesk"], span)
    if engine == "fts5":
        from peer_fts5 import Fts5Searcher

        return Fts5Searcher(folders["fts5"])
    if engine == "tantivy":
        from peer_tantivy import TantivySearcher

        return TantivySearcher(folders["tantivy"])
    from peer_ripgrep import RipgrepSearcher

    return RipgrepSearcher(folders["ripgrep"])


def time_queries(searcher: Searcher, queries: Sequence[str]) -> tuple[list[float], list[int]]:
    """Per-query milliseconds and hit counts, after a warm-up pass over the first queries."""
    for text in queries[:10]:
        searcher.query(text)
    latencies, totals = [], []
    for text in queries:
        started = time.perf_counter()
        totals.append(searcher.query(text))
        latencies.append(1000 * (time.perf_counter() - started))
    return latencies, totals


def build_indexes(label: str, path: Path, articles: list[Article], engines: Sequence[str],
                  workdir: Path) -> dict[str, Path]:  # fmt: skip
    pickle_path = workdir / f"{label}.pickle"
    save_articles(articles, pickle_path)
    folders: dict[str, Path] = {}
    needed = {"newsdesk" if engine in SAME_INDEX else engine for engine in engines}
    for engine in sorted(needed):
        folders[engine] = workdir / f"{label}-{engine}"
        source = (
            ["--corpus", str(path)] if engine == "newsdesk" else ["--articles", str(pickle_path)]
        )
        run_child("build_worker.py", ["--builder", engine, "--out", str(folders[engine]),
                                      *source])  # fmt: skip
    return folders


def profile_engine(folders: dict[str, Path], articles: Sequence[Article],
                   queries: Sequence[str]) -> str:  # fmt: skip
    """Where newsdesk's query time goes (top functions by cumulative time)."""
    searcher = open_searcher("newsdesk", folders, articles)
    profiler = cProfile.Profile()
    profiler.enable()
    for text in queries:
        searcher.query(text)
    profiler.disable()
    searcher.close()
    stats = pstats.Stats(profiler)
    table: dict[tuple[str, int, str], Any] = stats.stats  # type: ignore[attr-defined]
    ranked = sorted(table.items(), key=lambda item: item[1][3], reverse=True)
    rows = []
    for (file, line, func), entry in ranked:
        if "/search/" in file or "/index/" in file or "/whoosh/" in file:
            short = file.split("site-packages/")[-1].split("/main/")[-1]
            per_query = 1000 * entry[3] / len(queries)
            rows.append([f"{short}:{line}({func})", entry[1], f"{per_query:.2f}"])
        if len(rows) == 20:
            break
    return markdown_table(["function", "calls", "cumulative ms/query"], rows)


def bench_corpus(spec: str, engines: Sequence[str], count: int, workdir: Path,
                 profile: bool) -> tuple[list[list[Any]], str]:  # fmt: skip
    label, path = resolve_corpus(spec)
    articles, _seconds, _skipped = read_articles(path)
    queries = build_query_set(articles, count)
    folders = build_indexes(label, path, articles, engines, workdir)
    measured: dict[str, tuple[list[float], list[int]]] = {}
    for engine in engines:
        searcher = open_searcher(engine, folders, articles)
        try:
            measured[engine] = time_queries(searcher, queries)
        finally:
            searcher.close()
        print(f"{label}: {engine} done", flush=True)
    ours_p95 = percentile(measured["newsdesk"][0], 95) if "newsdesk" in measured else 0.0
    rows = []
    for engine, (latencies, totals) in measured.items():
        p95 = percentile(latencies, 95)
        goal = GOALS.get(engine)
        verdict = ""
        if goal is not None and "newsdesk" in measured:
            verdict = "met" if p95 / ours_p95 >= goal else "MISSED"
        rows.append([
            label, engine, len(queries), f"{percentile(latencies, 50):.1f}", f"{p95:.1f}",
            f"{sum(latencies) / len(latencies):.1f}", f"{sum(totals) / len(totals):.0f}",
            ratio(p95, ours_p95) if engine != "newsdesk" else "", verdict,
        ])  # fmt: skip
    extra = ""
    if profile and "newsdesk" in engines:
        extra = f"\nnewsdesk query profile on {label}:\n" + profile_engine(
            folders, articles, queries
        )
    return rows, extra


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "corpora",
        nargs="*",
        default=["reuters", "bbc"],
        help="corpus names (reuters bbc ag_news time 20news), 'sample' or paths",
    )
    parser.add_argument("--queries", type=int, default=100, help="queries per corpus")
    parser.add_argument(
        "--engines",
        default=",".join(ENGINES),
        help="comma-separated subset of " + ",".join(ENGINES),
    )
    parser.add_argument("--profile", action="store_true", help="profile newsdesk's queries")
    parser.add_argument("--workdir", type=Path, help="scratch folder (default: a temp dir)")
    args = parser.parse_args()  # fmt: skip
    engines = parse_engines(parser, args.engines, ENGINES)
    rows: list[list[Any]] = []
    extras = []
    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-", dir=args.workdir) as scratch:
        for spec in args.corpora:
            corpus_rows, extra = bench_corpus(spec, engines, args.queries, Path(scratch),
                                              args.profile)  # fmt: skip
            rows += corpus_rows
            extras.append(extra)
    print(f"\nMachine: {machine_note()}\n")
    headers = ["corpus", "engine", "queries", "p50 ms", "p95 ms", "mean ms", "mean hits",
               "p95 / newsdesk p95", "issue-4 goal"]  # fmt: skip
    print(markdown_table(headers, rows))
    for extra in extras:
        print(extra)


if __name__ == "__main__":
    main()
