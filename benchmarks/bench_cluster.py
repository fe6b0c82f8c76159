"""A sharded index searched in one process, by a coordinator over in-process shards, and
by a coordinator over Ray actors on a local Ray instance: latency and its parts.

For each way, every query of a fixed news mix (``query_set.HAND_PICKED``: top 10 and
every facet) runs once to warm up, then ``--runs`` times.  Reported: p50/p95 of the
whole search; for the coordinator, the slowest shard's own time on the query round
(``ClusterEngine.slowest_shard_ms``) and the **overhead**, total minus slowest shard
(the coordinator's work plus, on Ray, the round trips); and each Ray worker's memory
(PSS) after the runs.  Same process, same machine: read the ratios.

    .venv/bin/python benchmarks/bench_cluster.py --index /tmp/idx-4shards --runs 5
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness import _pss_kb, machine_note, markdown_table, percentile
from query_set import HAND_PICKED

from search import Engine
from search.cluster.coordinator import ClusterEngine
from search.cluster.shards import LocalShards

Searcher = Callable[[str], tuple[float, float | None]]


def timed(engine: Any, cluster: bool) -> Searcher:
    def search(query: str) -> tuple[float, float | None]:
        started = time.perf_counter()
        engine.search(query, page_size=10)
        total = (time.perf_counter() - started) * 1000
        return total, (engine.slowest_shard_ms if cluster else None)

    return search


def measure(search: Searcher, queries: list[str], runs: int) -> dict[str, Any]:
    for query in queries:
        search(query)
    totals: list[float] = []
    overheads: list[float] = []
    shards: list[float] = []
    for _ in range(runs):
        for query in queries:
            total, slowest = search(query)
            totals.append(total)
            if slowest is not None:
                shards.append(slowest)
                overheads.append(total - slowest)
    figures: dict[str, Any] = {
        "p50_ms": percentile(totals, 50),
        "p95_ms": percentile(totals, 95),
    }
    if shards:
        figures.update(
            slowest_shard_p50_ms=percentile(shards, 50),
            overhead_p50_ms=percentile(overheads, 50),
            overhead_p95_ms=percentile(overheads, 95),
        )
    return figures


def _cell(figures: dict[str, Any], key: str) -> str:
    return f"{figures[key]:.1f}" if key in figures else "–"


def ray_floor(shards: Any, rounds: int) -> dict[str, float]:
    """Two rounds of calls that do nothing, to every actor: Ray's own share of a search
    (a search makes two rounds: query, fetch)."""
    import ray

    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(2):
            ray.get([shards.actor(n).__ray_call__.remote(_nothing) for n in range(shards.count)])
        times.append((time.perf_counter() - started) * 1000)
    return {"ray_floor_p50_ms": percentile(times, 50), "ray_floor_p95_ms": percentile(times, 95)}


def _nothing(_self: object) -> None:
    return None


def worker_memory_mb(shards: Any) -> list[float]:
    """PSS of each Ray actor's process (same machine)."""
    import ray

    pids = [
        ray.get(shards.actor(n).__ray_call__.remote(lambda _self: os.getpid()))
        for n in range(shards.count)
    ]
    return [round(_pss_kb(pid) / 1024, 1) for pid in pids]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", required=True, type=Path, help="a sharded index")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--ways", default="in-process,coordinator,ray")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    queries = list(HAND_PICKED)
    ways = args.ways.split(",")
    results: dict[str, Any] = {"index": str(args.index), "queries": len(queries)}
    if "in-process" in ways:
        with Engine.open(args.index) as engine:
            results["articles"] = engine.article_count
            results["in-process"] = measure(timed(engine, False), queries, args.runs)
    if "coordinator" in ways:
        with ClusterEngine(args.index, LocalShards) as cluster:
            results["shards"] = cluster.shard_count
            results["coordinator"] = measure(timed(cluster, True), queries, args.runs)
    if "ray" in ways:
        from search.cluster.ray_shards import RayShards

        made: list[RayShards] = []

        def ray_shards(folder: str, count: int) -> RayShards:
            made.append(RayShards(folder, count))
            return made[-1]

        started = time.perf_counter()
        with ClusterEngine(args.index, ray_shards) as cluster:
            results["ray_open_s"] = round(time.perf_counter() - started, 2)
            results["ray"] = measure(timed(cluster, True), queries, args.runs)
            results["ray"]["worker_pss_mb"] = worker_memory_mb(made[-1])
            results["ray"].update(ray_floor(made[-1], len(queries) * args.runs))
    rows = []
    for way in ("in-process", "coordinator", "ray"):
        if way not in results:
            continue
        f = results[way]
        rows.append([
            way,
            f"{f['p50_ms']:.1f}",
            f"{f['p95_ms']:.1f}",
            _cell(f, "slowest_shard_p50_ms"),
            _cell(f, "overhead_p50_ms") + " / " + _cell(f, "overhead_p95_ms"),
            _cell(f, "ray_floor_p50_ms") + " / " + _cell(f, "ray_floor_p95_ms"),
            ", ".join(f"{m:.0f}" for m in f.get("worker_pss_mb", [])) or "–",
        ])  # fmt: skip
    print(machine_note())
    print(f"{results.get('articles', '?')} articles, {results.get('shards', '?')} shards, "
          f"{len(queries)} queries x {args.runs} runs")  # fmt: skip
    print(markdown_table(
        ["way", "p50 ms", "p95 ms", "slowest shard p50 ms", "overhead p50 / p95 ms",
         "2 empty Ray rounds p50 / p95 ms", "worker PSS MB"],
        rows,
    ))  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
